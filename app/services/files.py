"""Writing files the user asked for (exports), atomically and owner-only."""

from __future__ import annotations

from pathlib import Path

from app.services.errors import InputError
from app.store.errors import VaultError
from app.store.files import write_atomically


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
