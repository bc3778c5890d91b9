"""The vault folder: what may be in it, and the checks made before SQLite touches its files.

Two rules. Crucible changes the permissions only of folders it creates:
an existing folder keeps its mode, and one that holds anything but a
vault's files is refused rather than filled. And a failure to open is
named for what it is, in this order: a file that cannot be read, a folder
or file that cannot be written, a full disk, and only then a damaged
database. SQLite reports most of these alike ("unable to open", "disk I/O
error"), so they are checked from the outside, before the first connection
and again when a connection fails.

SQLite gives `-wal` and `-shm` the mode of `vault.db`, so a moment of a
read-only `vault.db` used to leave read-only side files that broke every
later open; the checks refuse a read-only `vault.db` before SQLite creates
anything, and repair side files the user owns.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from crucible.app.domain.vault_layout import (
    BACKUPS_FOLDER,
    CRUCIBLE_NAMES,
    CRUCIBLE_PREFIXES,
    DB_NAME,
    KEY_NAME,
)
from crucible.app.store.errors import (
    DamagedDatabaseError,
    FileNotReadableError,
    FolderNotEmptyError,
    FolderNotWritableError,
    VaultBusyError,
    VaultError,
)
from crucible.app.store.files import DIR_MODE, FILE_MODE, sqlite_storage_error, storage_error

SQLITE_PERM, SQLITE_BUSY, SQLITE_READONLY, SQLITE_CANTOPEN = 3, 5, 8, 14
SQLITE_IOERR = 10

DB_READ_ONLY = (
    "The vault's database (vault.db) is read-only; make it writable again "
    "(for example chmod 600) and try again."
)
DB_UNREADABLE = (
    "The vault's database (vault.db) cannot be read; check that it is a file you may read."
)
KEY_UNREADABLE = (
    "The vault's key file (vault.key) cannot be read; check that it is a file you may read."
)
SIDE_FILE_NOT_OURS = (
    "A file SQLite keeps beside the vault ({name}) belongs to another user and cannot be "
    "written; remove it or give it back to you, then try again."
)
DAMAGED_NO_BACKUPS = (
    "The vault's database (vault.db) is damaged, and this vault has no backups of its own; "
    "restore a backup you keep elsewhere if you have one."
)


def holds_only_crucible_files(folder: Path) -> bool:
    """Whether the folder is a vault's: it holds one, or only what Crucible puts there (or nothing).

    A folder holding a vault may hold anything else besides (later versions
    add files); a folder without one must hold only names Crucible uses,
    such as the backups folder a lost vault leaves behind.
    """
    if (folder / KEY_NAME).exists() or (folder / DB_NAME).exists():
        return True
    with os.scandir(folder) as entries:
        return all(
            entry.name in CRUCIBLE_NAMES or entry.name.startswith(CRUCIBLE_PREFIXES)
            for entry in entries
        )


def prepare_vault_folder(folder: Path) -> bool:
    """Make sure `folder` can hold a vault; return True if it was created here.

    A missing folder is created owner-only (its missing parents with the
    usual mode). An existing one keeps its permissions, and is refused if
    it holds anything but a vault's files: `crucible init ~/Documents` must
    not turn someone's documents folder into a vault.
    """
    try:
        os.stat(folder)
    except FileNotFoundError:
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            return prepare_vault_folder(folder)  # another process made it meanwhile
        except OSError as error:
            raise _write_error(error) from None
        os.chmod(folder, DIR_MODE)  # whatever the umask
        return True
    except OSError as error:
        raise _write_error(error) from None
    if not folder.is_dir():
        raise FolderNotEmptyError(
            "That path is a file, not a folder; choose a folder for the vault."
        )
    try:
        clean = holds_only_crucible_files(folder)
    except OSError:
        raise FolderNotWritableError() from None
    if not clean:
        raise FolderNotEmptyError()
    return False


def check_vault_files(folder: Path, *, database: bool = True) -> None:
    """Refuse, in plain words, files SQLite could not use; repair side files left read-only.

    `database=False` checks only what re-keying needs (the key file and the
    folder). Missing files are left to the callers, who each have their own
    sentence for them.
    """
    problem = access_problem(folder, database=database)
    if problem is not None:
        raise problem


def access_problem(folder: Path, *, database: bool = True) -> VaultError | None:
    """The first reason the vault's files cannot be used as they are, or None."""
    if database:
        problem = _unreadable(folder / DB_NAME, DB_UNREADABLE)
        if problem is not None:
            return problem
    problem = _unreadable(folder / KEY_NAME, KEY_UNREADABLE)
    if problem is not None:
        return problem
    if not os.access(folder, os.W_OK | os.X_OK):  # says so even to root on a read-only disk
        return FolderNotWritableError()
    if database:
        if _read_only(folder / DB_NAME):
            return FolderNotWritableError(DB_READ_ONLY)
        for suffix in ("-wal", "-shm"):
            problem = _repair_side_file(folder / (DB_NAME + suffix))
            if problem is not None:
                return problem
    return None


