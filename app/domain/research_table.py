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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import count, pairwise
from operator import itemgetter
from typing import Final, NamedTuple

from crucible.app.domain.block_span import Span, span_with
from crucible.app.domain.flips import flip_steps
from crucible.app.domain.intensive import Block, Observation
from crucible.app.domain.research_columns import TEXT_FIELDS
from crucible.app.domain.vocabulary import BlockKind, Boundary, PartnerKey, Stance, Strategy

Cell = str | int | float
Row = list[Cell]

MISSING: Final = ""
"""How a missing value is written: the empty field."""


Coded = tuple[PartnerKey, Stance, int, tuple[Strategy, ...], Boundary | None]
"""An observation's coded values in the order of their columns: partner, stance, intensity,
strategies, boundary."""


class Moment(NamedTuple):
    """One observation as the export streams it: the coded values, the text only when asked for.

    Lighter than :class:`~app.domain.intensive.Observation` on purpose: a
    million of them pass through one export, and the tables need neither
    ids nor a frozen object per row. The coded values are one shared tuple
    per distinct combination (the reader interns them), which is also the
    key of their rendered cells (:func:`_coded_cells`).
    """

    at: datetime
    at_us: int
    """``at`` in whole microseconds since the epoch: the rows' arithmetic, exact and cheap."""
    coded: Coded
    texts: tuple[str, ...] = ()
    """The free-text fields in :data:`TEXT_FIELDS` order, or () when not read."""


def epoch_us(moment: datetime) -> int:
    """An aware moment in whole microseconds since the epoch (exact, unlike a float)."""
    return (moment - NO_ORIGIN) // timedelta(microseconds=1)


def moment_of(observation: Observation) -> Moment:
    """An observation as a moment (texts included)."""
    return Moment(
        observation.at,
        epoch_us(observation.at),
        (
            observation.partner,
            observation.stance,
            observation.intensity,
            observation.strategies,
            observation.boundary,
        ),
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
def _coded_cells(coded: Coded) -> str:
    """The cells ``partner`` to ``boundary`` as CSV text, with the comma that follows.

    Partners, stances, intensities, strategy sets and boundaries combine
    into a few thousand distinct texts at most (the reader interns the
    tuples), so each is rendered once instead of once per row.
    """
    partner, stance, intensity, strategies, boundary = coded
    flags = ",".join("1" if strategy in strategies else "0" for strategy in Strategy)
    return f"{partner},{stance},{intensity},{flags},{boundary or MISSING},"


_QUOTE_FORCING: Final = frozenset(',"\n\r')
"""The characters that make a cell quoted (RFC 4180). A lone carriage return
is among them: Python 3.11's `csv.writer` leaves it bare, and its own
reader then refuses the file ("new-line character seen in unquoted field")."""


def csv_cell(value: str) -> str:
    """One text cell as RFC 4180 writes it: quoted only where needed (see _QUOTE_FORCING)."""
    if any(char in value for char in _QUOTE_FORCING):
        return '"' + value.replace('"', '""') + '"'
    return value


def csv_line(cells: Sequence[Cell]) -> str:
    """One CSV line (LF line ends) as `csv.writer` writes it, but for a lone CR, quoted."""
    return ",".join(csv_cell(c) if isinstance(c, str) else repr(c) for c in cells) + "\n"


def observation_csv(
    place: BlockPlace,
    span_start: datetime,
    moments: Sequence[Moment],
    kind: BlockKind,
    *,
    flip_window_s: int,
    text: Callable[[str], str] | None,
) -> str:
    """The lines of observations.csv for one block, as CSV text ready to write.

    Rendered here rather than by `csv.writer` because a million rows pass
    through one export (docs/performance.md, "Research export"): the cells
    shared by the block are rendered once, the coded values need no quoting
    (they are the closed vocabulary and numbers), and only the free text
    goes through :func:`csv_cell`. The bytes are those `csv.writer` writes.

    Args:
        place: Where the block sits.
        span_start: The start of the block's span (:func:`block_span`).
        moments: The block's observations, in time order (:func:`in_time_order`).
        kind: The block's kind.
        flip_window_s: The flip window (seconds), applied by `flips.flip_steps`.
        text: The redactor for free text, or None to leave the text columns out.
    """
    flips = _flip_cells(moments, flip_window_s)
    head = csv_line((place.intensive, place.couple, place.day, place.block, kind.value))[:-1]
    # Seconds as `seconds` rounds them, from whole microseconds: `at_us / 1e6`
    # is exactly `datetime.timestamp()`, at a fraction of its cost per row.
    span_ts, origin_ts = span_start.timestamp(), place.origin.timestamp()
    if text is not None:  # the free text's cells join the flip cells that end each line
        flips = [
            tail + "".join("," + csv_cell(text(value)) for value in moment.texts)
            for tail, moment in zip(flips, moments, strict=True)
        ]
    coded = map(_coded_cells, map(itemgetter(2), moments))  # C-level loops, no frame per row
    lines = [
        f"{head},{seq},{round((at / 1_000_000 - span_ts) * 1000) / 1000!r},"
        f"{round((at / 1_000_000 - origin_ts) * 1000) / 1000!r},{cells}{tail}\n"
        for seq, at, cells, tail in zip(count(1), map(itemgetter(1), moments), coded, flips)
    ]
    return "".join(lines)


def _flip_cells(moments: Sequence[Moment], flip_window_s: int) -> list[str]:
    """Each moment's last three cells (flip_starts, flip_ends, flip_window_s) as CSV text.

    The flips are found by the one rule, `flips.flip_steps`; its input is
    zipped column by column in C, so no Python frame runs per observation.
    """
    cells = [f",,{flip_window_s}"] * len(moments)
    starts: dict[int, str] = {}
    ends: dict[int, str] = {}
    coded = list(map(itemgetter(2), moments))
    partners, stances = map(itemgetter(0), coded), map(itemgetter(1), coded)
    ats = map(itemgetter(0), moments)
    for _partner, direction, before, after in flip_steps(
        zip(count(), partners, stances, ats), flip_window_s
    ):
        starts[before] = ends[after] = direction.value
    for index in starts.keys() | ends.keys():  # a few per block: only those cells change
        cells[index] = f"{starts.get(index, MISSING)},{ends.get(index, MISSING)},{flip_window_s}"
    return cells


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
    "Coded",
    "IntensiveFacts",
    "Moment",
    "Row",
    "block_row",
    "block_span",
    "csv_cell",
    "csv_line",
    "epoch_us",
    "in_time_order",
    "intensive_origin",
    "intensive_row",
    "moment_of",
    "observation_csv",
    "seconds",
]
