"""Encrypted, verified backups of a vault: one file, owner-only.

A backup file is a ZIP archive (stored, not compressed: the content is
ciphertext) holding:

- `vault.db`: a copy of the database, encrypted exactly like the vault with
  the same data key: its encrypted file and WAL copied as they are under a
  read transaction, the WAL then replayed by SQLite (decision 0030), or, for
  a vault not in WAL mode, a copy made with SQLite's online backup API;
- `vault.key`: the key file as it was, so the backup opens with the
  passphrase or recovery code that were valid when it was made;
- `manifest.json`: format, creation time, reason, schema revision and the
  SHA-256 and size of both members.

The copy is verified before the archive is kept: it opens with the key,
every page passes `cipher_integrity_check` and it has its own length after
the replay (decisions 0026 and 0030 say why that check, and not also
`quick_check`).
The check runs on a second thread while the one pass that hashes the copy
writes it into the archive; the archive is a temp file, fsynced every
`SYNC_EVERY` bytes and at the end, then renamed into place, so a crash or a
full disk leaves the finished backup or nothing.

Reading a backup back, as untrusted input, lives in `app.store.backup_archive`.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import secrets
import threading
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from crucible.app.domain.vault_layout import DB_NAME, KEY_NAME
from crucible.app.store.backup_raw import (
    SourceUnreadableError,
    copy_encrypted_files,
    raw_copy_possible,
)
from crucible.app.store.engine import open_checking_connection, open_raw_connection
from crucible.app.store.errors import DamagedDatabaseError, VaultError
from crucible.app.store.files import (
    FILE_MODE,
    ensure_private_dir,
    fsync_dir,
    sqlite_storage_error,
    storage_error,
)
from crucible.app.store.low_priority import lower_this_thread, run_at_low_priority
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
# The archive is fsynced every 8 MiB while it is written, so dirty pages
# never pile up: a live key's commit (its own fsync, on the UI thread)
# waits behind at most this much of the backup's writeback, not 500 MiB
# (decision 0026: 386-515 ms with one fsync at the end, 16-28 ms with this).
SYNC_EVERY = 8 << 20
# The copy is scratch: it is read back into the archive and deleted, and a
# crash leaves nothing anyone reads. No journal and no fsync of its own.
COPY_SETTINGS = ("PRAGMA journal_mode = OFF", "PRAGMA synchronous = OFF")
# The raw copy is folded into one file by a checkpoint; it stays scratch.
REPLAY_SETTINGS = ("PRAGMA synchronous = OFF",)
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")


Progress = Callable[[int, int], None]
"""Called with (pages copied, pages in all) while the database is copied."""


class BackupError(VaultError):
    """A backup could not be made or does not verify."""

    exit_status = 1
    default_message = "The backup could not be made; the vault is unchanged."


class _Cancelled(Exception):
    """The caller was interrupted while it waited: stop, and leave nothing behind."""


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """What a finished backup is and where it lies."""

    path: Path
    created_at: datetime
    reason: str
    size: int
    phases: tuple[tuple[str, float], ...] = field(default=(), compare=False)
    """Seconds per phase (copy, archive, check, fsync), for logs and benches."""


NOT_VERIFIED = "The backup copy did not verify; the vault is unchanged."
UNREADABLE = "The vault could not be read to the end; run the integrity check."


def _failed(error: BaseException, folder: Path, sentence: str) -> Exception:
    """The storage problem's own sentence (a full disk, a read-only folder), else `sentence`."""
    return sqlite_storage_error(error, folder) or BackupError(sentence)


# ---------------------------------------------------------------------- making


def verify_database_copy(db_path: Path, data_key: DataKey) -> None:
    """Open a database copy with the key and run SQLite's and SQLCipher's checks."""
    try:
        connection = open_raw_connection(db_path, data_key)
    except (DamagedDatabaseError, sqlcipher.DatabaseError) as error:
        unopened = "The backup's database does not open with its key; it is damaged."
        raise _failed(error, db_path.parent, unopened) from None
    try:
        quick = connection.execute("PRAGMA quick_check").fetchall()
        cipher = connection.execute("PRAGMA cipher_integrity_check").fetchall()
    except sqlcipher.DatabaseError as error:
        raise _failed(
            error, db_path.parent, "The backup's database is damaged; it cannot be used."
        ) from None
    finally:
        connection.close()
    if quick != [("ok",)] or cipher:
        raise BackupError(NOT_VERIFIED)


