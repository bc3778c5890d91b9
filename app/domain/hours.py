"""Contact and supervision hours, counted from the record: the rules a licensing board reads.

A trainee proves hours to be licensed. Crucible knows every block's kind
and when it actually ran, so contact hours are counted, not typed again:

- **What counts.** A joint block is *relational* contact, an individual
  block *individual* contact; break and homework blocks never count; an
  "other" block counts only when the clinician marked it as contact (and
  with the kind they chose). The span counted is the block's effective span
  (:func:`app.domain.block_span.effective_span`: its recorded run, widened
  to its observations). A block with neither a recorded run nor an
  observation may never have run at all, so its plan counts only once the
  clinician confirms it ran.
- **Never twice.** Overlapping spans are merged on the UTC time line, so
  two blocks logged over each other count their shared time once; where a
  relational and an individual span overlap, the time is relational.
- **By local date.** Each piece of time is dated on the clock of the block
  it came from (the UTC offset it was logged with), and a block that runs
  past midnight splits there. Durations are measured in UTC, so a block
  across a daylight-saving change counts the time that really passed.
- **Whole minutes.** Each dated piece is rounded to the minute (half up)
  before anything is added, so every total is the sum of the rows shown.

Manual entries (contact outside Crucible's intensives) and supervision
entries are dated minute counts. Nothing here reads a name: entries carry
couple codes only, so any output built from them is de-identified.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Final

from app.domain.block_span import effective_span
from app.domain.intensive import Block
from app.domain.vocabulary import BlockKind

MAX_ENTRY_MINUTES: Final = 24 * 60
"""No single entry may hold more than a day."""


class ContactKind(StrEnum):
    """How the board counts a contact hour: with a relational system, or one person."""

    RELATIONAL = "relational"
    INDIVIDUAL = "individual"


class SupervisionFormat(StrEnum):
    """Supervision one-to-one (or two trainees, as boards allow) or in a group."""

    INDIVIDUAL = "individual"
    GROUP = "group"


class ObservableData(StrEnum):
    """What the supervisor saw of the work: boards count live, video and audio as raw data."""

    LIVE = "live"
    VIDEO = "video"
    AUDIO = "audio"
    NONE = "none"


_KIND_OF_BLOCK: Mapping[BlockKind, ContactKind] = {
    BlockKind.JOINT: ContactKind.RELATIONAL,
    BlockKind.INDIVIDUAL_A: ContactKind.INDIVIDUAL,
    BlockKind.INDIVIDUAL_B: ContactKind.INDIVIDUAL,
}


@dataclass(frozen=True, slots=True)
class BlockMark:
    """The clinician's word on one block: counted as contact (and how), or confirmed as run."""

    contact_kind: ContactKind | None = None
    """For an "other" block: the kind it counts as; None leaves it uncounted."""
    confirmed_ran: bool = False
    """For a block with nothing recorded: it did run, as planned."""


@dataclass(frozen=True, slots=True)
class BlockInRecord:
    """One stored block with what the hours need to know of its intensive."""

    block: Block
    intensive_id: int
    couple_code: str
    mark: BlockMark = BlockMark()


@dataclass(frozen=True, slots=True)
class ManualContact:
    """Contact outside Crucible's intensives: other clients, other formats."""

    on: date
    minutes: int
    kind: ContactKind
    couple_code: str = ""
    start: time | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class SupervisionEntry:
    """One supervision meeting, as the supervisor would sign it."""

    on: date
    minutes: int
    format: SupervisionFormat
    observable: ObservableData
    supervisor: str = ""
    intensive_ids: tuple[int, ...] = ()
    id: int | None = None

    @property
    def is_observable(self) -> bool:
        """Whether the board counts it as supervision with raw clinical data."""
        return self.observable is not ObservableData.NONE


