"""Queries behind the case navigator: couples, intensives, days and blocks.

Every function takes the caller's session (one per user action) and returns
small frozen summaries, never ORM rows, so nothing tied to a session or a
thread leaves the store. Edits keep the two invariants the rest of the app
relies on: day numbers run 1..n in date order, and block positions run
0..n-1 within a day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from crucible.app.store import models

_Row = TypeVar("_Row", bound=models.Base)


class CasebookRuleError(ValueError):
    """An edit that would break a clinical-record rule; the message says which, in one sentence."""


@dataclass(frozen=True, slots=True)
class PartnerOutline:
    """A partner as the navigator shows it."""

    key: str
    name: str
    pronouns: str
    colour: str


@dataclass(frozen=True, slots=True)
class BlockOutline:
    """A block of a day, with what decides whether it may be removed."""

    id: int
    position: int
    title: str
    kind: str
    start: datetime
    end: datetime | None
    signed: bool
    observation_count: int


@dataclass(frozen=True, slots=True)
class DayOutline:
    """A day of an intensive with its blocks in order."""

    id: int
    number: int
    date: date
    blocks: tuple[BlockOutline, ...]


@dataclass(frozen=True, slots=True)
class IntensiveOutline:
    """An intensive with its days in order.

    A *header* (`loaded` False) is what the navigator lists before the
    intensive is opened: no days yet, only the first day's date for its
    label. `load_intensive` gives the whole outline; on a ten-year vault
    reading every day and block up front cost most of the unlock.
    """

    id: int
    couple_id: int
    title: str
    clinician: str
    trainee: str | None
    supervisor: str | None
    status: str
    days: tuple[DayOutline, ...]
    cosigned: bool = False
    """Whether the supervisor's latest return co-signed it (issue 13; the navigator marks it)."""
    loaded: bool = True
    first_date: date | None = None

    @property
    def first_day(self) -> date | None:
        """The date of the first day, from the days or (for a header) as read with it."""
        return self.days[0].date if self.days else self.first_date

    @property
    def has_signed_note(self) -> bool:
        """Whether any block carries a signed note (which forbids deleting the intensive)."""
        return any(block.signed for day in self.days for block in day.blocks)


@dataclass(frozen=True, slots=True)
class CoupleOutline:
    """A couple with its partners and intensives."""

    id: int
    code: str
    partners: tuple[PartnerOutline, PartnerOutline]
    intensives: tuple[IntensiveOutline, ...]


@dataclass(frozen=True, slots=True)
class BlockPlan:
    """A block to create: title, kind and wall-clock times on its day."""

    title: str
    kind: str
    start: time
    end: time | None


def load_casebook(session: Session, *, include_archived: bool) -> list[CoupleOutline]:
    """Every couple (by code) with its intensives, days and blocks; archived ones on request."""
    counts = dict(
        session.execute(
            select(models.Observation.block_id, func.count()).group_by(models.Observation.block_id)
        ).all()
    )
    signed = set(
        session.scalars(
            select(models.BlockNote.block_id).where(models.BlockNote.signed_at.is_not(None))
        )
    )
    cosigned = _cosigned(session)
    couples = session.scalars(
        select(models.Couple)
        .where(models.Couple.staged_at.is_(None))
        .order_by(models.Couple.code)
        .options(
            selectinload(models.Couple.partners),
            selectinload(models.Couple.intensives)
            .selectinload(models.Intensive.days)
            .selectinload(models.Day.blocks),
        )
    )
    result = []
    for couple in couples:
        intensives = tuple(
            _intensive_summary(row, counts, signed, row.id in cosigned)
            for row in sorted(couple.intensives, key=lambda i: i.id)
            if row.staged_at is None and (include_archived or row.status != "archived")
        )
        a, b = (PartnerOutline(p.key, p.name, p.pronouns, p.colour) for p in couple.partners)
        result.append(CoupleOutline(couple.id, couple.code, (a, b), intensives))
    return result