def copy_database(
    db_path: Path,
    data_key: DataKey,
    copy: Path,
    progress: Progress | None = None,
    *,
    between_copies: Callable[[], None] | None = None,
    phase_done: Callable[[str], None] | None = None,
) -> int:
    """Copy the open vault into `copy`, a committed state of it; returns the copy's page count.

    The source connection holds one read transaction for the whole copy. In
    WAL mode that pins a snapshot, and writers go on committing. The
    encrypted files are copied as they are, database then WAL, and SQLite
    replays the copied WAL into the copy (`app.store.backup_raw`, decision
    0030): no page is decrypted or encrypted again. A vault that is not in
    WAL mode, or a platform that cannot read the file safely, is copied
    with SQLite's online backup API instead (`_copy_with_backup_api`).
    The copy is scratch either way (no journal; nothing reads it after a
    crash): only the archive made from it has to be durable.
    `between_copies` is for tests: it runs between the database file and
    its WAL. `phase_done` hears the end of each phase ("copy", then "replay
    the WAL"), for `BackupInfo.phases`.
    """
    done = phase_done or (lambda _name: None)
    source = open_raw_connection(db_path, data_key)
    try:
        source.execute("BEGIN")
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()
        journal = str(source.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        page_size = int(source.execute("PRAGMA page_size").fetchone()[0])
        if journal != "wal" or not raw_copy_possible(db_path):
            pages = _copy_with_backup_api(source, copy, data_key, progress)
            source.execute("COMMIT")
            done("copy")
            return pages
        copy_encrypted_files(
            db_path, copy, page_size, progress, COPY_STEP_PAGES, SYNC_EVERY, between_copies
        )
        source.execute("COMMIT")
        done("copy")
    except sqlcipher.DatabaseError as error:
        raise _failed(error, copy.parent, UNREADABLE) from None
    except SourceUnreadableError:
        raise BackupError(UNREADABLE) from None
    finally:
        source.close()
    pages = replay_copied_wal(copy, data_key)
    done("replay the WAL")
    return pages


def replay_copied_wal(copy: Path, data_key: DataKey) -> int:
    """Fold a raw copy's `-wal` into it with SQLite's checkpoint; returns its page count.

    SQLite recovers the copied WAL as after a crash: it keeps the frames up
    to the last commit whose checksums hold and ignores the rest (a torn
    tail, frames of a restarted WAL). The copy then is one file, as a copy
    made by the backup API is, still WAL in its header (so is theirs), and
    closing the connection removes the `-wal` and `-shm`. A copy that does
    not open with the key, or whose checkpoint cannot finish, did not verify.
    """
    try:
        connection = open_raw_connection(copy, data_key, REPLAY_SETTINGS)
    except (DamagedDatabaseError, sqlcipher.DatabaseError) as error:
        raise _failed(error, copy.parent, NOT_VERIFIED) from None
    try:
        busy, _log, _done = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        pages = int(connection.execute("PRAGMA page_count").fetchone()[0])
    except sqlcipher.DatabaseError as error:
        raise _failed(error, copy.parent, NOT_VERIFIED) from None
    finally:
        connection.close()
    if busy:
        raise BackupError(NOT_VERIFIED)
    _remove_side_files(copy)
    return pages


def _copy_with_backup_api(
    source: Any, copy: Path, data_key: DataKey, progress: Progress | None
) -> int:
    """Copy through both pagers, in steps, inside the caller's read transaction.

    Every page is decrypted, checked and encrypted again (about 7.6 s of
    CPU for the ten-year vault, decision 0029). Returns the snapshot's page
    count, which the copy must have.
    """
    pages = int(source.execute("PRAGMA page_count").fetchone()[0])
    destination = open_raw_connection(copy, data_key, COPY_SETTINGS)
    try:

        def report(_status: int, remaining: int, total: int) -> None:
            if progress is not None:
                progress(total - remaining, total)

        source.backup(destination, pages=COPY_STEP_PAGES, progress=report)
    finally:
        destination.close()
    return pages


def check_copy(copy: Path, data_key: DataKey, pages: int) -> None:
    """Check a fresh copy before its archive is kept: key, every page's HMAC, length.

    Read-only, so it can run while the copy is hashed and archived. `pages`
    is the copy's own page count after `copy_database` (for a raw copy,
    after its WAL was replayed). What it checks and why it is enough for a
    copy made by `copy_database` (the structural `quick_check` is not
    repeated here): decisions 0026 and 0030.
    """
    try:
        connection = open_checking_connection(copy, data_key)
    except (DamagedDatabaseError, sqlcipher.DatabaseError) as error:
        raise _failed(error, copy.parent, NOT_VERIFIED) from None
    try:
        problems = connection.execute("PRAGMA cipher_integrity_check").fetchall()
        page_size = int(connection.execute("PRAGMA page_size").fetchone()[0])
        counted = int(connection.execute("PRAGMA page_count").fetchone()[0])
    except sqlcipher.DatabaseError as error:
        raise _failed(error, copy.parent, NOT_VERIFIED) from None
    finally:
        connection.close()
    # cipher_integrity_check reads the pages the file has: a short copy needs its own test.
    if problems or counted != pages or copy.stat().st_size != pages * page_size:
        raise BackupError(NOT_VERIFIED)


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
    The work runs on threads of lower CPU priority (`app.store.low_priority`),
    so a backup gives way to the UI thread.
    """
    if reason not in REASONS:
        raise ValueError(f"unknown backup reason {reason!r}")
    make = functools.partial(
        _make_backup,
        db_path,
        key_path,
        data_key,
        folder,
        created_at=created_at,
        reason=reason,
        schema_revision=schema_revision,
        file_name=file_name,
        progress=progress,
        own_folder=own_folder,
    )
    return run_at_low_priority(lambda cancelled: make(cancelled=cancelled))


def _make_backup(
    db_path: Path,
    key_path: Path,
    data_key: DataKey,
    folder: Path,
    *,
    created_at: datetime,
    reason: str,
    schema_revision: str | None,
    file_name: str | None,
    progress: Progress | None,
    own_folder: bool,
    cancelled: threading.Event,
) -> BackupInfo:
    """`make_backup`'s work, stopping between steps once `cancelled` is set."""
    stamp = created_at.strftime("%Y%m%d-%H%M%S")
    name = file_name or f"crucible-{stamp}-{reason}-{secrets.token_hex(2)}{BACKUP_SUFFIX}"
    target = folder / name
    copy = folder / f".copy-{secrets.token_hex(6)}.db"
    archive_temp = folder / f".{secrets.token_hex(6)}{BACKUP_SUFFIX}.tmp"
    clock = _Phases()
    try:
        _prepare_folder(folder, own_folder)
        os.close(os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
        pages = copy_database(
            db_path, data_key, copy, _stopping(cancelled, progress), phase_done=clock.done
        )
        _stop_if(cancelled)
        key_bytes = key_path.read_bytes()
        fd = os.open(archive_temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "wb") as raw:
            # The check reads the copy on its own thread while this one archives it.
            with ThreadPoolExecutor(
                1, thread_name_prefix="backup-check", initializer=lower_this_thread
            ) as checker:
                checked = checker.submit(_timed, check_copy, copy, data_key, pages)
                with zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED) as archive:
                    archive.writestr(KEY_MEMBER, key_bytes)
                    db_sha256, db_size = _archive_copy(archive, copy, lambda: _sync(raw), cancelled)
                    manifest = {
                        "format": BACKUP_FORMAT,
                        "created_at": created_at.isoformat(),
                        "reason": reason,
                        "schema_revision": schema_revision,
                        DB_MEMBER: {"sha256": db_sha256, "size": db_size},
                        KEY_MEMBER: {
                            "sha256": hashlib.sha256(key_bytes).hexdigest(),
                            "size": len(key_bytes),
                        },
                    }
                    archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
                clock.done("archive")
                check_seconds = checked.result()
            clock.add("check (beside the archive)", check_seconds)
            clock.done("wait for the check")
            _sync(raw)
            clock.done("fsync")
        os.replace(archive_temp, target)
        fsync_dir(folder)
        _remove_gradually(copy)
        clock.done("remove the copy")
    except OSError as error:
        raise storage_error(error) from None
    finally:
        for leftover in (copy, archive_temp):
            with contextlib.suppress(OSError):
                leftover.unlink()
        _remove_side_files(copy)
    return BackupInfo(
        path=target,
        created_at=created_at,
        reason=reason,
        size=target.stat().st_size,
        phases=clock.phases(),
    )


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


def _archive_copy(
    archive: zipfile.ZipFile, copy: Path, sync: Callable[[], None], cancelled: threading.Event
) -> tuple[str, int]:
    """Write the copy into the archive as `DB_MEMBER`, hashing it in the same pass.

    One read of the copy serves the SHA-256 of the manifest, the ZIP's
    CRC-32 and the write; every `SYNC_EVERY` bytes `sync` makes what was
    written durable, so the kernel never holds hundreds of MiB of it dirty.
    Returns the hash and the size read, which must be the file's.
    """
    info = zipfile.ZipInfo.from_file(copy, DB_MEMBER)
    info.compress_type = zipfile.ZIP_STORED
    digest, size, unsynced = hashlib.sha256(), 0, 0
    with copy.open("rb") as source, archive.open(info, "w") as member:
        while chunk := source.read(CHUNK):
            _stop_if(cancelled)
            digest.update(chunk)
            member.write(chunk)
            size += len(chunk)
            unsynced += len(chunk)
            if unsynced >= SYNC_EVERY:
                sync()
                unsynced = 0
    if size != info.file_size:
        raise BackupError("The backup copy changed while it was archived; the vault is unchanged.")
    return digest.hexdigest(), size


def _remove_gradually(path: Path) -> None:
    """Delete a big file `SYNC_EVERY` bytes at a time, each step made durable.

    The copy's blocks are on disk (it is fsynced as it is written), and
    freeing 563 MiB in one unlink is one big journal commit, with discards,
    that a live key's fsync waits behind: 56-115 ms measured here, against
    13 ms in 8 MiB steps (decision 0030). Costs about 0.4 s more.
    """
    fd = os.open(path, os.O_WRONLY)
    try:
        size = os.fstat(fd).st_size
        while size > 0:
            size = max(0, size - SYNC_EVERY)
            os.ftruncate(fd, size)
            os.fsync(fd)
    finally:
        os.close(fd)
    path.unlink()


def _stop_if(cancelled: threading.Event) -> None:
    if cancelled.is_set():
        raise _Cancelled


def _stopping(cancelled: threading.Event, progress: Progress | None) -> Progress:
    """The copy's progress callback, which also stops the copy once `cancelled` is set."""

    def step(done: int, total: int) -> None:
        _stop_if(cancelled)
        if progress is not None:
            progress(done, total)

    return step


def _sync(raw: Any) -> None:
    raw.flush()
    os.fsync(raw.fileno())


def _timed(work: Callable[..., None], *args: Any) -> float:
    started = time.perf_counter()
    work(*args)
    return time.perf_counter() - started


class _Phases:
    """Wall seconds of each phase of making a backup, in order."""

    def __init__(self) -> None:
        self._items: list[tuple[str, float]] = []
        self._mark = time.perf_counter()

    def done(self, name: str) -> None:
        now = time.perf_counter()
        self._items.append((name, now - self._mark))
        self._mark = now

    def add(self, name: str, seconds: float) -> None:
        self._items.append((name, seconds))

    def phases(self) -> tuple[tuple[str, float], ...]:
        return tuple(self._items)
