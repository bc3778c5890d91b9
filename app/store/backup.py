"""Encrypted, verified backups of a vault: one file, owner-only.

A backup file is a ZIP archive (stored, not compressed: the content is
ciphertext) holding:

- `vault.db`: a copy of the database made with SQLite's online backup API
  into a new file keyed with the same data key, so it is encrypted exactly
  like the vault;
- `vault.key`: the key file as it was, so the backup opens with the
  passphrase or recovery code that were valid when it was made;
- `manifest.json`: format, creation time, reason, schema revision and the
  SHA-256 of both members.

The copy is verified (it opens with the key and passes `quick_check` and
`cipher_integrity_check`) before the archive is written, and the archive
is written to a temp file, fsynced and renamed into place.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.store.engine import open_raw_connection
from app.store.errors import VaultError
from app.store.files import FILE_MODE, ensure_private_dir, fsync_dir, storage_error
from app.store.secrets import DataKey

BACKUP_FORMAT = "crucible.backup/1"
BACKUP_SUFFIX = ".crucible-backup"


class BackupError(VaultError):
    """A backup could not be made or does not verify."""

    exit_status = 1
    default_message = "The backup could not be made; the vault is unchanged."


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """What a finished backup is and where it lies."""

    path: Path
    created_at: datetime
    reason: str
    size: int


def verify_database_copy(db_path: Path, data_key: DataKey) -> None:
    """Open a database copy with the key and run SQLite's and SQLCipher's checks."""
    connection = open_raw_connection(db_path, data_key)
    try:
        quick = connection.execute("PRAGMA quick_check").fetchall()
        cipher = connection.execute("PRAGMA cipher_integrity_check").fetchall()
    finally:
        connection.close()
    if quick != [("ok",)] or cipher:
        raise BackupError("The backup copy did not verify; the vault is unchanged.")


def make_backup(
    db_path: Path,
    key_path: Path,
    data_key: DataKey,
    folder: Path,
    *,
    created_at: datetime,
    reason: str,
    schema_revision: str | None,
) -> BackupInfo:
    """Write a verified backup of the open vault into `folder`."""
    ensure_private_dir(folder)
    stamp = created_at.strftime("%Y%m%d-%H%M%S")
    target = folder / f"crucible-{stamp}-{reason}-{secrets.token_hex(2)}{BACKUP_SUFFIX}"
    copy = folder / f".copy-{secrets.token_hex(6)}.db"
    archive_temp = folder / f".{target.name}.tmp"
    try:
        os.close(os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
        source = open_raw_connection(db_path, data_key)
        try:
            destination = open_raw_connection(copy, data_key)
            try:
                destination.execute("PRAGMA journal_mode = DELETE")
                source.backup(destination)
            finally:
                destination.close()
        finally:
            source.close()
        verify_database_copy(copy, data_key)
        db_bytes_hash = _sha256(copy)
        key_bytes = key_path.read_bytes()
        manifest = {
            "format": BACKUP_FORMAT,
            "created_at": created_at.isoformat(),
            "reason": reason,
            "schema_revision": schema_revision,
            "vault.db": {"sha256": db_bytes_hash, "size": copy.stat().st_size},
            "vault.key": {"sha256": hashlib.sha256(key_bytes).hexdigest()},
        }
        fd = os.open(archive_temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED) as archive:
            archive.writestr("manifest.json", json.dumps(manifest, indent=2))
            archive.writestr("vault.key", key_bytes)
            archive.write(copy, "vault.db")
            archive.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(archive_temp, target)
        fsync_dir(folder)
    except OSError as error:
        raise storage_error(error) from None
    finally:
        for leftover in (copy, archive_temp, copy.with_name(copy.name + "-journal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    return BackupInfo(path=target, created_at=created_at, reason=reason, size=target.stat().st_size)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
