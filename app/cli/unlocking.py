"""How every `crucible` command tries a secret: under the shared backoff, and audited if wrong.

Each run of the command is a new process, so the backoff's count lives in
unlock-attempts.json beside the vault (`app.store.throttle`); a wait is
announced on stderr before it starts, so a slow command never looks hung.
A wrong passphrase or recovery code is noted as a pending "failed-unlock"
event (the vault cannot be written while locked), which the next
successful unlock appends to the audit trail.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from crucible.app.cli import CLI_ACTOR, Terminal

if TYPE_CHECKING:
    from crucible.app.services.vault_handle import UnlockThrottle, Vault

T = TypeVar("T")


def throttle_for(terminal: Terminal) -> UnlockThrottle:
    """A backoff for this run, sleeping through the terminal (tests record, not sleep)."""
    from crucible.app.services.vault_handle import UnlockThrottle

    def announce_and_wait(seconds: float) -> None:
        terminal.err(f"Waiting {math.ceil(seconds)} s after earlier failed attempts…")
        terminal.sleep(seconds)

    return UnlockThrottle(sleep=announce_and_wait)


def attempt(folder: Path, terminal: Terminal, check: Callable[[UnlockThrottle], T]) -> T:
    """Run `check` (which tries a secret under the throttle); note a wrong secret for the audit."""
    from crucible.app.services.errors import VaultError, WrongSecretError

    try:
        return check(throttle_for(terminal))
    except WrongSecretError:
        from crucible.app.services.pending_audit import record_failed_unlock

        with contextlib.suppress(OSError, VaultError):  # never hide the wrong-secret message
            record_failed_unlock(folder, actor=CLI_ACTOR)
        raise


def with_passphrase(folder: Path, terminal: Terminal, use: Callable[[str, UnlockThrottle], T]) -> T:
    """Ask for the passphrase of the vault in `folder` and `use` it under the backoff."""
    from crucible.app.services import vault_access
    from crucible.app.services.errors import NoVaultError

    if not vault_access.has_vault(folder):
        raise NoVaultError()
    passphrase = terminal.secret("Passphrase: ")
    return attempt(folder, terminal, lambda throttle: use(passphrase, throttle))


def unlock(folder: Path, terminal: Terminal) -> Vault:
    """Ask for the passphrase and open the vault in `folder`."""
    from crucible.app.services import vault_access

    return with_passphrase(
        folder,
        terminal,
        lambda passphrase, throttle: vault_access.open_vault(
            folder,
            passphrase,
            actor=CLI_ACTOR,
            throttle=throttle,
            on_wait=waiting_notice(terminal),
        ),
    )


def waiting_notice(terminal: Terminal) -> Callable[[], None]:
    """What a write says once when it has to wait for another process's."""
    from crucible.app.cli.commands import WAITING

    return lambda: terminal.err(WAITING)


__all__ = ["attempt", "throttle_for", "unlock", "waiting_notice", "with_passphrase"]
