"""The errors services raise, gathered so the CLI and the UI never import the store.

`FormatError` and `BackupError` live with the exchange format and the
backups, which take tens of milliseconds to import: they load when first
asked for (PEP 562), so `crucible list`, which needs neither, does not pay
for them (docs/performance.md, "CLI latency").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crucible.app.store.errors import (
    DamagedDatabaseError,
    FileNotReadableError,
    FolderNotEmptyError,
    FolderNotWritableError,
    KeyFileError,
    NoVaultError,
    StorageFullError,
    VaultBusyError,
    VaultError,
    VaultExistsError,
    VaultInUseError,
    VaultReplacedError,
    WriterBusyError,
    WrongSecretError,
)

if TYPE_CHECKING:
    from crucible.app.domain.exchange import FormatError
    from crucible.app.store.backup import BackupError


def __getattr__(name: str) -> type[Exception]:
    """The error classes that load with their own modules, on first use."""
    if name == "FormatError":
        from crucible.app.domain.exchange import FormatError

        return FormatError
    if name == "BackupError":
        from crucible.app.store.backup import BackupError

        return BackupError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class NotFoundError(VaultError):
    """An id that names nothing in the vault."""

    exit_status = 2


class InputError(VaultError):
    """A file or argument the user gave that cannot be used; the message says why."""

    exit_status = 2


__all__ = [
    "BackupError",
    "DamagedDatabaseError",
    "FileNotReadableError",
    "FolderNotEmptyError",
    "FolderNotWritableError",
    "FormatError",
    "InputError",
    "KeyFileError",
    "NoVaultError",
    "NotFoundError",
    "StorageFullError",
    "VaultBusyError",
    "VaultError",
    "VaultExistsError",
    "VaultInUseError",
    "VaultReplacedError",
    "WriterBusyError",
    "WrongSecretError",
]
