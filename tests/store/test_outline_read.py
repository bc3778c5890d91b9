"""A block open's outline, read as plain rows, is the ORM read without the notes.

`load_intensive(..., notes=False)` reads the intensive's structure with three
plain queries (issue 19: the ORM's loading was about 6 ms of every block
open). It must give what the full ORM read gives, every block's note left
empty, for the whole intensive and for only some blocks' observations, and
for an intensive with a day that has no blocks.
"""

from __future__ import annotations

from dataclasses import replace

from crucible.app.domain.intensive import BlockNote, Intensive
from crucible.app.services.intensive_exchange import import_intensive
from crucible.app.store import models
from crucible.app.store.intensives import load_intensive
from crucible.app.store.vault import Vault


def _without_notes(intensive: Intensive, observations_of: set[int] | None = None) -> Intensive:
    return replace(
        intensive,
        days=tuple(
            replace(
                day,
                blocks=tuple(
                    replace(
                        block,
                        note=BlockNote(),
                        observations=block.observations
                        if observations_of is None or block.id in observations_of
                        else (),
                    )
                    for block in day.blocks
                ),
            )
            for day in intensive.days
        ),
    )


def test_the_outline_is_the_full_read_without_notes(vault: Vault, sample_bytes: bytes) -> None:
    intensive_id = import_intensive(vault, sample_bytes, actor="test")
    with vault.session() as session:
        full = load_intensive(session, intensive_id)
        assert full is not None
        block_ids = [b.id for d in full.days for b in d.blocks if b.id is not None]
        chosen = {block_ids[1], block_ids[-1]}
        assert any(b.note != BlockNote() for d in full.days for b in d.blocks)
        assert load_intensive(session, intensive_id, notes=False) == _without_notes(full)
        outline = load_intensive(session, intensive_id, observations_of=chosen, notes=False)
        assert outline == _without_notes(full, chosen)
        assert load_intensive(session, intensive_id + 1000, notes=False) is None


def test_a_day_without_blocks_stays_in_the_outline(vault: Vault, sample_bytes: bytes) -> None:
    intensive_id = import_intensive(vault, sample_bytes, actor="test")
    with vault.write_session() as session:
        day = session.query(models.Day).filter_by(intensive_id=intensive_id, number=2).one()
        for block in list(day.blocks):
            session.delete(block)
    with vault.session() as session:
        full = load_intensive(session, intensive_id)
        assert full is not None
        assert full.days[1].blocks == ()
        assert load_intensive(session, intensive_id, notes=False) == _without_notes(full)
