"""First run: collect the profile, create the vault off the UI thread, hand over the code.

The recovery code is shown once; the clinician may save it as a one-page
PDF or print it, and must type back its last group before going on, which
proves they have it somewhere other than the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QLineEdit

from crucible.app.domain.passphrase import MINIMUM_CHARACTERS, passphrase_problem
from crucible.app.ui.access.first_run_view import FirstRunView
from crucible.app.ui.kit import forms
from crucible.app.ui.kit.background import BackgroundWork
from crucible.app.ui.kit.passphrase_hint import passphrase_hint
from crucible.app.ui.kit.prompts import ask_save_path
from crucible.app.ui.shell.vault_gateway import NewProfile, VaultGateway, error_sentence

if TYPE_CHECKING:
    from crucible.app.services.vault_handle import Vault

PROFILE, PASSPHRASE, CODE = range(3)
_STEP_TITLES = ("Step 1 of 3: about you", "Step 2 of 3: passphrase", "Step 3 of 3: recovery code")
# The window title names the step too: a screen reader announces it, and a
# task switcher shows where setup stands (the first matches the session's).
_WINDOW_TITLES = (
    "Crucible — Set up",
    "Crucible — Set up: passphrase",
    "Crucible — Set up: recovery code",
)


def normalize_group(text: str) -> str:
    """Compare code groups as people type them: any case, O for 0, I or L for 1."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans("OIL", "011"))


