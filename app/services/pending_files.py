"""The names of the files kept beside a vault for its audit trail, and the vault id's upkeep.

Split from `app.services.pending_audit`, which needs the ORM to append
pending events: `crucible list` opens the vault without SQLAlchemy
(`app.store.raw_reader`) and still has to keep the vault id current and to
see whether queued events wait for an unlock that can append them.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from crucible.app.domain.vault_layout import PENDING_FILE, VAULT_ID_FILE
from crucible.app.store.derived_keys import vault_id
from crucible.app.store.errors import VaultError
from crucible.app.store.files import write_atomically
from crucible.app.store.secrets import DataKey


def has_pending_events(folder: Path) -> bool:
    """Whether events recorded while locked (or queued while busy) wait to be appended."""
    return (folder / PENDING_FILE).exists()


def remember_vault_id_of(folder: Path, data_key: DataKey) -> None:
    """Keep the open vault's id beside it, for the events recorded while it is locked.

    Best effort: without the file, entries carry no id and are kept as unbound.
    """
    identity = vault_id(data_key) + "\n"
    path = folder / VAULT_ID_FILE
    with contextlib.suppress(OSError, UnicodeDecodeError):
        if path.read_text("utf-8") == identity:
            return
    with contextlib.suppress(OSError, VaultError):  # a full disk must not block the unlock
        write_atomically(path, identity.encode("ascii"))


__all__ = ["PENDING_FILE", "VAULT_ID_FILE", "has_pending_events", "remember_vault_id_of"]
