"""The vault's failures, each with its own meaning and exit status.

Messages are fixed sentences: they never carry a passphrase, a key, a path
component typed by the user into a note, or any client text, so they are
safe to print, log and show in a dialog.
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

    exit_status = 1
    default_message = "The disk is full; nothing was changed. Free some space and try again."
