"""Opening, creating and re-keying vaults, with the bookkeeping each of those implies.

Unlocking makes the verified pre-migration backup when the schema is behind,
and records the unlock in the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.domain.passphrase import passphrase_problem
from app.services.audit_log import flush_pending, record_passphrase_change
from app.services.clock import Clock, system_clock
from app.store import migrate
from app.store.audit import append_event
from app.store.backup import make_backup
from app.store.errors import WrongSecretError
from app.store.keyfile import KdfParams
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

BACKUP_FOLDER = "backups"
SYSTEM_ACTOR = "crucible"


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
) -> Vault:
    """Unlock the vault in `folder`, migrating it (after a verified backup) if needed."""
    vault = unlock_vault(
        folder,
        passphrase,
        throttle=throttle,
        before_migration=lambda v: backup_before_migration(v, clock),
    )
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
    vault = unlock_with_recovery_code(folder, code, throttle=throttle)
    _record_unlock(vault, clock, SYSTEM_ACTOR, "recovery-code")
    return vault


def _record_unlock(vault: Vault, clock: Clock, actor: str, method: str) -> None:
    """Append what happened while locked (pending events), then this unlock.

    If either cannot be written the vault is locked again rather than left
    open without its record.
    """
    try:
        flush_pending(vault)
        with vault.write_session() as session:
            append_event(
                session, at=clock(), actor=actor, action="unlock", detail={"method": method}
            )
    except BaseException:
        vault.lock()
        raise


def new_vault(
    folder: Path, passphrase: str, *, kdf: KdfParams | None = None, clock: Clock = system_clock
) -> tuple[Vault, str]:
    """Create a vault; returns it unlocked with the recovery code to show once."""
    _require_acceptable(passphrase)
    vault, code = create_vault(folder, passphrase, kdf=kdf)
    with vault.write_session() as session:
        append_event(session, at=clock(), actor=SYSTEM_ACTOR, action="vault-created")
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

    A wrong `current` counts as a failed unlock for the backoff: changing the
    passphrase must not become the way to guess it quickly.
    """
    _require_acceptable(new)
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
    """Set a new passphrase with the recovery code; audited at the next unlock."""
    _require_acceptable(new)
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
