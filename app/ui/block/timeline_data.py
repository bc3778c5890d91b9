"""The timeline's data, apart from its drawing: points, flips, day breaks, the open block.

The chart (timeline_view.py) only draws what this model holds, so tests read
the data (`series()`) instead of pixels. The model starts from the domain's
`timeline_series` (the same series the report draws, with the same flip
rule) and, as observations are logged, recomputes only the open block's
points: flips never cross blocks, so nothing else can change. Time is placed
on a compressed axis (`TimeAxis`): each day's extent side by side with a
short gap, so the overnight break does not squeeze two days into two dots.

The open block is shaded over the span it actually ran (`effective_span`:
the recorded run, growing with each observation) and its plan is kept
beside it, for an outline. When a session runs past its day's extent (an
overrun after the day's last block, a clock set wrong) the day is widened,
with some slack so that this happens once in a while, not on every key, and
`axis_version` tells the chart to redraw everything once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from crucible.app.domain.block_span import Span, effective_span
from crucible.app.domain.flips import find_flips
from crucible.app.domain.intensive import Block, Intensive, Observation
from crucible.app.domain.stance_time import StanceSpan, partner_chronological, stance_spans
from crucible.app.domain.timeline import (
    TimelineBlock,
    TimelineDay,
    TimelinePoint,
    timeline_point,
    timeline_series,
)
from crucible.app.domain.vocabulary import PartnerKey, Stance
from crucible.app.ui.block.block_record import BlockRecord
from crucible.app.ui.block.identity_memo import IdentityMemo

DAY_GAP_H = 0.5
"""Hours of blank axis drawn between two days, where the day break line sits."""
WIDEN_SLACK = timedelta(minutes=15)
"""How far past the open block a day is widened when a session outgrows it."""

_STANCE_ROW = {Stance.ONE_UP: 2, Stance.SAME_AS: 1, Stance.ONE_DOWN: 0}
_LANE_BASE = {PartnerKey.A: 4, PartnerKey.B: 0}


def lane_y(partner: PartnerKey, stance: Stance) -> float:
    """Vertical position: Partner A's lane above B's, one-up at the top of each lane."""
    return float(_LANE_BASE[partner] + _STANCE_ROW[stance])


def marker_size(intensity: int) -> float:
    """Marker diameter in pixels for an intensity of 1-5."""
    return 7.0 + 2.5 * max(1, min(5, intensity))


@dataclass(frozen=True, slots=True)
class LiveTimeline:
    """Everything the chart shows, for tests and for drawing.

    Attributes:
        points: Each partner's points in time order, the open block included.
        day_breaks: Where each day after the first begins.
        days: Extent of each day with blocks.
        current_block: The span the open block ran, per `effective_span` (shaded).
        planned_block: The open block's plan (outlined); None when it is on
            another date than the run (a block moved to another day).
    """

    points: Mapping[PartnerKey, tuple[TimelinePoint, ...]]
    day_breaks: tuple[datetime, ...]
    days: tuple[TimelineDay, ...]
    current_block: tuple[datetime, datetime]
    planned_block: tuple[datetime, datetime] | None = None

    def flips(self) -> int:
        """How many points are highlighted as flips."""
        return sum(p.is_flip for pts in self.points.values() for p in pts)


class TimeAxis:
    """Maps wall-clock times to hours on a compressed axis, and back to tick labels."""

    def __init__(self, days: tuple[TimelineDay, ...]) -> None:
        self.days = days
        self._offset: dict[int, float] = {}
        self._origin: dict[int, datetime] = {}  # each day's start
        offset = 0.0
        for day in days:
            self._offset[day.number] = offset
            self._origin[day.number] = day.start
            offset += (day.end - day.start).total_seconds() / 3600 + DAY_GAP_H
        self.length = max(0.0, offset - DAY_GAP_H)
        self._first = days[0].start.timestamp() if days else 0.0

    def x(self, at: datetime, day: int) -> float:
        """Hours from the axis origin for a time on day `day` (called per point: O(1)).

        A difference of two aware times, not `timestamp()`: an open places
        about 3,000 times (points and stance spans), and `timestamp()` of an
        aware time costs about five times the subtraction.
        """
        origin = self._origin.get(day)
        if origin is None:
            return (at.timestamp() - self._first) / 3600
        return self._offset[day] + (at - origin).total_seconds() / 3600

    def break_x(self, day: int) -> float:
        """Where the break line before day `day` is drawn: the middle of the gap."""
        return self._offset.get(day, 0.0) - DAY_GAP_H / 2

    def ticks(self) -> list[tuple[float, str]]:
        """Hour ticks ("9:00") at each whole hour within each day."""
        ticks: list[tuple[float, str]] = []
        for extent in self.days:
            hour = extent.start.replace(minute=0, second=0, microsecond=0)
            if hour < extent.start:
                hour += timedelta(hours=1)
            while hour <= extent.end:
                ticks.append((self.x(hour, extent.number), f"{hour.hour}:00"))
                hour += timedelta(hours=1)
        return ticks


def spaced_ticks(ticks: list[tuple[float, str]], gap: float) -> list[tuple[float, str]]:
    """The ticks to label, each at least `gap` (in axis hours) after the one labelled before.

    Hour labels on a narrow chart ran into each other, worst where one day
    ends and the next begins half an hour of axis later; the "Day N" label
    marks that place anyway.
    """
    kept: list[tuple[float, str]] = []
    for tick in ticks:
        if not kept or tick[0] - kept[-1][0] >= gap:
            kept.append(tick)
    return kept


def block_points(
    block: Block,
    day: int,
    block_index: int,
    flip_window_s: int,
    partner: PartnerKey,
    cache: IdentityMemo[Observation, TimelinePoint] | None = None,
) -> tuple[TimelinePoint, ...]:
    """One partner's timeline points in one block, with the domain's flip rule applied.

    `cache` remembers each observation's point (with whether it completes a
    flip), so a refresh after one new observation builds one new point rather
    than a thousand. By the observation's identity (`IdentityMemo`): hashing
    a twelve-field observation twice per point was a tenth of loading the
    chart's data as a block opens.
    """
    flipped = {flip.after_index for flip in find_flips(block, flip_window_s, partner)}
    cache = IdentityMemo() if cache is None else cache
    points: list[TimelinePoint] = []
    for index, observation in partner_chronological(block, partner):
        is_flip = index in flipped
        point = cache.get(observation, is_flip)
        if point is None:
            point = timeline_point(observation, is_flip, day, block_index)
            cache.put(observation, point, is_flip)
        points.append(point)
    return tuple(points)


class OpenBlock(NamedTuple):
    """Where the open block sits: its day's number, its position in the day, when it started."""

    day: int
    position: int
    start: datetime


