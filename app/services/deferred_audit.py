"""Audit events that must not make a reader wait: written now if the vault is free, else queued.

Every unlock, and a backup, is recorded in the audit trail, and recording
is a write. While another process holds a long write transaction (an
import of 50,000 observations), a reading command would wait for it, and
used to fail after five seconds. So these events are tried without waiting
and, if another process is writing, queued in the pending file, which the
next unlock that finds the vault free appends to the chain (oldest first,
each once). Queuing and flushing take a small mutex of their own, so two
commands never lose each other's queued events.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from pathlib import Path

from crucible.app.domain.vault_layout import PENDING_MUTEX
from crucible.app.services.audit_log import AuditAction, flush_pending, record, record_pending
from crucible.app.services.clock import Clock, system_clock
from crucible.app.store import vault_lock
from crucible.app.store.errors import VaultBusyError
from crucible.app.store.vault import Vault


def record_or_defer(
    vault: Vault,
    action: AuditAction,
    *,
    actor: str,
    clock: Clock = system_clock,
    detail: Mapping[str, object] | None = None,
) -> bool:
    """Record the event now if no other process is writing, else queue it; True if recorded."""
    try:
        with vault.writes_without_waiting():
            record(vault, action, actor=actor, clock=clock, detail=detail)
    except VaultBusyError:
        with pending_mutex(vault.folder):
            record_pending(vault.folder, action, clock, actor=actor, detail=detail)
        return False
    return True


def flush_if_free(vault: Vault, clock: Clock = system_clock) -> None:
    """Append the queued events unless another process is writing (they wait for a later unlock)."""
    with (
        pending_mutex(vault.folder),
        vault.writes_without_waiting(),
        contextlib.suppress(VaultBusyError),
    ):
        flush_pending(vault, clock)


@contextlib.contextmanager
def pending_mutex(folder: Path) -> Iterator[None]:
    """Serialize changes to the pending file between processes and threads."""
    with vault_lock.file_mutex(folder / PENDING_MUTEX):
        yield


__all__ = ["flush_if_free", "pending_mutex", "record_or_defer"]
