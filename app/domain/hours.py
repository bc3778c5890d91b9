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

import functools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from enum import StrEnum
from typing import Final, NamedTuple

from crucible.app.domain.block_span import Span, span_with
from crucible.app.domain.intensive import Block
from crucible.app.domain.text_rules import line_problem
from crucible.app.domain.vocabulary import BlockKind

MAX_ENTRY_MINUTES: Final = 24 * 60
"""No single entry may hold more than a day."""

MAX_SETTING_LENGTH: Final = 80

NO_SETTING: Final = ""
"""An entry's setting when none was named."""

INTENSIVES_SETTING: Final = "Intensives (Crucible)"
"""The setting every block of Crucible's intensives counts under (docs/hours.md).

A constant rather than a vault setting: a trainee whose intensives run at
one place names that place nowhere else, and a supervision entry names
this label to count toward the intensives under a per-setting ratio.
"""


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


@dataclass(frozen=True, slots=True)
class BlockMark:
    """The clinician's word on one block: counted as contact (and how), or confirmed as run."""

    contact_kind: ContactKind | None = None
    """For an "other" block: the kind it counts as; None leaves it uncounted."""
    confirmed_ran: bool = False
    """For a block with nothing recorded: it did run, as planned."""


NO_MARK: Final = BlockMark()


class BlockInRecord(NamedTuple):
    """One stored block as the hours see it: kind, plan, run, first and last observation.

    Only what the count reads, not the block itself: a ten-year practice
    reads thousands per count, and a tuple is built many times faster than
    a :class:`~app.domain.intensive.Block` with its note (bench/hours.py).
    """

    block_id: int | None
    kind: BlockKind
    start: datetime
    end: datetime | None
    actual_start: datetime | None
    actual_end: datetime | None
    observed: tuple[datetime, datetime] | None
    """The first and last observation's moments; None for a block without observations."""
    intensive_id: int
    couple_code: str
    mark: BlockMark = NO_MARK

    @classmethod
    def of(
        cls, block: Block, intensive_id: int, couple_code: str, mark: BlockMark = NO_MARK
    ) -> BlockInRecord:
        """The record of a whole domain block."""
        observed = None
        if block.observations:
            moments = [observation.at for observation in block.observations]
            observed = (min(moments), max(moments))
        return cls(
            block.id,
            block.kind,
            block.start,
            block.end,
            block.actual_start,
            block.actual_end,
            observed,
            intensive_id,
            couple_code,
            mark,
        )

    def span(self) -> Span:
        """The block's effective span (:mod:`app.domain.block_span`'s one rule)."""
        first, last = self.observed if self.observed is not None else (None, None)
        return span_with(self, first, last)

    def ran(self) -> bool:
        """Whether the record shows the block ran (a run, an observation, the clinician's word)."""
        return (
            self.actual_start is not None
            or self.actual_end is not None
            or self.observed is not None
            or self.mark.confirmed_ran
        )


class ManualContact(NamedTuple):
    """Contact outside Crucible's intensives: other clients, other formats.

    Named tuples here and below: a practice holds thousands of entries, read
    on every count (bench/hours.py).
    """

    on: date
    minutes: int
    kind: ContactKind
    couple_code: str = ""
    start: time | None = None
    id: int | None = None
    setting: str = NO_SETTING
    """Where the contact took place (a clinic, a practice); "" when not named."""


class SupervisionEntry(NamedTuple):
    """One supervision meeting, as the supervisor would sign it."""

    on: date
    minutes: int
    format: SupervisionFormat
    observable: ObservableData
    supervisor: str = ""
    intensive_ids: tuple[int, ...] = ()
    id: int | None = None
    setting: str = NO_SETTING
    """The setting whose contact it supervises; "" counts toward any (docs/hours.md)."""

    @property
    def is_observable(self) -> bool:
        """Whether the board counts it as supervision with raw clinical data."""
        return self.observable is not ObservableData.NONE


class ContactPiece(NamedTuple):
    """Minutes of contact on one local date, and where they came from (a block or an entry).

    A named tuple rather than a frozen dataclass: a ten-year practice makes
    thousands of them per count, and a tuple is built several times faster
    (bench/hours.py).
    """

    on: date
    minutes: int
    kind: ContactKind
    couple_code: str
    block_id: int | None = None
    intensive_id: int | None = None
    manual_id: int | None = None
    setting: str = NO_SETTING

    @property
    def source(self) -> str:
        """``block`` or ``manual``: the CSV's and the view's word for the origin."""
        return "manual" if self.block_id is None else "block"


