"""How the desktop app reaches the vault services, loaded only when first used.

Importing the services pulls in SQLAlchemy, SQLCipher and Argon2; the setup
and unlock windows must appear before any of that, so each method imports
what it needs inside the call, which runs on the background thread. The
test key profile (`kdf`) and throttle are constructor arguments: tests pass
them in, the app never does.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from crucible.app.services.clock import Clock, system_clock
from crucible.app.services.instance import vault_present

log = logging.getLogger(__name__)

WORKSPACE_SERVICES = (
    "crucible.app.services.casebook",
    "crucible.app.services.profile",
    "crucible.app.services.identity",
    "crucible.app.services.review_return",
    "crucible.app.services.review_inbox",
    "crucible.app.services.search",
    "crucible.app.services.intensive_exchange",
    "crucible.app.services.audit_log",
    "crucible.app.services.deferred_audit",
    "crucible.app.services.integrity",
    "crucible.app.services.backups",
)
"""The services an unlock and the unlocked workspace import: the unlock's own audit
record, what `composition.compose` builds on, and the quick check and daily backup
that start as the casebook appears (on a worker, whose imports held the GIL during
the first paint). Loaded early with the database code (`load_code_early`); only
services, no Qt module, so nothing built for the screen is made on another thread.
Nothing more: what loads later (the hours, the reports) would only lengthen an
unlock that comes quickly after the start.
"""

if TYPE_CHECKING:
    from collections.abc import Callable

    from crucible.app.services.vault_handle import KdfParams, UnlockThrottle, Vault


@dataclass(frozen=True)
class NewProfile:
    """What the setup screen collected about the clinician."""

    name: str
    credentials: str
    role: str
    supervisor: str | None


class VaultGateway:
    """Creates, unlocks and recovers the vault in one folder."""

    def __init__(
        self,
        folder: Path,
        *,
        kdf: KdfParams | None = None,
        throttle: UnlockThrottle | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.folder = folder
        self._kdf = kdf
        self._throttle = throttle
        self._clock = clock
        self._early: threading.Thread | None = None
        self._began = False
        self._early_lock = threading.Lock()

    def load_code_early(self) -> None:
        """Start importing what an unlock and the workspace need, on a thread, once.

        Called when the unlock screen is up: the clinician types for
        seconds, and the imports (SQLAlchemy, the models, the workspace's
        services: about a second on a slow laptop) are then done before
        Enter. Every vault operation here waits for them first, so no
        import ever runs on two threads at once. A failure is logged and
        left to the unlock, which imports again and says what went wrong.
        """
        with self._early_lock:
            if self._early is None and not self._began:
                self._early = threading.Thread(
                    target=_load_code, name="crucible-early-imports", daemon=True
                )
                self._early.start()

    def early_imports_done(self) -> bool:
        """Whether the early imports ran to their end (without waiting for them)."""
        with self._early_lock:
            early = self._early
        return early is not None and not early.is_alive()

    def _code_loaded(self) -> None:
        """Wait for the early imports, if they were started (on the calling worker thread).

        Once an operation began, no early import starts any more: the
        operation imports what it needs itself, never beside another thread.
        """
        with self._early_lock:
            self._began = True
            early = self._early
        if early is not None:
            early.join()

    def present(self) -> bool:
        """Whether a vault exists yet (setup or unlock), without loading database code."""
        return vault_present(self.folder)

    @property
    def _services_clock(self) -> Clock:
        return self._clock if self._clock is not None else system_clock

    def create(self, passphrase: str, profile: NewProfile) -> tuple[Vault, str]:
        """Create the vault and store the profile; returns (vault, recovery code)."""
        self._code_loaded()
        from crucible.app.domain.vocabulary import Role
        from crucible.app.services import profile as profiles
        from crucible.app.services.vault_access import new_vault

        vault, code = new_vault(self.folder, passphrase, kdf=self._kdf, clock=self._services_clock)
        try:
            profiles.save_profile(
                vault,
                profiles.ClinicianProfile(
                    profile.name, profile.credentials, Role(profile.role), profile.supervisor
                ),
                clock=self._services_clock,
            )
        except BaseException:
            vault.lock()
            raise
        return vault, code

    def _unlock_throttle(self) -> UnlockThrottle:
        """The throttle this gateway was given, else the one the services use by default."""
        from crucible.app.services.vault_access import DEFAULT_THROTTLE

        return DEFAULT_THROTTLE if self._throttle is None else self._throttle

    def unlock(
        self,
        passphrase: str,
        actor: str = "crucible",
        progress: Callable[[str], None] | None = None,
    ) -> Vault:
        """Open the vault with the passphrase (the slow key derivation happens here).

        `progress` hears the stages of an update, if this unlock needs one.
        """
        self._code_loaded()
        from crucible.app.services.vault_access import open_vault

        return open_vault(
            self.folder,
            passphrase,
            actor=actor,
            clock=self._services_clock,
            progress=progress,
            throttle=self._unlock_throttle(),
        )

    def change_passphrase(self, current: str, new: str) -> None:
        """Rewrap the key under `new` (File › Change passphrase…); the recovery code stays.

        A wrong `current` counts as a failed unlock for the backoff, as at the
        unlock screen; refused while another window or command uses the vault.
        """
        from crucible.app.services.vault_access import set_new_passphrase

        set_new_passphrase(
            self.folder,
            current,
            new,
            kdf=self._kdf,
            clock=self._services_clock,
            throttle=self._unlock_throttle(),
        )

    def recover(self, code: str, new_passphrase: str) -> Vault:
        """Open with the recovery code, then set the new passphrase; returns the vault."""
        self._code_loaded()
        from crucible.app.services.vault_access import (
            open_vault_with_recovery_code,
            reset_passphrase_with_code,
        )

        vault = open_vault_with_recovery_code(
            self.folder, code, clock=self._services_clock, throttle=self._unlock_throttle()
        )
        try:
            reset_passphrase_with_code(
                self.folder, code, new_passphrase, kdf=self._kdf, throttle=self._unlock_throttle()
            )
        except BaseException:
            vault.lock()
            raise
        return vault

    def now(self) -> datetime:
        """The services' notion of now (fixed in tests)."""
        return self._clock() if self._clock is not None else datetime.now().astimezone()


def _load_code() -> None:
    """The early imports (`VaultGateway.load_code_early`), on their own thread."""
    try:
        from crucible.app.services.vault_access import load_code_for_unlock

        load_code_for_unlock(WORKSPACE_SERVICES)
    except Exception as error:  # the unlock imports again and reports it
        log.warning("loading the database code early failed: %s", type(error).__name__)


def error_sentence(error: BaseException) -> str:
    """The one sentence to show for a failure: a service error's own text, else a safe one."""
    from crucible.app.services.errors import VaultError

    if isinstance(error, VaultError):
        return str(error)
    if isinstance(error, MemoryError):
        return "The computer ran out of memory; nothing was changed."
    return f"Crucible hit an unexpected problem ({type(error).__name__}); nothing was changed."
