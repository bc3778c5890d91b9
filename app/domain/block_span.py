"""When a block ran, as against when it was planned: the one rule every figure and chart uses.

Real sessions start late, run over, or move to another day. A block keeps
its plan (``start``..``end``) and, beside it, what the app recorded as the
session ran (``actual_start``/``actual_end``, a :class:`Run`). The span that
stance time, flips per hour, the timeline and the reports use is
:func:`effective_span`:

1. **What ran.** With nothing recorded (old data, a ``/1`` document, a block
   never run live) the plan is what ran. Otherwise the recorded start (or
   the plan's start, if only an end was recorded) to the recorded end.
2. **Still running.** An end that is not known yet (an open plan, or a run
   started and not stopped) is the latest observation of either partner;
   with no observation the block has lasted, as far as anyone knows, no time.
3. **Every observation is inside.** The span is widened to cover the first
   and last observation, so data logged outside the plan or the run (old
   vaults, imports, a wrong clock) is drawn where it happened and counted
   for the time it held, instead of being clipped to the plan.

The same module holds the two other rules about dates: which moments an
imported block may hold (:func:`observation_window`) and when logging needs
the clinician's word that the block runs today (:func:`asks_for_today`);
and the one wording of a schedule that was not kept (:func:`schedule_text`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final, Protocol

from crucible.app.domain.block_memo import BlockMemo
from crucible.app.domain.intensive import Block

RUN_GAP: Final = timedelta(hours=2)
"""A run whose last sign of life is at most this old is still the same sitting (past midnight)."""

MARGIN_DAYS: Final = 1
"""Calendar days either side of a block's plan and run in which its observations may lie."""


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of wall-clock time, ``start <= end``."""

    start: datetime
    end: datetime

    @property
    def duration(self) -> timedelta:
        """How long it lasted."""
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Run:
    """What the app recorded of a block as it ran; either end may be unknown.

    The methods are the recording rules, shared by the vault's writes and the
    live workspace's copy, so the two can never disagree.
    """

    start: datetime | None = None
    end: datetime | None = None

    def started(self, at: datetime) -> Run:
        """Live mode on (or the block clock started): the start, if none is recorded yet."""
        return self if self.start is not None else Run(at, self.end)

    def reached(self, at: datetime) -> Run:
        """An observation or a stop at ``at``: the end moves later, never earlier."""
        if self.end is not None and self.end >= at:
            return self
        return Run(self.start, at)

    def moved_to(self, at: datetime) -> Run:
        """The clinician said the block runs today: keep what was recorded today, up to ``at``."""
        start, end = self.start, self.end
        if start is None or not _same_date(start, at) or start > at:
            start = at
        if end is None or not _same_date(end, at) or end < at:
            end = at
        return Run(start, end)


def _same_date(moment: datetime, now: datetime) -> bool:
    """Whether ``moment`` falls on ``now``'s calendar date, on ``now``'s clock."""
    return moment.astimezone(now.tzinfo).date() == now.date()


def run_of(block: Block) -> Run:
    """The block's recorded run."""
    return Run(block.actual_start, block.actual_end)


def effective_span(block: Block) -> Span:
    """Return the span the figures, the timeline and the reports use (the rule above).

    Remembered per block object (:mod:`app.domain.block_memo`): figures, the
    timeline and the live summary ask for the same block's span many times
    per key, and each answer scans every observation.
    """
    return _SPANS(block)


def _effective_span(block: Block) -> Span:
    observations = block.observations
    if not observations:
        return span_with(block, None, None)
    first = min(observation.at for observation in observations)
    last = max(observation.at for observation in observations)
    return span_with(block, first, last)


_SPANS: BlockMemo[Block, Span] = BlockMemo(_effective_span)


def span_of_time_ordered(block: Block) -> Span:
    """The effective span of a block whose observations are in time order, remembered.

    The live workspace keeps its block's observations sorted and makes a new
    block object at each key; the first and last observations are then the
    earliest and latest, so the span needs no scan of the block (two passes
    over a thousand times at every key). The caller vouches for the order.
    """
    observations = block.observations
    if observations:
        span = span_with(block, observations[0].at, observations[-1].at)
    else:
        span = span_with(block, None, None)
    _SPANS.remember(block, span)
    return span


class PlanAndRun(Protocol):
    """What :func:`span_with` reads of a block: a :class:`Block`, or a lighter record of one."""

    @property
    def start(self) -> datetime: ...  # noqa: D102
    @property
    def end(self) -> datetime | None: ...  # noqa: D102
    @property
    def actual_start(self) -> datetime | None: ...  # noqa: D102
    @property
    def actual_end(self) -> datetime | None: ...  # noqa: D102


