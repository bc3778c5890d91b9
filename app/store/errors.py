"""The vault's failures, each with its own meaning and exit status.

Messages are fixed sentences: they never carry a passphrase, a key, a path
component typed by the user into a note, or any client text, so they are
safe to print, log and show in a dialog.

Exit statuses (README's list): 1 a check found problems, 2 bad input, 3
wrong secret, 4 key file, 5 damaged database, 6 the vault is in use
elsewhere, 7 disk full, 8 cannot write, 9 cannot read.
"""

from __future__ import annotations


class VaultError(Exception):
    """Base of every vault failure; `exit_status` is what the CLI returns."""

    exit_status = 1
    default_message = "The vault could not be used."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)


class WrongSecretError(VaultError):
    """The passphrase or recovery code did not unwrap the data key."""

    exit_status = 3
    default_message = "The passphrase is not correct."


class KeyFileError(VaultError):
    """vault.key is missing, unreadable or not a key file of a known format."""

    exit_status = 4
    default_message = "The vault's key file (vault.key) is damaged or missing."


class DamagedDatabaseError(VaultError):
    """The key is right but SQLCipher found a page that does not authenticate."""

    exit_status = 5
    default_message = (
        "The vault's database (vault.db) is damaged; restore the newest backup "
        "from the vault's backups folder."
    )


class VaultExistsError(VaultError):
    """Creating a vault where one already is would destroy it."""

    exit_status = 2
    default_message = "A vault already exists in that folder."


class NoVaultError(VaultError):
    """There is no vault at the given folder yet."""

    exit_status = 2
    default_message = "There is no vault in that folder yet; create one with 'crucible init'."


class StorageFullError(VaultError):
    """The disk refused the write (full, or over a size limit)."""

    exit_status = 7
    default_message = "The disk is full; nothing was changed. Free some space and try again."


class VaultInUseError(VaultError):
    """Another process has the vault, and this action needs it alone (or cannot share it)."""

    exit_status = 6
    default_message = "Crucible is using this vault in another window or command."


class VaultBusyError(VaultInUseError):
    """Another process kept its write transaction open longer than this one would wait."""

    default_message = (
        "Another Crucible window or command kept the vault busy; nothing was changed. "
        "Try again when it has finished."
    )


class WriterBusyError(VaultBusyError):
    """Another thread of this process holds the vault's writer lock (an import, a restore)."""

    default_message = (
        "A longer write of this window (an import, a restore) is still under way; "
        "nothing was changed. Try again when it has finished."
    )


class VaultReplacedError(VaultInUseError):
    """vault.db is no longer the file this process opened: something replaced it meanwhile."""

    default_message = (
        "The vault was replaced (restored from a backup?) while this command ran; its last "
        "change is not in the vault. Unlock it again and check."
    )


class FolderNotWritableError(VaultError):
    """The vault's folder (or one of its files) refuses writes: permissions or a read-only disk."""

    exit_status = 8
    default_message = (
        "Crucible cannot write in the vault's folder; check its permissions and try again."
    )


class FileNotReadableError(VaultError):
    """A vault file exists but cannot be read: permissions, or not a regular file at all."""

    exit_status = 9
    default_message = (
        "The vault's database (vault.db) cannot be read; check that it is a file you may read."
    )


class FolderNotEmptyError(VaultError):
    """A folder holding other things than a vault is not made into one."""

    exit_status = 2
    default_message = (
        "The folder is not empty and holds no Crucible vault; choose an empty folder or a new one."
    )
