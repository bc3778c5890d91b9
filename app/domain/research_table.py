"""The research export's rows: domain values in, lists of cells out, in the declared column order.

The rows are tidy (one variable per column, one observation per row); a
yes/no is ``0``/``1`` and a missing value is the empty field, which R's
`read.csv(na.strings = "")`, pandas and Frictionless all read as missing.
The columns and their meanings are declared in `app.domain.research_columns`.

This module is pure. Reading the vault (streamed, block by block) is
`app.store.research_reader`'s job, writing the files
`app.services.research_export`'s; de-identification happens before a value
reaches these functions.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Final, NamedTuple

from app.domain.block_span import Span, span_with
from app.domain.flips import FlipDirection, flip_steps
from app.domain.intensive import Block, Observation
from app.domain.research_columns import TEXT_FIELDS
from app.domain.vocabulary import BlockKind, Boundary, PartnerKey, Stance, Strategy

Cell = str | int | float
Row = list[Cell]

MISSING: Final = ""
"""How a missing value is written: the empty field."""


class Moment(NamedTuple):
    """One observation as the export streams it: the coded values, the text only when asked for.

    Lighter than :class:`~app.domain.intensive.Observation` on purpose: a
    million of them pass through one export, and the tables need neither
    ids nor a frozen object per row.
    """

    at: datetime
    partner: PartnerKey
    stance: Stance
    intensity: int
    boundary: Boundary | None
    strategies: tuple[Strategy, ...]
    texts: tuple[str, ...] = ()
    """The free-text fields in :data:`TEXT_FIELDS` order, or () when not read."""


def moment_of(observation: Observation) -> Moment:
    """An observation as a moment (texts included)."""
    return Moment(
        observation.at,
        observation.partner,
        observation.stance,
        observation.intensity,
        observation.boundary,
        observation.strategies,
        tuple(getattr(observation, name) for name in TEXT_FIELDS),
    )


@dataclass(frozen=True, slots=True)
class BlockPlace:
    """Where a block sits in the export: whose it is, which day, which place, the time origin.

    Attributes:
        intensive: The intensive's id as written (a pseudonym unless identified).
        couple: The couple as written (a pseudonym unless codes are kept).
        day: The day's number.
        block: The block's place in its day, from 1.
        origin: The intensive's time origin (see ``t_intensive_s``).
    """

    intensive: str
    couple: str
    day: int
    block: int
    origin: datetime


def seconds(delta: timedelta) -> float:
    """Seconds to the nearest millisecond, the finest a clinician's key press means.

    ``round(x * 1000) / 1000`` rather than ``round(x, 3)``: the same value
    for any time a vault holds, at less than half the cost, which counts a
    million times per export.
    """
    return round(delta.total_seconds() * 1000) / 1000


def block_span(block: Block, moments: Sequence[Moment]) -> Span:
    """The span the figures use for a block holding these moments (in time order)."""
    if not moments:
        return span_with(block, None, None)
    return span_with(block, moments[0].at, moments[-1].at)


def in_time_order(moments: Sequence[Moment]) -> Sequence[Moment]:
    """The moments in time order, ties in the order recorded (as the figures sort them)."""
    if all(a.at <= b.at for a, b in pairwise(moments)):
        return moments
    return sorted(moments, key=lambda moment: moment.at)


@functools.cache
def _strategy_flags(strategies: tuple[Strategy, ...]) -> tuple[int, ...]:
    """The 0/1 strategy cells; a handful of combinations recur a million times, hence the cache."""
    return tuple(1 if strategy in strategies else 0 for strategy in Strategy)


def observation_rows(
    place: BlockPlace,
    span_start: datetime,
    moments: Sequence[Moment],
    kind: BlockKind,
    *,
    flip_window_s: int,
    text: Callable[[str], str] | None,
) -> Iterator[Row]:
    """The rows of observations.csv for one block.

    Args:
        place: Where the block sits.
        span_start: The start of the block's span (:func:`block_span`).
        moments: The block's observations, in time order (:func:`in_time_order`).
        kind: The block's kind.
        flip_window_s: The flip window (seconds), applied by `flips.flip_steps`.
        text: The redactor for free text, or None to leave the text columns out.
    """
    starts: dict[int, FlipDirection] = {}
    ends: dict[int, FlipDirection] = {}
    steps = flip_steps(
        ((i, m.partner, m.stance, m.at) for i, m in enumerate(moments)), flip_window_s
    )
    for _partner, direction, before, after in steps:
        starts[before] = direction
        ends[after] = direction
    # Members of the vocabulary's StrEnums are written as their values (they are str).
    head = (place.intensive, place.couple, place.day, place.block, kind)
    # Differences of POSIX timestamps, rounded as `seconds` rounds: the same
    # milliseconds as subtracting datetimes, at a third of the cost per row.
    span_ts, origin_ts = span_start.timestamp(), place.origin.timestamp()
    flags = _strategy_flags
    for index, moment in enumerate(moments):
        at = moment.at.timestamp()
        row: Row = [
            *head,
            index + 1,
            round((at - span_ts) * 1000) / 1000,
            round((at - origin_ts) * 1000) / 1000,
            moment.partner,
            moment.stance,
            moment.intensity,
            *flags(moment.strategies),
            moment.boundary or MISSING,
            starts.get(index, MISSING),
            ends.get(index, MISSING),
            flip_window_s,
        ]
        if text is not None:
            row.extend(text(value) for value in moment.texts)
        yield row


def block_row(
    place: BlockPlace, block: Block, span: Span, observations: int, day_date: date, shift: timedelta
) -> Row:
    """The row of blocks.csv for one block; every date and time moved by ``shift``."""
    return [
        place.intensive,
        place.couple,
        place.day,
        place.block,
        block.kind.value,
        (day_date + shift).isoformat(),
        _moment(block.start, shift),
        _moment(block.end, shift),
        _moment(block.actual_start, shift),
        _moment(block.actual_end, shift),
        _moment(span.start, shift),
        _moment(span.end, shift),
        seconds(span.duration),
        observations,
        1 if block.note.is_signed else 0,
    ]


def _moment(moment: datetime | None, shift: timedelta) -> str:
    """ISO 8601 with the clinician's UTC offset, to the second; empty when unknown."""
    if moment is None:
        return MISSING
    return (moment + shift).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class IntensiveFacts:
    """What intensives.csv says of one intensive, gathered while its blocks stream by."""

    intensive: str
    couple: str
    dates: tuple[date, ...]
    blocks: int
    observations: int
    supervised: bool
    names: tuple[str, str] | None = None


