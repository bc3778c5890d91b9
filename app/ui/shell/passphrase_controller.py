"""Changing the vault's passphrase while it is open (File › Change passphrase…).

The form's checks are the unlock screen's (the passphrase rule, the two new
ones equal); the change itself is `VaultGateway.change_passphrase` on the
background helper, so the window keeps painting through the key
derivations. A wrong current passphrase counts as a failed unlock, as at
the unlock screen. The audit trail records the change at the next unlock
(the key file changes, not the database). No passphrase reaches a log or a
message: sentences only name what was wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from crucible.app.domain.passphrase import passphrase_problem

if TYPE_CHECKING:
    from crucible.app.ui.kit.background import BackgroundWork
    from crucible.app.ui.shell.passphrase_dialog import PassphraseDialog
    from crucible.app.ui.shell.vault_gateway import VaultGateway

WRONG_CURRENT = "The current passphrase is not correct; nothing was changed."
CHANGED = "Passphrase changed. Use it from the next unlock; your recovery code still works."


class PassphraseController(QObject):
    """Opens the form and runs the change it asks for."""

    changed = Signal(str)
    """The passphrase was changed (carries the sentence to show)."""

    def __init__(
        self,
        gateway: VaultGateway,
        background: BackgroundWork,
        window: QWidget,
        error_colour: Callable[[], str],
    ) -> None:
        super().__init__(window)
        self.gateway = gateway
        self.background = background
        self.window = window
        self.error_colour = error_colour

    def open(self) -> PassphraseDialog:
        """Show the form; the change starts when it is accepted and its values pass."""
        from crucible.app.ui.shell.passphrase_dialog import PassphraseDialog

        dialog = PassphraseDialog(self.window, self.error_colour)
        dialog.on_submit = lambda: self._submit(dialog)
        dialog.open()
        return dialog

    def _submit(self, dialog: PassphraseDialog) -> str | None:
        current, new, repeat = dialog.values()
        if not current:
            return "Type your current passphrase."
        problem = passphrase_problem(new)
        if problem:
            return problem
        if new != repeat:
            return "The two new passphrases differ; type them again."
        if new == current:
            return "The new passphrase is the one you have now; choose another."
        dialog.set_working(True)
        self.background.run(
            lambda: self.gateway.change_passphrase(current, new),
            lambda _none: self._done(dialog),
            lambda error: self._failed(dialog, error),
        )
        return None

    def _done(self, dialog: PassphraseDialog) -> None:
        dialog.finish()
        self.changed.emit(CHANGED)

    def _failed(self, dialog: PassphraseDialog, error: BaseException) -> None:
        from crucible.app.services.errors import WrongSecretError
        from crucible.app.ui.shell.vault_gateway import error_sentence

        if isinstance(error, WrongSecretError):
            dialog.refuse(WRONG_CURRENT, wrong_current=True)
        else:
            dialog.refuse(error_sentence(error), wrong_current=False)
