"""Putting a backup back in place of a vault, only after it has proved itself whole.

Everything that can fail is checked before the vault folder is touched:
the archive and its hashes, the backup's own key file unwrapped with the
secret the user gives (the passphrase or recovery code valid when the backup
was made), its database opened and checked by SQLite and SQLCipher, and its
schema revision known to this build. Only then are the current files moved
aside into `replaced-<time>/` (kept, never deleted) and the backup's
files renamed into place.

Crash safety of the swap: the new files are complete and fsynced under
temp names in the vault folder first. Each current file is hard-linked
into `replaced-*/` and then atomically replaced, so at every instant both
`vault.db` and `vault.key` exist; a crash between the two renames leaves
the new database with the old key file, which opens it whenever the backup
came from this vault (the data key never changes), and the previous files
are always complete in `replaced-*/`. The old `-wal`/`-shm` files move out
first: SQLite would otherwise replay the old vault's log into the restored
database.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher
from alembic.script import ScriptDirectory

from app.store import migrate
from app.store.backup import (
    SIDE_SUFFIXES,
    BackupError,
    remove_database_file,
    verify_database_copy,
)
from app.store.backup_archive import BackupManifest, extract_backup
from app.store.engine import open_raw_connection
from app.store.errors import KeyFileError, WrongSecretError
from app.store.files import FILE_MODE, ensure_private_dir, fsync_dir, storage_error
from app.store.hardening import disable_core_dumps
from app.store.keyfile import RECOVERY_ALPHABET, KeyFile, normalize_recovery_code
from app.store.secrets import DataKey
from app.store.vault import DB_NAME, KEY_NAME

REPLACED_PREFIX = "replaced-"
UNMATCHED_BACKUP_MESSAGE = (
    "Neither a passphrase nor a recovery code valid when this backup was made matches; "
    "nothing was changed."
)


@dataclass(frozen=True, slots=True)
class RestoreOutcome:
    """What a restore did: which backup, opened how, and where the previous vault went."""

    manifest: BackupManifest
    method: str  # "passphrase" or "recovery-code"
    replaced: Path | None  # None when the folder held no vault


def looks_like_recovery_code(secret: str) -> bool:
    """Whether the text has the shape of a recovery code (32 Crockford symbols, any grouping)."""
    normalized = normalize_recovery_code(secret)
    return len(normalized) == 32 and all(ch in RECOVERY_ALPHABET for ch in normalized)


def unwrap_with_either(key_file: KeyFile, secret: str) -> tuple[DataKey, str]:
    """Unwrap with the secret as a recovery code or as a passphrase, whichever it is.

    The cheap recovery-code unwrap goes first when the text has that shape;
    anything else is tried only as a passphrase (a recovery-code derivation
    needs ASCII, and a passphrase need not be).
    """
    if looks_like_recovery_code(secret):
        with contextlib.suppress(WrongSecretError):
            return key_file.unwrap_with_recovery_code(secret), "recovery-code"
    try:
        return key_file.unwrap_with_passphrase(secret), "passphrase"
    except WrongSecretError:
        raise WrongSecretError(UNMATCHED_BACKUP_MESSAGE) from None


def restore_backup(
    backup_file: Path, vault_folder: Path, secret: str, *, now: datetime
) -> RestoreOutcome:
    """Validate `backup_file` whole, then make it the vault in `vault_folder`.

    The vault must be locked (no connection open on it, in this process or
    another); the services check that before calling. On any failure before
    the swap the folder is left exactly as it was.
    """
    created_folder = not vault_folder.exists()
    try:
        ensure_private_dir(vault_folder)
    except OSError as error:
        raise storage_error(error) from None
    extracted = None
    key_temp = vault_folder / f".restore-{os.urandom(6).hex()}.key"
    try:
        extracted = extract_backup(backup_file, vault_folder)
        key_file = _parse_backup_key(extracted.key_bytes)
        disable_core_dumps()  # the data key is about to be in this process's memory
        data_key, method = unwrap_with_either(key_file, secret)
        try:
            verify_database_copy(extracted.db_copy, data_key)
            _check_revision(extracted.db_copy, data_key)
        finally:
            data_key.wipe()
        _write_synced(key_temp, extracted.key_bytes)
        _fsync_file(extracted.db_copy)
        replaced = _swap_in(vault_folder, extracted.db_copy, key_temp, now)
    except OSError as error:
        raise storage_error(error) from None
    finally:
        if extracted is not None:
            remove_database_file(extracted.db_copy)
        with contextlib.suppress(OSError):
            key_temp.unlink()
        if created_folder and not (vault_folder / KEY_NAME).exists():
            with contextlib.suppress(OSError):
                vault_folder.rmdir()  # only if empty: never remove anything we did not create
    return RestoreOutcome(manifest=extracted.manifest, method=method, replaced=replaced)


def _parse_backup_key(key_bytes: bytes) -> KeyFile:
    try:
        return KeyFile.from_json(key_bytes)
    except KeyFileError:
        raise BackupError(
            "The backup's key file is damaged; this backup cannot be restored."
        ) from None


def _check_revision(db_copy: Path, data_key: DataKey) -> None:
    """Refuse a backup from a newer build: this one could neither open nor migrate it."""
    connection = open_raw_connection(db_copy, data_key)
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlcipher.DatabaseError:
        raise BackupError("The backup's database has no schema version; it is damaged.") from None
    finally:
        connection.close()
    script = ScriptDirectory.from_config(migrate.alembic_config())
    known = {revision.revision for revision in script.walk_revisions()}
    if row is None or row[0] not in known:
        raise BackupError(
            "The backup was made by a newer version of Crucible; update Crucible to restore it."
        )


def _write_synced(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _swap_in(folder: Path, new_db: Path, new_key: Path, now: datetime) -> Path | None:
    current = [
        name
        for name in (DB_NAME, KEY_NAME, *(DB_NAME + suffix for suffix in SIDE_SUFFIXES))
        if (folder / name).exists()
    ]
    replaced = _new_replaced_folder(folder, now) if current else None
    if replaced is not None:
        for suffix in SIDE_SUFFIXES:
            side = folder / (DB_NAME + suffix)
            if side.exists():
                os.replace(side, replaced / side.name)
    for name, new in ((DB_NAME, new_db), (KEY_NAME, new_key)):
        target = folder / name
        if replaced is not None and target.exists():
            try:
                os.link(target, replaced / name)
            except OSError:  # no hard links here (FAT, some network shares): move instead
                os.replace(target, replaced / name)
        os.replace(new, target)
    if replaced is not None:
        fsync_dir(replaced)
    fsync_dir(folder)
    return replaced


def _new_replaced_folder(folder: Path, now: datetime) -> Path:
    stamp = now.strftime("%Y%m%d-%H%M%S")
    for attempt in range(100):
        candidate = folder / (f"{REPLACED_PREFIX}{stamp}" + (f"-{attempt}" if attempt else ""))
        try:
            candidate.mkdir(mode=0o700)
        except FileExistsError:
            continue
        ensure_private_dir(candidate)
        return candidate
    raise BackupError("Too many replaced vaults share this minute; nothing was changed.")


__all__ = [
    "REPLACED_PREFIX",
    "RestoreOutcome",
    "looks_like_recovery_code",
    "restore_backup",
    "unwrap_with_either",
]