def intensive_row(facts: IntensiveFacts, shift: timedelta) -> Row:
    """The row of intensives.csv; partners' names only when ``facts.names`` holds them."""
    row: Row = [
        facts.intensive,
        facts.couple,
        len(facts.dates),
        (facts.dates[0] + shift).isoformat() if facts.dates else MISSING,
        (facts.dates[-1] + shift).isoformat() if facts.dates else MISSING,
        facts.blocks,
        facts.observations,
        1 if facts.supervised else 0,
    ]
    if facts.names is not None:
        row.extend(facts.names)
    return row


NO_ORIGIN: Final = datetime(1970, 1, 1, tzinfo=UTC)
"""The origin of an intensive without blocks, which has no observations to measure either."""


def intensive_origin(first_block: Block | None, moments: Sequence[Moment]) -> datetime:
    """The moment ``t_intensive_s`` counts from: the start of the first block as it ran.

    Args:
        first_block: The intensive's first block in schedule order, if any.
        moments: That block's observations, in time order.
    """
    return NO_ORIGIN if first_block is None else block_span(first_block, moments).start


__all__ = [
    "MISSING",
    "NO_ORIGIN",
    "BlockPlace",
    "Cell",
    "IntensiveFacts",
    "Moment",
    "Row",
    "block_row",
    "block_span",
    "in_time_order",
    "intensive_origin",
    "intensive_row",
    "moment_of",
    "observation_rows",
    "seconds",
]