@dataclass(frozen=True, slots=True)
class ContactPiece:
    """Minutes of contact on one local date, and where they came from (a block or an entry)."""

    on: date
    minutes: int
    kind: ContactKind
    couple_code: str
    block_id: int | None = None
    intensive_id: int | None = None
    manual_id: int | None = None

    @property
    def source(self) -> str:
        """``block`` or ``manual``: the CSV's and the view's word for the origin."""
        return "manual" if self.block_id is None else "block"


@dataclass(frozen=True, slots=True)
class _Interval:
    start: datetime  # UTC
    end: datetime  # UTC
    kind: ContactKind
    zone: tzinfo
    record: BlockInRecord


def contact_kind_of(record: BlockInRecord) -> ContactKind | None:
    """The kind a block counts as, or None when it never counts (the rule above)."""
    kind = record.block.kind
    if kind in (BlockKind.BREAK, BlockKind.HOMEWORK):
        return None
    if kind is BlockKind.OTHER:
        return record.mark.contact_kind
    return _KIND_OF_BLOCK[kind]


def ran(block: Block, mark: BlockMark) -> bool:
    """Whether the record shows the block ran (a run, an observation, or the clinician's word)."""
    recorded = block.actual_start is not None or block.actual_end is not None
    return recorded or bool(block.observations) or mark.confirmed_ran


def needs_confirmation(record: BlockInRecord) -> bool:
    """Whether a block would count but has nothing to show it ran: the view offers to confirm."""
    return contact_kind_of(record) is not None and not ran(record.block, record.mark)


def _interval(record: BlockInRecord) -> _Interval | None:
    kind = contact_kind_of(record)
    if kind is None or not ran(record.block, record.mark):
        return None
    span = effective_span(record.block)
    if span.end <= span.start:
        return None
    zone = (record.block.actual_start or record.block.start).tzinfo or UTC
    return _Interval(span.start.astimezone(UTC), span.end.astimezone(UTC), kind, zone, record)


def block_pieces(records: Iterable[BlockInRecord]) -> list[ContactPiece]:
    """The dated pieces of contact time the blocks hold, overlaps counted once.

    A sweep over the UTC time line: between two consecutive ends of spans,
    the time belongs to one covering span, relational before individual,
    then the one that started first; that span's clock dates the time.
    """
    intervals = [found for found in map(_interval, records) if found is not None]
    if not intervals:
        return []
    events: list[tuple[datetime, int, int]] = []
    for index, interval in enumerate(intervals):
        events.append((interval.start, 1, index))
        events.append((interval.end, -1, index))
    events.sort(key=lambda event: (event[0], event[1]))
    order = sorted(range(len(intervals)), key=lambda i: (intervals[i].start, i))
    rank = {index: position for position, index in enumerate(order)}
    active: set[int] = set()
    seconds: dict[tuple[int, date], float] = defaultdict(float)
    previous: datetime | None = None
    for moment, change, index in events:
        if active and previous is not None and moment > previous:
            owner = min(
                active,
                key=lambda i: (intervals[i].kind is not ContactKind.RELATIONAL, rank[i]),
            )
            for on, length in _by_local_date(previous, moment, intervals[owner].zone):
                seconds[(owner, on)] += length
        previous = moment
        if change > 0:
            active.add(index)
        else:
            active.discard(index)
    pieces = []
    for (owner, on), length in sorted(
        seconds.items(), key=lambda item: (item[0][1], rank[item[0][0]])
    ):
        minutes = int(length / 60 + 0.5)
        if minutes <= 0:
            continue
        interval = intervals[owner]
        pieces.append(
            ContactPiece(
                on=on,
                minutes=minutes,
                kind=interval.kind,
                couple_code=interval.record.couple_code,
                block_id=interval.record.block.id,
                intensive_id=interval.record.intensive_id,
            )
        )
    return pieces


