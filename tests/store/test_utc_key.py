"""`utc_key` writes exactly what `strftime` wrote before it was formatted by hand (issue 16).

Stored `at_utc` keys sort observations by instant; a key written differently
for the same instant (a padded year, a missing fraction) would sort old and
new rows apart.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

from crucible.app.store.types import utc_key


def test_utc_key_is_the_strftime_text() -> None:
    """Random aware times, years 1 to 9998 (unpadded below 1000), odd offsets, any fraction."""
    rng = random.Random(16)
    for _ in range(20_000):
        offset = timedelta(minutes=rng.randint(-23 * 60, 23 * 60), seconds=rng.choice([0, 17]))
        moment = datetime(
            rng.choice([rng.randint(2, 9998), rng.randint(2, 1100)]),
            rng.randint(1, 12),
            rng.randint(1, 28),
            rng.randint(0, 23),
            rng.randint(0, 59),
            rng.randint(0, 59),
            rng.choice([0, rng.randint(0, 999_999)]),
            tzinfo=timezone(offset),
        )
        assert utc_key(moment) == moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_utc_key_examples() -> None:
    """Two instants written out, one of them before the year 1000."""
    moment = datetime(2026, 3, 14, 10, 15, 0, 250_000, tzinfo=timezone(timedelta(hours=-5)))
    assert utc_key(moment) == "2026-03-14T15:15:00.250000Z"
    assert utc_key(datetime(999, 1, 1, tzinfo=UTC)) == "999-01-01T00:00:00.000000Z"
