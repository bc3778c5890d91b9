"""Facts about a vault folder that the app needs before loading any database code.

The first window must show fast, so these answers use only the standard
library and `app.domain.vault_layout`: whether a vault is there (the setup
or the unlock screen), and the names that tie one running app to one
vault (its lock file and the local socket a second start talks to).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from crucible.app.domain.vault_layout import INSTANCE_LOCK as LOCK_FILE
from crucible.app.domain.vault_layout import vault_exists


def vault_present(folder: Path) -> bool:
    """Whether the folder holds a vault (`app.domain.vault_layout.vault_exists`, stdlib only)."""
    return vault_exists(folder)


def instance_name(folder: Path) -> str:
    """A short, stable name for the app instance that owns this vault folder.

    Derived from a hash of the resolved path, so two spellings of one folder
    agree and the name leaks nothing about where the vault lives.
    """
    digest = hashlib.sha256(str(folder.expanduser().resolve()).encode("utf-8")).hexdigest()
    return f"crucible-{digest[:20]}"


def lock_file_path(folder: Path) -> Path:
    """Where the one-instance lock of this vault lives."""
    return folder / LOCK_FILE


__all__ = ["instance_name", "lock_file_path", "vault_present"]
