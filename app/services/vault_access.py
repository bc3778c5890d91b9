"""Opening, creating and re-keying vaults, with the bookkeeping each of those implies.

Unlocking makes the verified pre-migration backup when the schema is behind,
and records the unlock in the audit trail: at once if no other process is
writing, else queued for a later unlock (a reader never waits for a long
import). Every use-case holds the vault's lock (`vault_guard`): opening
shares it, re-keying needs it alone.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from crucible.app.domain.audit_vocabulary import SYSTEM_ACTOR, AuditAction
from crucible.app.domain.passphrase import passphrase_problem
from crucible.app.domain.vault_layout import BACKUPS_FOLDER as BACKUP_FOLDER
from crucible.app.domain.vault_layout import DB_NAME
from crucible.app.services import vault_guard
from crucible.app.services.clock import Clock, system_clock
from crucible.app.services.pending_files import has_pending_events, remember_vault_id_of
from crucible.app.store import migrate, vault_lock
from crucible.app.store.errors import VaultBusyError, VaultError, WrongSecretError
from crucible.app.store.hardening import disable_core_dumps
from crucible.app.store.raw_reader import RawVaultReader
from crucible.app.store.vault import (
    DEFAULT_THROTTLE,
    UnlockThrottle,
    Vault,
    change_passphrase,
    create_vault,
    load_database_code,
    open_with_key,
    read_vault_key_file,
    recover_with_code,
    unlock_vault,
    unlock_with_recovery_code,
    vault_exists,
)
from crucible.app.store.vault_folder import prepare_vault_folder

if TYPE_CHECKING:
    from crucible.app.store.keyfile import KdfParams
    from crucible.app.store.secrets import DataKey

# The audit trail, pending events and backups need the ORM models: they are
# imported inside the functions that use them, so that the key derivation of
# an unlock runs beside their import (see app.store.vault), not after it.

PATIENT_WAIT_S = 600.0  # a command on a terminal waits this long for another's write
T = TypeVar("T")
log = logging.getLogger(__name__)


def _require_acceptable(passphrase: str) -> None:
    """Refuse a new passphrase the rule refuses, before any key is derived or file written."""
    problem = passphrase_problem(passphrase)
    if problem:
        from crucible.app.services.errors import InputError

        raise InputError(problem)


@contextlib.contextmanager
def _refusal_logged() -> Iterator[None]:
    """Log a refused unlock by the error's type (its sentence is for the user, not the log)."""
    try:
        yield
    except VaultError as error:
        log.info("unlock refused: %s", type(error))
        raise


def _throttled(folder: Path, throttle: UnlockThrottle, attempt: Callable[[], T]) -> T:
    """Run a secret-checking `attempt` under the unlock backoff, counting a wrong secret."""
    throttle.before_attempt(folder)
    try:
        result = attempt()
    except WrongSecretError:
        throttle.record(success=False, folder=folder)
        raise
    throttle.record(success=True, folder=folder)
    return result


def backup_before_migration(vault: Vault, clock: Clock = system_clock) -> None:
    """Make and verify the backup that must exist before any schema change."""
    from crucible.app.store.backup import make_backup

    make_backup(
        vault.db_path,
        vault.key_path,
        vault.data_key,
        vault.folder / BACKUP_FOLDER,
        created_at=clock(),
        reason="pre-migration",
        schema_revision=migrate.current_revision(vault.engine),
    )
    log.info("pre-migration backup made")


UPDATE_BACKUP = "Backing up the vault before updating it for this version of Crucible…"


def update_step(done: int, total: int) -> str:
    """The sentence for an update `done` steps of `total` in (the search index is one of them)."""
    if done >= total:
        return "Update finished; opening the vault…"
    return (
        f"Updating the vault for this version of Crucible: step {done + 1} of {total} "
        "(once only; a large casebook can take a minute)…"
    )


def load_code_for_unlock(modules: tuple[str, ...] = ()) -> None:
    """Import the database code, then `modules`: what an unlock and the first screen need.

    Seconds of a desktop unlock were imports (SQLAlchemy, the models, the
    services the workspace uses). The desktop app runs this on a thread of
    its own while the unlock screen waits for the passphrase, so the
    unlock after it costs the key derivation and the opening alone. The
    names are strings so that this module stays cheap to import.
    """
    import importlib

    load_database_code()
    for module in modules:
        importlib.import_module(module)


