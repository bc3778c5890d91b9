"""An import written in short transactions, hidden ("staged") until its last one publishes it.

SQLite has one writer. An import of 200,000 observations in one transaction
held it for seconds, and a live key pressed meanwhile committed only after
it (issue 16). Here the import writes in steps, each its own transaction:

1. `stage`: the couple (if the document brings a new one) and the intensive
   with `staged_at` set, its days, blocks and notes (unsigned: the triggers
   refuse sections under a signed note and a signed note's deletion).
2. `insert_batch`, many times: observations, as stored rows
   (`crucible.app.store.observation_insert`), a bounded number at a time.
3. `publish`: the notes that came signed are signed, `staged_at` is cleared
   on the intensive and on the couple this import made. The caller adds the
   audit events in the same transaction.

Every reader that enumerates intensives or couples skips a staged row
(`models.Intensive.staged_at IS NULL`), so nobody sees half an import.
`discard` removes what a failed import staged, in short transactions too;
`leftover_intensives` finds what a crash left behind (decision 0031).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.orm import Session

from crucible.app.domain import intensive as domain
from crucible.app.store import models
from crucible.app.store.intensives import block_row, find_or_add_couple, intensive_row
from crucible.app.store.observation_insert import StoredRow, stored_values

if TYPE_CHECKING:
    from crucible.app.store.vault import Vault

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StagedIntensive:
    """What `stage` wrote: ids only, so the steps after it can run in other transactions."""

    intensive_id: int
    couple_id: int
    couple_staged: bool
    """Whether this import made the couple (and so publishes or removes it)."""
    block_ids: tuple[int, ...]
    """The intensive's blocks in schedule order, as `domain.Intensive` lists them."""


def stage(session: Session, intensive: domain.Intensive, saved_at: datetime) -> StagedIntensive:
    """Write the intensive without its observations, hidden; the caller's transaction."""
    couple = find_or_add_couple(session, intensive.couple, saved_at)
    couple_staged = couple.id is None  # added just now, not flushed yet
    if couple_staged:
        couple.staged_at = saved_at
    row = intensive_row(couple, intensive, saved_at)
    row.staged_at = saved_at
    for day in intensive.days:
        day_row = models.Day(number=day.number, date=day.date)
        for position, block in enumerate(day.blocks):
            day_row.blocks.append(block_row(block, position, saved_at))
        row.days.append(day_row)
    session.add(row)
    session.flush()
    return StagedIntensive(
        intensive_id=row.id,
        couple_id=couple.id,
        couple_staged=couple_staged,
        block_ids=tuple(block.id for day in row.days for block in day.blocks),
    )


def observation_batches(
    intensive: domain.Intensive,
    block_ids: Sequence[int],
    rows: int,
    pace: Callable[[], None],
) -> Iterator[list[StoredRow]]:
    """The intensive's observations as stored rows, `rows` at a time, in schedule order.

    Built before the transaction that inserts them, so a batch's transaction
    holds the writer only for SQLite's work; one batch exists at a time.
    `pace` runs once per row built, outside any transaction (decision 0032).
    """
    blocks = [block for day in intensive.days for block in day.blocks]
    batch: list[StoredRow] = []
    for block, block_id in zip(blocks, block_ids, strict=True):
        start = block.start
        for observation in block.observations:
            pace()
            batch.append(stored_values(block_id, observation, start))
            if len(batch) >= rows:
                yield batch
                batch = []
    if batch:
        yield batch


def publish(session: Session, intensive: domain.Intensive, staged: StagedIntensive) -> None:
    """Sign the notes that came signed and make the intensive (and its new couple) visible."""
    blocks = [block for day in intensive.days for block in day.blocks]
    signed = {
        block_id: block.note
        for block, block_id in zip(blocks, staged.block_ids, strict=True)
        if block.note.is_signed
    }
    if signed:
        notes = session.scalars(
            select(models.BlockNote).where(models.BlockNote.block_id.in_(list(signed)))
        )
        for note_row in notes:
            note = signed[note_row.block_id]
            note_row.signed_at = note.signed_at
            note_row.signed_by = note.signed_by
            note_row.content_hash = domain.content_hash(note.sections)
    session.execute(
        update(models.Intensive)
        .where(models.Intensive.id == staged.intensive_id)
        .values(staged_at=None)
    )
    if staged.couple_staged:
        session.execute(
            update(models.Couple).where(models.Couple.id == staged.couple_id).values(staged_at=None)
        )
    session.flush()


