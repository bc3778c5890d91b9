"""Backups are single verified files, and restore puts one back only after checking it whole."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path

import pytest

from crucible.app.services import audit_log, backups, vault_access
from crucible.app.services.errors import BackupError, VaultInUseError, WrongSecretError
from crucible.app.services.intensive_exchange import import_intensive
from crucible.app.store.vault import UnlockThrottle, Vault
from tests.conftest import PASSPHRASE, FakeClock, folder_snapshot
from tests.safety.conftest import (
    Crucible,
    assert_same_content,
    open_without_migrating,
    table_rows,
)

NEW_PASSPHRASE = "a later passphrase, after the backup"


def _backup_of(crucible: Crucible) -> Path:
    result = crucible("backup")
    assert result.status == 0, result.err
    (path,) = (crucible.folder / "backups").iterdir()
    return path


def _rows(folder: Path, passphrase: str = PASSPHRASE) -> dict[str, list[tuple[object, ...]]]:
    vault = open_without_migrating(folder, passphrase)
    try:
        return table_rows(vault)
    finally:
        vault.lock()


def test_backup_is_one_owner_only_encrypted_file(vault: Vault, sample_bytes: bytes) -> None:
    """The backup is a 0600 ZIP of vault.db, vault.key and a manifest with both hashes."""
    import_intensive(vault, sample_bytes, actor="test")
    seen: list[tuple[int, int]] = []
    result = backups.backup_now(vault, progress=lambda done, total: seen.append((done, total)))
    path = result.info.path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes()[:2] == b"PK"
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["manifest.json", "vault.db", "vault.key"]
        manifest = json.loads(archive.read("manifest.json"))
        assert not archive.read("vault.db").startswith(b"SQLite format 3")
        assert archive.read("vault.key") == vault.key_path.read_bytes()
    assert manifest["reason"] == "manual"
    assert manifest["vault.key"]["size"] == len(vault.key_path.read_bytes())
    assert seen
    assert seen[-1][0] == seen[-1][1] > 0
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp left behind


def test_listing_reports_reason_size_and_how_far_each_was_checked(vault: Vault) -> None:
    """Structure only by default, hashes on request, full with the open vault's key."""
    made = backups.backup_now(vault).info
    folder = made.path.parent
    (listing,) = backups.list_backups(folder)
    assert (listing.reason, listing.size) == ("manual", made.size)
    assert listing.created_at == made.created_at
    assert listing.verification is backups.Verification.STRUCTURE
    assert backups.list_backups(folder, check_hashes=True)[0].verification == "hashes"
    assert backups.list_backups(folder, vault=vault)[0].verification == "full"
    data = bytearray(made.path.read_bytes())
    data[len(data) // 2] ^= 0x40  # inside vault.db: only the hash can tell
    made.path.write_bytes(bytes(data))
    assert backups.list_backups(folder)[0].verification == "structure"
    damaged = backups.list_backups(folder, check_hashes=True)[0]
    assert damaged.verification is backups.Verification.DAMAGED
    assert damaged.problem is not None
    assert damaged.problem.endswith(".")


def test_restore_needs_the_passphrase_valid_when_the_backup_was_made(
    initialized: Crucible, sample_copy: Path, tmp_path: Path
) -> None:
    """After a passphrase change, the old passphrase restores the old backup; the new one fails."""
    assert initialized("import", str(sample_copy)).status == 0
    backup = _backup_of(initialized)
    before = _rows(initialized.folder)
    changed = initialized("passwd", stdin=f"{PASSPHRASE}\n{NEW_PASSPHRASE}\n")
    assert changed.status == 0, changed.err
    target = Crucible(tmp_path / "elsewhere")
    wrong = target("restore", str(backup), stdin=NEW_PASSPHRASE + "\n")
    assert wrong.status == 3, wrong.err
    assert not target.folder.exists()  # a failed restore into a new folder leaves no folder
    result = target("restore", str(backup), stdin=PASSPHRASE + "\n")
    assert result.status == 0, result.err
    assert "kept in" not in result.out
    assert_same_content(_rows(target.folder), before)
    assert stat.S_IMODE((target.folder / "vault.db").stat().st_mode) == 0o600


def test_restore_with_the_recovery_code(
    new_vault: tuple[Vault, str], sample_bytes: bytes, tmp_path: Path
) -> None:
    """The recovery code opens a backup, grouped or not, in any case."""
    vault, code = new_vault
    import_intensive(vault, sample_bytes, actor="test")
    backup = backups.backup_now(vault).info.path
    expected = table_rows(vault)
    vault.lock()
    target = tmp_path / "restored"
    outcome = backups.restore(backup, target, code.lower().replace("-", " "))
    assert outcome.method == "recovery-code"
    assert outcome.replaced is None
    assert_same_content(_rows(target), expected)


def test_wrong_secret_exits_3_and_leaves_the_vault_as_it_was(initialized: Crucible) -> None:
    """Neither a wrong passphrase nor a wrong code-shaped secret touches any file."""
    backup = _backup_of(initialized)
    before = folder_snapshot(initialized.folder)
    code_shaped = "0000-0000-0000-0000-0000-0000-0000-0000"
    for secret in ("not the passphrase", code_shaped, "naïve ünïcode"):
        result = initialized("restore", str(backup), stdin=secret + "\n")
        assert result.status == 3, result.err
        assert result.err.count(".") == 1
        assert "\n" not in result.err.strip()
    assert folder_snapshot(initialized.folder) == before


def test_restore_over_a_vault_keeps_the_current_one_aside(
    initialized: Crucible, sample_copy: Path
) -> None:
    """The previous vault moves whole into replaced-*/ (0700) and still opens there."""
    backup = _backup_of(initialized)  # an empty vault
    assert initialized("import", str(sample_copy)).status == 0
    current = _rows(initialized.folder)
    result = initialized("restore", str(backup))
    assert result.status == 0, result.err
    (replaced,) = initialized.folder.glob("replaced-*")
    assert str(replaced) in result.out
    assert stat.S_IMODE(replaced.stat().st_mode) == 0o700
    assert sorted(p.name for p in replaced.iterdir()) == ["vault.db", "vault.key"]
    assert _rows(replaced) == current
    assert _rows(initialized.folder)["intensive"] == []
    assert not any(p.name.endswith(("-wal", "-shm")) for p in initialized.folder.iterdir())


def test_restore_from_a_tampered_backup_is_refused(initialized: Crucible) -> None:
    """A flipped byte anywhere (db, key, manifest) is refused with exit 1; nothing changes."""
    backup = _backup_of(initialized)
    data = backup.read_bytes()
    with zipfile.ZipFile(backup) as archive:
        offsets = {
            info.filename: info.header_offset + 30 + len(info.filename)
            for info in archive.infolist()
        }
    before = folder_snapshot(initialized.folder)
    for member, offset in offsets.items():
        tampered = bytearray(data)
        tampered[offset + 5] ^= 0x01
        bad = backup.with_name(f"tampered-{member}.crucible-backup")
        bad.write_bytes(bytes(tampered))
        result = initialized("restore", str(bad))
        assert result.status == 1, (member, result.err)
        assert "damaged" in result.err
        bad.unlink()
        assert folder_snapshot(initialized.folder) == before


def test_backup_with_a_forged_manifest_still_fails_the_database_checks(
    vault: Vault, tmp_path: Path
) -> None:
    """Hashes recomputed after tampering pass the manifest; SQLCipher's HMAC still refuses."""
    import hashlib

    made = backups.backup_now(vault).info.path
    with zipfile.ZipFile(made) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        db = bytearray(archive.read("vault.db"))
        key = archive.read("vault.key")
    db[4096 + 100] ^= 0x01
    manifest["vault.db"]["sha256"] = hashlib.sha256(db).hexdigest()
    forged = tmp_path / "forged.crucible-backup"
    with zipfile.ZipFile(forged, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("vault.key", key)
        archive.writestr("vault.db", bytes(db))
    with pytest.raises(BackupError):
        backups.restore(forged, tmp_path / "new", PASSPHRASE)
    assert not (tmp_path / "new").exists()


def test_backup_from_a_newer_schema_is_refused(vault: Vault, tmp_path: Path) -> None:
    """A backup whose schema revision this build does not know is refused before the swap."""
    with vault.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    made = backups.backup_now(vault).info.path
    with vault.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0002'")
    with pytest.raises(BackupError, match="newer version"):
        backups.restore(made, tmp_path / "new", PASSPHRASE)


def test_restore_refuses_a_vault_another_crucible_holds(initialized: Crucible) -> None:
    """A live process's lock file stops the restore; a stale one does not."""
    backup = _backup_of(initialized)
    lock = initialized.folder / "crucible.lock"
    lock.write_text(f"{os.getppid()}\ncrucible\nhost\n")
    with pytest.raises(VaultInUseError, match="using this vault in another window"):
        backups.restore(backup, initialized.folder, PASSPHRASE)
    lock.write_text("999999999\ncrucible\nhost\n")
    backups.restore(backup, initialized.folder, PASSPHRASE)


def test_restore_locks_the_open_vault_of_this_process_first(vault: Vault) -> None:
    """Restoring under an open vault of this process locks it; the restored vault then opens."""
    backup = backups.backup_now(vault).info.path
    folder = vault.folder
    backups.restore(backup, folder, PASSPHRASE, open_vault=vault)
    assert vault.is_locked
    vault_access.open_vault(folder, PASSPHRASE, throttle=UnlockThrottle()).lock()


def test_restore_is_recorded_in_the_restored_vaults_audit_trail(
    vault: Vault, clock: FakeClock
) -> None:
    """The restore waits as a pending event and joins the chain at the next unlock."""
    backup = backups.backup_now(vault, clock=clock).info.path
    folder = vault.folder
    vault.lock()
    clock.advance(3600)
    backups.restore(backup, folder, PASSPHRASE, clock=clock)
    reopened = vault_access.open_vault(folder, PASSPHRASE, clock=clock, throttle=UnlockThrottle())
    try:
        (event,) = audit_log.list_events(reopened, action="restore")
        assert event.at == clock()
        assert event.detail["backup_reason"] == "manual"
        assert audit_log.verify(reopened).ok
    finally:
        reopened.lock()
    assert not (folder / audit_log.PENDING_FILE).exists()


def test_cli_backup_to_a_named_file_and_never_over_one(
    initialized: Crucible, tmp_path: Path
) -> None:
    """-o FILE writes that file (0600), leaves the folder's mode alone, and never overwrites."""
    tmp_path.chmod(0o755)
    target = tmp_path / "kept.crucible-backup"
    result = initialized("backup", "-o", str(target))
    assert result.status == 0, result.err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    before = target.read_bytes()
    again = initialized("backup", "-o", str(target))
    assert again.status == 2
    assert target.read_bytes() == before
    into_folder = initialized("backup", "-o", str(tmp_path))
    assert into_folder.status == 0
    assert len(list(tmp_path.glob("crucible-*-manual-*.crucible-backup"))) == 1
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755


def test_mirror_gets_a_verified_copy_and_a_failing_mirror_spares_the_backup(
    vault: Vault, tmp_path: Path
) -> None:
    """The mirror copy is 0600 and byte-identical; an unusable mirror is reported, not fatal."""
    mirror = tmp_path / "mirror"
    result = backups.backup_now(vault, mirror=mirror)
    assert result.mirror_copy is not None
    assert result.mirror_problem is None
    assert result.mirror_copy.read_bytes() == result.info.path.read_bytes()
    assert stat.S_IMODE(result.mirror_copy.stat().st_mode) == 0o600
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    failed = backups.backup_now(vault, mirror=blocked)
    assert failed.mirror_copy is None
    assert failed.mirror_problem
    assert failed.info.path.exists()


def test_restore_of_a_missing_file_is_bad_input(crucible: Crucible, tmp_path: Path) -> None:
    """A backup path that names nothing exits 2 with one sentence."""
    result = crucible("restore", str(tmp_path / "nope.crucible-backup"))
    assert result.status == 2
    assert "nope.crucible-backup" in result.err


def test_wrong_secret_error_class_is_the_unlock_one(vault: Vault, tmp_path: Path) -> None:
    """Restore's wrong secret is the same WrongSecretError the unlock raises (exit 3)."""
    backup = backups.backup_now(vault).info.path
    with pytest.raises(WrongSecretError) as caught:
        backups.restore(backup, tmp_path / "x", "wrong")
    assert caught.value.exit_status == 3


@pytest.mark.parametrize(
    ("damage", "status"),
    [("vault.key", 4), ("vault.db", 5)],
)
def test_cli_backup_of_a_damaged_vault_exits_with_the_damage_status(
    initialized: Crucible, damage: str, status: int
) -> None:
    """A damaged key file exits 4, a damaged database 5; no backup file appears."""
    path = initialized.folder / damage
    data = bytearray(path.read_bytes())
    if damage == "vault.key":
        data[:20] = b"not json at all....."
    else:
        data[100:140] = bytes(40)  # the first page, which every open reads
    path.write_bytes(bytes(data))
    result = initialized("backup")
    assert result.status == status, result.err
    assert not any((initialized.folder / "backups").glob("*.crucible-backup"))
