"""The hours log's rows: manual contact, supervision, block marks, the target; and the blocks.

Queries take the caller's session. The blocks are read for the hours only:
their plan, their recorded run and the moments of their first and last
observation (all that :func:`app.domain.block_span.span_with` needs),
never their notes or the observations themselves, so a ten-year vault
answers in one query. Rows are read as plain tuples, without ORM identity
tracking (bench/hours.py).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import date, datetime, time

from sqlalchemy import String, delete, func, select, type_coerce
from sqlalchemy.orm import Session

from crucible.app.domain.hours import (
    NO_MARK,
    BlockInRecord,
    BlockMark,
    ContactKind,
    ManualContact,
    ObservableData,
    SupervisionEntry,
    SupervisionFormat,
)
from crucible.app.domain.vocabulary import BlockKind
from crucible.app.store import models

_BLOCK_KINDS = {kind.value: kind for kind in BlockKind}
_CONTACT_KINDS = {kind.value: kind for kind in ContactKind}


def blocks_for_hours(session: Session) -> list[BlockInRecord]:
    """Every block of every intensive (archived ones too: the hours happened), with its mark."""
    seen = (
        select(
            models.Observation.block_id,
            func.min(models.Observation.at_utc).label("first"),
            func.max(models.Observation.at_utc).label("last"),
        )
        .group_by(models.Observation.block_id)
        .subquery()
    )
    block = models.Block
    query = (
        select(
            block.id,
            block.kind,
            type_coerce(block.start, String),  # ISO text, parsed below without the
            type_coerce(block.end, String),  # TypeDecorator's per-value overhead
            type_coerce(block.actual_start, String),
            type_coerce(block.actual_end, String),
            seen.c.first,
            seen.c.last,
            models.Intensive.id,
            models.Couple.code,
            models.HoursBlockMark.contact_kind,
            models.HoursBlockMark.confirmed_ran,
        )
        .join(models.Day, models.Day.id == block.day_id)
        .join(models.Intensive, models.Intensive.id == models.Day.intensive_id)
        .join(models.Couple, models.Couple.id == models.Intensive.couple_id)
        .outerjoin(models.HoursBlockMark, models.HoursBlockMark.block_id == block.id)
        .outerjoin(seen, seen.c.block_id == block.id)
        .where(models.Intensive.staged_at.is_(None))  # an import still writing: not yet hours
        .order_by(block.id)
    )
    moment = datetime.fromisoformat  # what AwareDateTime does; "...Z" texts are UTC
    records = []
    for row in session.execute(query):
        block_id, kind, start, end, actual_start, actual_end, first, last = row[:8]
        intensive_id, code, contact_kind, confirmed = row[8:]
        mark = (
            NO_MARK
            if contact_kind is None and not confirmed
            else BlockMark(_CONTACT_KINDS[contact_kind] if contact_kind else None, bool(confirmed))
        )
        records.append(
            BlockInRecord(
                block_id,
                _BLOCK_KINDS[kind],
                moment(start),
                None if end is None else moment(end),
                None if actual_start is None else moment(actual_start),
                None if actual_end is None else moment(actual_end),
                None if first is None else (moment(first), moment(last)),
                intensive_id,
                code,
                mark,
            )
        )
    return records


_FORMATS = {value.value: value for value in SupervisionFormat}
_OBSERVABLE = {value.value: value for value in ObservableData}


def manual_entries(session: Session) -> list[ManualContact]:
    """Every manual contact entry, oldest first (plain rows: no ORM identity tracking)."""
    table = models.HoursContactEntry
    rows = session.execute(
        select(
            type_coerce(table.on, String),  # ISO text: parsed here, without per-value hooks
            table.minutes,
            table.kind,
            table.couple_code,
            table.start_time,
            table.id,
            table.setting,
        ).order_by(table.on, table.id)
    )
    day = _day_parser()
    return [
        ManualContact(
            day(on),
            minutes,
            _CONTACT_KINDS[kind],
            code,
            time.fromisoformat(start) if start else None,
            entry_id,
            setting,
        )
        for on, minutes, kind, code, start, entry_id, setting in rows
    ]


def supervision_entries(session: Session) -> list[SupervisionEntry]:
    """Every supervision entry, oldest first (plain rows: no ORM identity tracking)."""
    table = models.HoursSupervisionEntry
    rows = session.execute(
        select(
            type_coerce(table.on, String),  # ISO text and JSON text: parsed here, without
            table.minutes,  # the column types' per-value hooks
            table.format,
            table.observable,
            table.supervisor,
            type_coerce(table.intensive_ids, String),
            table.id,
            table.setting,
        ).order_by(table.on, table.id)
    )
    day = _day_parser()
    return [
        SupervisionEntry(
            day(on),
            minutes,
            _FORMATS[form],
            _OBSERVABLE[observable],
            supervisor,
            () if not ids or ids == "[]" else tuple(json.loads(ids)),
            entry_id,
            setting,
        )
        for on, minutes, form, observable, supervisor, ids, entry_id, setting in rows
    ]


def _day_parser() -> Callable[[str], date]:
    """``date.fromisoformat``, remembering each date: entries share few thousand dates."""
    return functools.cache(date.fromisoformat)


def add_manual_entry(session: Session, entry: ManualContact, saved_at: datetime) -> int:
    """Insert one manual contact entry; returns its id."""
    row = models.HoursContactEntry(
        on=entry.on,
        minutes=entry.minutes,
        kind=entry.kind.value,
        couple_code=entry.couple_code,
        start_time=None if entry.start is None else entry.start.strftime("%H:%M"),
        setting=entry.setting,
        created_at=saved_at,
    )
    session.add(row)
    session.flush()
    return row.id


def add_supervision_entry(session: Session, entry: SupervisionEntry, saved_at: datetime) -> int:
    """Insert one supervision entry; returns its id."""
    row = models.HoursSupervisionEntry(
        on=entry.on,
        minutes=entry.minutes,
        format=entry.format.value,
        observable=entry.observable.value,
        supervisor=entry.supervisor,
        intensive_ids=list(entry.intensive_ids),
        setting=entry.setting,
        created_at=saved_at,
    )
    session.add(row)
    session.flush()
    return row.id


def delete_entry(session: Session, supervision: bool, entry_id: int) -> bool:
    """Remove one manual contact or supervision entry; False if there was none."""
    table = models.HoursSupervisionEntry if supervision else models.HoursContactEntry
    result = session.execute(delete(table).where(table.id == entry_id))
    return bool(getattr(result, "rowcount", 0))


def set_block_mark(session: Session, block_id: int, mark: BlockMark) -> None:
    """Record (or clear, for an empty mark) the clinician's word on one block."""
    row = session.get(models.HoursBlockMark, block_id)
    if mark == BlockMark():
        if row is not None:
            session.delete(row)
        return
    if row is None:
        row = models.HoursBlockMark(block_id=block_id)
        session.add(row)
    row.contact_kind = None if mark.contact_kind is None else mark.contact_kind.value
    row.confirmed_ran = mark.confirmed_ran


