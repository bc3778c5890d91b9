"""Logging observations: each one committed durably the moment it is logged.

WAL with synchronous=FULL makes the commit the point of no return: once
`log_observation` returns, a crash (even a kill -9 a millisecond later) cannot
lose the observation.
"""

from __future__ import annotations

from sqlalchemy import select

from app.domain.intensive import Observation
from app.services.errors import NotFoundError
from app.store import models
from app.store.intensives import observation_row
from app.store.vault import Vault


def log_observation(vault: Vault, block_id: int, observation: Observation) -> int:
    """Insert one observation in its own transaction; returns its id once durable."""
    with vault.session() as session, session.begin():
        start = session.scalar(select(models.Block.start).where(models.Block.id == block_id))
        if start is None:
            raise NotFoundError(f"There is no block with id {block_id} in this vault.")
        row = observation_row(observation, start)
        row.block_id = block_id
        session.add(row)
        session.flush()
        return row.id
