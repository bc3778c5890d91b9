"""How a backup is made in few passes: a scratch copy, one checked read, a streamed archive.

Decision 0026: the copy has no journal and no fsync of its own, it is
checked (key, every page's HMAC, the snapshot's length) on a second thread
while one pass hashes it into the archive, and the archive is fsynced as it
grows. These tests hold each of those pieces to what it must catch.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

import crucible.app.store.backup as backup_module
from crucible.app.services.intensive_exchange import import_intensive
from crucible.app.store.backup import (
    BackupError,
    check_copy,
    copy_database,
    make_backup,
    verify_database_copy,
)
from crucible.app.store.backup_archive import check_backup_hashes, verify_backup
from crucible.app.store.engine import open_checking_connection
from crucible.app.store.vault import Vault

PAGE = 4096
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def filled(vault: Vault, sample_bytes: bytes) -> Vault:
    """A vault with an imported intensive: a few dozen pages."""
    import_intensive(vault, sample_bytes, actor="test")
    return vault


def _copy(vault: Vault, tmp_path: Path) -> tuple[Path, int]:
    """A copy in a folder of its own (the vault lives in tmp_path too)."""
    folder = tmp_path / "copies"
    folder.mkdir(exist_ok=True)
    copy = folder / "copy.db"
    return copy, copy_database(vault.db_path, vault.data_key, copy)


def _backup(vault: Vault, folder: Path) -> backup_module.BackupInfo:
    return make_backup(
        vault.db_path,
        vault.key_path,
        vault.data_key,
        folder,
        created_at=NOW,
        reason="manual",
        schema_revision=None,
    )


def test_the_copy_has_the_snapshots_pages_and_no_side_files(filled: Vault, tmp_path: Path) -> None:
    """copy_database returns the page count the copy must have, and leaves no journal."""
    copy, pages = _copy(filled, tmp_path)
    assert pages > 10
    assert copy.stat().st_size == pages * PAGE
    assert sorted(p.name for p in copy.parent.iterdir()) == ["copy.db"]
    check_copy(copy, filled.data_key, pages)
    verify_database_copy(copy, filled.data_key)  # and the full checks agree


def test_the_check_never_writes_to_the_copy(filled: Vault, tmp_path: Path) -> None:
    """The check runs while the copy is hashed: its bytes must stay as they are."""
    copy, pages = _copy(filled, tmp_path)
    before = copy.read_bytes()
    check_copy(copy, filled.data_key, pages)
    assert copy.read_bytes() == before
    assert sorted(p.name for p in copy.parent.iterdir()) == ["copy.db"]
    connection = open_checking_connection(copy, filled.data_key)
    try:
        with pytest.raises(Exception, match="readonly"):
            connection.execute("CREATE TABLE t (x)")
    finally:
        connection.close()


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_the_check_finds_a_flipped_byte_in_any_page(
    filled: Vault, tmp_path: Path, where: str
) -> None:
    """The first page, one in the middle, the last: each is HMAC-checked."""
    copy, pages = _copy(filled, tmp_path)
    data = bytearray(copy.read_bytes())
    page = {"first": 0, "middle": pages // 2, "last": pages - 1}[where]
    index = page * PAGE + 1000
    data[index] ^= 0x01
    copy.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="did not verify"):
        check_copy(copy, filled.data_key, pages)


def test_the_check_finds_a_short_copy(filled: Vault, tmp_path: Path) -> None:
    """Pages missing at the end authenticate one by one; the length test catches them."""
    copy, pages = _copy(filled, tmp_path)
    with copy.open("r+b") as handle:
        handle.truncate((pages - 1) * PAGE)
    with pytest.raises(BackupError, match="did not verify"):
        check_copy(copy, filled.data_key, pages)


def test_the_check_finds_a_copy_of_the_wrong_length(filled: Vault, tmp_path: Path) -> None:
    """A copy with more pages than the snapshot had is refused as well."""
    copy, pages = _copy(filled, tmp_path)
    with pytest.raises(BackupError, match="did not verify"):
        check_copy(copy, filled.data_key, pages - 1)
    with copy.open("ab") as handle:
        handle.write(bytes(100))  # a partial page
    with pytest.raises(BackupError, match="did not verify"):
        check_copy(copy, filled.data_key, pages)


def test_a_copy_that_fails_its_check_leaves_no_backup(
    filled: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Damage between the copy and its check: BackupError, and nothing left in the folder."""
    real_copy = backup_module.copy_database

    def copy_then_damage(*args: object, **kwargs: object) -> int:
        pages = real_copy(*args, **kwargs)  # type: ignore[arg-type]
        copy = Path(args[2])  # type: ignore[arg-type]
        data = bytearray(copy.read_bytes())
        data[5 * PAGE + 7] ^= 0x80
        copy.write_bytes(bytes(data))
        return pages

    monkeypatch.setattr(backup_module, "copy_database", copy_then_damage)
    threads = threading.active_count()
    folder = tmp_path / "backups"
    with pytest.raises(BackupError, match="did not verify"):
        _backup(filled, folder)
    assert list(folder.iterdir()) == []
    assert threading.active_count() == threads  # the check's thread was waited for


def test_a_failing_archive_waits_for_the_check_and_leaves_nothing(
    filled: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The archive pass fails (a full disk, say): one clear error, no thread, no file."""

    def full_disk(*_args: object) -> tuple[str, int]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup_module, "_archive_copy", full_disk)
    threads = threading.active_count()
    folder = tmp_path / "backups"
    with pytest.raises(backup_module.VaultError) as caught:
        _backup(filled, folder)
    assert "full" in str(caught.value).lower()
    assert list(folder.iterdir()) == []
    assert threading.active_count() == threads


def test_the_archive_is_fsynced_as_it_grows_and_still_verifies(
    filled: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a sync every 8 KiB the archive is synced many times and is the same backup."""
    monkeypatch.setattr(backup_module, "SYNC_EVERY", 2 * PAGE)
    monkeypatch.setattr(backup_module, "CHUNK", PAGE)
    real_fsync = os.fsync
    synced: list[int] = []

    def counting_fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", counting_fsync)
    info = _backup(filled, tmp_path / "backups")
    manifest = check_backup_hashes(info.path)
    assert len(synced) >= manifest.db_size // (2 * PAGE)
    verify_backup(info.path, filled.data_key, tmp_path / "work")


def test_the_manifest_hashes_the_bytes_archived(filled: Vault, tmp_path: Path) -> None:
    """Hashed in the same pass as written: the manifest matches the member, CRC included."""
    info = _backup(filled, tmp_path / "backups")
    with zipfile.ZipFile(info.path) as archive:
        assert archive.testzip() is None
        manifest = json.loads(archive.read("manifest.json"))
        db = archive.read("vault.db")
        assert archive.getinfo("vault.db").compress_type == zipfile.ZIP_STORED
    assert manifest["vault.db"] == {"sha256": hashlib.sha256(db).hexdigest(), "size": len(db)}
    assert len(db) % PAGE == 0


def test_the_phases_are_reported_in_order(filled: Vault, tmp_path: Path) -> None:
    """The bench and the log read where the time went."""
    info = _backup(filled, tmp_path / "backups")
    names = [name for name, _seconds in info.phases]
    assert names == [
        "copy",
        "replay the WAL",
        "archive",
        "check (beside the archive)",
        "wait for the check",
        "fsync",
        "remove the copy",
    ]
    assert all(seconds >= 0 for _name, seconds in info.phases)
