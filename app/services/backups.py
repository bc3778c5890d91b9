"""Backups as the app uses them: make one now, daily and on quit, list, prune, restore.

Where backups go: `<vault>/backups/`, and optionally a mirror folder (an
external drive, a synced folder) that receives a verified copy of each new
backup. Reasons: `manual` (the user asked), `daily` (first unlock of a
day), `on-quit` (the app closes after changes), `pre-migration` (before a
schema upgrade, made by `vault_access`).

Retention applies to automatic backups only (`daily`, `on-quit`); manual
and pre-migration backups are the user's and the upgrade's safety net and
are never removed. The rule is Borg's: keep the newest backup of each of
the 7 most recent days that have one, then the newest of each of the 4 most
recent weeks not already covered by those, and remove the rest. A backup
counts for one rule only, so 60 days of daily unlocks leave exactly 11.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

from crucible.app.domain.audit_vocabulary import SYSTEM_ACTOR
from crucible.app.domain.vault_layout import BACKUPS_FOLDER as BACKUP_FOLDER
from crucible.app.domain.vault_layout import INSTANCE_LOCK as LOCK_FILE
from crucible.app.services.audit_log import AuditAction
from crucible.app.services.clock import Clock, system_clock
from crucible.app.services.deferred_audit import record_or_defer
from crucible.app.services.errors import (
    BackupError,
    InputError,
    StorageFullError,
    VaultError,
    VaultInUseError,
)
from crucible.app.services.files import refuse_inside_vault
from crucible.app.services.vault_guard import restore_reporter
from crucible.app.store import migrate
from crucible.app.store.backup import BACKUP_SUFFIX, KEY_MEMBER, BackupInfo, Progress, make_backup
from crucible.app.store.backup_archive import (
    check_backup_hashes,
    copy_backup_file,
    read_manifest,
    verify_backup,
)
from crucible.app.store.keyfile import KeyFile
from crucible.app.store.restore import RestoreOutcome, restore_backup
from crucible.app.store.vault import Vault

AUTOMATIC_REASONS = frozenset({"daily", "on-quit"})
KEEP_DAILY = 7
KEEP_WEEKLY = 4
log = logging.getLogger(__name__)


class Verification(StrEnum):
    """How far a listed backup has been checked."""

    DAMAGED = "damaged"  # not a backup, or its bytes do not match its manifest
    STRUCTURE = "structure"  # the archive and manifest parse (hashes not read)
    HASHES = "hashes"  # both members match their SHA-256
    FULL = "full"  # and the database opened with the key and passed both checks


@dataclass(frozen=True, slots=True)
class BackupListing:
    """One backup file as a list shows it."""

    path: Path
    size: int
    created_at: datetime | None  # None when the manifest cannot be read
    reason: str | None
    schema_revision: str | None
    verification: Verification
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class BackupResult:
    """A backup made now, and its mirror copy if one was asked for."""

    info: BackupInfo
    mirror_copy: Path | None = None
    mirror_problem: str | None = None  # the mirror failed; the backup itself is fine
    pruned: tuple[Path, ...] = ()


def backups_folder(vault_folder: Path) -> Path:
    """Where a vault keeps its backups."""
    return vault_folder / BACKUP_FOLDER


def backup_now(
    vault: Vault,
    *,
    reason: str = "manual",
    clock: Clock = system_clock,
    actor: str = SYSTEM_ACTOR,
    destination: Path | None = None,
    mirror: Path | None = None,
    progress: Progress | None = None,
) -> BackupResult:
    """Make a verified backup of the open vault, mirror it, prune, and audit it.

    `destination` is a folder (the default is the vault's backups folder) or
    the path of a new file; an existing file is never overwritten.
    """
    started = time.monotonic()
    folder, file_name = _destination(vault.folder, destination)
    info = make_backup(
        vault.db_path,
        vault.key_path,
        vault.data_key,
        folder,
        created_at=clock(),
        reason=reason,
        schema_revision=migrate.current_revision(vault.engine),
        file_name=file_name,
        progress=progress,
        own_folder=destination is None,
    )
    mirror_copy, mirror_problem = None, None
    if mirror is not None:
        try:
            mirror_copy = copy_backup_file(info.path, mirror)
        except StorageFullError:
            mirror_problem = "The backup was made but not mirrored: the mirror's disk is full."
        except BackupError:
            mirror_problem = "The backup was made but not mirrored: the copy there did not verify."
        except VaultError:
            mirror_problem = "The backup was made but not mirrored: the mirror cannot be written."
    pruned: list[Path] = []
    if reason in AUTOMATIC_REASONS:
        pruned += prune_automatic(folder)
        if mirror is not None and mirror_copy is not None:
            pruned += prune_automatic(mirror)
    log.info(
        "backup made: %d bytes in %.3f s (%s), automatic %s, mirrored %s, %d old files pruned",
        info.size,
        time.monotonic() - started,
        ", ".join(f"{phase} {seconds:.2f} s" for phase, seconds in info.phases),
        reason in AUTOMATIC_REASONS,
        mirror_copy is not None,
        len(pruned),
    )
    # A backup is a read: while another process writes, its event waits in the pending file.
    record_or_defer(
        vault,
        AuditAction.BACKUP,
        actor=actor,
        clock=clock,
        detail={"reason": reason, "size": info.size, "mirrored": mirror_copy is not None},
    )
    return BackupResult(info, mirror_copy, mirror_problem, tuple(pruned))


def ensure_daily_backup(
    vault: Vault, clock: Clock = system_clock, *, mirror: Path | None = None
) -> BackupResult | None:
    """Make the day's automatic backup unless one exists for today; call after each unlock."""
    today = clock().date()
    for listing in list_backups(backups_folder(vault.folder)):
        if (
            listing.reason in AUTOMATIC_REASONS
            and listing.created_at is not None
            and listing.created_at.date() == today
        ):
            return None
    return backup_now(vault, reason="daily", clock=clock, mirror=mirror)


def backup_on_quit(
    vault: Vault, clock: Clock = system_clock, changed: bool = True, *, mirror: Path | None = None
) -> BackupResult | None:
    """Back up at quit when the session changed anything; nothing otherwise."""
    if not changed or vault.is_locked:
        return None
    return backup_now(vault, reason="on-quit", clock=clock, mirror=mirror)


def list_backups(
    folder: Path, *, check_hashes: bool = False, vault: Vault | None = None
) -> list[BackupListing]:
    """The backups in `folder`, newest first, each checked as far as asked.

    Without arguments only the archive structure and manifest are read
    (fast). `check_hashes` reads every byte. With the open `vault`, backups
    made with its data key are opened and fully checked; the data key never
    changes for a vault, and a backup shares it exactly when its recovery
    wrap is the vault's own.
    """
    if not folder.is_dir():
        return []
    same_key_wrap = _recovery_wrap(vault.key_path.read_bytes()) if vault is not None else None
    listings = [
        _listing(path, check_hashes, vault, same_key_wrap)
        for path in folder.glob(f"*{BACKUP_SUFFIX}")
        if not path.name.startswith(".") and path.is_file()
    ]
    # Unreadable backups (no date) sort last; the file name breaks ties.
    listings.sort(
        key=lambda item: (item.created_at.timestamp() if item.created_at else 0.0, item.path.name),
        reverse=True,
    )
    return listings


def prune_automatic(
    folder: Path, *, keep_daily: int = KEEP_DAILY, keep_weekly: int = KEEP_WEEKLY
) -> list[Path]:
    """Remove automatic backups the retention rule no longer keeps; return what went."""
    automatic = [
        item
        for item in list_backups(folder)
        if item.reason in AUTOMATIC_REASONS and item.created_at is not None
    ]
    kept = retained(automatic, keep_daily=keep_daily, keep_weekly=keep_weekly)
    removed = []
    for item in automatic:
        if item.path not in kept:
            try:
                item.path.unlink()
            except FileNotFoundError:
                continue
            removed.append(item.path)
    return removed


def retained(
    backups: Iterable[BackupListing],
    *,
    keep_daily: int = KEEP_DAILY,
    keep_weekly: int = KEEP_WEEKLY,
) -> set[Path]:
    """The paths the retention rule keeps (see the module docstring)."""
    dated = sorted(
        ((b.created_at, b.path) for b in backups if b.created_at is not None), reverse=True
    )
    kept: set[Path] = set()

    def keep_newest_per(period: Callable[[date], object], limit: int) -> None:
        count, last = 0, None
        for created_at, path in dated:
            if count >= limit:
                return
            key = period(created_at.date())
            if key == last:
                continue
            last = key
            if path not in kept:  # a backup counts for one rule only
                kept.add(path)
                count += 1

    keep_newest_per(lambda day: day, keep_daily)
    keep_newest_per(lambda day: day.isocalendar()[:2], keep_weekly)
    return kept


def verify_backup_file(path: Path, vault: Vault | None = None) -> BackupListing:
    """Check one backup as far as possible: fully with the open vault's key, else its hashes."""
    if not path.is_file():
        raise InputError(f"There is no backup file named {path.name!r}.")
    same_key_wrap = _recovery_wrap(vault.key_path.read_bytes()) if vault is not None else None
    return _listing(path, True, vault, same_key_wrap)


def restore(
    backup_file: Path,
    vault_folder: Path,
    secret: str,
    *,
    clock: Clock = system_clock,
    open_vault: Vault | None = None,
    actor: str = SYSTEM_ACTOR,
) -> RestoreOutcome:
    """Restore `backup_file` into `vault_folder` with the secret valid when it was made.

    The backup is validated whole before anything in the folder changes.
    An open vault of this process is locked first; a vault used by another
    window or command is refused (VaultInUseError), as is one another app
    has open even at its lock screen. The restore is recorded as a pending
    audit event, appended to the restored vault's chain at its next unlock.
    """
    if not backup_file.is_file():
        raise InputError(f"There is no backup file named {backup_file.name!r}.")
    if open_vault is not None:
        open_vault.lock()
    _refuse_if_open_elsewhere(vault_folder)
    started = time.monotonic()
    outcome = restore_backup(
        backup_file,
        vault_folder,
        secret,
        now=clock(),
        actor=actor,
        report=restore_reporter(vault_folder, clock),
    )
    log.info("backup restored in %.3f s", time.monotonic() - started)
    return outcome


# ---------------------------------------------------------------------- internals


def _destination(vault_folder: Path, destination: Path | None) -> tuple[Path, str | None]:
    if destination is None:
        return backups_folder(vault_folder), None
    refuse_inside_vault(vault_folder, destination)
    if destination.is_dir():
        return destination, None
    if destination.exists():
        raise InputError(f"{destination.name!r} already exists; choose a new file name.")
    if not destination.parent.is_dir():
        raise InputError(f"The folder for {destination.name!r} does not exist.")
    return destination.parent, destination.name


def _listing(
    path: Path, check_hashes: bool, vault: Vault | None, same_key_wrap: tuple[bytes, ...] | None
) -> BackupListing:
    size = path.stat().st_size
    try:
        manifest = read_manifest(path)
    except BackupError as error:
        return BackupListing(path, size, None, None, None, Verification.DAMAGED, str(error))
    level, problem = Verification.STRUCTURE, None
    try:
        if check_hashes or vault is not None:
            check_backup_hashes(path)
            level = Verification.HASHES
        if vault is not None and _backup_key_wrap(path) == same_key_wrap:
            verify_backup(path, vault.data_key, backups_folder(vault.folder))
            level = Verification.FULL
    except BackupError as error:
        level, problem = Verification.DAMAGED, str(error)
    except VaultError as error:  # our temp copy could not be written: checked this far only
        problem = str(error)
    return BackupListing(
        path, size, manifest.created_at, manifest.reason, manifest.schema_revision, level, problem
    )


def _recovery_wrap(key_bytes: bytes) -> tuple[bytes, ...] | None:
    try:
        parsed = KeyFile.from_json(key_bytes)
    except VaultError:
        return None
    return parsed.recovery_salt, parsed.recovery_nonce, parsed.recovery_ciphertext


def _backup_key_wrap(path: Path) -> tuple[bytes, ...] | None:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            return _recovery_wrap(archive.read(KEY_MEMBER))
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return None


def _refuse_if_open_elsewhere(vault_folder: Path) -> None:
    """Refuse while another live process holds the GUI's lock file on this vault.

    QLockFile writes the owner's PID on the first line; a dead PID means a
    stale lock, which is no obstacle.
    """
    try:
        first = (vault_folder / LOCK_FILE).read_text("utf-8", errors="replace").splitlines()[0]
        pid = int(first.strip())
    except (OSError, IndexError, ValueError):
        return
    if pid == os.getpid():
        return
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return
    except PermissionError:
        pass  # alive, owned by someone else
    raise VaultInUseError()


__all__ = [
    "AUTOMATIC_REASONS",
    "BackupListing",
    "BackupResult",
    "Verification",
    "backup_now",
    "backup_on_quit",
    "backups_folder",
    "ensure_daily_backup",
    "list_backups",
    "prune_automatic",
    "restore",
    "retained",
    "verify_backup_file",
]