class FirstRunController(QObject):
    """Drives `FirstRunView`; emits `completed(vault)` once the code has been confirmed."""

    completed = Signal(object)

    def __init__(
        self,
        view: FirstRunView,
        gateway: VaultGateway,
        background: BackgroundWork,
        error_colour: Callable[[], str],
    ) -> None:
        super().__init__(view)
        self.view = view
        self._gateway = gateway
        self._background = background
        self._error_colour = error_colour
        self._vault: Vault | None = None
        self._code: str | None = None
        self._profile: NewProfile | None = None
        view.role_trainee.toggled.connect(view.supervisor.setEnabled)
        view.next.clicked.connect(self.submit_profile)
        view.back.clicked.connect(lambda: self._go(PROFILE))
        view.passphrase.textChanged.connect(self._update_hint)
        view.show_passphrase.toggled.connect(self._toggle_echo)
        view.create_button.clicked.connect(self.create_vault)
        view.save_kit.clicked.connect(self.ask_kit_path)
        view.print_code.clicked.connect(self.print_code)
        view.confirm.textChanged.connect(self._check_confirmation)
        view.finish.clicked.connect(self.finish)
        self._go(PROFILE)
        self._update_hint("")

    def _go(self, page: int) -> None:
        self.view.pages.setCurrentIndex(page)
        forms.fit_stack(self.view.pages)
        self.view.step.setText(_STEP_TITLES[page])
        window = self.view.window()
        if window is not self.view:  # shown in the main window, not being built
            window.setWindowTitle(_WINDOW_TITLES[page])
        first = (self.view.name, self.view.passphrase, self.view.confirm)[page]
        first.setFocus()

    def _fail(self, label: QLabel, text: str) -> None:
        forms.show_message(label, text, self._error_colour())

    def submit_profile(self) -> None:
        """Check the profile and move on to the passphrase."""
        view = self.view
        name = view.name.text().strip()
        trainee = view.role_trainee.isChecked()
        supervisor = view.supervisor.text().strip()
        if not name:
            self._fail(
                view.profile_message, "Please enter your name as it should appear on reports."
            )
            view.name.setFocus()
            return
        if trainee and not supervisor:
            self._fail(view.profile_message, "A trainee needs a supervisor's name.")
            view.supervisor.setFocus()
            return
        forms.show_message(view.profile_message, "")
        role = "trainee" if trainee else "supervisor" if view.role_supervisor.isChecked() else ""
        self._profile = NewProfile(
            name,
            view.credentials.text().strip(),
            role or "clinician",
            supervisor if trainee else None,
        )
        self._go(PASSPHRASE)

    def _update_hint(self, text: str) -> None:
        score, sentence = passphrase_hint(text)
        self.view.hint.setText(sentence if text else f"At least {MINIMUM_CHARACTERS} characters.")
        weak = bool(text) and score < 2
        self.view.hint.setStyleSheet(f"color: {self._error_colour()};" if weak else "")

    def _toggle_echo(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.view.passphrase.setEchoMode(mode)
        self.view.repeat.setEchoMode(mode)

    def create_vault(self) -> None:
        """Check the passphrase, then create the vault on the background thread."""
        view = self.view
        passphrase = view.passphrase.text()
        problem = passphrase_problem(passphrase)
        if problem:
            self._fail(view.passphrase_message, problem)
            return
        if passphrase != view.repeat.text():
            self._fail(view.passphrase_message, "The two passphrases differ; type them again.")
            view.repeat.clear()
            view.repeat.setFocus()
            return
        assert self._profile is not None
        forms.show_message(view.passphrase_message, "Creating your vault…")
        self._set_busy(True)
        profile = self._profile
        self._background.run(
            lambda: self._gateway.create(passphrase, profile), self._created, self._create_failed
        )

    def _set_busy(self, busy: bool) -> None:
        for widget in (
            self.view.create_button,
            self.view.back,
            self.view.passphrase,
            self.view.repeat,
        ):
            widget.setEnabled(not busy)
        self.view.create_busy.setVisible(busy)

    def _created(self, result: tuple[Vault, str]) -> None:
        self._set_busy(False)
        self._vault, self._code = result
        self.view.passphrase.clear()
        self.view.repeat.clear()
        forms.show_message(self.view.passphrase_message, "")
        self.view.code.setText(self._code.replace("-", " "))
        self._go(CODE)

    def _create_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self._fail(self.view.passphrase_message, error_sentence(error))

    def ask_kit_path(self) -> None:
        """Ask where to save the emergency kit PDF."""
        ask_save_path(
            self.view,
            "Save emergency kit",
            "crucible-emergency-kit.pdf",
            "PDF files (*.pdf)",
            self.save_kit,
            default_suffix="pdf",
        )

    def save_kit(self, path: Path) -> None:
        """Write the one-page PDF to `path` (ReportLab loads now, in the background)."""
        assert self._code is not None
        assert self._profile is not None
        code, who, folder = self._code, self._profile.name, self._gateway.folder

        def work() -> None:
            from crucible.app.services.emergency_kit import save_emergency_kit

            save_emergency_kit(path, code, clinician=who, vault_folder=folder, made=date.today())

        forms.show_message(self.view.kit_message, "Saving the emergency kit…")
        self._background.run(
            work,
            lambda _none: forms.show_message(
                self.view.kit_message, f"Saved the emergency kit as {path.name}."
            ),
            lambda error: self._fail(self.view.kit_message, error_sentence(error)),
        )

    def print_code(self) -> None:
        """Open the print dialog for a page with the code."""
        from crucible.app.ui.access.recovery_print import print_recovery_code

        assert self._code is not None
        print_recovery_code(self.view, self._code)

    def _check_confirmation(self, text: str) -> None:
        if self._code is None:
            return
        last = normalize_group(self._code.split("-")[-1])
        typed = normalize_group(text)
        matches = typed == last
        self.view.finish.setEnabled(matches)
        if len(typed) >= len(last) and not matches:
            self._fail(self.view.confirm_message, "That is not the last group; look again.")
        else:
            forms.show_message(self.view.confirm_message, "")

    def finish(self) -> None:
        """Forget the code and hand the unlocked vault over to the main window."""
        if self._vault is None or not self.view.finish.isEnabled():
            return
        vault, self._vault, self._code = self._vault, None, None
        self.view.code.clear()
        self.view.confirm.clear()
        self.completed.emit(vault)
