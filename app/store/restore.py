"""Putting a backup back in place of a vault, only after it has proved itself whole.

Everything that can fail is checked before the vault folder is touched:
the archive and its hashes, the backup's own key file unwrapped with the
secret the user gives (the passphrase or recovery code valid when the backup
was made), its database opened and checked by SQLite and SQLCipher, and its
schema revision known to this build. Only then are the current files moved
aside into `replaced-<time>/` (kept, never deleted) and the backup's
files renamed into place.

The whole restore holds the vault's lock exclusively, so it is refused
while any other window or command uses the vault. The swap itself is
journaled (`app.store.restore_journal`): the new files are complete and
fsynced under temp names, the journal that names them is the commit point,
and a crash after it is finished by the next open. So a crash leaves the
old vault or the restored one, never a database beside a key file that
does not open it.

The folder: one Crucible creates is owner-only and removed again if the
restore fails; an existing one keeps its permissions, and one holding
anything but a vault's files is refused.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from crucible.app.domain.vault_layout import DB_NAME, KEY_NAME, REPLACED_PREFIX
from crucible.app.store import migrate, restore_journal, vault_lock
from crucible.app.store.backup import (
    SIDE_SUFFIXES,
    BackupError,
    remove_database_file,
    verify_database_copy,
)
from crucible.app.store.backup_archive import BackupManifest, extract_backup
from crucible.app.store.engine import open_raw_connection
from crucible.app.store.errors import KeyFileError, WrongSecretError
from crucible.app.store.files import FILE_MODE, storage_error
from crucible.app.store.hardening import disable_core_dumps
from crucible.app.store.keyfile import RECOVERY_ALPHABET, KeyFile, normalize_recovery_code
from crucible.app.store.secrets import DataKey
from crucible.app.store.vault_folder import prepare_vault_folder

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
    backup_file: Path,
    vault_folder: Path,
    secret: str,
    *,
    now: datetime,
    actor: str = "crucible",
    report: restore_journal.Report | None = None,
) -> RestoreOutcome:
    """Validate `backup_file` whole, then make it the vault in `vault_folder`.

    Refused (VaultInUseError) while another process uses the vault; the
    caller locks its own open vault first. On any failure before the swap
    the folder is left exactly as it was. `report` receives what the
    restore did (the journal's record) once the swap is complete, this
    restore's or an interrupted earlier one's, before its journal goes.
    """
    created_folder = prepare_vault_folder(vault_folder)
    lock_existed = vault_lock.lock_path(vault_folder).exists()
    try:
        with vault_lock.exclusive(vault_folder):
            restore_journal.roll_forward(vault_folder, report)
            return _restore_locked(backup_file, vault_folder, secret, now, actor, report)
    finally:
        if not (vault_folder / KEY_NAME).exists() and not (vault_folder / DB_NAME).exists():
            _undo_folder(vault_folder, created_folder, lock_existed)


def _restore_locked(
    backup_file: Path,
    vault_folder: Path,
    secret: str,
    now: datetime,
    actor: str,
    report: restore_journal.Report | None,
) -> RestoreOutcome:
    extracted = None
    key_temp = vault_folder / f"{restore_journal.TEMP_PREFIX}{os.urandom(6).hex()}.key"
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
        remove_database_file_sides(extracted.db_copy)
        _write_synced(key_temp, extracted.key_bytes)
        _fsync_file(extracted.db_copy)
        replaced = _replaced_folder_if_needed(vault_folder, now)
        record = {
            "actor": actor,
            "facts": {
                "backup_created_at": extracted.manifest.created_at.isoformat(),
                "backup_reason": extracted.manifest.reason,
                "method": method,
                "kept_previous": replaced is not None,
            },
        }
        restore_journal.begin(
            vault_folder,
            database=extracted.db_copy,
            key=key_temp,
            replaced=replaced,
            record=record,
        )
        restore_journal.roll_forward(vault_folder, report)
    except OSError as error:
        raise storage_error(error) from None
    finally:
        if not restore_journal.is_pending(vault_folder):
            if extracted is not None:
                remove_database_file(extracted.db_copy)
            with contextlib.suppress(OSError):
                key_temp.unlink()
    return RestoreOutcome(manifest=extracted.manifest, method=method, replaced=replaced)


def remove_database_file_sides(path: Path) -> None:
    """Remove the side files SQLite may have left beside a checked copy (it is renamed in)."""
    for suffix in SIDE_SUFFIXES:
        with contextlib.suppress(OSError):
            path.with_name(path.name + suffix).unlink()


def _undo_folder(folder: Path, created: bool, lock_existed: bool) -> None:
    """After a failed restore, take away what this restore put in a folder holding no vault."""
    if not lock_existed:
        with contextlib.suppress(OSError):
            vault_lock.lock_path(folder).unlink()
    if created:
        with contextlib.suppress(OSError):
            folder.rmdir()  # only if empty: never remove anything we did not create


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
    from alembic.script import ScriptDirectory  # here: 11 MiB the checks after unlock never need

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


def _replaced_folder_if_needed(folder: Path, now: datetime) -> Path | None:
    """A free `replaced-<time>` name when there is a vault to keep; the roll-forward creates it."""
    current = (DB_NAME, KEY_NAME, *(DB_NAME + suffix for suffix in SIDE_SUFFIXES))
    if not any((folder / name).exists() for name in current):
        return None
    stamp = now.strftime("%Y%m%d-%H%M%S")
    for attempt in range(100):
        candidate = folder / (f"{REPLACED_PREFIX}{stamp}" + (f"-{attempt}" if attempt else ""))
        if not candidate.exists():
            return candidate
    raise BackupError("Too many replaced vaults share this minute; nothing was changed.")


__all__ = [
    "REPLACED_PREFIX",
    "RestoreOutcome",
    "looks_like_recovery_code",
    "restore_backup",
    "unwrap_with_either",
]
