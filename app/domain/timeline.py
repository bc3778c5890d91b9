"""The timeline across the intensive: one lane per partner, day breaks marked, flips highlighted.

The report's timeline and the live screen's strip draw the same series, so it
is assembled here from the value objects, with no drawing in it. Points are
the observations themselves; spans are the stretches each stance held (the
stance-time rule), for charts that draw a step line rather than dots. The
overnight gap between days is left to the chart to compress: the series keeps
real wall-clock times, and ``day_breaks`` says where to cut.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from app.domain.figures import frozen_mapping
from app.domain.flips import DEFAULT_FLIP_WINDOW_S, find_flips
from app.domain.intensive import Intensive
from app.domain.stance_time import StanceSpan, chronological, effective_end, stance_spans
from app.domain.vocabulary import PartnerKey, Stance


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


class TimelineDay(NamedTuple):
    """One day's extent on the timeline: ``(number, first start, last end)``.

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
    """

    points: Mapping[PartnerKey, tuple[TimelinePoint, ...]]
    day_breaks: tuple[datetime, ...]
    days: tuple[TimelineDay, ...]
    spans: Mapping[PartnerKey, tuple[StanceSpan, ...]]


def timeline_series(
    intensive: Intensive, flip_window_s: int = DEFAULT_FLIP_WINDOW_S
) -> TimelineSeries:
    """Build the timeline series of an intensive.

    Args:
        intensive: The intensive to draw.
        flip_window_s: The flip window, so highlighted flips match the figures.

    Returns:
        The series; points sharing an instant keep their logging order.

    Raises:
        ValueError: If ``flip_window_s`` is negative.
    """
    points: dict[PartnerKey, list[TimelinePoint]] = {key: [] for key in PartnerKey}
    spans: dict[PartnerKey, list[StanceSpan]] = {key: [] for key in PartnerKey}
    days: list[TimelineDay] = []
    for day in intensive.days:
        for block_index, block in enumerate(day.blocks):
            flipped = {flip.after_index for flip in find_flips(block, flip_window_s)}
            for index, observation in chronological(block):
                points[observation.partner].append(
                    TimelinePoint(
                        at=observation.at,
                        partner=observation.partner,
                        stance=observation.stance,
                        intensity=observation.intensity,
                        is_flip=index in flipped,
                        day=day.number,
                        block_index=block_index,
                        observation_id=observation.id,
                    )
                )
            for key in PartnerKey:
                spans[key].extend(stance_spans(block, key))
        if day.blocks:
            start = min(block.start for block in day.blocks)
            end = max(effective_end(block) for block in day.blocks)
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
    )
