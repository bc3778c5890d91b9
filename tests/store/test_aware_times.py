"""Stored times come back sharing one offset object per offset (issue 16)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

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


_OFFSETS = st.builds(
    lambda minutes, seconds: timezone(timedelta(minutes=minutes, seconds=seconds)),
    st.integers(-23 * 60 - 59, 23 * 60 + 59),
    st.sampled_from([0, 0, 0, 15]),
)


@settings(max_examples=300, deadline=None)
@given(st.datetimes(timezones=_OFFSETS), st.sampled_from(["seconds", "microseconds", "auto"]))
def test_any_stored_time_reads_back_as_the_parse_would_give_it(
    moment: datetime, timespec: str
) -> None:
    """The fast path (offset text to a shared origin, plus the wall-clock time) is exact.

    Read twice, so the second read takes the fast path for an offset the
    first one met: same fields (microseconds and fold included), an equal
    offset and one shared tzinfo object per offset.
    """
    text = moment.isoformat(timespec=timespec)
    expected = datetime.fromisoformat(text)
    for read in (aware_from_iso(text), aware_from_iso(text)):
        assert read == expected
        assert read.replace(tzinfo=None) == expected.replace(tzinfo=None)
        assert read.utcoffset() == expected.utcoffset()
        assert read.fold == expected.fold == 0
        assert read.tzinfo is aware_from_iso(expected.isoformat()).tzinfo
