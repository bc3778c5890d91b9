"""The timeline's axis places a time at its hours since its day began, after the days before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from crucible.app.domain.timeline import TimelineDay
from crucible.app.ui.block.timeline_data import DAY_GAP_H, TimeAxis

ZONES = [UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30))]


@given(
    zone=st.sampled_from(ZONES),
    other=st.sampled_from(ZONES),
    day_hours=st.lists(st.floats(min_value=1, max_value=12), min_size=1, max_size=3),
    day=st.integers(min_value=0, max_value=2),
    seconds=st.floats(min_value=0, max_value=12 * 3600),
)
def test_a_time_sits_at_its_hours_into_its_day(
    zone: timezone, other: timezone, day_hours: list[float], day: int, seconds: float
) -> None:
    """Same place as POSIX time arithmetic, whatever zone the time is written in."""
    start = datetime(2026, 3, 2, 9, 0, tzinfo=zone)
    days = tuple(
        TimelineDay(n + 1, start + timedelta(days=n), start + timedelta(days=n, hours=hours))
        for n, hours in enumerate(day_hours)
    )
    axis = TimeAxis(days)
    number = min(day, len(days) - 1) + 1
    at = (days[number - 1].start + timedelta(seconds=seconds)).astimezone(other)
    before = sum(hours + DAY_GAP_H for hours in day_hours[: number - 1])
    expected = before + (at.timestamp() - days[number - 1].start.timestamp()) / 3600
    assert abs(axis.x(at, number) - expected) < 1e-9
