"""An import's transaction ends after the statement under way once a live key waits.

`insert_until_wanted` inserts an import batch one multi-row statement at a
time and stops as soon as `wanted()` says another writer is waiting, so a
key waits for one statement (64 rows), not for the whole batch (decision
0031). It always inserts at least one statement, so the import moves on.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from crucible.app.domain.intensive import Observation
from crucible.app.domain.vocabulary import PartnerKey, Stance
from crucible.app.services.intensive_exchange import get_intensive, import_intensive
from crucible.app.store.observation_insert import (
    ROWS_PER_STATEMENT,
    insert_until_wanted,
    stored_values,
)
from crucible.app.store.vault import Vault


def _rows(vault: Vault, sample_bytes: bytes, count: int) -> tuple[int, list]:
    intensive = get_intensive(vault, import_intensive(vault, sample_bytes, actor="test"))
    block = intensive.days[0].blocks[0]
    assert block.id is not None
    rows = [
        stored_values(
            block.id,
            Observation(
                at=block.start + timedelta(seconds=n), partner=PartnerKey.A, stance=Stance.SAME_AS
            ),
            block.start,
        )
        for n in range(count)
    ]
    return block.id, rows


def _count(vault: Vault, block_id: int) -> int:
    with vault.engine.connect() as connection:
        return int(
            connection.execute(
                text("SELECT count(*) FROM observation WHERE block_id = :b"), {"b": block_id}
            ).scalar_one()
        )


def test_a_waiting_writer_ends_the_batch_after_one_statement(
    vault: Vault, sample_bytes: bytes
) -> None:
    block_id, rows = _rows(vault, sample_bytes, 5 * ROWS_PER_STATEMENT + 7)
    before = _count(vault, block_id)
    asked = []

    def wanted() -> bool:
        asked.append(True)
        return True

    with vault.write_connection() as connection:
        first = insert_until_wanted(connection, rows, 0, wanted)
    assert (first, len(asked)) == (ROWS_PER_STATEMENT, 1)
    assert _count(vault, block_id) == before + ROWS_PER_STATEMENT

    with vault.write_connection() as connection:  # the rest, nobody waiting
        first = insert_until_wanted(connection, rows, first, lambda: False)
    assert first == len(rows)
    assert _count(vault, block_id) == before + len(rows)
