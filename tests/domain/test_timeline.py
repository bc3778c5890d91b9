"""The timeline series: lanes per partner, flips marked where they land, days and day breaks."""

from __future__ import annotations

from hypothesis import given, settings

from crucible.app.domain.analytics import summarize_intensive
from crucible.app.domain.intensive import Intensive
from crucible.app.domain.timeline import TimelineDay, timeline_series
from crucible.app.domain.vocabulary import PartnerKey

from .builders import (
    DOWN,
    SAME,
    UP,
    A,
    B,
    at,
    block,
    day,
    intensive,
    intensives,
    load_intensive,
    obs,
)

DAY_2 = 86400


def _sample_intensive() -> Intensive:
    return intensive(
        day(
            1,
            block(
                obs(0, A, DOWN, observation_id=1),
                obs(30, B, SAME),
                obs(60, A, UP, 4, observation_id=2),
            ),
            block(obs(4000, B, UP), start=3900, end=None),
        ),
        day(2, block(obs(DAY_2 + 10, A, SAME), start=DAY_2, end=DAY_2 + 1800)),
    )


def test_points_are_split_by_partner_in_time_order() -> None:
    """Each partner's lane holds only their observations, in time order."""
    series = timeline_series(_sample_intensive())
    assert [p.at for p in series.points[A]] == [at(0), at(60), at(DAY_2 + 10)]
    assert [p.at for p in series.points[B]] == [at(30), at(4000)]
    assert all(p.partner is A for p in series.points[A])


def test_flip_marked_on_the_landing_observation() -> None:
    """Only the observation a flip lands on is marked as a flip."""
    series = timeline_series(_sample_intensive())
    assert [p.is_flip for p in series.points[A]] == [False, True, False]
    landing = series.points[A][1]
    assert (landing.stance, landing.intensity, landing.observation_id) == (UP, 4, 2)


def test_flip_marks_follow_the_window() -> None:
    """A narrower window leaves the same observation unmarked."""
    series = timeline_series(_sample_intensive(), flip_window_s=59)
    assert not any(p.is_flip for lane in series.points.values() for p in lane)


def test_points_know_their_day_and_block() -> None:
    """Each point carries its day number and its block's position within the day."""
    series = timeline_series(_sample_intensive())
    assert [(p.day, p.block_index) for p in series.points[B]] == [(1, 0), (1, 1)]
    assert (series.points[A][-1].day, series.points[A][-1].block_index) == (2, 0)


def test_days_and_day_breaks() -> None:
    """Days run from first start to last end (open block: last entry); breaks start day 2."""
    series = timeline_series(_sample_intensive())
    assert series.days == (
        TimelineDay(1, at(0), at(4000)),
        TimelineDay(2, at(DAY_2), at(DAY_2 + 1800)),
    )
    assert series.day_breaks == (at(DAY_2),)
    number, start, end = series.days[0]
    assert (number, start, end) == (1, at(0), at(4000))


def test_day_without_blocks_has_no_extent() -> None:
    """A day with no blocks is left out of the days and breaks; both lanes still exist."""
    series = timeline_series(intensive(day(1), day(2, block(start=DAY_2, end=DAY_2 + 60))))
    assert [d.number for d in series.days] == [2]
    assert series.day_breaks == ()
    assert series.points == {A: (), B: ()}


def test_spans_follow_the_stance_time_rule() -> None:
    """Spans run to the partner's next observation or the block end."""
    series = timeline_series(_sample_intensive())
    spans = series.spans[A]
    assert [(s.stance, s.start, s.end) for s in spans] == [
        (DOWN, at(0), at(60)),
        (UP, at(60), at(3600)),
        (SAME, at(DAY_2 + 10), at(DAY_2 + 1800)),
    ]


@settings(max_examples=60, deadline=None)
@given(intensives())
def test_flip_marks_match_the_flip_counts(drawn: Intensive) -> None:
    """Marked points per lane equal that partner's flips, and every observation is a point."""
    series = timeline_series(drawn)
    summary = summarize_intensive(drawn)
    for key in PartnerKey:
        lane = series.points[key]
        assert sum(p.is_flip for p in lane) == summary.partners[key].total.flips
        assert len(lane) == summary.partners[key].total.observations
        assert [p.at for p in lane] == sorted(p.at for p in lane)


def test_sample_timeline_covers_every_observation() -> None:
    """On the sample file, both lanes together hold every observation, with one break."""
    source = load_intensive()
    series = timeline_series(source)
    logged = sum(len(b.observations) for d in source.days for b in d.blocks)
    assert sum(len(lane) for lane in series.points.values()) == logged
    assert len(series.day_breaks) == len(source.days) - 1
    assert series.day_breaks[0] == source.days[1].blocks[0].start


@settings(max_examples=40, deadline=None)
@given(intensives())
def test_a_left_out_block_keeps_its_day_but_adds_no_points(drawn: Intensive) -> None:
    """Leaving a block out (the live workspace draws it itself) drops exactly its points."""
    whole = timeline_series(drawn)
    for one_day in drawn.days:
        for position, _block in enumerate(one_day.blocks):
            series = timeline_series(drawn, leave_out=(one_day.number, position))
            assert series.days == whole.days  # it still widens its day
            assert series.blocks == whole.blocks
            for key in PartnerKey:
                place = (one_day.number, position)
                kept = [p for p in whole.points[key] if (p.day, p.block_index) != place]
                assert list(series.points[key]) == kept
