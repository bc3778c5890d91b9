"""Integrity checks report what they found and how long they took; damage points to a backup."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest

from crucible.app.services import backups, integrity, vault_access
from crucible.app.services.errors import DamagedDatabaseError
from crucible.app.services.intensive_exchange import import_intensive
from crucible.app.store.vault import UnlockThrottle, Vault
from tests.conftest import PASSPHRASE, FakeClock
from tests.safety.conftest import open_without_migrating, table_rows


def test_checks_pass_on_a_sound_vault_with_their_durations(
    vault: Vault, sample_bytes: bytes
) -> None:
    """quick_check and the three full checks pass, each with a measured duration."""
    import_intensive(vault, sample_bytes, actor="test")
    quick = integrity.quick_check(vault)
    assert quick.ok
    assert quick.problems == ()
    assert quick.seconds >= 0
    full = integrity.full_check(vault)
    assert full.ok
    assert [r.name for r in full.results] == [
        "integrity_check",
        "cipher_integrity_check",
        "append_only_triggers",
        "signed_notes",
        "audit_chain",
    ]
    assert full.seconds == pytest.approx(sum(r.seconds for r in full.results))


def test_full_check_names_a_broken_audit_chain(vault: Vault) -> None:
    """An edited event fails the chain check with its id; the dropped triggers are named."""
    with vault.engine.begin() as connection:
        for (name,) in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_event'"
        ).all():
            connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
        connection.exec_driver_sql("UPDATE audit_event SET action = 'x' WHERE id = 1")
    full = integrity.full_check(vault)
    assert not full.ok
    assert [r.ok for r in full.results] == [True, True, False, True, False]
    assert full.problems == [
        "append_only_triggers: append-only trigger audit_no_update is missing",
        "append_only_triggers: append-only trigger audit_no_delete is missing",
        "audit_chain: audit event 1: was changed after it was written",
    ]


def test_a_damaged_vault_is_offered_its_newest_sound_backup(
    vault: Vault, sample_bytes: bytes, clock: FakeClock, tmp_path: object
) -> None:
    """The newest backup that checks out is offered, with the gap; restoring it brings data back."""
    import_intensive(vault, sample_bytes, actor="test")
    older = backups.backup_now(vault, clock=clock).info
    clock.advance(3600)
    expected = table_rows(vault)
    good = backups.backup_now(vault, clock=clock).info
    clock.advance(3600)
    newest = backups.backup_now(vault, clock=clock).info
    data = bytearray(newest.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    newest.path.write_bytes(bytes(data))
    folder = vault.folder
    with vault.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    vault.lock()
    db = bytearray((folder / "vault.db").read_bytes())
    db[4096 * 2 + 200] ^= 0x01  # a page in the middle no longer authenticates
    (folder / "vault.db").write_bytes(bytes(db))
    try:
        vault_access.open_vault(folder, PASSPHRASE, throttle=UnlockThrottle()).lock()
        damaged_on_open = False
    except DamagedDatabaseError:
        damaged_on_open = True
    if not damaged_on_open:  # the damage sits in a page the unlock did not read
        probe = open_without_migrating(folder)
        try:
            assert not integrity.full_check(probe).ok
        finally:
            probe.lock()

    offer = integrity.newest_restorable_backup(folder)
    assert offer is not None
    assert offer.backup.path == good.path  # the damaged newest one is skipped
    assert offer.gap is not None
    assert offer.gap >= timedelta(0)
    assert older.path != good.path
    backups.restore(offer.backup.path, folder, PASSPHRASE)
    restored = open_without_migrating(folder)
    try:
        assert integrity.full_check(restored).ok
        assert table_rows(restored)["observation"] == expected["observation"]
    finally:
        restored.lock()


def test_no_backup_no_offer_and_no_vault_files_no_gap(vault: Vault, tmp_path: object) -> None:
    """Without backups there is nothing to offer; without vault files the gap is unknown."""
    assert integrity.newest_restorable_backup(vault.folder) is None
    backups.backup_now(vault)
    folder = vault.folder
    vault.lock()
    for name in ("vault.db", "vault.key"):
        (folder / name).unlink()
    offer = integrity.newest_restorable_backup(folder)
    assert offer is not None
    assert offer.gap is None
    shutil.rmtree(folder / "backups")
    assert integrity.newest_restorable_backup(folder) is None
