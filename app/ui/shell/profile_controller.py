"""The clinician profile while the vault is open: File › Profile…, and who signs and audits.

Saving the form stores the profile and, from then on, notes are signed and
audit events are recorded in the new name: the controller emits `changed`
and the composition passes the profile to the casebook and the block
workspace (app/ui/shell/composition.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from crucible.app.services.profile import ClinicianProfile
    from crucible.app.services.vault_handle import Vault
    from crucible.app.ui.shell.profile_dialog import ProfileDialog


class ProfileController(QObject):
    """Holds the open vault's profile and edits it through the profile form."""

    changed = Signal(object)
    """The profile was saved (carries the `ClinicianProfile` read back from the vault)."""

    def __init__(
        self,
        vault: Vault,
        profile: ClinicianProfile | None,
        window: QWidget,
        error_colour: Callable[[], str],
    ) -> None:
        super().__init__(window)
        self.vault = vault
        self.profile = profile
        self.window = window
        self.error_colour = error_colour

    def incomplete(self) -> bool:
        """Whether the vault has no complete profile yet (a `crucible init` without one)."""
        from crucible.app.services.profile import needs_completion

        return needs_completion(self.profile)

    def actor(self) -> str:
        """Who the audit trail names: the clinician, or "crucible" before the profile exists."""
        from crucible.app.services.profile import actor_of

        return actor_of(self.profile)

    def signer(self) -> str:
        """The name on signatures; empty (so signing is refused) until the profile is complete."""
        from crucible.app.services.profile import signer_of

        return signer_of(self.profile)

    def open(self, *, first_time: bool = False) -> ProfileDialog:
        """Show the profile form; saving it signs and audits in the new name from then on."""
        from crucible.app.ui.shell.profile_dialog import ProfileDialog

        dialog = ProfileDialog(self.window, self.profile, self.error_colour, first_time=first_time)

        def submit() -> str | None:
            from crucible.app.domain.vocabulary import Role
            from crucible.app.services.profile import ClinicianProfile, get_profile, save_profile
            from crucible.app.ui.shell.vault_gateway import error_sentence

            name, credentials, role, supervisor = dialog.chosen()
            try:
                save_profile(
                    self.vault, ClinicianProfile(name, credentials, Role(role), supervisor)
                )
                self._use(get_profile(self.vault))
            except Exception as error:
                return error_sentence(error)
            return None

        dialog.on_submit = submit
        dialog.open()
        return dialog

    def _use(self, profile: ClinicianProfile | None) -> None:
        self.profile = profile
        self.changed.emit(profile)
