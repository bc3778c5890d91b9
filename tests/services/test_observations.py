"""Logging, editing, deleting and restoring observations reach the vault at once."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from crucible.app.domain.intensive import Observation
from crucible.app.domain.vocabulary import Boundary, PartnerKey, Stance, Strategy
from crucible.app.services.errors import NotFoundError
from crucible.app.services.intensive_exchange import get_intensive, import_intensive
from crucible.app.services.observations import (
    block_observations,
    delete_observation,
    log_observation,
    restore_observation,
    update_observation,
)
from crucible.app.store.vault import Vault


@pytest.fixture
def block(vault: Vault, sample_bytes: bytes):  # type: ignore[no-untyped-def]
    intensive = get_intensive(vault, import_intensive(vault, sample_bytes, actor="t"))
    return intensive.days[0].blocks[0]


def test_logged_observation_is_read_back_with_offset_and_order(vault: Vault, block) -> None:  # type: ignore[no-untyped-def]
    """A logged observation comes back in time order with every field."""
    before = block_observations(vault, block.id)
    moment = block.start + timedelta(minutes=1, seconds=1)
    logged = Observation(
        at=moment,
        partner=PartnerKey.B,
        stance=Stance.ONE_DOWN,
        intensity=4,
        boundary=Boundary.WALLED_OFF,
        strategies=(Strategy.WITHDRAWAL,),
        quote="I give up.",
    )
    new_id = log_observation(vault, block.id, logged)
    after = block_observations(vault, block.id)
    assert len(after) == len(before) + 1
    stored = next(o for o in after if o.id == new_id)
    assert stored == dataclasses.replace(logged, id=new_id)
    assert [o.at for o in after] == sorted(o.at for o in after)


def test_edit_delete_and_restore_round_trip(vault: Vault, block) -> None:  # type: ignore[no-untyped-def]
    """Edits persist; a delete returns what undo needs; restore brings back the same id."""
    target = block.observations[3]
    edited = dataclasses.replace(target, stance=Stance.SAME_AS, intensity=1, note="calmer")
    update_observation(vault, target.id, edited)
    assert next(o for o in block_observations(vault, block.id) if o.id == target.id) == edited
    block_id, removed = delete_observation(vault, target.id)
    assert block_id == block.id
    assert removed == edited
    assert all(o.id != target.id for o in block_observations(vault, block.id))
    restore_observation(vault, block_id, removed)
    assert next(o for o in block_observations(vault, block.id) if o.id == target.id) == edited


def test_unknown_ids_are_clear_errors(vault: Vault, block) -> None:  # type: ignore[no-untyped-def]
    """Logging into a missing block or editing a missing observation names the problem."""
    observation = Observation(at=block.start, partner=PartnerKey.A, stance=Stance.ONE_UP)
    with pytest.raises(NotFoundError, match="no block with id 9999"):
        log_observation(vault, 9999, observation)
    with pytest.raises(NotFoundError, match="no observation"):
        update_observation(vault, 99999, observation)
    with pytest.raises(NotFoundError, match="no observation"):
        delete_observation(vault, 99999)