def _cosigned(session: Session, intensive_id: int | None = None) -> set[int]:
    """The intensives whose supervisor's latest return co-signed them (issue 13)."""
    query = (
        select(models.ReviewSent.intensive_id)
        .join(models.ReviewReturn, models.ReviewReturn.sent_id == models.ReviewSent.id)
        .where(models.ReviewReturn.cosigned_at.is_not(None))
    )
    if intensive_id is not None:
        query = query.where(models.ReviewSent.intensive_id == intensive_id)
    return set(session.scalars(query))


# `staged_at IS NULL`: an import still writing is nobody's to see (decision 0031).
_COUPLES_SQL = "SELECT id, code FROM couple WHERE staged_at IS NULL ORDER BY code"
_PARTNERS_SQL = "SELECT couple_id, key, name, pronouns, colour FROM partner ORDER BY couple_id, key"
_HEADERS_SQL = (
    "SELECT i.id, i.couple_id, i.title, i.clinician, i.trainee, i.supervisor, i.status,"
    " (SELECT min(d.date) FROM day AS d WHERE d.intensive_id = i.id)"  # ix_day_intensive_date
    " FROM intensive AS i{where} ORDER BY i.id"
)
_COSIGNED_SQL = (
    "SELECT s.intensive_id FROM review_sent AS s JOIN review_return AS r ON r.sent_id = s.id"
    " WHERE r.cosigned_at IS NOT NULL"
)


def load_couples(session: Session, *, include_archived: bool) -> list[CoupleOutline]:
    """Every couple (by code) with its intensives as headers: four plain statements, no days.

    What the navigator shows at unlock; an intensive's days and blocks come
    from `load_intensive` when it is expanded or selected. The statements go
    to the driver's cursor inside the session's transaction, as SQL text:
    through the ORM the same rows cost 35-40 ms of the unlock on a ten-year
    vault, most of it compiling each statement for the engine the unlock
    has just made (its statement cache starts empty) and converting rows;
    the plain reads take 5-10 ms (issue 16). Only `day.date` needs a
    conversion: it is stored as ISO text (`types.IsoDate`).
    """
    driver = session.connection().connection.driver_connection
    assert driver is not None
    partners: dict[int, list[PartnerOutline]] = {}
    for couple_id, key, name, pronouns, colour in driver.execute(_PARTNERS_SQL):
        partners.setdefault(couple_id, []).append(PartnerOutline(key, name, pronouns, colour))
    cosigned = {row[0] for row in driver.execute(_COSIGNED_SQL)}
    archived = "" if include_archived else " AND i.status != 'archived'"
    where = " WHERE i.staged_at IS NULL" + archived
    intensives: dict[int, list[IntensiveOutline]] = {}
    for row in driver.execute(_HEADERS_SQL.format(where=where)):
        intensive_id, couple_id, title, clinician, trainee, supervisor, status, first = row
        header = IntensiveOutline(
            intensive_id,
            couple_id,
            title,
            clinician,
            trainee,
            supervisor,
            status,
            days=(),
            cosigned=intensive_id in cosigned,
            loaded=False,
            first_date=_as_date(first),
        )
        intensives.setdefault(couple_id, []).append(header)
    result = []
    for couple_id, code in driver.execute(_COUPLES_SQL):  # a staged couple's intensive is too
        a, b = partners[couple_id]
        result.append(CoupleOutline(couple_id, code, (a, b), tuple(intensives.get(couple_id, ()))))
    return result


