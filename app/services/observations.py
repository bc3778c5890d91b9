"""Logging observations: each one committed durably the moment it is logged.

WAL with synchronous=FULL makes the commit the point of no return: once
`log_observation` returns, a crash (even a kill -9 a millisecond later) cannot
lose the observation. The write uses SQLAlchemy Core on one pooled
connection rather than an ORM session: this is the hot path of a live
session, and the unit-of-work machinery would double its cost (see
docs/performance.md).
"""

from __future__ import annotations

from sqlalchemy import bindparam, insert, select

from crucible.app.domain.block_span import Run
from crucible.app.domain.intensive import Observation
from crucible.app.services.block_runs import write_run
from crucible.app.services.errors import NotFoundError
from crucible.app.store import models
from crucible.app.store.intensives import (
    observation_from_row,
    observation_values,
    observations_by_block,
)
from crucible.app.store.vault import Vault

# Built once: constructing statements per call costs more than the commit itself.
_BLOCK_START = select(models.Block.start).where(models.Block.id == bindparam("block_id"))
_BLOCK = select(models.Block.start, models.Block.actual_start, models.Block.actual_end).where(
    models.Block.id == bindparam("block_id")
)
_INSERT = insert(models.Observation).returning(models.Observation.id)


def log_observation(
    vault: Vault, block_id: int, observation: Observation, *, wait: bool = True
) -> int:
    """Insert one observation in its own transaction; returns its id once durable.

    The same transaction extends the block's recorded run to the observation
    (:meth:`app.domain.block_span.Run.reached`): the block ran at least until
    its latest observation. With `wait=False` it raises `WriterBusyError` at
    once if another thread of this process is writing (an import): the live
    key on the UI thread then queues the write instead of waiting behind it.
    """
    with vault.write_connection(wait=wait) as connection:
        block = connection.execute(_BLOCK, {"block_id": block_id}).first()
        if block is None:
            raise NotFoundError(f"There is no block with id {block_id} in this vault.")
        values = observation_values(observation, block.start)
        new_id = connection.scalar(_INSERT, {"block_id": block_id, **values})
        run = Run(block.actual_start, block.actual_end)
        write_run(connection, block_id, run, run.reached(observation.at))
    assert new_id is not None
    return int(new_id)


def update_observation(vault: Vault, observation_id: int, observation: Observation) -> None:
    """Replace every field of a stored observation (an inline edit in the table)."""
    with vault.write_session() as session:
        row = session.get(models.Observation, observation_id)
        if row is None:
            raise NotFoundError(f"There is no observation with id {observation_id}.")
        start = session.scalar(select(models.Block.start).where(models.Block.id == row.block_id))
        assert start is not None
        for name, value in observation_values(observation, start).items():
            setattr(row, name, value)


def delete_observation(vault: Vault, observation_id: int) -> tuple[int, Observation]:
    """Delete one observation; returns its block and content so undo can put it back."""
    with vault.write_session() as session:
        row = session.get(models.Observation, observation_id)
        if row is None:
            raise NotFoundError(f"There is no observation with id {observation_id}.")
        removed = (row.block_id, observation_from_row(row))
        session.delete(row)
    return removed


def restore_observation(vault: Vault, block_id: int, observation: Observation) -> int:
    """Put a deleted observation back under its old id (undo of a delete)."""
    if observation.id is None:
        return log_observation(vault, block_id, observation)
    with vault.write_connection() as connection:
        start = connection.scalar(_BLOCK_START, {"block_id": block_id})
        if start is None:
            raise NotFoundError(f"There is no block with id {block_id} in this vault.")
        connection.execute(
            insert(models.Observation),
            {"id": observation.id, "block_id": block_id, **observation_values(observation, start)},
        )
    return observation.id


def block_observations(vault: Vault, block_id: int) -> list[Observation]:
    """The block's observations in time order, with their ids."""
    with vault.session() as session:
        rows = session.scalars(
            select(models.Observation)
            .where(models.Observation.block_id == block_id)
            .order_by(models.Observation.at_utc, models.Observation.id)
        )
        return [observation_from_row(row) for row in rows]


def observations_of_blocks(
    vault: Vault, block_ids: list[int]
) -> dict[int, tuple[Observation, ...]]:
    """Each given block's observations in time order, by block id, read in one query.

    Read as plain rows (no ORM identity map): the live workspace reads the
    other blocks of an intensive this way, off the UI thread, after opening one.
    """
    with vault.session() as session:
        return observations_by_block(session, block_ids)
