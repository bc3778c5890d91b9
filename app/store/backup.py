"""Encrypted, verified backups of a vault: one file, owner-only.

A backup file is a ZIP archive (stored, not compressed: the content is
ciphertext) holding:

- `vault.db`: a copy of the database made with SQLite's online backup API
  into a new file keyed with the same data key, so it is encrypted exactly
  like the vault;
- `vault.key`: the key file as it was, so the backup opens with the
  passphrase or recovery code that were valid when it was made;
- `manifest.json`: format, creation time, reason, schema revision and the
  SHA-256 and size of both members.

The copy is verified (it opens with the key and passes `quick_check` and
`cipher_integrity_check`) before the archive is written, and the archive
is written to a temp file, fsynced and renamed into place, so a crash or a
full disk leaves the finished backup or nothing.

Reading a backup back, as untrusted input, lives in `app.store.backup_archive`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from crucible.app.domain.vault_layout import DB_NAME, KEY_NAME
from crucible.app.store.engine import open_raw_connection
from crucible.app.store.errors import DamagedDatabaseError, VaultError
from crucible.app.store.files import (
    FILE_MODE,
    ensure_private_dir,
    fsync_dir,
    sqlite_storage_error,
    storage_error,
)
from crucible.app.store.secrets import DataKey

BACKUP_FORMAT = "crucible.backup/1"
BACKUP_SUFFIX = ".crucible-backup"
MANIFEST = "manifest.json"
# The archive holds the two files under their names in the vault folder.
KEY_MEMBER, DB_MEMBER = KEY_NAME, DB_NAME
MEMBERS = frozenset({MANIFEST, KEY_MEMBER, DB_MEMBER})
REASONS = ("manual", "daily", "pre-migration", "on-quit")
MAX_SMALL_MEMBER = 64 * 1024
# 2,048 pages of 4 KiB = 8 MiB a step: the progress callback fires a few
# times a second on a laptop disk, and each step is short enough to stay
# responsive. The snapshot is held across steps (see `copy_database`).
COPY_STEP_PAGES = 2048
CHUNK = 1 << 20
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")


Progress = Callable[[int, int], None]
"""Called with (pages copied, pages in all) while the database is copied."""


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


# ---------------------------------------------------------------------- making


def verify_database_copy(db_path: Path, data_key: DataKey) -> None:
    """Open a database copy with the key and run SQLite's and SQLCipher's checks."""
    try:
        connection = open_raw_connection(db_path, data_key)
    except (DamagedDatabaseError, sqlcipher.DatabaseError) as error:
        raise (
            sqlite_storage_error(error, db_path.parent)
            or BackupError("The backup's database does not open with its key; it is damaged.")
        ) from None
    try:
        quick = connection.execute("PRAGMA quick_check").fetchall()
        cipher = connection.execute("PRAGMA cipher_integrity_check").fetchall()
    except sqlcipher.DatabaseError as error:
        raise (
            sqlite_storage_error(error, db_path.parent)
            or BackupError("The backup's database is damaged; it cannot be used.")
        ) from None
    finally:
        connection.close()
    if quick != [("ok",)] or cipher:
        raise BackupError("The backup copy did not verify; the vault is unchanged.")


def copy_database(
    db_path: Path, data_key: DataKey, copy: Path, progress: Progress | None = None
) -> None:
    """Copy the open vault into `copy` with SQLite's online backup API, in steps.

    The source connection holds one read transaction for the whole copy. In
    WAL mode that pins a snapshot: writers go on committing, and the copy is
    the database exactly as it was when the copy began. Without it, a
    stepped backup restarts whenever another connection commits, and under
    a steady writer never finishes.
    """
    source = open_raw_connection(db_path, data_key)
    try:
        destination = open_raw_connection(copy, data_key)
        try:
            destination.execute("PRAGMA journal_mode = DELETE")
            source.execute("BEGIN")
            source.execute("SELECT count(*) FROM sqlite_master").fetchone()

            def report(_status: int, remaining: int, total: int) -> None:
                if progress is not None:
                    progress(total - remaining, total)

            source.backup(destination, pages=COPY_STEP_PAGES, progress=report)
            source.execute("COMMIT")
        finally:
            destination.close()
    except sqlcipher.DatabaseError as error:
        raise (
            sqlite_storage_error(error, copy.parent)
            or BackupError("The vault could not be read to the end; run the integrity check.")
        ) from None
    finally:
        source.close()


def make_backup(
    db_path: Path,
    key_path: Path,
    data_key: DataKey,
    folder: Path,
    *,
    created_at: datetime,
    reason: str,
    schema_revision: str | None,
    file_name: str | None = None,
    progress: Progress | None = None,
    own_folder: bool = True,
) -> BackupInfo:
    """Write a verified backup of the open vault into `folder`.

    `file_name` names the file (the default carries the time and reason,
    which the retention rules read); an existing file of that name is
    replaced only at the final rename, once the new backup is complete.
    `own_folder` says the folder is the vault's own, made owner-only; a
    folder the user chose keeps its permissions (the file is 0600 anyway).
    """
    if reason not in REASONS:
        raise ValueError(f"unknown backup reason {reason!r}")
    stamp = created_at.strftime("%Y%m%d-%H%M%S")
    name = file_name or f"crucible-{stamp}-{reason}-{secrets.token_hex(2)}{BACKUP_SUFFIX}"
    target = folder / name
    copy = folder / f".copy-{secrets.token_hex(6)}.db"
    archive_temp = folder / f".{secrets.token_hex(6)}{BACKUP_SUFFIX}.tmp"
    try:
        _prepare_folder(folder, own_folder)
        os.close(os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
        copy_database(db_path, data_key, copy, progress)
        verify_database_copy(copy, data_key)
        _remove_side_files(copy)
        key_bytes = key_path.read_bytes()
        manifest = {
            "format": BACKUP_FORMAT,
            "created_at": created_at.isoformat(),
            "reason": reason,
            "schema_revision": schema_revision,
            DB_MEMBER: {"sha256": _sha256_file(copy), "size": copy.stat().st_size},
            KEY_MEMBER: {"sha256": hashlib.sha256(key_bytes).hexdigest(), "size": len(key_bytes)},
        }
        fd = os.open(archive_temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "wb") as raw:
            with zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED) as archive:
                archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
                archive.writestr(KEY_MEMBER, key_bytes)
                archive.write(copy, DB_MEMBER)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(archive_temp, target)
        fsync_dir(folder)
    except OSError as error:
        raise storage_error(error) from None
    finally:
        for leftover in (copy, archive_temp):
            with contextlib.suppress(OSError):
                leftover.unlink()
        _remove_side_files(copy)
    return BackupInfo(path=target, created_at=created_at, reason=reason, size=target.stat().st_size)


def remove_database_file(path: Path) -> None:
    """Delete a database file and whatever side files SQLite left beside it."""
    with contextlib.suppress(OSError):
        path.unlink()
    _remove_side_files(path)


# ---------------------------------------------------------------------- internals


def _prepare_folder(folder: Path, own: bool) -> None:
    """Create the folder owner-only if missing; chmod it only when it is the vault's own."""
    if own:
        ensure_private_dir(folder)
    else:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)


def _remove_side_files(db_path: Path) -> None:
    for suffix in SIDE_SUFFIXES:
        with contextlib.suppress(OSError):
            db_path.with_name(db_path.name + suffix).unlink()


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
