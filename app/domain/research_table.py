"""The research export's tables: every column once, with its type, its values and their meaning.

Researchers read the observations in R, pandas or BORIS, far from the
clinic, so each column is declared here once and everything else is made
from that one declaration: the CSV header, each row, the codebook
(`codebook.md`, `codebook.json`) and the Frictionless `datapackage.json`.
A column cannot appear in a file without its meaning in the codebook.

The rows are tidy (one variable per column, one observation per row); a
yes/no is ``0``/``1`` and a missing value is the empty field, which R's
`read.csv(na.strings = "")`, pandas and Frictionless all read as missing.

This module is pure: it turns domain objects into lists of cells. Reading
the vault (streamed, block by block) is `app.services.research_export`'s
job; de-identification happens before a value reaches these functions.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Final, Literal, NamedTuple

from app.domain.block_span import Span, span_with
from app.domain.flips import FlipDirection, flip_steps
from app.domain.intensive import Block, Observation
from app.domain.vocabulary import (
    BLOCK_KIND_LABELS,
    BOUNDARY_LABELS,
    STRATEGY_LABELS,
    BlockKind,
    Boundary,
    PartnerKey,
    Stance,
    Strategy,
)

ColumnType = Literal["string", "integer", "number", "date", "datetime"]
Cell = str | int | float
Row = list[Cell]

MISSING: Final = ""
"""How a missing value is written: the empty field."""


@dataclass(frozen=True, slots=True)
class Column:
    """One column of one table, as the codebook describes it.

    Attributes:
        name: The header, snake_case ASCII so every tool takes it as is.
        type: A Frictionless Table Schema type.
        description: What the value means, in RLT's words.
        values: The allowed values and what each means, for a closed set.
        optional: Whether the value may be missing (the empty field).
    """

    name: str
    type: ColumnType
    description: str
    values: Mapping[str, str] = field(default_factory=dict)
    optional: bool = False


YES_NO: Final = {"0": "no", "1": "yes"}
STANCE_MEANINGS: Final = {
    Stance.ONE_UP.value: "one-up: grandiosity, superior, contemptuous, righteous",
    Stance.SAME_AS.value: "same-as: the healthy middle, neither better nor worse than the other",
    Stance.ONE_DOWN.value: "one-down: shame, inferior, collapsed, a victim",
}
BOUNDARY_MEANINGS: Final = {
    Boundary.WALLED_OFF.value: f"{BOUNDARY_LABELS[Boundary.WALLED_OFF]}: shut off, unreachable",
    Boundary.BOUNDARYLESS.value: f"{BOUNDARY_LABELS[Boundary.BOUNDARYLESS]}: flooding, reactive",
    Boundary.CONTAINED.value: f"{BOUNDARY_LABELS[Boundary.CONTAINED]}: protected and present",
}
KIND_MEANINGS: Final = {kind.value: BLOCK_KIND_LABELS[kind] for kind in BlockKind}
FLIP_MEANINGS: Final = {
    FlipDirection.UP.value: "a flip up: one-down to one-up (shame into grandiosity)",
    FlipDirection.DOWN.value: "a flip down: one-up to one-down (a collapse)",
}
TEXT_FIELDS: Final = ("trigger", "quote", "intervention", "response", "note")


def strategy_column(strategy: Strategy) -> str:
    """The 0/1 column of one losing strategy: ``strategy_being_right`` and so on."""
    return "strategy_" + strategy.value.replace("-", "_")


_ID = Column(
    "intensive_id",
    "string",
    "The intensive. A pseudonym (I- and ten hex digits) drawn for this export: the same "
    "in every file of the export, different in the next export, so two exports cannot be "
    "joined to undo a date shift. With --identified, the vault's own number.",
)
_COUPLE = Column(
    "couple",
    "string",
    "The couple. A pseudonym (C- and ten hex digits) drawn for this export, shared by "
    "the couple's intensives; the couple's code with --keep-codes or --identified.",
)
_DAY = Column("day", "integer", "The day of the intensive, from 1.")
_BLOCK = Column("block", "integer", "The block's place in its day, from 1, in schedule order.")
_KIND = Column("block_kind", "string", "What kind of session the block is.", KIND_MEANINGS)

OBSERVATION_COLUMNS: Final[tuple[Column, ...]] = (
    _ID,
    _COUPLE,
    _DAY,
    _BLOCK,
    _KIND,
    Column("seq", "integer", "The observation's place in its block, from 1, in time order."),
    Column(
        "t_block_s",
        "number",
        "Seconds from the start of the block as it ran (the span every figure in Crucible "
        "uses: the recorded start, else the planned one, moved earlier if an observation "
        "came first) to the observation.",
    ),
    Column(
        "t_intensive_s",
        "number",
        "Seconds from the start of the intensive's first block (day 1's first, as it ran, "
        "by the same rule) to the observation; shifting dates leaves it unchanged.",
    ),
    Column(
        "partner",
        "string",
        "Who was placed on the grid.",
        {"A": "Partner A", "B": "Partner B"},
    ),
    Column(
        "stance",
        "string",
        "Where the partner stood on the self-esteem axis of the relational grid.",
        STANCE_MEANINGS,
    ),
    Column(
        "intensity",
        "integer",
        "How strongly, as the clinician rated it: 1 barely to 5 fully.",
        {str(n): f"intensity {n}" for n in range(1, 6)},
    ),
    *(
        Column(
            strategy_column(strategy),
            "integer",
            f"1 if the losing strategy '{STRATEGY_LABELS[strategy]}' was seen in this moment.",
            YES_NO,
        )
        for strategy in Strategy
    ),
    Column(
        "boundary",
        "string",
        "Where the partner stood on the boundary axis of the grid; empty if not noted.",
        BOUNDARY_MEANINGS,
        optional=True,
    ),
    Column(
        "flip_starts",
        "string",
        "The partner's next observation in this block (the other partner's are skipped) "
        "completes a flip that starts here: 'up' or 'down'; empty if none.",
        FLIP_MEANINGS,
        optional=True,
    ),
    Column(
        "flip_ends",
        "string",
        "This observation completes a flip (Crucible's timeline rings this one): 'up' or "
        "'down'; empty if none.",
        FLIP_MEANINGS,
        optional=True,
    ),
    Column(
        "flip_window_s",
        "integer",
        "The flip window used: a flip is the partner's next observation in the same block "
        "moving between one-down and one-up at most this many seconds later; a same-as in "
        "between breaks it.",
    ),
)

TEXT_COLUMNS: Final[tuple[Column, ...]] = tuple(
    Column(
        name,
        "string",
        f"The observation's '{name}' field as typed, partners' names replaced by "
        "'Partner A'/'Partner B' unless --identified (only with --with-text).",
        optional=True,
    )
    for name in TEXT_FIELDS
)

BLOCK_COLUMNS: Final[tuple[Column, ...]] = (
    _ID,
    _COUPLE,
    _DAY,
    _BLOCK,
    _KIND,
    Column("date", "date", "The day's date (shifted with --shift-dates)."),
    Column("planned_start", "datetime", "When the block was planned to start, local time."),
    Column(
        "planned_end",
        "datetime",
        "When it was planned to end; empty for an open plan.",
        optional=True,
    ),
    Column(
        "actual_start",
        "datetime",
        "When it started as recorded by live mode; empty if never run live.",
        optional=True,
    ),
    Column("actual_end", "datetime", "When it ended as recorded; empty if unknown.", optional=True),
    Column("span_start", "datetime", "The start of the span the figures use (see t_block_s)."),
    Column("span_end", "datetime", "The end of that span."),
    Column("duration_s", "number", "The span's length in seconds."),
    Column("observations", "integer", "How many observations the block holds."),
    Column("note_signed", "integer", "1 if the block's note is signed.", YES_NO),
)

INTENSIVE_COLUMNS: Final[tuple[Column, ...]] = (
    _ID,
    _COUPLE,
    Column("days", "integer", "How many days the intensive has."),
    Column("first_date", "date", "Day 1's date (shifted with --shift-dates).", optional=True),
    Column("last_date", "date", "The last day's date (shifted likewise).", optional=True),
    Column("blocks", "integer", "How many blocks its days hold."),
    Column("observations", "integer", "How many observations its blocks hold."),
    Column("supervised", "integer", "1 if a trainee ran it under a supervisor's guidance.", YES_NO),
)

IDENTIFIED_COLUMNS: Final[tuple[Column, ...]] = (
    Column("partner_a_name", "string", "Partner A's name (only with --identified)."),
    Column("partner_b_name", "string", "Partner B's name (only with --identified)."),
)


def observation_columns(with_text: bool) -> tuple[Column, ...]:
    """The columns of observations.csv: free text only when asked for."""
    return OBSERVATION_COLUMNS + (TEXT_COLUMNS if with_text else ())


def intensive_columns(identified: bool) -> tuple[Column, ...]:
    """The columns of intensives.csv: names only in an identified export."""
    return INTENSIVE_COLUMNS + (IDENTIFIED_COLUMNS if identified else ())


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
    "BLOCK_COLUMNS",
    "INTENSIVE_COLUMNS",
    "MISSING",
    "OBSERVATION_COLUMNS",
    "TEXT_COLUMNS",
    "BlockPlace",
    "Column",
    "IntensiveFacts",
    "Moment",
    "block_row",
    "block_span",
    "in_time_order",
    "intensive_columns",
    "intensive_origin",
    "intensive_row",
    "moment_of",
    "observation_columns",
    "observation_rows",
    "strategy_column",
]