def open_block(record: BlockRecord) -> OpenBlock:
    """The open block's place, read on the UI thread (the record changes there)."""
    return OpenBlock(record.day.number, record.block_index, effective_span(record.block()).start)


@dataclass(frozen=True, slots=True)
class OtherPoints:
    """The other blocks' points, split around the open block, and every day's extent."""

    before: Mapping[PartnerKey, tuple[TimelinePoint, ...]]
    after: Mapping[PartnerKey, tuple[TimelinePoint, ...]]
    days: tuple[TimelineDay, ...]
    day_breaks: tuple[datetime, ...]
    placed: Mapping[PartnerKey, Placed] | None = None
    """The same points placed on the axis of `days` (made off the UI thread), or None."""


Placed = tuple[list[float], list[float], list[float], list[int | None]]
"""Points ready for the chart: x (hours on the axis), y (lane), marker size, observation id."""


def placed_points(points: Iterable[TimelinePoint], axis: TimeAxis) -> Placed:
    """Where each point is drawn and how big: pure, so the worker does it for thousands."""
    points = tuple(points)
    return (
        [axis.x(p.at, p.day) for p in points],
        [lane_y(p.partner, p.stance) for p in points],
        [marker_size(p.intensity) for p in points],
        [p.observation_id for p in points],
    )


def other_points(intensive: Intensive, place: OpenBlock, flip_window_s: int) -> OtherPoints:
    """Every block's points but the open one's (by the domain's `timeline_series`); any thread."""
    number, index, start = place
    series = timeline_series(intensive, flip_window_s, leave_out=(number, index))
    before: dict[PartnerKey, tuple[TimelinePoint, ...]] = {}
    after: dict[PartnerKey, tuple[TimelinePoint, ...]] = {}
    for key in PartnerKey:
        others = series.points[key]
        before[key] = tuple(p for p in others if p.at < start)
        after[key] = tuple(p for p in others if p.at >= start)
    axis = TimeAxis(series.days)
    placed = {key: placed_points(before[key] + after[key], axis) for key in PartnerKey}
    return OtherPoints(before, after, series.days, series.day_breaks, placed)


