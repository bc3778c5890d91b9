"""The hours log's use-cases: read the log of a period, add entries, mark blocks, choose a target.

Every check runs before anything is written, and a refusal is one
sentence (:class:`InputError`): minutes out of 1..1440, a date in the
future, a setting that is not one line of at most 80 characters, a
manual entry that would count a logged block twice, an unknown preset, a
block that does not exist. The rules are in ``app.domain.hours``
and ``app.domain.hours_targets``; this module only reads and writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from crucible.app.domain.audit_vocabulary import SYSTEM_ACTOR, AuditAction
from crucible.app.domain.hours import (
    BlockInRecord,
    BlockMark,
    ContactKind,
    ManualContact,
    SupervisionEntry,
    block_pieces,
    entry_problem,
    manual_pieces,
    mark_problem,
    other_blocks,
    overlapping_block,
    setting_problem,
)
from crucible.app.domain.hours_log import HoursLog, hours_log
from crucible.app.domain.hours_targets import (
    CUSTOM,
    Preset,
    PresetError,
    Target,
    find_preset,
    preset_as_json,
    preset_from,
    shipped_presets,
)
from crucible.app.services.clock import Clock, system_clock
from crucible.app.services.errors import InputError, NotFoundError
from crucible.app.store import hours as store
from crucible.app.store.audit import append_event
from crucible.app.store.vault import Vault

DEFAULT_PRESET = "coamfte-500"
"""The target shown until the trainee chooses one: the issue's first example."""


@dataclass(frozen=True, slots=True)
class HoursRecord:
    """Everything stored that the hours are counted from, read in one session."""

    blocks: tuple[BlockInRecord, ...]
    manual: tuple[ManualContact, ...]
    supervision: tuple[SupervisionEntry, ...]
    target: Target


def read_record(vault: Vault) -> HoursRecord:
    """The blocks, the entries and the chosen target, as domain objects."""
    with vault.session() as session:
        blocks = store.blocks_for_hours(session)
        manual = store.manual_entries(session)
        supervision = store.supervision_entries(session)
        stored = store.stored_target(session)
    return HoursRecord(tuple(blocks), tuple(manual), tuple(supervision), _target(stored))


def _target(stored: tuple[str, str | None, date | None, date | None] | None) -> Target:
    if stored is None:
        return Target(find_preset(shipped_presets(), DEFAULT_PRESET))
    preset_id, custom_json, starts, ends = stored
    try:
        if preset_id == CUSTOM and custom_json is not None:
            preset = preset_from(json.loads(custom_json))
        else:
            preset = find_preset(shipped_presets(), preset_id)
    except (PresetError, json.JSONDecodeError):
        # A preset dropped from a later release: say so rather than count toward nothing.
        raise InputError(
            f"The chosen hours target {preset_id!r} is no longer known; choose another one."
        ) from None
    return Target(preset, starts, ends)


def log_of(record: HoursRecord, date_from: date | None, date_to: date | None) -> HoursLog:
    """The period's hours log from a record already read (the view keeps the record)."""
    pieces = block_pieces(record.blocks) + manual_pieces(record.manual)
    undecided = other_blocks(record.blocks, marked=False)
    return hours_log(pieces, record.supervision, record.target, date_from, date_to, undecided)


def period_problem(date_from: date | None, date_to: date | None) -> str | None:
    """None if the period reads forward, else why not."""
    if date_from is not None and date_to is not None and date_from > date_to:
        return f"The period starts ({date_from}) after it ends ({date_to})."
    return None


def hours_for(vault: Vault, date_from: date | None = None, date_to: date | None = None) -> HoursLog:
    """The hours log of ``date_from..date_to`` (either end open) from what the vault holds."""
    problem = period_problem(date_from, date_to)
    if problem:
        raise InputError(problem)
    return log_of(read_record(vault), date_from, date_to)


def check_manual(entry: ManualContact, record: HoursRecord | None = None, *, today: date) -> None:
    """Refuse an entry that may not be stored (with ``record``, also one over a logged block)."""
    problem = entry_problem(entry.on, entry.minutes, today) or setting_problem(entry.setting)
    if problem:
        raise InputError(problem)
    if record is None:
        return
    pieces = block_pieces(record.blocks)
    clash = overlapping_block(entry, pieces, record.blocks)
    if clash is not None:
        raise InputError(
            f"This entry overlaps block {clash.block_id} of intensive {clash.intensive_id}, "
            "which is already counted; nothing was added."
        )


def add_manual_contact(
    vault: Vault, entry: ManualContact, *, clock: Clock = system_clock, actor: str = SYSTEM_ACTOR
) -> int:
    """Store one manual contact entry after every check, and its audit event; returns its id."""
    check_manual(entry, today=clock().date())
    check_manual(entry, read_record(vault), today=clock().date())
    with vault.write_session() as session:
        now = clock()
        new_id = store.add_manual_entry(session, entry, now)
        _audit(session, now, actor, AuditAction.HOURS_ENTRY_ADDED, entry="contact", id=new_id)
        return new_id


