"""A session that does not run on schedule: late starts, overruns and other dates, worked by hand.

The block in these tests is planned 09:00-11:30 (T0 is 09:00 on Monday 2 November).
"""

from __future__ import annotations

import gc
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crucible.app.domain.analytics import partner_figures
from crucible.app.domain.block_span import (
    RUN_GAP,
    Run,
    Span,
    asks_for_today,
    effective_span,
    ran_off_plan,
    run_of,
    span_of_time_ordered,
)
from crucible.app.domain.intensive import Block
from crucible.app.domain.stance_time import stance_spans
from crucible.app.domain.timeline import TimelineBlock, TimelineDay, timeline_series

from .builders import DOWN, SAME, T0, UP, A, B, at, block, day, intensive, obs

PLANNED_END = 9000  # 11:30
DAY = 86400
H = 3600


# ---------------------------------------------------------------- the rule


def test_a_block_never_run_live_ran_as_planned() -> None:
    """Without a recorded run the plan is what ran (old data, /1 imports)."""
    assert effective_span(block(end=PLANNED_END)) == Span(at(0), at(PLANNED_END))
    assert not ran_off_plan(block(end=PLANNED_END))


def test_an_open_block_without_observations_lasts_no_time() -> None:
    """Open and empty: nothing later than the start is known."""
    assert effective_span(block(end=None)) == Span(at(0), at(0))


def test_a_recorded_run_replaces_the_plan() -> None:
    """Live on at 09:20, live off at 11:50: the block ran 09:20-11:50."""
    late = block(end=PLANNED_END, ran=(1200, 10200))
    assert effective_span(late) == Span(at(1200), at(10200))
    assert effective_span(late).duration == timedelta(minutes=150)
    assert ran_off_plan(late)


def test_a_run_still_going_ends_at_its_last_observation() -> None:
    """Started at 09:20 and not stopped yet: it has lasted until the latest observation."""
    running = block(obs(1300, A), obs(2000, B), end=PLANNED_END, ran=(1200, None))
    assert effective_span(running) == Span(at(1200), at(2000))


def test_a_recorded_end_alone_keeps_the_planned_start() -> None:
    """Logged with the key caps, never live: the plan's start, the run's end."""
    assert effective_span(block(end=PLANNED_END, ran=(None, 10200))) == Span(at(0), at(10200))


def test_observations_outside_the_span_widen_it() -> None:
    """Old data: the span used for figures covers every observation, before and after."""
    old = block(obs(-30000, A), obs(10800, B), end=PLANNED_END)
    assert effective_span(old) == Span(at(-30000), at(10800))
    early = block(obs(600, A), end=PLANNED_END, ran=(1200, 3000))
    assert effective_span(early) == Span(at(600), at(3000))


# ---------------------------------------------------------------- figures, worked by hand


def _late_and_over() -> tuple[Block]:
    """Planned 09:00-11:30, ran 09:20-12:00.

    A: one-down 09:20, one-up 09:21 (a flip up, 60 s), same-as 10:00, one-up 11:40.
    B: same-as 09:25.
    """
    return (
        block(
            obs(1200, A, DOWN),
            obs(1260, A, UP),
            obs(1500, B, SAME),
            obs(3600, A, SAME),
            obs(9600, A, UP),
            end=PLANNED_END,
            ran=(1200, 10800),
        ),
    )


def test_stance_time_of_a_late_start_and_an_overrun() -> None:
    """A: one-down 1 min, one-up 39 + 20 min, same-as 100 min; the overrun counts."""
    figures = partner_figures(_late_and_over(), A)
    assert dict(figures.stance_minutes) == {DOWN: 1.0, UP: 59.0, SAME: 100.0}
    assert figures.covered_minutes == 160.0
    assert figures.stance_time_shares[SAME] == pytest.approx(100 / 160)
    b = partner_figures(_late_and_over(), B)
    assert dict(b.stance_minutes) == {DOWN: 0.0, UP: 0.0, SAME: 155.0}


def test_flips_per_hour_divide_by_the_time_that_ran() -> None:
    """One flip in 160 joint minutes (09:20-12:00), not in the planned 150."""
    figures = partner_figures(_late_and_over(), A)
    assert (figures.flips_up, figures.flips_down) == (1, 0)
    assert figures.joint_minutes == 160.0
    assert figures.flips_per_hour == pytest.approx(1 / (160 / 60))