def span_with(block: PlanAndRun, first: datetime | None, last: datetime | None) -> Span:
    """The :func:`effective_span` rule for a block whose observations run ``first`` to ``last``.

    For callers that stream a block's observations instead of holding them
    in it (the research export): the rule needs only the earliest and the
    latest moment. None for both when the block has no observation.
    """
    if block.actual_start is None and block.actual_end is None:
        start, end = block.start, block.end
    else:
        start = block.actual_start if block.actual_start is not None else block.start
        end = block.actual_end
    if first is not None and last is not None:
        start = min(start, first)
        end = last if end is None else max(end, last)
    elif end is None:
        end = start
    return Span(start, max(start, end))


def ran_off_plan(block: Block) -> bool:
    """Whether the span used differs from the plan, to the minute (:func:`differs_from_plan`)."""
    return differs_from_plan(block.start, block.end, effective_span(block))


def differs_from_plan(planned_start: datetime, planned_end: datetime | None, span: Span) -> bool:
    """Whether ``span`` is not the planned ``start..end``, to the minute, as schedules are read.

    An open plan (no end) compares its start only. Seconds are left out: a
    session that went live at 09:00:40 ran as planned, and saying otherwise
    would bury the real late starts under noise.
    """
    if _minute(span.start) != _minute(planned_start):
        return True
    return planned_end is not None and _minute(span.end) != _minute(planned_end)


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _clock_time(moment: datetime, zone_of: datetime, on: date) -> str:
    """``09:20``, or ``Tue 3 Nov 09:20`` when not on the date ``on``; on ``zone_of``'s clock."""
    local = moment.astimezone(zone_of.tzinfo)
    if local.date() == on:
        return f"{local:%H:%M}"
    return f"{local:%a} {local.day} {local:%b} {local:%H:%M}"


def ran_text(planned_start: datetime, span: Span) -> str:
    """``ran 09:20–11:50``, naming the date where it is not the planned one, on the plan's clock."""
    on = planned_start.date()
    start = _clock_time(span.start, planned_start, on)
    end_on = span.start.astimezone(planned_start.tzinfo).date()
    return f"ran {start}–{_clock_time(span.end, planned_start, end_on)}"


def schedule_text(planned_start: datetime, planned_end: datetime | None, span: Span) -> str:
    """``planned 09:00–11:30, ran 09:20–11:50``: the one wording of a schedule not kept."""
    plan = f"from {planned_start:%H:%M}"
    if planned_end is not None:
        until = _clock_time(planned_end, planned_start, planned_start.date())
        plan = f"{planned_start:%H:%M}–{until}"
    return f"planned {plan}, {ran_text(planned_start, span)}"


def observation_window(block: Block) -> tuple[datetime, datetime]:
    """Return ``[from, until)``: where a block's observations may lie.

    From midnight of the calendar day before the earliest of the planned and
    recorded times to midnight ending the day after the latest, in the plan's
    UTC offset. One day either side keeps a session that ran past midnight
    (or started before it) importable, and a block moved to another day
    carries its run with it. The exchange format checks observations
    against this, and only this.
    """
    zone = block.start.tzinfo
    moments = [
        moment
        for moment in (block.start, block.end, block.actual_start, block.actual_end)
        if moment is not None
    ]
    first = min(moments).astimezone(zone).date()
    last = max(moments).astimezone(zone).date()
    return (
        datetime.combine(first - timedelta(days=MARGIN_DAYS), time(0), zone),
        datetime.combine(last + timedelta(days=MARGIN_DAYS + 1), time(0), zone),
    )


def asks_for_today(run: Run, day_date: date, now: datetime) -> bool:
    """Whether logging at ``now`` needs the clinician's word that the block runs today.

    Args:
        run: The block's recorded run (:func:`run_of`).
        day_date: The date of the block's day.
        now: When the key was pressed.

    No question on the block's planned day, nor on a day its run was already
    recorded (the clinician said yes before, or live mode started it today),
    nor while a run that started before midnight is still going (its last
    recorded moment at most :data:`RUN_GAP` ago). Only dates and two
    in-memory times are compared: this sits on the single-keystroke path.
    """
    if now.date() == day_date:
        return False
    marks = [moment for moment in (run.start, run.end) if moment is not None]
    if any(_same_date(moment, now) for moment in marks):
        return False
    if not marks:
        return True
    return not timedelta(0) <= now - max(marks) <= RUN_GAP