_EPOCH_ORDINAL: Final = date(1970, 1, 1).toordinal()
_DAY: Final = 86_400


def contact_kind_of(record: BlockInRecord) -> ContactKind | None:
    """The kind a block counts as, or None when it never counts (the rule above).

    Compared by identity, not looked up: an enum's hash runs Python code,
    and this runs once per block of the practice.
    """
    kind = record.kind
    if kind is BlockKind.JOINT:
        return ContactKind.RELATIONAL
    if kind is BlockKind.INDIVIDUAL_A or kind is BlockKind.INDIVIDUAL_B:
        return ContactKind.INDIVIDUAL
    if kind is BlockKind.OTHER:
        return record.mark.contact_kind
    return None


def needs_confirmation(record: BlockInRecord) -> bool:
    """Whether a block would count but has nothing to show it ran: the view offers to confirm."""
    return contact_kind_of(record) is not None and not record.ran()


def mark_problem(block_id: int, kind: BlockKind) -> str | None:
    """None if a block may be marked as contact (or not), else the sentence that says why not.

    Only an "other" block waits for the clinician's word on its kind: a
    joint or individual block counts by its kind already, and a break or
    homework block never counts, whatever is marked.
    """
    if kind is BlockKind.OTHER:
        return None
    if kind is BlockKind.BREAK or kind is BlockKind.HOMEWORK:
        return (
            f"Block {block_id} is a {kind.value} block; break and homework never count as contact."
        )
    counted = "relational" if kind is BlockKind.JOINT else "individual"
    return (
        f"Block {block_id} counts as {counted} contact by its kind already; "
        "only 'other' blocks are marked."
    )


class OtherBlock(NamedTuple):
    """An "other" block as the trainee decides about it: when it ran, and how it counts now."""

    block_id: int
    intensive_id: int
    couple_code: str
    start: datetime
    """The effective span's start, on the block's own clock."""
    end: datetime
    minutes: int
    counts_as: ContactKind | None

    @property
    def on(self) -> date:
        """The date it started, on its own clock."""
        return self.start.date()


def other_blocks(records: Iterable[BlockInRecord], *, marked: bool) -> list[OtherBlock]:
    """The "other" blocks that ran: those marked as contact (``marked``) or not yet, by start.

    An unmarked one is listed so the trainee knows to decide: it may have
    been contact (a psychoeducation hour) or not (a lunch with the team).
    One without any sign it ran is left out: its plan alone says nothing.
    """
    found = []
    for record in records:
        if record.kind is not BlockKind.OTHER or record.block_id is None or not record.ran():
            continue
        if (record.mark.contact_kind is not None) is not marked:
            continue
        span = record.span()
        zone = zone_of(record)
        found.append(
            OtherBlock(
                record.block_id,
                record.intensive_id,
                record.couple_code,
                span.start.astimezone(zone),
                span.end.astimezone(zone),
                int((span.end - span.start).total_seconds() / 60 + 0.5),
                record.mark.contact_kind,
            )
        )
    return sorted(found, key=lambda block: (block.start, block.block_id))


def zone_of(record: BlockInRecord) -> tzinfo:
    """The clock the block was logged on: its recorded start's offset, else its plan's."""
    return (record.actual_start or record.start).tzinfo or UTC


# An interval on the UTC time line: start and end as POSIX seconds, 0 for relational and
# 1 for individual (so relational sorts first), the record's position, and its clock.
_Interval = tuple[float, float, int, int, tzinfo]


def block_pieces(records: Sequence[BlockInRecord]) -> list[ContactPiece]:
    """The dated pieces of contact time the blocks hold, overlaps counted once.

    Spans sorted by start fall into clusters of mutually overlapping ones;
    a lone span (nearly all of them) is its own piece. Inside a cluster a
    sweep gives each stretch between two ends to one covering span:
    relational before individual, then the one that started first; that
    span's clock dates the time.
    """
    intervals: list[_Interval] = []
    relational = ContactKind.RELATIONAL
    for position, record in enumerate(records):
        kind = contact_kind_of(record)
        if kind is None or not record.ran():
            continue
        span = record.span()
        start, end = span.start.timestamp(), span.end.timestamp()
        if end > start:
            individual = 0 if kind is relational else 1
            intervals.append((start, end, individual, position, zone_of(record)))
    intervals.sort(key=lambda interval: (interval[0], interval[3]))
    seconds: dict[tuple[int, int], float] = {}
    cluster: list[_Interval] = []
    reach = float("-inf")
    for interval in intervals:
        if interval[0] >= reach:
            _settle(cluster, seconds)
            cluster = [interval]
            reach = interval[1]
        else:
            cluster.append(interval)
            reach = max(reach, interval[1])
    _settle(cluster, seconds)
    return _pieces(records, intervals, seconds)