def test_the_clock_said_00_41() -> None:
    """Logged at 00:41 and 00:50 in a 09:00 block: one-up is not 100 % of 150 min.

    Old data (no run recorded): the span covers the observations, 00:41-11:30.
    With the run the app records (live 00:40-01:10): one-down 9 min, one-up 20 min.
    """
    logged = (obs(-29940, A, DOWN), obs(-29400, A, UP))
    old = partner_figures((block(*logged, end=PLANNED_END),), A)
    assert old.stance_minutes[DOWN] == 9.0
    assert old.stance_minutes[UP] == 640.0
    recorded = partner_figures((block(*logged, end=PLANNED_END, ran=(-30000, -28200)),), A)
    assert dict(recorded.stance_minutes) == {DOWN: 9.0, UP: 20.0, SAME: 0.0}
    assert recorded.joint_minutes == 30.0


def test_a_block_run_on_the_next_day() -> None:
    """Planned Monday 09:00-11:30, run on Tuesday 09:10-10:00 (the app's "log it as today").

    A: one-down 09:11:40, one-up 09:12:40 (a flip up): 1 min and 47 min 20 s.
    """
    moved = block(
        obs(DAY + 700, A, DOWN),
        obs(DAY + 760, A, UP),
        end=PLANNED_END,
        ran=(DAY + 600, DAY + 3600),
    )
    figures = partner_figures((moved,), A)
    assert figures.stance_minutes[DOWN] == 1.0
    assert figures.stance_minutes[UP] == pytest.approx(2840 / 60)
    assert figures.joint_minutes == 50.0
    assert figures.flips_per_hour == pytest.approx(1.2)
    spans = stance_spans(moved, A)
    assert [(s.start, s.end) for s in spans] == [
        (at(DAY + 700), at(DAY + 760)),
        (at(DAY + 760), at(DAY + 3600)),
    ]


# ---------------------------------------------------------------- the timeline


def test_the_timeline_spans_what_ran_and_keeps_the_plan() -> None:
    """The day shows 09:00-12:00 (plan and run); the block lists its plan beside what ran."""
    series = timeline_series(intensive(day(1, *_late_and_over())))
    assert series.days == (TimelineDay(1, at(0), at(10800)),)
    assert series.blocks == (
        TimelineBlock(
            day=1,
            block_index=0,
            planned_start=at(0),
            planned_end=at(PLANNED_END),
            start=at(1200),
            end=at(10800),
        ),
    )
    assert series.blocks[0].off_plan
    assert series.blocks[0].schedule == "planned 09:00–11:30, ran 09:20–12:00"
    assert [p.at for p in series.points[A]] == [at(1200), at(1260), at(3600), at(9600)]
    last = series.spans[A][-1]
    assert (last.stance, last.start, last.end) == (UP, at(9600), at(10800))


def test_a_block_moved_to_the_next_day_keeps_its_plan_in_words() -> None:
    """Run on Tuesday 09:10-10:00: the day spans the run only; the plan is not drawn."""
    moved = block(obs(DAY + 700, A), end=PLANNED_END, ran=(DAY + 600, DAY + 3600))
    series = timeline_series(intensive(day(1, moved)))
    assert series.days == (TimelineDay(1, at(DAY + 600), at(DAY + 3600)),)
    assert not series.blocks[0].plan_shown
    assert series.blocks[0].schedule == "planned 09:00–11:30, ran Tue 3 Nov 09:10–10:00"
    assert [p.at for p in series.points[A]] == [at(DAY + 700)]


def test_a_run_past_midnight_names_the_end_date() -> None:
    """Planned 20:00-23:30, ran 20:05-00:20: the end's date is named."""
    late = block(start=11 * H, end=14 * H + 1800, ran=(11 * H + 300, 15 * H + 1200))
    series = timeline_series(intensive(day(1, late)))
    assert series.blocks[0].plan_shown
    assert series.blocks[0].schedule == "planned 20:00–23:30, ran 20:05–Tue 3 Nov 00:20"


def test_the_timeline_of_a_block_on_plan_is_not_off_plan() -> None:
    """A block that ran as planned lists equal plan and run."""
    series = timeline_series(intensive(day(1, block(obs(60, A), end=PLANNED_END))))
    assert not series.blocks[0].off_plan
    assert series.days == (TimelineDay(1, at(0), at(PLANNED_END)),)


