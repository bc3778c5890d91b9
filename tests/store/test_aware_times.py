"""Stored times come back sharing one offset object per offset (issue 16)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from crucible.app.store.types import aware_from_iso


def test_equal_offsets_share_one_tzinfo_and_values_do_not_change() -> None:
    """Comparing times with one shared tzinfo takes CPython's fast path; the values stay equal."""
    texts = ["2026-03-02T09:00:00+01:00", "2026-03-02T09:00:05.250000+01:00"]
    first, second = (aware_from_iso(text) for text in texts)
    assert first.tzinfo is second.tzinfo
    assert [first, second] == [datetime.fromisoformat(text) for text in texts]
    assert first.utcoffset() == timedelta(hours=1)
    other = aware_from_iso("2026-03-02T09:00:00-05:00")
    assert other.tzinfo == timezone(timedelta(hours=-5))
    assert other.tzinfo is not first.tzinfo
    assert aware_from_iso("2026-03-02T09:00:00").tzinfo is None