class TimelineData:
    """The intensive's points with the open block's kept current."""

    def __init__(self, flip_window_s: int) -> None:
        self.flip_window_s = flip_window_s
        self._record: BlockRecord | None = None
        self._before: dict[PartnerKey, tuple[TimelinePoint, ...]] = {}
        self._after: dict[PartnerKey, tuple[TimelinePoint, ...]] = {}
        self._current: dict[PartnerKey, tuple[TimelinePoint, ...]] = {}
        self._current_spans: dict[PartnerKey, tuple[StanceSpan, ...]] = {}
        self._cache: IdentityMemo[Observation, TimelinePoint] = IdentityMemo()
        self.versions: dict[PartnerKey, int] = dict.fromkeys(PartnerKey, 0)
        """Bumped when a partner's open-block points change, so the chart redraws only those."""
        self._days: tuple[TimelineDay, ...] = ()
        self._breaks: tuple[datetime, ...] = ()
        self._end: datetime | None = None  # the open block's end when last refreshed
        self._placed: tuple[tuple[TimelineDay, ...], Mapping[PartnerKey, Placed] | None] | None
        self._placed = None
        self.axis = TimeAxis(())
        self.axis_version = 0
        """Bumped when a day is widened, so the chart redraws everything once."""
        self.others_version = 0
        """Bumped when the other blocks' points arrive, so the chart adds them."""

    def load(self, record: BlockRecord) -> None:
        """Take the intensive from the record; the open block is then kept current.

        From an outline (`record.complete` False) only the open block has
        points; `take_others` adds the other blocks' once they are read.
        """
        self._record = record
        self._cache = IdentityMemo()
        self._current, self._current_spans, self._end = {}, {}, None
        self.take_others(
            other_points(record.current_intensive(), open_block(record), self.flip_window_s),
            refresh=False,
        )
        self.axis_version += 1  # a new block: the chart draws everything once
        self.refresh_block()

    def take_others(self, others: OtherPoints, *, refresh: bool = True) -> None:
        """Show the other blocks' points and the days' extents (read after the first paint).

        The axis (and `axis_version`, which makes the chart redraw everything)
        changes only if the days' extents did; otherwise the chart only adds
        the other blocks' points (`others_version`).
        """
        self._before, self._after = dict(others.before), dict(others.after)
        self._placed = (others.days, others.placed) if others.placed is not None else None
        self.others_version += 1
        if others.days != self._days:
            self._days, self._breaks = others.days, others.day_breaks
            self.axis = TimeAxis(others.days)
            self.axis_version += 1
        if refresh and self._record is not None:
            self._fit(self._record, effective_span(self._record.block()))

    def clear(self) -> None:
        """Forget everything (the workspace is being locked or emptied)."""
        self._record = None
        self._before, self._after, self._current = {}, {}, {}
        self._current_spans, self._cache = {}, IdentityMemo()
        self._days, self._breaks, self._end = (), (), None
        self._placed = None
        self.axis = TimeAxis(())
        self.axis_version += 1

    def refresh_block(
        self,
        partners: Iterable[PartnerKey] = tuple(PartnerKey),
        appended: Observation | None = None,
    ) -> None:
        """Recompute the open block's points of the partners whose observations changed.

        Flips and stance spans are per partner, so a change to one partner's
        observation can move nothing in the other's lane, except where the
        block's end moved (a running block ends at its latest observation):
        then the other partner's last span stretches to the new end.
        `appended` names a new observation that is the block's latest (the
        usual live case): then only it and its partner's previous one are
        looked at.
        """
        record = self._record
        if record is None:
            return
        block = record.block()
        span = effective_span(block)
        previous_end, self._end = self._end, span.end
        moved = previous_end is not None and previous_end != span.end
        self._fit(record, span)
        if appended is not None and self._append(record, block, appended):
            if moved:
                assert previous_end is not None
                for key in PartnerKey:
                    if key is not appended.partner:
                        self._stretch_last(key, previous_end, span.end)
            return
        if moved:
            partners = tuple(PartnerKey)
        for key in set(partners):
            points = block_points(
                block, record.day.number, record.block_index, self.flip_window_s, key, self._cache
            )
            spans = stance_spans(block, key)
            if points != self._current.get(key) or spans != self._current_spans.get(key):
                self._current[key] = points
                self._current_spans[key] = spans
                self.versions[key] += 1

    def _stretch_last(self, key: PartnerKey, old_end: datetime, new_end: datetime) -> None:
        """The block's end moved: the partner's last stance now holds until the new end."""
        spans = self._current_spans.get(key, ())
        if spans and spans[-1].end == old_end:
            self._current_spans[key] = (*spans[:-1], dataclasses.replace(spans[-1], end=new_end))
            self.versions[key] += 1

    def _fit(self, record: BlockRecord, span: Span) -> None:
        """Widen the open block's day (with slack) if what it ran, or its plan, is outside it."""
        block = record.block()
        shown = TimelineBlock(
            record.day.number, record.block_index, block.start, block.end, span.start, span.end
        ).extent
        days = list(self._days)
        for index, day in enumerate(days):
            if day.number != record.day.number:
                continue
            if day.start <= shown.start and shown.end <= day.end:
                return
            start = shown.start - WIDEN_SLACK if shown.start < day.start else day.start
            end = shown.end + WIDEN_SLACK if shown.end > day.end else day.end
            days[index] = TimelineDay(day.number, start, end)
            self._days = tuple(days)
            self._breaks = tuple(d.start for d in self._days[1:])
            self.axis = TimeAxis(self._days)
            self.axis_version += 1
            return

    def _append(self, record: BlockRecord, block: Block, new: Observation) -> bool:
        """Extend one lane by the block's newest observation; False if it is not the newest."""
        last = len(record) - 1
        if last < 0 or record.at(last) is not new:
            return False
        key = new.partner
        previous = next(
            (row for row in range(last - 1, -1, -1) if record.at(row).partner == key), None
        )
        rows = [last] if previous is None else [previous, last]
        pair = dataclasses.replace(block, observations=tuple(record.at(r) for r in rows))
        flipped = bool(find_flips(pair, self.flip_window_s, key))
        point = block_points(
            pair, record.day.number, record.block_index, self.flip_window_s, key, self._cache
        )[-1]
        assert point.is_flip == flipped
        spans = [
            dataclasses.replace(span, observation_index=rows[span.observation_index])
            for span in stance_spans(pair, key)
        ]
        kept = self._current_spans.get(key, ())
        self._current[key] = (*self._current.get(key, ()), point)
        self._current_spans[key] = (*kept[: len(kept) - (len(spans) - 1)], *spans)
        self.versions[key] += 1
        return True

    @property
    def loaded(self) -> bool:
        """Whether a block is open."""
        return self._record is not None

    def series(self) -> LiveTimeline:
        """The chart's data as it stands."""
        points = {
            key: self._before.get(key, ()) + self._current.get(key, ()) + self._after.get(key, ())
            for key in PartnerKey
        }
        return LiveTimeline(
            points, self._breaks, self._days, self.current_span(), self.planned_span()
        )

    def current_points(self, key: PartnerKey) -> tuple[TimelinePoint, ...]:
        """The open block's points of one partner (redrawn on every change)."""
        return self._current.get(key, ())

    def other_points(self, key: PartnerKey) -> tuple[TimelinePoint, ...]:
        """The other blocks' points of one partner (drawn once per opened block)."""
        return self._before.get(key, ()) + self._after.get(key, ())

    def other_placed(self, key: PartnerKey) -> Placed | None:
        """The other blocks' points already placed, if placed on today's axis (else None)."""
        if self._placed is None or self._placed[0] != self._days or self._placed[1] is None:
            return None
        return self._placed[1].get(key)

    def current_spans(self, key: PartnerKey) -> tuple[StanceSpan, ...]:
        """The open block's stance spans of one partner, for the step line."""
        return self._current_spans.get(key, ())

    def current_span(self) -> tuple[datetime, datetime]:
        """Start and effective end of the open block."""
        if self._record is None:
            now = datetime.min
            return now, now
        span = effective_span(self._record.block())
        return span.start, span.end

    def planned_span(self) -> tuple[datetime, datetime] | None:
        """The open block's plan, to outline; None if nothing is open or it is on another date."""
        if self._record is None:
            return None
        block = self._record.block()
        span = effective_span(block)
        entry = TimelineBlock(0, 0, block.start, block.end, span.start, span.end)
        if not entry.plan_shown:
            return None
        return block.start, block.end or block.start

    @property
    def current_day(self) -> int:
        """Number of the open block's day (0 when nothing is open)."""
        return self._record.day.number if self._record is not None else 0