def open_vault(
    folder: Path,
    passphrase: str,
    *,
    clock: Clock = system_clock,
    throttle: UnlockThrottle = DEFAULT_THROTTLE,
    actor: str = SYSTEM_ACTOR,
    on_wait: Callable[[], None] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Vault:
    """Unlock the vault in `folder`, migrating it (after a verified backup) if needed.

    `on_wait` makes the vault's writes patient: when one has to wait for
    another process's write, it is called once (the CLI says it is
    waiting) and the write waits up to ten minutes instead of failing.
    `progress` hears, in a sentence, each stage of an update after the
    passphrase was accepted (the backup, then each step of the schema), so
    the unlock screen can say why this unlock takes longer.
    """
    say = progress or (lambda _sentence: None)

    def backup_first(vault: Vault) -> None:
        say(UPDATE_BACKUP)
        backup_before_migration(vault, clock)

    started = time.monotonic()
    with vault_guard.opening(folder, clock), _refusal_logged():
        vault = unlock_vault(
            folder,
            passphrase,
            throttle=throttle,
            before_migration=backup_first,
            migration_progress=lambda done, total: say(update_step(done, total)),
        )
    log.info("vault unlocked with the passphrase in %.3f s", time.monotonic() - started)
    return _after_unlock(vault, clock, actor, on_wait)


def _after_unlock(
    vault: Vault, clock: Clock, actor: str, on_wait: Callable[[], None] | None
) -> Vault:
    """Make the writes patient if asked (`on_wait`), and record the passphrase unlock."""
    if on_wait is not None:
        vault.write_waits.on_wait = on_wait
        vault.write_waits.patience_s = PATIENT_WAIT_S
    _record_unlock(vault, clock, actor, "passphrase")
    return vault


def read_with_passphrase(
    folder: Path,
    passphrase: str,
    *,
    raw: Callable[[RawVaultReader], T],
    full: Callable[[Vault], T],
    clock: Clock = system_clock,
    throttle: UnlockThrottle = DEFAULT_THROTTLE,
    actor: str = SYSTEM_ACTOR,
    on_wait: Callable[[], None] | None = None,
) -> T:
    """Unlock, record the unlock, read, lock again: for commands that only read.

    A vault at this build's schema head with no queued audit events is read
    by `raw` over a bare keyed connection (`app.store.raw_reader`), which
    loads neither SQLAlchemy nor the models: that import costs more than a
    command's whole latency budget (docs/performance.md, "CLI latency").
    Any other vault is opened as `open_vault` opens it, with the key already
    derived, and read by `full`: a migration (after its verified backup) and
    the appending of queued events need the ORM. Either way the unlock is
    audited first, at once or queued while another process writes.
    """
    started = time.monotonic()
    with vault_guard.opening(folder, clock), _refusal_logged():
        key_file = read_vault_key_file(folder)
        data_key = _throttled(folder, throttle, lambda: key_file.unwrap_with_passphrase(passphrase))
        disable_core_dumps()  # the data key is in memory now
        if (folder / DB_NAME).exists():  # else the normal open names what is missing
            with RawVaultReader(folder, data_key) as reader:
                if reader.schema_is_current() and not has_pending_events(folder):
                    log.info(
                        "vault unlocked with the passphrase in %.3f s (raw read)",
                        time.monotonic() - started,
                    )
                    _record_raw_unlock(reader, clock, actor)
                    return raw(reader)
                data_key = reader.release_key()
        vault = _open_with_derived_key(folder, data_key, clock)
    log.info("vault unlocked with the passphrase in %.3f s", time.monotonic() - started)
    with _after_unlock(vault, clock, actor, on_wait):
        return full(vault)


def _open_with_derived_key(folder: Path, data_key: DataKey, clock: Clock) -> Vault:
    """`open_with_key` with the pre-migration backup, wiping the key if the open fails."""
    try:
        return open_with_key(
            folder, data_key, before_migration=lambda v: backup_before_migration(v, clock)
        )
    except BaseException:
        data_key.wipe()
        raise


def _record_raw_unlock(reader: RawVaultReader, clock: Clock, actor: str) -> None:
    """`_record_unlock` for the raw reader (which runs only when nothing is queued)."""
    detail = {"method": "passphrase"}
    remember_vault_id_of(reader.folder, reader.data_key)
    try:
        reader.append_audit_event(at=clock(), actor=actor, action=AuditAction.UNLOCK, detail=detail)
    except VaultBusyError:
        # Another process writes: queue the event, as record_or_defer does.
        # These modules load the ORM, which only this rare case pays for.
        from crucible.app.services.deferred_audit import pending_mutex
        from crucible.app.services.pending_audit import record_pending

        with pending_mutex(reader.folder):
            record_pending(reader.folder, AuditAction.UNLOCK, clock, actor=actor, detail=detail)


def open_vault_with_recovery_code(
    folder: Path,
    code: str,
    *,
    clock: Clock = system_clock,
    throttle: UnlockThrottle = DEFAULT_THROTTLE,
) -> Vault:
    """Unlock with the recovery code (the caller then asks for a new passphrase)."""
    with vault_guard.opening(folder, clock), _refusal_logged():
        vault = unlock_with_recovery_code(folder, code, throttle=throttle)
    log.info("vault unlocked with the recovery code")
    _record_unlock(vault, clock, SYSTEM_ACTOR, "recovery-code")
    return vault


def _record_unlock(vault: Vault, clock: Clock, actor: str, method: str) -> None:
    """Append what happened while locked (pending events), then this unlock.

    While another process writes, both wait in the pending file instead. If
    neither can be written nor queued, the vault is locked again rather than
    left open without its record. The vault's id is kept beside it for the
    events that will be recorded while it is locked.
    """
    from crucible.app.domain.audit_vocabulary import AuditAction
    from crucible.app.services.deferred_audit import flush_if_free, record_or_defer
    from crucible.app.services.pending_audit import remember_vault_id

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
    from crucible.app.domain.audit_vocabulary import AuditAction
    from crucible.app.services.pending_audit import remember_vault_id
    from crucible.app.store.audit import append_event

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
    log.info("vault created")
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
    from crucible.app.services.pending_audit import record_passphrase_change

    _require_acceptable(new)
    with vault_guard.alone(folder, clock):
        _throttled(folder, throttle, lambda: change_passphrase(folder, current, new, kdf=kdf))
        record_passphrase_change(folder, clock, method="passphrase")
    log.info("passphrase changed")


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
    from crucible.app.services.pending_audit import record_passphrase_change

    _require_acceptable(new)
    with vault_guard.alone(folder, clock):
        _throttled(folder, throttle, lambda: recover_with_code(folder, code, new, kdf=kdf))
        record_passphrase_change(folder, clock, method="recovery-code")
    log.info("passphrase set with the recovery code")


__all__ = [
    "DEFAULT_THROTTLE",
    "UnlockThrottle",
    "has_vault",
    "new_vault",
    "open_vault",
    "open_vault_with_recovery_code",
    "read_with_passphrase",
    "reset_passphrase_with_code",
    "set_new_passphrase",
]

has_vault = vault_exists
