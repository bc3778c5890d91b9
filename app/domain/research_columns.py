"""The research export's columns, declared once: name, type, allowed values and their meaning.

Researchers read the observations in R, pandas or BORIS, far from the
clinic, so each column is declared here once and everything else is made
from that one declaration: the CSV header, the codebook (`codebook.md`,
`codebook.json`) and the Frictionless `datapackage.json`
(`app.domain.research_codebook`). A column cannot appear in a file without
its meaning in the codebook. The rows themselves are made in
`app.domain.research_table`, in the order declared here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

from crucible.app.domain.flips import FlipDirection
from crucible.app.domain.vocabulary import (
    BLOCK_KIND_LABELS,
    BOUNDARY_LABELS,
    STRATEGY_LABELS,
    BlockKind,
    Boundary,
    Stance,
    Strategy,
)

ColumnType = Literal["string", "integer", "number", "date", "datetime"]


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


__all__ = [
    "BLOCK_COLUMNS",
    "IDENTIFIED_COLUMNS",
    "INTENSIVE_COLUMNS",
    "OBSERVATION_COLUMNS",
    "TEXT_COLUMNS",
    "TEXT_FIELDS",
    "Column",
    "ColumnType",
    "intensive_columns",
    "observation_columns",
    "strategy_column",
]
