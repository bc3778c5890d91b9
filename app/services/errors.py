"""The errors services raise, gathered so the CLI and the UI never import the store."""

from __future__ import annotations

from app.domain.exchange import FormatError
from app.store.backup import BackupError
from app.store.errors import (
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