def leftover_intensives(connection: Connection) -> list[int]:
    """The staged intensives in the vault (a crash's leftovers, when no import is running)."""
    return list(
        connection.scalars(
            select(models.Intensive.id)
            .where(models.Intensive.staged_at.is_not(None))
            .order_by(models.Intensive.id)
        )
    )


def anything_staged(connection: Connection) -> bool:
    """Whether any intensive or couple is staged (one read, at every unlock)."""
    staged = select(models.Intensive.id).where(models.Intensive.staged_at.is_not(None)).exists()
    couple = select(models.Couple.id).where(models.Couple.staged_at.is_not(None)).exists()
    return bool(connection.scalar(select(staged | couple)))


DISCARD_ROWS = 500
"""Observations deleted per transaction when a staged intensive is removed."""


def delete_some_observations(connection: Connection, intensive_id: int) -> int:
    """Delete up to `DISCARD_ROWS` observations of a staged intensive; how many went."""
    blocks = (
        select(models.Block.id)
        .join(models.Day, models.Day.id == models.Block.day_id)
        .where(models.Day.intensive_id == intensive_id)
    )
    some = (
        select(models.Observation.id)
        .where(models.Observation.block_id.in_(blocks))
        .limit(DISCARD_ROWS)
        .scalar_subquery()
    )
    result = connection.execute(
        delete(models.Observation).where(models.Observation.id.in_(some)),
    )
    return int(result.rowcount)


def delete_staged(connection: Connection, intensive_id: int) -> None:
    """Delete a staged intensive (its days, blocks and notes go by cascade) and its staged couple.

    Only a staged intensive: a published one is never removed this way. Its
    couple goes too when the couple is itself staged and holds no other
    intensive. Through Core: the ORM's cascade would first load every child.
    """
    intensive, couple = models.Intensive, models.Couple
    couple_id = connection.scalar(
        select(intensive.couple_id).where(
            intensive.id == intensive_id, intensive.staged_at.is_not(None)
        )
    )
    if couple_id is None:
        return
    connection.execute(delete(intensive).where(intensive.id == intensive_id))
    connection.execute(
        delete(couple).where(
            couple.id == couple_id,
            couple.staged_at.is_not(None),
            ~select(intensive.id).where(intensive.couple_id == couple_id).exists(),
        )
    )


def delete_lone_staged_couples(connection: Connection) -> None:
    """Delete staged couples that no intensive belongs to (whatever a crash left)."""
    intensive, couple = models.Intensive, models.Couple
    connection.execute(
        delete(couple).where(
            couple.staged_at.is_not(None),
            ~select(intensive.id).where(intensive.couple_id == couple.id).exists(),
        )
    )


def remove_staged(vault: Vault, intensive_id: int) -> None:
    """Remove a staged intensive in short transactions, giving way to waiting writers between.

    Its observations go `DISCARD_ROWS` at a time (a failed import of 200,000
    must not hold the writer for the seconds one DELETE would), then the
    rest in one transaction. A published intensive is left alone.
    """
    while True:
        with vault.staging_connection() as connection:  # a crash leaves it staged: removed later
            gone = delete_some_observations(connection, intensive_id)
        if gone < DISCARD_ROWS:
            break
        vault.give_way()
    with vault.write_connection() as connection:
        delete_staged(connection, intensive_id)


def remove_leftovers(vault: Vault) -> int:
    """Remove every staged intensive and lone staged couple; how many intensives went.

    The caller makes sure no import is running (the vault is held alone).
    """
    with vault.engine.connect() as connection:
        found = leftover_intensives(connection)
    for intensive_id in found:
        remove_staged(vault, intensive_id)
    with vault.write_connection() as connection:
        delete_lone_staged_couples(connection)
    if found:
        log.info("removed %d staged intensives an interrupted import left", len(found))
    return len(found)


__all__ = [
    "DISCARD_ROWS",
    "StagedIntensive",
    "anything_staged",
    "delete_lone_staged_couples",
    "delete_some_observations",
    "delete_staged",
    "leftover_intensives",
    "observation_batches",
    "publish",
    "remove_leftovers",
    "remove_staged",
    "stage",
]