def _by_local_date(start: datetime, end: datetime, zone: tzinfo) -> Iterator[tuple[date, float]]:
    """``start..end`` (UTC) cut at local midnights on ``zone``'s clock: (date, seconds) each."""
    cursor = start
    while cursor < end:
        local_date = cursor.astimezone(zone).date()
        midnight = datetime.combine(local_date + timedelta(days=1), time(0), zone)
        cut = min(end, midnight.astimezone(UTC))
        yield local_date, (cut - cursor).total_seconds()
        cursor = cut


def manual_pieces(entries: Iterable[ManualContact]) -> list[ContactPiece]:
    """Each manual entry as one piece of its date."""
    return [
        ContactPiece(
            on=entry.on,
            minutes=entry.minutes,
            kind=entry.kind,
            couple_code=entry.couple_code,
            manual_id=entry.id,
        )
        for entry in entries
    ]


@dataclass(frozen=True, slots=True)
class ContactMinutes:
    """Contact over some period."""

    relational: int = 0
    individual: int = 0

    @property
    def total(self) -> int:
        """Relational and individual together."""
        return self.relational + self.individual


@dataclass(frozen=True, slots=True)
class SupervisionMinutes:
    """Supervision over some period; ``observable`` overlaps the other two."""

    individual: int = 0
    group: int = 0
    observable: int = 0

    @property
    def total(self) -> int:
        """Individual and group together."""
        return self.individual + self.group


def contact_minutes(pieces: Iterable[ContactPiece]) -> ContactMinutes:
    """Relational and individual minutes of the pieces."""
    relational = individual = 0
    for piece in pieces:
        if piece.kind is ContactKind.RELATIONAL:
            relational += piece.minutes
        else:
            individual += piece.minutes
    return ContactMinutes(relational, individual)


def supervision_minutes(entries: Iterable[SupervisionEntry]) -> SupervisionMinutes:
    """Individual, group and observable minutes of the entries."""
    individual = group = observable = 0
    for entry in entries:
        if entry.format is SupervisionFormat.GROUP:
            group += entry.minutes
        else:
            individual += entry.minutes
        if entry.is_observable:
            observable += entry.minutes
    return SupervisionMinutes(individual, group, observable)


def week_of(on: date) -> date:
    """The Monday that starts ``on``'s ISO week: how the table and the weekly ratio group."""
    return on - timedelta(days=on.weekday())


def entry_problem(on: date, minutes: int, today: date) -> str | None:
    """None if a manual or supervision entry may be stored, else the sentence that says why not."""
    if minutes <= 0:
        return f"The minutes must be more than 0, not {minutes}."
    if minutes > MAX_ENTRY_MINUTES:
        return f"One entry holds at most {MAX_ENTRY_MINUTES} minutes (a day), not {minutes}."
    if on > today:
        return f"The date {on.isoformat()} is in the future; log hours once they happened."
    return None


def overlapping_block(
    entry: ManualContact, pieces: Iterable[ContactPiece], records: Iterable[BlockInRecord]
) -> BlockInRecord | None:
    """The counted block a manual entry would double count, if any.

    With a start time, the entry's own span is compared with each counted
    block's span on the entry's date (on the block's clock). Without one,
    an entry for a couple code that already has counted time that date is
    taken to be the same session typed in again.
    """
    counted = {piece.block_id for piece in pieces if piece.block_id is not None}
    for record in records:
        if record.block.id not in counted:
            continue
        span = effective_span(record.block)
        zone = (record.block.actual_start or record.block.start).tzinfo or UTC
        if entry.start is None:
            same_couple = entry.couple_code and entry.couple_code == record.couple_code
            on_date = span.start.astimezone(zone).date() <= entry.on
            if same_couple and on_date and entry.on <= span.end.astimezone(zone).date():
                return record
            continue
        begins = datetime.combine(entry.on, entry.start, zone)
        ends = begins + timedelta(minutes=entry.minutes)
        if begins < span.end and span.start < ends:
            return record
    return None