def check_supervision(entry: SupervisionEntry, *, today: date) -> None:
    """Refuse a supervision entry that may not be stored."""
    problem = entry_problem(entry.on, entry.minutes, today) or setting_problem(entry.setting)
    if problem:
        raise InputError(problem)
    if len(entry.supervisor) > 200 or any(ch in entry.supervisor for ch in "\r\n\t"):
        raise InputError("The supervisor's name must be one line of at most 200 characters.")


def add_supervision(
    vault: Vault,
    entry: SupervisionEntry,
    *,
    clock: Clock = system_clock,
    actor: str = SYSTEM_ACTOR,
) -> int:
    """Store one supervision entry after the checks, and its audit event; returns its id."""
    check_supervision(entry, today=clock().date())
    with vault.write_session() as session:
        now = clock()
        new_id = store.add_supervision_entry(session, entry, now)
        _audit(session, now, actor, AuditAction.HOURS_ENTRY_ADDED, entry="supervision", id=new_id)
        return new_id


def remove_entry(
    vault: Vault,
    *,
    supervision: bool,
    entry_id: int,
    clock: Clock = system_clock,
    actor: str = SYSTEM_ACTOR,
) -> None:
    """Delete a manual contact or supervision entry typed in error (the trail keeps that)."""
    kind = "supervision" if supervision else "contact"
    with vault.write_session() as session:
        if not store.delete_entry(session, supervision, entry_id):
            raise NotFoundError(f"There is no {kind} entry with id {entry_id}.")
        _audit(session, clock(), actor, AuditAction.HOURS_ENTRY_REMOVED, entry=kind, id=entry_id)


def mark_block(
    vault: Vault,
    block_id: int,
    mark: BlockMark,
    *,
    clock: Clock = system_clock,
    actor: str = SYSTEM_ACTOR,
) -> None:
    """Record the clinician's word on a block: counts as contact (and how), or it ran."""
    with vault.write_session() as session:
        if not store.block_exists(session, block_id):
            raise NotFoundError(f"There is no block with id {block_id} in this vault.")
        store.set_block_mark(session, block_id, mark)
        _audit(session, clock(), actor, AuditAction.HOURS_BLOCK_MARKED, block=block_id)


def mark_other_block(
    vault: Vault,
    block_id: int,
    counts_as: ContactKind | None,
    *,
    clock: Clock = system_clock,
    actor: str = SYSTEM_ACTOR,
) -> None:
    """Count an "other" block as relational or individual contact, or (None) no longer.

    The trainee's answer to "was this contact?"; whether the block ran is
    kept as it was. Refused, with nothing stored, for a block that does not
    exist and for any block that is not "other" (its kind decides already).
    """
    with vault.write_session() as session:
        found = store.block_kind_and_mark(session, block_id)
        if found is None:
            raise NotFoundError(f"There is no block with id {block_id} in this vault.")
        kind, mark = found
        problem = mark_problem(block_id, kind)
        if problem:
            raise InputError(problem)
        store.set_block_mark(session, block_id, BlockMark(counts_as, mark.confirmed_ran))
        _audit(
            session,
            clock(),
            actor,
            AuditAction.HOURS_BLOCK_MARKED,
            block=block_id,
            counts_as=counts_as.value if counts_as else "not-contact",
        )


def _audit(
    session: Session, at: datetime, actor: str, action: AuditAction, **detail: object
) -> None:
    """The hours log's changes go in the audit trail like every other write (ids only)."""
    append_event(session, at=at, actor=actor, action=action, detail=detail)


def choose_target(
    vault: Vault,
    preset_id: str,
    *,
    starts: date | None = None,
    ends: date | None = None,
    custom: Preset | None = None,
    clock: Clock = system_clock,
    actor: str = SYSTEM_ACTOR,
) -> Target:
    """Make ``preset_id`` (or ``custom``) the target between ``starts`` and ``ends``."""
    problem = period_problem(starts, ends)
    if problem:
        raise InputError(problem)
    if preset_id == CUSTOM:
        if custom is None:
            raise InputError("A custom target needs its categories.")
        preset, custom_json = custom, json.dumps(preset_as_json(custom))
    else:
        try:
            preset = find_preset(shipped_presets(), preset_id)
        except PresetError as error:
            raise InputError(str(error)) from None
        custom_json = None
    with vault.write_session() as session:
        store.store_target(session, preset.id, custom_json, starts, ends)
        _audit(session, clock(), actor, AuditAction.HOURS_TARGET_SET, preset=preset.id)
    return Target(preset, starts, ends)


def presets() -> tuple[Preset, ...]:
    """The shipped presets, for the view's and the CLI's choices."""
    return shipped_presets()
