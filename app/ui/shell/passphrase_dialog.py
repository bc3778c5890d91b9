"""File › Change passphrase…: the current passphrase and the new one twice.

A form like every other (`FormDialog`), with one difference: accepting it
starts the change and keeps the dialog open, fields disabled, until the
change is done (two key derivations, about a second each with the
production settings, run off the UI thread). A refusal is said in place and
the typing is kept; `finish()` closes it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialogButtonBox, QPushButton, QWidget

from crucible.app.ui.kit import forms
from crucible.app.ui.kit.form_dialog import FormDialog

WHAT_CHANGES = (
    "The vault's key is locked again under the new passphrase; nothing else changes. "
    "Your recovery code keeps working. Close Crucible's other windows and commands "
    "on this vault first."
)


class PassphraseDialog(FormDialog):
    """Current passphrase, new passphrase, the new one again."""

    def __init__(self, parent: QWidget, error_colour: Callable[[], str]) -> None:
        super().__init__(parent, "Change passphrase", "&Change passphrase", error_colour)
        self.add_intro(WHAT_CHANGES, "What changes")
        self.current = forms.secret_field("Current passphrase")
        self.new = forms.secret_field("New passphrase")
        self.repeat = forms.secret_field("New passphrase again")
        self.add_row("C&urrent passphrase:", self.current)
        self.add_row("&New passphrase:", self.new)
        self.add_row("New passphrase a&gain:", self.repeat)
        self._fields = (self.current, self.new, self.repeat)
        self._working = False

    def values(self) -> tuple[str, str, str]:
        """What was typed: current, new, new again."""
        return self.current.text(), self.new.text(), self.repeat.text()

    def accept(self) -> None:
        """Hand the form to `on_submit`, which starts the change; only `finish()` closes."""
        problem = self.on_submit()
        if problem:
            self.fail(problem)

    def set_working(self, working: bool) -> None:
        """While the change runs nothing can be typed or pressed again, nor the form cancelled.

        The fields turn read-only rather than disabled, and the keyboard stays
        in one of them: a dialog that closes without the keyboard in it never
        tells `FocusReturn` to hand it back to the main window.
        """
        self._working = working
        if working and self.buttons.isAncestorOf(self.focusWidget()):
            self.repeat.setFocus()
        for field in self._fields:
            field.setReadOnly(working)
        for button in self.buttons.buttons():
            button.setEnabled(not working)
        if working:
            forms.show_message(self.message, "Changing the passphrase…")

    def reject(self) -> None:
        """Escape or the window's close button: refused while the change runs.

        The change cannot be stopped half-way (it is one rewrap of the key
        file), and its result must find the dialog to report to.
        """
        if not self._working:
            super().reject()

    def finish(self) -> None:
        """Close after the change succeeded (the typed passphrases go with the dialog)."""
        self._working = False
        for field in self._fields:
            field.clear()
        super(FormDialog, self).accept()

    def refuse(self, sentence: str, *, wrong_current: bool) -> None:
        """Say why the change did not happen, with the typing kept for another try."""
        self.set_working(False)
        self.fail(sentence)
        field = self.current if wrong_current else self.new
        field.selectAll()
        field.setFocus()

    def ok_button(self) -> QPushButton:
        """The button that starts the change."""
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)
