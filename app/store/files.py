"""Owner-only files and atomic replacement, the two rules every vault file follows."""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

from crucible.app.store.errors import FolderNotWritableError, StorageFullError, VaultError

FILE_MODE = 0o600
DIR_MODE = 0o700
SQLITE_IOERR, SQLITE_FULL = 10, 13
LOW_SPACE_BYTES = 64 * 1024 * 1024


def ensure_private_dir(path: Path) -> bool:
    """Create the folder owner-only if it is missing; return whether it was created here.

    An existing folder keeps its permissions: Crucible changes the mode only
    of what it creates (a user's shared folder stays shared).
    """
    if path.is_dir():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.mkdir(mode=DIR_MODE)
    except FileExistsError:
        return False
    os.chmod(path, DIR_MODE)  # whatever the umask
    return True


def fsync_dir(path: Path) -> None:
    """Make a rename in `path` durable; a no-op where folders cannot be opened."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` owner-only, via a fsynced temp file and a rename.

    The temp file sits beside the target, so the rename is atomic on the same
    filesystem, and it is created 0600 before any byte is written.
    """
    # os.urandom, not `secrets`: the same source, without loading hashlib before the first window
    temp = path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
        fsync_dir(path.parent)
    except OSError as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise storage_error(error) from None


def storage_error(error: OSError) -> VaultError:
    """Map an OS write failure to a clear vault error without echoing paths or content."""
    if error.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return StorageFullError()
    return FolderNotWritableError("The folder could not be written; check its permissions.")


def sqlite_storage_error(error: BaseException, folder: Path) -> VaultError | None:
    """The clear error for a SQLite write the disk refused, or None if the failure is another one.

    SQLite reports ENOSPC as SQLITE_FULL, but a file-size limit (EFBIG) or a
    quota only as a bare SQLITE_IOERR, which a damaged file can also cause;
    an I/O error counts as "disk full" only when space or a size limit
    explains it, so damage keeps its own message.
    """
    original = getattr(error, "orig", error)
    code = getattr(original, "sqlite_errorcode", None)
    if not isinstance(code, int):
        # The backup API raises without a code; SQLite's fixed messages say the same.
        message = str(original).lower()
        code = (
            SQLITE_FULL
            if "database or disk is full" in message
            else SQLITE_IOERR
            if "disk i/o error" in message
            else 0
        )
    primary = code & 0xFF
    if primary == SQLITE_FULL or (primary == SQLITE_IOERR and _short_of_space(folder)):
        return StorageFullError()
    return None


def _short_of_space(folder: Path) -> bool:
    try:
        import resource

        if resource.getrlimit(resource.RLIMIT_FSIZE)[0] != resource.RLIM_INFINITY:
            return True
    except ImportError:  # Windows: no size limits of this kind
        pass
    try:
        stats = os.statvfs(folder)
    except (OSError, AttributeError):
        return False
    return stats.f_bavail * stats.f_frsize < LOW_SPACE_BYTES
