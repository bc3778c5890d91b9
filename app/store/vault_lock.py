"""The vault's lock file: shared by every process using the vault, exclusive for replacing it.

Every process that opens the vault (the app while unlocked, every command)
holds `vault.lock` shared. Whoever replaces or re-keys files under the
others' feet (restore, passwd, recover, a migration) needs it exclusively
and is refused at once while anyone else holds it; a process that wants it
shared waits a few seconds for such a short exclusive holder to finish.

POSIX record locks (`fcntl.lockf`, i.e. F_SETLK on the whole file) rather
than `flock`: converting a held lock between shared and exclusive is
atomic with them, and a refused upgrade leaves the shared lock in place
(flock drops it first). The kernel frees them when a process dies, so no
lock is ever stale. Their one trap, that closing *any* descriptor of the
file drops the process's locks, is avoided by keeping the only descriptor
here, one per folder per process, with the holds counted on top of it:
holds nest within a process, and an exclusive one taken while the process
already holds a shared one upgrades it in place and gives it back on
release. A forked child starts with no holds (POSIX locks are not
inherited). On Windows, which has only exclusive byte-range locks, a
shared hold takes one of 64 slot bytes and an exclusive one all of them;
converting there is not atomic (untested on this project's CI).

The file stays after use (0600, empty): deleting a lock file that others
may have open would let two processes lock two different files.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from crucible.app.domain.vault_layout import LOCK_NAME
from crucible.app.store.errors import (
    FolderNotWritableError,
    NoVaultError,
    VaultError,
    VaultInUseError,
)

SHARED_WAIT_S = 3.0  # a passwd or a small restore finishes well within this
POLL_S = 0.05
_SHARED, _EXCLUSIVE = 1, 2


@dataclass
class _State:
    """This process's descriptor of one folder's lock file and the holds counted on it."""

    fd: int
    shared: int = 0
    exclusive: int = 0
    locked: int = 0  # the level the operating system holds for this process now
    slot: int | None = None  # Windows only: the slot byte of a shared hold

    @property
    def level(self) -> int:
        """The level the counted holds need."""
        return _EXCLUSIVE if self.exclusive else _SHARED if self.shared else 0


_registry: dict[str, _State] = {}
_guard = threading.Lock()


class Hold:
    """One shared or exclusive hold on a vault folder; release it once (or use `with`)."""

    def __init__(self, key: str, exclusive: bool) -> None:
        self._key = key
        self.exclusive = exclusive
        self._released = False

    def release(self) -> None:
        """Give the hold back; the lock itself goes when this process's last hold does."""
        if self._released:
            return
        self._released = True
        _release(self._key, self.exclusive)

    def __enter__(self) -> Hold:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.release()


def shared(folder: Path, *, wait_s: float = SHARED_WAIT_S) -> Hold:
    """Hold the vault shared, waiting up to `wait_s` for an exclusive holder to finish."""
    return _acquire(folder, exclusive=False, wait_s=wait_s)


def exclusive(folder: Path, *, wait_s: float = 0.0) -> Hold:
    """Hold the vault alone; refused (VaultInUseError) while another process holds it at all."""
    return _acquire(folder, exclusive=True, wait_s=wait_s)


@contextlib.contextmanager
def file_mutex(path: Path) -> Iterator[None]:
    """Hold `path` exclusively for a short critical section, waiting for other holders.

    For read-modify-write of small shared files (the pending audit file):
    a lock of its own per call (flock on POSIX, per descriptor, so threads
    of one process exclude each other too).
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _lock_blocking(fd)
        yield
    finally:
        os.close(fd)  # closing releases it


def held_by_this_process(folder: Path) -> bool:
    """Whether this process holds the folder's lock in any mode."""
    with _guard:
        return _key(folder) in _registry


def lock_path(folder: Path) -> Path:
    """Where a vault folder's lock file lives."""
    return folder / LOCK_NAME


# ---------------------------------------------------------------------- internals


def _key(folder: Path) -> str:
    return str(folder.expanduser().resolve())


