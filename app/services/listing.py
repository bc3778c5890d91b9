"""The list of intensives a clinician sees first."""

from __future__ import annotations

from app.store.intensives import IntensiveListing
from app.store.intensives import list_intensives as _list_rows
from app.store.vault import Vault


def list_intensives(vault: Vault) -> list[IntensiveListing]:
    """Every intensive in the vault, oldest first."""
    with vault.session() as session:
        return _list_rows(session)