# ---------------------------------------------------------------- recording the run


def test_a_run_starts_once() -> None:
    """Live on sets the start if unset; a second live on keeps the first."""
    assert Run().started(at(1200)) == Run(at(1200), None)
    assert Run(at(1200), None).started(at(5000)) == Run(at(1200), None)


def test_a_run_only_ever_reaches_later() -> None:
    """The end moves with the latest observation or stop, never back."""
    assert Run().reached(at(1200)) == Run(None, at(1200))
    assert Run(at(0), at(9000)).reached(at(8000)) == Run(at(0), at(9000))
    assert Run(at(0), at(9000)).reached(at(9600)) == Run(at(0), at(9600))


def test_a_run_moved_to_today_keeps_only_what_happened_today() -> None:
    """Yesterday's record is replaced by now; a start already made today is kept."""
    yesterday = Run(at(300), at(9000))
    assert yesterday.moved_to(at(DAY + 720)) == Run(at(DAY + 720), at(DAY + 720))
    today = Run(at(DAY + 300), None)
    assert today.moved_to(at(DAY + 720)) == Run(at(DAY + 300), at(DAY + 720))


def test_run_of_reads_the_block() -> None:
    """The run is the block's two recorded ends."""
    assert run_of(block(ran=(1200, 10200))) == Run(at(1200), at(10200))


# ---------------------------------------------------------------- the date question


def test_logging_on_the_blocks_day_asks_nothing() -> None:
    """At any hour of the planned day: no question."""
    planned = block(end=PLANNED_END)
    assert not asks_for_today(run_of(planned), T0.date(), at(-30000))
    assert not asks_for_today(run_of(planned), T0.date(), at(14 * H))


def test_logging_on_another_day_asks() -> None:
    """The next morning, a block never run: ask."""
    assert asks_for_today(run_of(block(end=PLANNED_END)), T0.date(), at(DAY + 600))


def test_a_run_recorded_today_asks_nothing() -> None:
    """After "log it as today" the run is on today's date: no second question."""
    moved = block(end=PLANNED_END, ran=(DAY + 600, DAY + 700))
    assert not asks_for_today(run_of(moved), T0.date(), at(DAY + 900))


def test_a_session_running_past_midnight_asks_nothing_while_it_runs() -> None:
    """Last logged at 23:58, logging again at 00:05: the same sitting.

    Three hours after its last sign of life it is another sitting, and the question comes.
    """
    evening = block(start=11 * H, end=14 * H, ran=(11 * H, 14 * H + 58 * 60))
    assert not asks_for_today(run_of(evening), T0.date(), at(15 * H + 5 * 60))
    assert timedelta(hours=3) > RUN_GAP
    assert asks_for_today(run_of(evening), T0.date(), at(14 * H + 58 * 60) + timedelta(hours=3))


def test_a_span_is_remembered_only_while_its_block_lives() -> None:
    """The span is worked out once per block object and forgotten with it (no client data kept)."""
    from crucible.app.domain import block_span

    before = len(block_span._SPANS)
    late = _late_and_over()[0]
    assert effective_span(late) is effective_span(late)
    assert len(block_span._SPANS) == before + 1
    del late
    gc.collect()
    assert len(block_span._SPANS) == before


@given(
    seconds=st.lists(st.integers(-3 * H, 6 * H), max_size=12),
    ran=st.tuples(st.none() | st.integers(-H, 2 * H), st.none() | st.integers(0, 4 * H)),
    open_ended=st.booleans(),
)
def test_a_time_ordered_block_gets_the_span_a_scan_gives(
    seconds: list[int], ran: tuple[int | None, int | None], open_ended: bool
) -> None:
    """What the live workspace's sorted block is given equals the rule's scan, and is kept."""
    ordered = block(
        *(obs(s, observation_id=n) for n, s in enumerate(sorted(seconds))),
        end=None if open_ended else PLANNED_END,
        ran=ran,
    )
    end = None if open_ended else PLANNED_END
    scanned = block(*ordered.observations, end=end, ran=ran)  # another object: scanned
    given_span = span_of_time_ordered(ordered)
    assert given_span == effective_span(scanned)
    assert effective_span(ordered) is given_span  # remembered for the object