def _acquire(folder: Path, *, exclusive: bool, wait_s: float) -> Hold:
    key = _key(folder)
    deadline = time.monotonic() + wait_s
    while True:
        with _guard:
            if _try_acquire(key, folder, exclusive):
                return Hold(key, exclusive)
        if time.monotonic() >= deadline:
            raise VaultInUseError()
        time.sleep(POLL_S)


def _try_acquire(key: str, folder: Path, exclusive: bool) -> bool:
    state = _registry.get(key)
    fresh = state is None
    if state is None:
        state = _State(_open_lock_file(folder))
    wanted = max(state.locked, _EXCLUSIVE if exclusive else _SHARED)
    if wanted != state.locked:
        if not _set_level(state, wanted):
            if fresh:
                os.close(state.fd)
            return False
        state.locked = wanted
    if exclusive:
        state.exclusive += 1
    else:
        state.shared += 1
    _registry[key] = state
    return True


def _release(key: str, exclusive: bool) -> None:
    with _guard:
        state = _registry.get(key)
        if state is None:
            return
        if exclusive:
            state.exclusive -= 1
        else:
            state.shared -= 1
        if state.level == state.locked:
            return
        if state.level == 0:
            _unlock(state)
            os.close(state.fd)
            del _registry[key]
        elif _set_level(state, state.level):  # a downgrade never conflicts on POSIX
            state.locked = state.level


def _open_lock_file(folder: Path) -> int:
    try:
        return os.open(lock_path(folder), os.O_RDWR | os.O_CREAT, 0o600)
    except FileNotFoundError:
        raise NoVaultError() from None
    except OSError as error:
        if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.EISDIR):
            raise FolderNotWritableError() from None
        from crucible.app.store.files import storage_error

        raised: VaultError = storage_error(error)
        raise raised from None


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    _SLOTS = 64

    def _lock_bytes(fd: int, start: int, count: int) -> bool:
        os.lseek(fd, start, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, count)
        except OSError:
            return False
        return True

    def _unlock_bytes(fd: int, start: int, count: int) -> None:
        os.lseek(fd, start, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, count)

    def _set_level(state: _State, level: int) -> bool:
        previous_slot = state.slot
        if previous_slot is not None:
            _unlock_bytes(state.fd, previous_slot, 1)
            state.slot = None
        elif state.locked == _EXCLUSIVE:
            _unlock_bytes(state.fd, 1, _SLOTS)
        if level == _EXCLUSIVE:
            if _lock_bytes(state.fd, 1, _SLOTS):
                return True
            if previous_slot is not None and _lock_bytes(state.fd, previous_slot, 1):
                state.slot = previous_slot
            return False
        for slot in range(1, _SLOTS + 1):
            if _lock_bytes(state.fd, slot, 1):
                state.slot = slot
                return True
        return False

    def _lock_blocking(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # retries for about 10 s, then raises

    def _unlock(state: _State) -> None:
        if state.slot is not None:
            _unlock_bytes(state.fd, state.slot, 1)
        elif state.locked == _EXCLUSIVE:
            _unlock_bytes(state.fd, 1, _SLOTS)

else:
    import fcntl

    def _set_level(state: _State, level: int) -> bool:
        operation = fcntl.LOCK_EX if level == _EXCLUSIVE else fcntl.LOCK_SH
        try:
            fcntl.lockf(state.fd, operation | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno in (errno.EACCES, errno.EAGAIN):
                return False
            raise
        return True

    def _lock_blocking(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _unlock(state: _State) -> None:
        with contextlib.suppress(OSError):
            fcntl.lockf(state.fd, fcntl.LOCK_UN)


def _forget_after_fork() -> None:
    """A forked child holds none of its parent's locks (POSIX locks are per process)."""
    global _guard
    _guard = threading.Lock()
    for state in _registry.values():
        with contextlib.suppress(OSError):
            os.close(state.fd)  # the child holds no lock through it: closing drops nothing
    _registry.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)


__all__ = [
    "LOCK_NAME",
    "Hold",
    "exclusive",
    "file_mutex",
    "held_by_this_process",
    "lock_path",
    "shared",
]