def sqlite_failure(error: BaseException, folder: Path) -> VaultError | None:
    """The plain-words error for a SQLite failure that is not damage, or None if it may be.

    A full disk first (SQLite's own code says so), then a busy database,
    then what the files and folder look like from outside. None leaves the
    caller to call the database damaged.
    """
    full = sqlite_storage_error(error, folder)
    if full is not None:
        return full
    primary = _primary_code(error)
    if primary == SQLITE_BUSY:
        return VaultBusyError()
    if primary in (SQLITE_READONLY, SQLITE_PERM, SQLITE_CANTOPEN, SQLITE_IOERR):
        problem = access_problem(folder)
        if problem is not None:
            return problem
        if primary in (SQLITE_READONLY, SQLITE_PERM):
            return FolderNotWritableError()
    return None


def damaged(folder: Path) -> DamagedDatabaseError:
    """The damaged-database error, pointing to the backups folder only if it holds a backup."""
    try:
        with os.scandir(folder / BACKUPS_FOLDER) as entries:
            has_backups = any(entry.name.endswith(".crucible-backup") for entry in entries)
    except OSError:
        has_backups = False
    return DamagedDatabaseError() if has_backups else DamagedDatabaseError(DAMAGED_NO_BACKUPS)


# ---------------------------------------------------------------------- internals


def _unreadable(path: Path, sentence: str) -> VaultError | None:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError:
        return FileNotReadableError(sentence)
    if not stat.S_ISREG(info.st_mode):  # a folder, or a FIFO that would hang SQLite's first read
        return FileNotReadableError(sentence)
    try:
        os.close(os.open(path, os.O_RDONLY))
    except OSError:
        return FileNotReadableError(sentence)
    return None


def _read_only(path: Path) -> bool:
    """Whether the file refuses writes (by its owner's mode bits, which root ignores, too)."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    if _owned(info) and not info.st_mode & stat.S_IWUSR:
        return True
    return not os.access(path, os.W_OK)


def _repair_side_file(path: Path) -> VaultError | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return FolderNotWritableError(SIDE_FILE_NOT_OURS.format(name=path.name))
    if _owned(info):
        if stat.S_IMODE(info.st_mode) & FILE_MODE != FILE_MODE:
            try:
                os.chmod(path, FILE_MODE)
            except OSError:
                return FolderNotWritableError(SIDE_FILE_NOT_OURS.format(name=path.name))
        return None
    if not os.access(path, os.R_OK | os.W_OK):
        return FolderNotWritableError(SIDE_FILE_NOT_OURS.format(name=path.name))
    return None


def _owned(info: os.stat_result) -> bool:
    geteuid = getattr(os, "geteuid", None)
    return geteuid is not None and info.st_uid == geteuid()


def _primary_code(error: BaseException) -> int:
    original = getattr(error, "orig", error)
    code = getattr(original, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF
    message = str(original).lower()
    for text, value in (
        ("database is locked", SQLITE_BUSY),
        ("readonly database", SQLITE_READONLY),
        ("unable to open database", SQLITE_CANTOPEN),
        ("disk i/o error", SQLITE_IOERR),
    ):
        if text in message:
            return value
    return 0


def _write_error(error: OSError) -> VaultError:
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return FolderNotWritableError()
    return storage_error(error)


__all__ = [
    "CRUCIBLE_NAMES",
    "access_problem",
    "check_vault_files",
    "damaged",
    "holds_only_crucible_files",
    "prepare_vault_folder",
    "sqlite_failure",
]
