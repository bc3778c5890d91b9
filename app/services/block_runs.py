"""Recording when a block actually ran: live mode on and off, the block clock, "log it as today".

Each write is one short transaction on the block's row and returns the run
as stored, so the live workspace shows exactly what the vault holds. The
recording rules themselves (a start is set once, an end only ever moves
later, "today" keeps only today's record) are :class:`app.domain.block_span.Run`'s;
logging an observation extends the end in its own transaction
(:func:`app.services.observations.log_observation`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection, bindparam, select, update

from crucible.app.domain.block_span import Run
from crucible.app.services.errors import NotFoundError
from crucible.app.store import models
from crucible.app.store.vault import Vault

_READ = select(models.Block.actual_start, models.Block.actual_end).where(
    models.Block.id == bindparam("block_id")
)
_WRITE = (
    update(models.Block)
    .where(models.Block.id == bindparam("block_id"))
    .values(actual_start=bindparam("ran_from"), actual_end=bindparam("ran_until"))
)


def read_run(connection: Connection, block_id: int) -> Run:
    """The block's recorded run, on the caller's connection.

    Raises:
        NotFoundError: If there is no such block.
    """
    row = connection.execute(_READ, {"block_id": block_id}).first()
    if row is None:
        raise NotFoundError(f"There is no block with id {block_id} in this vault.")
    return Run(row.actual_start, row.actual_end)


def write_run(connection: Connection, block_id: int, before: Run, after: Run) -> Run:
    """Store ``after`` if it differs from ``before``; returns ``after``."""
    if after != before:
        values = {"block_id": block_id, "ran_from": after.start, "ran_until": after.end}
        connection.execute(_WRITE, values)
    return after


def _change(vault: Vault, block_id: int, step: Callable[[Run], Run]) -> Run:
    with vault.write_connection() as connection:
        before = read_run(connection, block_id)
        return write_run(connection, block_id, before, step(before))


def record_start(vault: Vault, block_id: int, at: datetime) -> Run:
    """Live mode on, or the block clock started: the run's start, unless one is recorded."""
    return _change(vault, block_id, lambda run: run.started(at))


def record_end(vault: Vault, block_id: int, at: datetime) -> Run:
    """Live mode off, or the block clock stopped: the run's end moves to ``at`` if later."""
    return _change(vault, block_id, lambda run: run.reached(at))


def move_run_to(vault: Vault, block_id: int, at: datetime) -> Run:
    """The clinician said the block runs today: what was recorded on other days gives way."""
    return _change(vault, block_id, lambda run: run.moved_to(at))
