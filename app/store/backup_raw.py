"""A backup's copy of vault.db taken from the encrypted bytes as they are (decision 0030).

The vault and its copy share one data key and SQLCipher's settings, so the
ciphertext of vault.db, with its `-wal` beside it, is already a valid
database for that key: nothing is decrypted or encrypted again. What makes
the copy a committed state and not a mix of page versions is SQLite's WAL
protocol, with the caller holding a read transaction on the vault across
both file copies (`copy_encrypted_files`), and SQLite replaying the copied
WAL into the copy afterwards (`app.store.backup.replay_copied_wal`). Decision 0030 cites the
rules this relies on.

On POSIX the bytes are read by a child process (`cat`), never by a file
descriptor of this one: closing any descriptor of vault.db in a process
drops every POSIX lock the process's SQLite connections hold on it
(docs/reliability.md, connection rules). The child's close only drops the
child's locks, and it has none. This process only reads the pipe and writes
the copy, so a full disk is still an `OSError` with its errno here. Windows
locks belong to a handle, so there the file is read in-process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from crucible.app.store.files import FILE_MODE

Progress = Callable[[int, int], None]
"""Called with (pages copied, pages in all) while the files are copied."""

READ_CHUNK = 1 << 20
# SQLite's lock bytes start at 1 GiB (PENDING_BYTE). On Windows they are
# mandatory byte-range locks, and a read of them by another handle can fail
# while a writer holds them; below that offset no lock is ever taken.
WINDOWS_LOCK_OFFSET = 0x40000000


class SourceUnreadableError(Exception):
    """vault.db or its WAL could not be read to the end (the caller words it)."""


def raw_copy_possible(db_path: Path) -> bool:
    """Whether this platform can copy the file as it is (else the backup API copies it)."""
    if os.name == "posix":
        return _cat() is not None
    return db_path.stat().st_size < WINDOWS_LOCK_OFFSET


def copy_encrypted_files(
    db_path: Path,
    copy: Path,
    page_size: int,
    progress: Progress | None,
    every_pages: int,
    sync_every: int,
    between_copies: Callable[[], None] | None = None,
) -> None:
    """Copy vault.db, then its `-wal` (if there is one), byte for byte beside `copy`.

    The caller holds a read transaction on the vault for the whole call:
    that keeps every WAL frame up to its snapshot in the `-wal` until the
    WAL has been copied, which is why the order (database first) matters.
    `progress` hears pages copied every `every_pages` pages and at the end;
    it may raise to stop the copy. `between_copies` runs after the database
    and before the WAL (tests force a checkpoint there).
    """
    wal = db_path.with_name(db_path.name + "-wal")
    total = _pages(_size(db_path) + _size(wal), page_size)
    done = _stream(db_path, copy, 0, total, page_size, progress, every_pages, sync_every)
    if between_copies is not None:
        between_copies()
    if wal.exists():  # the vault's own connections keep it; missing means nothing to replay
        wal_copy = copy.with_name(copy.name + "-wal")
        done = _stream(wal, wal_copy, done, total, page_size, progress, every_pages, sync_every)
    if progress is not None:
        progress(max(done, total), max(done, total))


def _stream(
    source: Path,
    target: Path,
    done: int,
    total: int,
    page_size: int,
    progress: Progress | None,
    every_pages: int,
    sync_every: int,
) -> int:
    """Copy one file; returns the pages reported so far (`done` plus this file's)."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as out, _SourceReader(source) as read:
        copied, reported, unsynced = 0, 0, 0
        while chunk := read(READ_CHUNK):
            out.write(chunk)
            copied += len(chunk)
            unsynced += len(chunk)
            if unsynced >= sync_every:
                out.flush()
                os.fsync(out.fileno())
                unsynced = 0
            pages = copied // page_size
            if progress is not None and pages - reported >= every_pages:
                progress(min(done + pages, total), total)
                reported = pages
    return done + _pages(copied, page_size)


class _SourceReader:
    """Read a file of the vault through a child (POSIX) or a handle of this process (Windows)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._process: subprocess.Popen[bytes] | None = None
        self._fd = -1

    def __enter__(self) -> Callable[[int], bytes]:
        cat = _cat() if os.name == "posix" else None
        if cat is None:
            self._fd = os.open(self._path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        else:
            try:
                self._process = subprocess.Popen(
                    [cat, str(self._path.resolve())],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,  # it would name the path; the caller words it
                    env=_system_environment(),
                    # Ctrl+C in `crucible backup` cancels the backup, which stops the child;
                    # the terminal's SIGINT should not reach the child first.
                    start_new_session=True,
                )
            except OSError as error:  # the child could not start: the file was not read
                raise SourceUnreadableError from error
            self._fd = self._process.stdout.fileno() if self._process.stdout else -1
        return lambda size: os.read(self._fd, size)

    def __exit__(self, kind: object, *_rest: object) -> None:
        process = self._process
        if process is None:
            os.close(self._fd)
            return
        if kind is not None and process.poll() is None:
            process.kill()  # stopped early (cancelled, or the copy could not be written)
        if process.stdout is not None:
            process.stdout.close()
        status = process.wait()
        if kind is None and status != 0:
            raise SourceUnreadableError


def _system_environment() -> dict[str, str]:
    """This environment, minus a PyInstaller bundle's own library path (for a system program).

    The bundle's bootloader puts its folder first in LD_LIBRARY_PATH and
    keeps the original in LD_LIBRARY_PATH_ORIG (PyInstaller's documentation,
    "Launching external programs from the frozen application").
    """
    environment = dict(os.environ)
    if getattr(sys, "frozen", False):
        original = environment.pop("LD_LIBRARY_PATH_ORIG", None)
        if original is None:
            environment.pop("LD_LIBRARY_PATH", None)
        else:
            environment["LD_LIBRARY_PATH"] = original
    return environment


def _cat() -> str | None:
    return shutil.which("cat") or ("/bin/cat" if Path("/bin/cat").exists() else None)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _pages(size: int, page_size: int) -> int:
    return -(-size // page_size)


__all__ = [
    "READ_CHUNK",
    "Progress",
    "SourceUnreadableError",
    "copy_encrypted_files",
    "raw_copy_possible",
]
