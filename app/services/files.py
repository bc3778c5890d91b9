"""Writing files the user asked for (exports), atomically, owner-only, and never into the vault.

An export that lands in the vault's folder can replace vault.db (the notes
are gone) or vault.key (plaintext where the key was), so every path a user
chooses, from the `crucible` command or a save dialog, goes through
`check_output_path` first: one rule for both.
"""

from __future__ import annotations

import os
from pathlib import Path

from crucible.app.services.errors import InputError
from crucible.app.store.errors import VaultError
from crucible.app.store.files import write_atomically

INSIDE_VAULT = (
    "That place is inside the vault's folder, which must hold only the encrypted notes "
    "and their key; choose another folder."
)


def check_output_path(vault_folder: Path, path: Path, *, force: bool) -> Path:
    """Refuse an output path inside the vault's folder, or an existing file unless `force`.

    Symlinks are resolved and every existing folder on the way is compared
    with the vault's by identity (device and inode), so another spelling of
    the same place (a link, `..`, a different letter case on macOS or
    Windows) is refused too.

    Args:
        vault_folder: The folder holding vault.db and vault.key.
        path: The file the user asked to write.
        force: Whether replacing an existing file is allowed (`--force`, or
            the save dialog's own "replace?" question answered yes).

    Returns:
        The path, unchanged, when it may be written.

    Raises:
        InputError: With the sentence to show.
    """
    refuse_inside_vault(vault_folder, path)
    if path.exists() and not path.is_dir() and not force:
        raise InputError(
            f"{path.name!r} already exists; choose another name, or add --force to replace it."
        )
    return path


def refuse_inside_vault(vault_folder: Path, path: Path) -> None:
    """Raise InputError if `path`, a file or a folder to write into, lies in the vault's folder."""
    if is_inside_vault(vault_folder, path):
        raise InputError(INSIDE_VAULT)


def is_inside_vault(vault_folder: Path, path: Path) -> bool:
    """Whether writing `path` (a file or a folder) would write into the vault's folder."""
    try:
        vault = os.stat(vault_folder)
    except OSError:
        return False  # no vault there: nothing to protect
    resolved = path.expanduser().resolve()
    for place in (resolved, *resolved.parents):
        try:
            found = os.stat(place)
        except OSError:
            continue  # not there yet: a file or folder the export would create
        if (found.st_dev, found.st_ino) == (vault.st_dev, vault.st_ino):
            return True
    return False


def write_user_file(path: Path, data: bytes) -> None:
    """Write an export so a crash leaves the old file or the whole new one, never half."""
    if path.is_dir():
        raise InputError(f"{path.name!r} is a folder; give a file name to write.")
    if not path.parent.exists():
        raise InputError(f"The folder for {path.name!r} does not exist.")
    try:
        write_atomically(path, data)
    except VaultError as error:
        raise InputError(str(error).replace("vault's folder", "export folder")) from None