def _settle(cluster: list[_Interval], seconds: dict[tuple[int, int], float]) -> None:
    """Give a cluster's time to its owners, cut at each owner's local midnights."""
    if not cluster:
        return
    if len(cluster) == 1:
        start, end, _kind, position, zone = cluster[0]
        _add_by_local_day(seconds, position, start, end, zone)
        return
    events = sorted(
        [(interval[0], 1, rank) for rank, interval in enumerate(cluster)]
        + [(interval[1], -1, rank) for rank, interval in enumerate(cluster)]
    )
    active: set[int] = set()
    previous = events[0][0]
    for moment, change, rank in events:
        if active and moment > previous:
            owner = cluster[min(active, key=lambda r: (cluster[r][2], r))]
            _add_by_local_day(seconds, owner[3], previous, moment, owner[4])
        previous = moment
        if change > 0:
            active.add(rank)
        else:
            active.discard(rank)


def _add_by_local_day(
    seconds: dict[tuple[int, int], float], position: int, start: float, end: float, zone: tzinfo
) -> None:
    """Add ``start..end`` to ``position``'s days, cut at the local midnights of ``zone``.

    Keys are (day number since 1970 on the local clock, position), so that
    sorting the keys orders the pieces by date.
    """
    offset = _fixed_offset(zone)
    if offset is not None:  # every stored time has a fixed offset: plain arithmetic
        cursor = start
        while cursor < end:
            day = int((cursor + offset) // _DAY)
            midnight = (day + 1) * _DAY - offset
            cut = end if end <= midnight else midnight
            key = (day, position)
            seconds[key] = seconds.get(key, 0.0) + (cut - cursor)
            cursor = cut
        return
    for on, length in _by_local_date(
        datetime.fromtimestamp(start, UTC), datetime.fromtimestamp(end, UTC), zone
    ):
        key = (on.toordinal() - _EPOCH_ORDINAL, position)
        seconds[key] = seconds.get(key, 0.0) + length


@functools.cache
def _fixed_offset(zone: tzinfo) -> float | None:
    """The zone's offset in seconds if it never changes (a ``timezone``), else None."""
    if isinstance(zone, timezone):
        offset = zone.utcoffset(None)
        return offset.total_seconds()
    return None


@functools.cache
def _day_date(day: int) -> date:
    return date.fromordinal(day + _EPOCH_ORDINAL)


def _pieces(
    records: Sequence[BlockInRecord],
    intervals: list[_Interval],
    seconds: dict[tuple[int, int], float],
) -> list[ContactPiece]:
    kinds = {
        interval[3]: ContactKind.RELATIONAL if interval[2] == 0 else ContactKind.INDIVIDUAL
        for interval in intervals
    }
    pieces = []
    for key in sorted(seconds):
        minutes = int(seconds[key] / 60 + 0.5)
        if minutes <= 0:
            continue
        day, position = key
        record = records[position]
        pieces.append(
            ContactPiece(
                _day_date(day),
                minutes,
                kinds[position],
                record.couple_code,
                record.block_id,
                record.intensive_id,
                None,
                INTENSIVES_SETTING,
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
            setting=entry.setting,
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


@functools.cache
def setting_key(setting: str) -> str:
    """How settings are compared: case and runs of spaces do not make a new setting.

    Cached: it runs once per piece of contact, and a practice names few settings.
    """
    return " ".join(setting.split()).casefold()


def setting_problem(setting: str) -> str | None:
    """None if ``setting`` may name an entry's setting, else the sentence that says why not."""
    problem = line_problem(setting)
    if problem:
        return f"The setting {problem}."
    if len(setting) > MAX_SETTING_LENGTH:
        return f"The setting must be at most {MAX_SETTING_LENGTH} characters, not {len(setting)}."
    return None


@functools.cache
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
        if record.block_id not in counted:
            continue
        span = record.span()
        zone = zone_of(record)
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
