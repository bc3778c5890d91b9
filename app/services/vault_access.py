"""Opening, creating and re-keying vaults, with the bookkeeping each of those implies.

Unlocking makes the verified pre-migration backup when the schema is behind,
and records the unlock in the audit trail: at once if no other process is
writing, else queued for a later unlock (a reader never waits for a long
import). Every use-case holds the vault's lock (`vault_guard`): opening
shares it, re-keying needs it alone.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.audit_vocabulary import SYSTEM_ACTOR
from app.domain.passphrase import passphrase_problem
from app.domain.vault_layout import BACKUPS_FOLDER as BACKUP_FOLDER
from app.services import vault_guard
from app.services.clock import Clock, system_clock
from app.store import migrate, vault_lock
from app.store.errors import WrongSecretError
from app.store.vault import (
    DEFAULT_THROTTLE,
    UnlockThrottle,
    Vault,
    change_passphrase,
    create_vault,
    recover_with_code,
    unlock_vault,
    unlock_with_recovery_code,
    vault_exists,
)
from app.store.vault_folder import prepare_vault_folder

if TYPE_CHECKING:
    from app.store.keyfile import KdfParams

# The audit trail, pending events and backups need the ORM models: they are
# imported inside the functions that use them, so that the key derivation of
# an unlock runs beside their import (see app.store.vault), not after it.

PATIENT_WAIT_S = 600.0  # a command on a terminal waits this long for another's write


def _require_acceptable(passphrase: str) -> None:
    """Refuse a new passphrase the rule refuses, before any key is derived or file written."""
    problem = passphrase_problem(passphrase)
    if problem:
        from app.services.errors import InputError

        raise InputError(problem)


def _throttled(folder: Path, throttle: UnlockThrottle, attempt: Callable[[], None]) -> None:
    """Run a secret-checking `attempt` under the unlock backoff, counting a wrong secret."""
    throttle.before_attempt(folder)
    try:
        attempt()
    except WrongSecretError:
        throttle.record(success=False, folder=folder)
        raise
    throttle.record(success=True, folder=folder)


def backup_before_migration(vault: Vault, clock: Clock = system_clock) -> None:
    """Make and verify the backup that must exist before any schema change."""
    from app.store.backup import make_backup

    make_backup(
        vault.db_path,
        vault.key_path,
        vault.data_key,
        vault.folder / BACKUP_FOLDER,
        created_at=clock(),
        reason="pre-migration",
        schema_revision=migrate.current_revision(vault.engine),
    )


def open_vault(
    folder: Path,
    passphrase: str,
    *,
    clock: Clock = system_clock,
    throttle: UnlockThrottle = DEFAULT_THROTTLE,
    actor: str = SYSTEM_ACTOR,
    on_wait: Callable[[], None] | None = None,
) -> Vault:
    """Unlock the vault in `folder`, migrating it (after a verified backup) if needed.

    `on_wait` makes the vault's writes patient: when one has to wait for
    another process's write, it is called once (the CLI says it is
    waiting) and the write waits up to ten minutes instead of failing.
    """
    with vault_guard.opening(folder, clock):
        vault = unlock_vault(
            folder,
            passphrase,
            throttle=throttle,
            before_migration=lambda v: backup_before_migration(v, clock),
        )
    if on_wait is not None:
        vault.write_waits.on_wait = on_wait
        vault.write_waits.patience_s = PATIENT_WAIT_S
    _record_unlock(vault, clock, actor, "passphrase")
    return vault


def open_vault_with_recovery_code(
    folder: Path,
    code: str,
    *,
    clock: Clock = system_clock,
    throttle: UnlockThrottle = DEFAULT_THROTTLE,
) -> Vault:
    """Unlock with the recovery code (the caller then asks for a new passphrase)."""
    with vault_guard.opening(folder, clock):
        vault = unlock_with_recovery_code(folder, code, throttle=throttle)
    _record_unlock(vault, clock, SYSTEM_ACTOR, "recovery-code")
    return vault


def _record_unlock(vault: Vault, clock: Clock, actor: str, method: str) -> None:
    """Append what happened while locked (pending events), then this unlock.

    While another process writes, both wait in the pending file instead. If
    neither can be written nor queued, the vault is locked again rather than
    left open without its record. The vault's id is kept beside it for the
    events that will be recorded while it is locked.
    """
    from app.domain.audit_vocabulary import AuditAction
    from app.services.deferred_audit import flush_if_free, record_or_defer
    from app.services.pending_audit import remember_vault_id

    try:
        flush_if_free(vault, clock)
        remember_vault_id(vault)
        record_or_defer(
            vault, AuditAction.UNLOCK, actor=actor, clock=clock, detail={"method": method}
        )
    except BaseException:
        vault.lock()
        raise


def new_vault(
    folder: Path, passphrase: str, *, kdf: KdfParams | None = None, clock: Clock = system_clock
) -> tuple[Vault, str]:
    """Create a vault; returns it unlocked with the recovery code to show once.

    An existing folder keeps its permissions and must hold no other files;
    a new one is created owner-only.
    """
    from app.domain.audit_vocabulary import AuditAction
    from app.services.pending_audit import remember_vault_id
    from app.store.audit import append_event

    _require_acceptable(passphrase)
    prepare_vault_folder(folder)
    with vault_lock.exclusive(folder):
        # A restore into this folder that a crash interrupted comes first:
        # finished, it leaves a vault there, which creation then refuses.
        vault_guard.finish_interrupted_restore(folder, clock)
        vault, code = create_vault(folder, passphrase, kdf=kdf)
    try:
        with vault.write_session() as session:
            append_event(session, at=clock(), actor=SYSTEM_ACTOR, action=AuditAction.VAULT_CREATED)
        remember_vault_id(vault)
    except BaseException:
        vault.lock()
        raise
    return vault, code


def set_new_passphrase(
    folder: Path,
    current: str,
    new: str,
    *,
    kdf: KdfParams | None = None,
    clock: Clock = system_clock,
    throttle: UnlockThrottle = DEFAULT_THROTTLE,
) -> None:
    """Rewrap the data key under `new`; vault.db is not touched, so the audit event waits.

    Refused while another window or command uses the vault. A wrong
    `current` counts as a failed unlock for the backoff: changing the
    passphrase must not become the way to guess it quickly.
    """
    from app.services.pending_audit import record_passphrase_change

    _require_acceptable(new)
    with vault_guard.alone(folder, clock):
        _throttled(folder, throttle, lambda: change_passphrase(folder, current, new, kdf=kdf))
        record_passphrase_change(folder, clock, method="passphrase")


def reset_passphrase_with_code(
    folder: Path,
    code: str,
    new: str,
    *,
    kdf: KdfParams | None = None,
    clock: Clock = system_clock,
    throttle: UnlockThrottle = DEFAULT_THROTTLE,
) -> None:
    """Set a new passphrase with the recovery code; audited at the next unlock.

    Refused while another window or command uses the vault (this process's
    own open vault, as in the app's recovery flow, does not count).
    """
    from app.services.pending_audit import record_passphrase_change

    _require_acceptable(new)
    with vault_guard.alone(folder, clock):
        _throttled(folder, throttle, lambda: recover_with_code(folder, code, new, kdf=kdf))
        record_passphrase_change(folder, clock, method="recovery-code")


__all__ = [
    "UnlockThrottle",
    "has_vault",
    "new_vault",
    "open_vault",
    "open_vault_with_recovery_code",
    "reset_passphrase_with_code",
    "set_new_passphrase",
]

has_vault = vault_exists
