"""Identity and cards on real vaults: keys made on first need, cards exported, imported, linked."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text

from crucible.app.domain.review_package import card_from_bytes
from crucible.app.domain.vocabulary import Role
from crucible.app.services.audit_log import list_events
from crucible.app.services.errors import InputError
from crucible.app.services.identity import (
    export_card,
    import_card,
    link_supervisor_card,
    linked_supervisor,
    list_cards,
    own_card,
    own_keys,
    read_card_file,
    remove_card,
)
from crucible.app.services.profile import ClinicianProfile, save_profile
from crucible.app.store import models
from crucible.app.store.vault import Vault


def _profiled(vault: Vault, role: Role = Role.TRAINEE) -> Vault:
    supervisor = "Dr. Sam Lee" if role is Role.TRAINEE else None
    save_profile(vault, ClinicianProfile("Alex Kim", "MFT Trainee", role, supervisor))
    return vault


def test_keys_are_made_once_on_first_need_and_kept_inside_the_vault(vault: Vault) -> None:
    _profiled(vault)
    with vault.session() as session:
        assert session.scalar(select(models.OwnIdentity)) is None
    first = own_keys(vault, actor="t")
    assert own_keys(vault, actor="t").signing_private == first.signing_private
    card = own_card(vault, actor="t")
    assert card.name == "Alex Kim, MFT Trainee"
    assert card.role is Role.TRAINEE
    actions = [e.action for e in list_events(vault)]
    assert actions.count("identity-created") == 1
    assert "KeyPair" in repr(first)
    assert first.signing_private.hex() not in repr(first)


def test_own_card_needs_a_complete_profile(vault: Vault) -> None:
    with pytest.raises(InputError, match="Complete your profile"):
        own_card(vault, actor="t")


def test_card_export_import_link_and_remove(vault: Vault, tmp_path: Path) -> None:
    _profiled(vault)
    path = tmp_path / "me.crucible-card"
    mine = export_card(vault, path, actor="t")
    assert card_from_bytes(path.read_bytes()) == mine == read_card_file(path)
    with pytest.raises(InputError, match="own card"):
        import_card(vault, mine, actor="t")

    from crucible.app.domain.review_package import new_key_pair

    theirs = new_key_pair().card("Dr. Sam Lee", Role.SUPERVISOR)
    stored = import_card(vault, theirs, actor="t")
    assert [c.card for c in list_cards(vault)] == [theirs]
    assert import_card(vault, theirs, actor="t").id == stored.id  # once only
    impostor = new_key_pair().card("Dr. Sam Lee", Role.SUPERVISOR)
    with pytest.raises(InputError, match="different card"):
        import_card(vault, impostor, actor="t")
    link_supervisor_card(vault, stored.id, actor="t")
    linked = linked_supervisor(vault)
    assert linked is not None
    assert linked.card == theirs
    assert linked.is_supervisor
    assert remove_card(vault, stored.id, actor="t") == theirs
    assert list_cards(vault) == []
    assert linked_supervisor(vault) is None


def test_only_a_supervisors_card_can_be_linked(vault: Vault) -> None:
    from crucible.app.domain.review_package import new_key_pair

    _profiled(vault)
    peer = import_card(vault, new_key_pair().card("Peer", Role.TRAINEE), actor="t")
    with pytest.raises(InputError, match="supervisor's card"):
        link_supervisor_card(vault, peer.id, actor="t")


def test_private_keys_sit_only_in_the_encrypted_database(vault: Vault) -> None:
    _profiled(vault)
    keys = own_keys(vault, actor="t")
    with vault.engine.connect() as connection:
        stored = connection.execute(text("SELECT signing_private FROM own_identity")).scalar()
    assert stored == keys.signing_private
    raw = (vault.folder / "vault.db").read_bytes()
    assert keys.signing_private not in raw
    assert keys.sealing_private not in raw
