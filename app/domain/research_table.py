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

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Final, Literal

from app.domain.block_span import effective_span
from app.domain.flips import FlipDirection, find_flips
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
    """Seconds as written: milliseconds are the finest a clinician's key press means."""
    return round(delta.total_seconds(), 3)


def _flip_marks(block: Block, flip_window_s: int) -> tuple[dict[int, str], dict[int, str]]:
    """Which observation (by index) starts and which ends each flip, by the one flip rule."""
    starts: dict[int, str] = {}
    ends: dict[int, str] = {}
    for flip in find_flips(block, flip_window_s):
        starts[flip.before_index] = flip.direction.value
        ends[flip.after_index] = flip.direction.value
    return starts, ends


def observation_rows(
    place: BlockPlace,
    block: Block,
    *,
    flip_window_s: int,
    text: Callable[[str], str] | None,
) -> Iterator[Row]:
    """The rows of observations.csv for one block, in time order.

    Args:
        place: Where the block sits.
        block: The block, with its observations.
        flip_window_s: The flip window (seconds).
        text: The redactor for free text, or None to leave the text columns out.
    """
    span_start = effective_span(block).start
    starts, ends = _flip_marks(block, flip_window_s)
    ordered = sorted(enumerate(block.observations), key=lambda item: item[1].at)
    head: Row = [place.intensive, place.couple, place.day, place.block, block.kind.value]
    for seq, (index, obs) in enumerate(ordered, start=1):
        row: Row = [
            *head,
            seq,
            seconds(obs.at - span_start),
            seconds(obs.at - place.origin),
            obs.partner.value,
            obs.stance.value,
            obs.intensity,
            *_strategy_flags(obs),
            MISSING if obs.boundary is None else obs.boundary.value,
            starts.get(index, MISSING),
            ends.get(index, MISSING),
            flip_window_s,
        ]
        if text is not None:
            row.extend(text(getattr(obs, name)) for name in TEXT_FIELDS)
        yield row


def _strategy_flags(obs: Observation) -> list[int]:
    present = set(obs.strategies)
    return [1 if strategy in present else 0 for strategy in Strategy]


def block_row(place: BlockPlace, block: Block, day_date: date, shift: timedelta) -> Row:
    """The row of blocks.csv for one block; every date and time moved by ``shift``."""
    span = effective_span(block)
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
        len(block.observations),
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


def intensive_origin(first_block: Block | None) -> datetime:
    """The moment ``t_intensive_s`` counts from: the start of the first block as it ran."""
    return NO_ORIGIN if first_block is None else effective_span(first_block).start


PARTNER_KEYS: Final = tuple(key.value for key in PartnerKey)

__all__ = [
    "BLOCK_COLUMNS",
    "INTENSIVE_COLUMNS",
    "MISSING",
    "OBSERVATION_COLUMNS",
    "TEXT_COLUMNS",
    "BlockPlace",
    "Column",
    "IntensiveFacts",
    "block_row",
    "intensive_columns",
    "intensive_origin",
    "intensive_row",
    "observation_columns",
    "observation_rows",
    "strategy_column",
]