def stored_target(session: Session) -> tuple[str, str | None, date | None, date | None] | None:
    """The chosen target: preset id, custom JSON, first and last date; None if none chosen."""
    row = session.get(models.HoursTarget, 1)
    if row is None:
        return None
    return row.preset_id, row.custom_json, row.starts, row.ends


def store_target(
    session: Session,
    preset_id: str,
    custom_json: str | None,
    starts: date | None,
    ends: date | None,
) -> None:
    """Replace the chosen target."""
    row = session.get(models.HoursTarget, 1)
    if row is None:
        row = models.HoursTarget(id=1)
        session.add(row)
    row.preset_id = preset_id
    row.custom_json = custom_json
    row.starts = starts
    row.ends = ends


def block_kind_and_mark(session: Session, block_id: int) -> tuple[BlockKind, BlockMark] | None:
    """A block's kind and the clinician's word on it; None when the vault holds no such block."""
    row = session.execute(
        select(
            models.Block.kind,
            models.HoursBlockMark.contact_kind,
            models.HoursBlockMark.confirmed_ran,
        )
        .outerjoin(models.HoursBlockMark, models.HoursBlockMark.block_id == models.Block.id)
        .where(models.Block.id == block_id)
    ).first()
    if row is None:
        return None
    kind, contact_kind, confirmed = row
    mark = BlockMark(_CONTACT_KINDS[contact_kind] if contact_kind else None, bool(confirmed))
    return _BLOCK_KINDS[kind], mark


def block_exists(session: Session, block_id: int) -> bool:
    """Whether the vault holds a block with this id."""
    return session.get(models.Block, block_id) is not None