def _as_date(value: object) -> date | None:
    """min() over an IsoDate column comes back as the stored text in some SQLAlchemy paths."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def load_couple(session: Session, couple_id: int, *, include_archived: bool) -> CoupleOutline:
    """One couple as `load_couples` lists it (after an edit of that couple)."""
    for couple in load_couples(session, include_archived=include_archived):
        if couple.id == couple_id:
            return couple
    raise LookupError(couple_id)


def intensives_with_block_titled(session: Session, text: str) -> list[int]:
    """The intensives with a block whose title holds `text` (any case), for the filter."""
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return list(
        session.scalars(
            select(models.Day.intensive_id)
            .join(models.Block, models.Block.day_id == models.Day.id)
            .join(models.Intensive, models.Intensive.id == models.Day.intensive_id)
            .where(models.Intensive.staged_at.is_(None))
            .where(models.Block.title.ilike(pattern, escape="\\"))
            .distinct()
        )
    )


def load_intensive(session: Session, intensive_id: int) -> IntensiveOutline:
    """One intensive with its days and blocks; counts by one aggregate over its blocks only."""
    row = _get(session, models.Intensive, intensive_id)
    days = session.execute(
        select(models.Day.id, models.Day.number, models.Day.date)
        .where(models.Day.intensive_id == intensive_id)
        .order_by(models.Day.number)
    ).all()
    blocks = session.execute(
        select(
            models.Block.day_id,
            models.Block.id,
            models.Block.position,
            models.Block.title,
            models.Block.kind,
            models.Block.start,
            models.Block.end,
        )
        .where(models.Block.day_id.in_([d.id for d in days]))
        .order_by(models.Block.day_id, models.Block.position)
    ).all()
    ids = [b.id for b in blocks]
    counts = dict(
        session.execute(
            select(models.Observation.block_id, func.count())
            .where(models.Observation.block_id.in_(ids))
            .group_by(models.Observation.block_id)
        ).all()
    )
    signed = set(
        session.scalars(
            select(models.BlockNote.block_id).where(
                models.BlockNote.block_id.in_(ids), models.BlockNote.signed_at.is_not(None)
            )
        )
    )
    by_day: dict[int, list[BlockOutline]] = {}
    for b in blocks:
        by_day.setdefault(b.day_id, []).append(
            BlockOutline(
                b.id,
                b.position,
                b.title,
                b.kind,
                b.start,
                b.end,
                b.id in signed,
                counts.get(b.id, 0),
            )
        )
    return IntensiveOutline(
        id=row.id,
        couple_id=row.couple_id,
        title=row.title,
        clinician=row.clinician,
        trainee=row.trainee,
        supervisor=row.supervisor,
        status=row.status,
        days=tuple(DayOutline(d.id, d.number, d.date, tuple(by_day.get(d.id, ()))) for d in days),
        cosigned=bool(_cosigned(session, intensive_id)),
    )


def _intensive_summary(
    row: models.Intensive, counts: dict[int, int], signed: set[int], cosigned: bool
) -> IntensiveOutline:
    return IntensiveOutline(
        cosigned=cosigned,
        id=row.id,
        couple_id=row.couple_id,
        title=row.title,
        clinician=row.clinician,
        trainee=row.trainee,
        supervisor=row.supervisor,
        status=row.status,
        days=tuple(
            DayOutline(
                id=day.id,
                number=day.number,
                date=day.date,
                blocks=tuple(
                    BlockOutline(
                        id=block.id,
                        position=block.position,
                        title=block.title,
                        kind=block.kind,
                        start=block.start,
                        end=block.end,
                        signed=block.id in signed,
                        observation_count=counts.get(block.id, 0),
                    )
                    for block in day.blocks
                ),
            )
            for day in row.days
        ),
    )


def add_couple(session: Session, code: str, partners: list[PartnerOutline]) -> int:
    """Insert a couple with partners A and B; the code must be free."""
    if session.scalar(select(models.Couple.id).where(models.Couple.code == code)) is not None:
        raise CasebookRuleError(f"The couple code {code!r} is already used in this vault.")
    row = models.Couple(
        code=code,
        partners=[
            models.Partner(key=p.key, name=p.name, pronouns=p.pronouns, colour=p.colour)
            for p in partners
        ],
    )
    session.add(row)
    session.flush()
    return row.id


def update_couple(
    session: Session, couple_id: int, code: str, partners: list[PartnerOutline]
) -> None:
    """Change a couple's code and its partners' names, pronouns and colours."""
    row = _get(session, models.Couple, couple_id)
    clash = session.scalar(
        select(models.Couple.id).where(models.Couple.code == code, models.Couple.id != couple_id)
    )
    if clash is not None:
        raise CasebookRuleError(f"The couple code {code!r} is already used in this vault.")
    row.code = code
    by_key = {p.key: p for p in partners}
    for partner in row.partners:
        new = by_key[partner.key]
        partner.name, partner.pronouns, partner.colour = new.name, new.pronouns, new.colour
    session.flush()


def add_intensive_from_plan(
    session: Session,
    couple_id: int,
    *,
    title: str,
    clinician: str,
    trainee: str | None,
    supervisor: str | None,
    first_date: date,
    days: list[list[BlockPlan]],
    zone: tzinfo,
) -> int:
    """Insert an intensive whose days follow `first_date` one calendar day apart."""
    _get(session, models.Couple, couple_id)
    row = models.Intensive(
        couple_id=couple_id,
        title=title,
        clinician=clinician,
        trainee=trainee,
        supervisor=supervisor,
        status="active",
    )
    for number, plans in enumerate(days, start=1):
        day_date = first_date + timedelta(days=number - 1)
        day = models.Day(number=number, date=day_date)
        for position, plan in enumerate(plans):
            day.blocks.append(_block_from_plan(plan, position, day_date, zone))
        row.days.append(day)
    session.add(row)
    session.flush()
    return row.id


def _block_from_plan(plan: BlockPlan, position: int, day_date: date, zone: tzinfo) -> models.Block:
    return models.Block(
        position=position,
        title=plan.title,
        kind=plan.kind,
        start=datetime.combine(day_date, plan.start, zone),
        end=None if plan.end is None else datetime.combine(day_date, plan.end, zone),
    )


def set_supervision(
    session: Session, intensive_id: int, trainee: str | None, supervisor: str | None
) -> None:
    """Record who ran the intensive under whom; both empty means not supervised."""
    row = _get(session, models.Intensive, intensive_id)
    row.trainee, row.supervisor = trainee or None, supervisor or None
    session.flush()


def set_title(session: Session, intensive_id: int, title: str) -> None:
    """Rename an intensive."""
    _get(session, models.Intensive, intensive_id).title = title
    session.flush()


def set_status(session: Session, intensive_id: int, status: str) -> None:
    """Archive an intensive or bring it back."""
    _get(session, models.Intensive, intensive_id).status = status
    session.flush()


def signed_note_count(session: Session, intensive_id: int) -> int:
    """How many blocks of the intensive carry a signed note."""
    return (
        session.scalar(
            select(func.count())
            .select_from(models.BlockNote)
            .join(models.Block)
            .join(models.Day)
            .where(models.Day.intensive_id == intensive_id, models.BlockNote.signed_at.is_not(None))
        )
        or 0
    )


def delete_intensive(session: Session, intensive_id: int) -> None:
    """Delete an intensive that holds no signed note, with everything in it."""
    row = _get(session, models.Intensive, intensive_id)
    if signed_note_count(session, intensive_id):
        raise CasebookRuleError(
            "This intensive has signed notes, and signed records cannot be deleted; "
            "archive it instead."
        )
    session.delete(row)
    session.flush()


def add_day(session: Session, intensive_id: int) -> int:
    """Append a day, dated the day after the current last one, with no blocks."""
    row = _get(session, models.Intensive, intensive_id)
    last = row.days[-1] if row.days else None
    new_date = date.today() if last is None else last.date + timedelta(days=1)
    day = models.Day(number=len(row.days) + 1, date=new_date)
    row.days.append(day)
    session.flush()
    return day.id


def remove_day(session: Session, day_id: int) -> None:
    """Remove a day and its blocks unless a block holds a signed note; renumber the rest."""
    day = _get(session, models.Day, day_id)
    if any(block.note is not None and block.note.signed_at for block in day.blocks):
        raise CasebookRuleError(
            "This day has a block with a signed note, and signed records cannot be deleted."
        )
    intensive = day.intensive
    session.delete(day)
    session.flush()
    session.expire(intensive, ["days"])
    _renumber_days(session, intensive)


def move_day(session: Session, day_id: int, step: int) -> None:
    """Swap a day with its neighbour; dates stay in order, so the two days trade dates too."""
    day = _get(session, models.Day, day_id)
    days = list(day.intensive.days)
    index = days.index(day)
    other_index = index + step
    if not 0 <= other_index < len(days):
        return
    other = days[other_index]
    day_date, other_date = day.date, other.date
    days[index], days[other_index] = other, day
    _redate(day, other_date)
    _redate(other, day_date)
    _apply_day_numbers(session, days)


def redate_day(session: Session, day_id: int, new_date: date) -> None:
    """Move a day (and its blocks' times) to another date, keeping days in date order."""
    day = _get(session, models.Day, day_id)
    if any(d.date == new_date and d.id != day.id for d in day.intensive.days):
        raise CasebookRuleError("Another day of this intensive already has that date.")
    _redate(day, new_date)
    _renumber_days(session, day.intensive)


def _redate(day: models.Day, new_date: date) -> None:
    day.date = new_date
    for block in day.blocks:
        block.start = datetime.combine(new_date, block.start.timetz())
        if block.end is not None:
            block.end = datetime.combine(new_date, block.end.timetz())
        _refresh_offsets(block)


def _renumber_days(session: Session, intensive: models.Intensive) -> None:
    _apply_day_numbers(session, sorted(intensive.days, key=lambda d: (d.date, d.number)))


def _apply_day_numbers(session: Session, days: list[models.Day]) -> None:
    # Two passes: the (intensive, number) unique constraint holds at every statement.
    for index, day in enumerate(days):
        day.number = -(index + 1)
    session.flush()
    for index, day in enumerate(days):
        day.number = index + 1
    session.flush()


def add_block(session: Session, day_id: int, plan: BlockPlan) -> int:
    """Append a block to a day, in the zone of the day's other blocks (else the given one)."""
    day = _get(session, models.Day, day_id)
    zone = day.blocks[0].start.tzinfo if day.blocks else None
    block = _block_from_plan(
        plan, len(day.blocks), day.date, zone or datetime.now().astimezone().tzinfo or UTC
    )
    day.blocks.append(block)
    session.flush()
    return block.id


def update_block(
    session: Session, block_id: int, *, title: str, kind: str, start: time, end: time | None
) -> None:
    """Retitle and retime a block on its day; observation offsets follow the new start."""
    block = _get(session, models.Block, block_id)
    if end is not None and end <= start:
        raise CasebookRuleError("A block must end after it starts.")
    zone = block.start.tzinfo
    block.title, block.kind = title, kind
    block.start = datetime.combine(block.day.date, start, zone)
    block.end = None if end is None else datetime.combine(block.day.date, end, zone)
    _refresh_offsets(block)
    session.flush()


def _refresh_offsets(block: models.Block) -> None:
    for observation in block.observations:
        observation.offset_s = (observation.at - block.start).total_seconds()


def move_block(session: Session, block_id: int, step: int) -> None:
    """Move a block one place earlier (step -1) or later (+1) within its day."""
    block = _get(session, models.Block, block_id)
    blocks = list(block.day.blocks)
    index = blocks.index(block)
    other = index + step
    if not 0 <= other < len(blocks):
        return
    blocks[index], blocks[other] = blocks[other], blocks[index]
    for position, row in enumerate(blocks):
        row.position = position
    session.flush()


def remove_block(session: Session, block_id: int) -> None:
    """Remove a block unless its note is signed; the later blocks move up."""
    block = _get(session, models.Block, block_id)
    if block.note is not None and block.note.signed_at is not None:
        raise CasebookRuleError(
            "This block has a signed note, and signed records cannot be deleted."
        )
    day = block.day
    session.delete(block)
    session.flush()
    session.expire(day, ["blocks"])
    for position, row in enumerate(day.blocks):
        row.position = position
    session.flush()


def intensive_of_block(session: Session, block_id: int) -> int:
    """The id of the intensive a block belongs to (for audit entries)."""
    return _get(session, models.Block, block_id).day.intensive_id


def intensive_of_day(session: Session, day_id: int) -> int:
    """The id of the intensive a day belongs to (for audit entries)."""
    return _get(session, models.Day, day_id).intensive_id


def _get(session: Session, model: type[_Row], row_id: int) -> _Row:
    row = session.get(model, row_id)
    if row is None:
        raise LookupError(f"{model.__tablename__} {row_id}")
    return row


__all__ = [
    "BlockOutline",
    "BlockPlan",
    "CasebookRuleError",
    "CoupleOutline",
    "DayOutline",
    "IntensiveOutline",
    "PartnerOutline",
    "load_casebook",
]
