"""The timeline across the intensive: one lane per partner, day breaks marked, flips highlighted.

The report's timeline and the live screen's strip draw the same series, so it
is assembled here from the value objects, with no drawing in it. Points are
the observations themselves; spans are the stretches each stance held (the
stance-time rule), for charts that draw a step line rather than dots. The
overnight gap between days is left to the chart to compress: the series keeps
real wall-clock times, and ``day_breaks`` says where to cut. Days extend over
what each block ran (:func:`app.domain.block_span.effective_span`), so a late
start or an overrun is drawn where it happened; ``blocks`` keeps each plan
beside it, for charts that show the plan as the plan (outlined, on the same
date; in words when the block moved to another day).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from crucible.app.domain.block_span import Span, differs_from_plan, effective_span, schedule_text
from crucible.app.domain.figures import frozen_mapping
from crucible.app.domain.flips import DEFAULT_FLIP_WINDOW_S, find_flips
from crucible.app.domain.intensive import Intensive, Observation
from crucible.app.domain.slot_setters import slot_setters
from crucible.app.domain.stance_time import StanceSpan, chronological, stance_spans
from crucible.app.domain.vocabulary import PartnerKey, Stance


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    """One observation placed on the timeline.

    Attributes:
        at: When it was observed.
        partner: Whose lane it goes in.
        stance: Where on the self-esteem axis.
        intensity: 1-5, for the size of the mark.
        is_flip: Whether this observation completes a flip (it is the
            ``after`` of a :class:`app.domain.flips.Flip`): the point where
            the partner landed is what the clinician wants highlighted.
        day: Number of the day.
        block_index: Position of the block within its day's ``blocks``.
        observation_id: The observation's id in the vault, if it has one.
    """

    at: datetime
    partner: PartnerKey
    stance: Stance
    intensity: int
    is_flip: bool
    day: int
    block_index: int
    observation_id: int | None


_SET_AT, _SET_PARTNER, _SET_STANCE, _SET_INTENSITY, _SET_FLIP, _SET_DAY, _SET_BLOCK, _SET_ID = (
    slot_setters(
        TimelinePoint,
        (
            "at",
            "partner",
            "stance",
            "intensity",
            "is_flip",
            "day",
            "block_index",
            "observation_id",
        ),
    )
)


def timeline_point(
    observation: Observation, is_flip: bool, day: int, block_index: int
) -> TimelinePoint:
    """The observation's point, equal to ``TimelinePoint(...)`` with its values, built faster.

    A block opens with a point for each of its (up to thousands of)
    observations: the generated ``__init__`` of a frozen dataclass sets each
    of the eight fields through ``object.__setattr__``, the slots' own
    setters (:mod:`app.domain.slot_setters`) in a third of the time.
    """
    point = object.__new__(TimelinePoint)
    _SET_AT(point, observation.at)
    _SET_PARTNER(point, observation.partner)
    _SET_STANCE(point, observation.stance)
    _SET_INTENSITY(point, observation.intensity)
    _SET_FLIP(point, is_flip)
    _SET_DAY(point, day)
    _SET_BLOCK(point, block_index)
    _SET_ID(point, observation.id)
    return point


@dataclass(frozen=True, slots=True)
class TimelineBlock:
    """One block's plan beside the span it is drawn with (:func:`effective_span`).

    Attributes:
        day: Number of the day.
        block_index: Position of the block within its day's ``blocks``.
        planned_start: The plan's start.
        planned_end: The plan's end; None for a block planned open.
        start: Start of the span used (what ran, covering every observation).
        end: End of the span used.
    """

    day: int
    block_index: int
    planned_start: datetime
    planned_end: datetime | None
    start: datetime
    end: datetime

    @property
    def span(self) -> Span:
        """The span it is drawn with."""
        return Span(self.start, self.end)

    @property
    def off_plan(self) -> bool:
        """Whether it ran otherwise than planned (late, over, early, on another day)."""
        return differs_from_plan(self.planned_start, self.planned_end, self.span)

    @property
    def plan_shown(self) -> bool:
        """Whether the plan is drawn beside the run: it is on a date the block ran.

        A block moved to another day keeps its plan in words only; drawing
        it would stretch the day over the nights in between.
        """
        planned_on = self.planned_start.date()
        zone = self.planned_start.tzinfo
        return planned_on in {self.start.astimezone(zone).date(), self.end.astimezone(zone).date()}

    @property
    def extent(self) -> Span:
        """What the chart must show of it: the run, and the plan when it is drawn."""
        if not self.plan_shown:
            return self.span
        planned_end = self.planned_end or self.planned_start
        return Span(min(self.start, self.planned_start), max(self.end, planned_end))

    @property
    def schedule(self) -> str:
        """``planned 09:00–11:30, ran 09:20–11:50``."""
        return schedule_text(self.planned_start, self.planned_end, self.span)


class TimelineDay(NamedTuple):
    """One day's extent on the timeline: ``(number, first start, last end)``.

    It covers what every block of the day ran and, where drawn, its plan
    (:attr:`TimelineBlock.extent`).

    A named tuple, so it unpacks as a plain triple too.
    """

    number: int
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class TimelineSeries:
    """Everything a timeline chart needs, per partner and per day.

    Attributes:
        points: Each partner's observations in time order (both keys always present).
        day_breaks: The start of each day after the first that has blocks,
            where the chart marks the break.
        days: Extent of each day that has blocks, in day order; days without
            blocks have no extent and are left out.
        spans: Each partner's stance spans in time order, per the stance-time rule.
        blocks: Every block's plan beside the span it ran, in day and block order,
            so charts can draw the plan as the plan.
    """

    points: Mapping[PartnerKey, tuple[TimelinePoint, ...]]
    day_breaks: tuple[datetime, ...]
    days: tuple[TimelineDay, ...]
    spans: Mapping[PartnerKey, tuple[StanceSpan, ...]]
    blocks: tuple[TimelineBlock, ...] = ()


def timeline_series(
    intensive: Intensive,
    flip_window_s: int = DEFAULT_FLIP_WINDOW_S,
    *,
    leave_out: tuple[int, int] | None = None,
) -> TimelineSeries:
    """Build the timeline series of an intensive.

    Args:
        intensive: The intensive to draw.
        flip_window_s: The flip window, so highlighted flips match the figures.
        leave_out: A block (day number, position in the day) whose points and
            spans are left out; it still counts for its day's extent. The live
            workspace draws the open block itself, so building its thousand
            points here too would be wasted on every block open.

    Returns:
        The series; points sharing an instant keep their logging order.

    Raises:
        ValueError: If ``flip_window_s`` is negative.
    """
    points: dict[PartnerKey, list[TimelinePoint]] = {key: [] for key in PartnerKey}
    spans: dict[PartnerKey, list[StanceSpan]] = {key: [] for key in PartnerKey}
    days: list[TimelineDay] = []
    blocks: list[TimelineBlock] = []
    for day in intensive.days:
        extents: list[Span] = []
        for block_index, block in enumerate(day.blocks):
            used = effective_span(block)
            entry = TimelineBlock(
                day.number, block_index, block.start, block.end, used.start, used.end
            )
            blocks.append(entry)
            extents.append(entry.extent)
            if (day.number, block_index) == leave_out:
                continue
            flipped = {flip.after_index for flip in find_flips(block, flip_window_s)}
            for index, observation in chronological(block):
                points[observation.partner].append(
                    timeline_point(observation, index in flipped, day.number, block_index)
                )
            for key in PartnerKey:
                spans[key].extend(stance_spans(block, key))
        if extents:
            start = min(extent.start for extent in extents)
            end = max(extent.end for extent in extents)
            days.append(TimelineDay(day.number, start, end))
    # Blocks are usually listed in time order, but nothing enforces it; the
    # sorts are stable, so points sharing an instant keep their logging order.
    return TimelineSeries(
        points=frozen_mapping(
            {key: tuple(sorted(points[key], key=lambda p: p.at)) for key in PartnerKey}
        ),
        day_breaks=tuple(day.start for day in days[1:]),
        days=tuple(days),
        spans=frozen_mapping(
            {key: tuple(sorted(spans[key], key=lambda s: s.start)) for key in PartnerKey}
        ),
        blocks=tuple(blocks),
    )
