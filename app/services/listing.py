"""The list of intensives a clinician sees first, and `crucible list`'s way to it.

`list_with_passphrase` is the whole of `crucible list` after the prompt:
unlock, audit, read, lock. It reads without SQLAlchemy whenever the vault
allows it (`vault_access.read_with_passphrase`); both ways give the same
rows, which `tests/cli/test_list_fast_path.py` holds them to.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from crucible.app.services import vault_access
from crucible.app.services.clock import Clock, system_clock
from crucible.app.store.raw_reader import IntensiveListing, RawVaultReader
from crucible.app.store.vault import DEFAULT_THROTTLE, UnlockThrottle, Vault


def list_intensives(vault: Vault) -> list[IntensiveListing]:
    """Every intensive in the vault, oldest first, read through the ORM."""
    from crucible.app.store.intensives import list_intensives as rows_of  # loads SQLAlchemy

    with vault.session() as session:
        return rows_of(session)


def list_with_passphrase(
    folder: Path,
    passphrase: str,
    *,
    actor: str,
    clock: Clock = system_clock,
    throttle: UnlockThrottle = DEFAULT_THROTTLE,
    on_wait: Callable[[], None] | None = None,
) -> list[IntensiveListing]:
    """Unlock the vault in `folder`, record the unlock, list its intensives and lock it again."""
    return vault_access.read_with_passphrase(
        folder,
        passphrase,
        raw=RawVaultReader.list_intensives,
        full=list_intensives,
        clock=clock,
        throttle=throttle,
        actor=actor,
        on_wait=on_wait,
    )


__all__ = ["IntensiveListing", "list_intensives", "list_with_passphrase"]
