"""Unlocking: the key derivation runs on the background thread while a bar shows progress.

An unlock that also updates the vault for a new version (a backup, then
the schema steps; the first fill of the search index takes seconds on a
large casebook) says so under the bar, step by step, once it has taken
longer than `STAGE_AFTER_MS`: a normal unlock never flashes these lines.

Each failure keeps its own sentence from the services: a wrong passphrase,
a damaged key file, or a damaged database (which points at the backups).
The recovery path unlocks with the code and sets a new passphrase at once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal

from crucible.app.domain.passphrase import passphrase_problem
from crucible.app.ui.access.unlock_view import UnlockView
from crucible.app.ui.kit import forms
from crucible.app.ui.kit.background import BackgroundWork
from crucible.app.ui.kit.passphrase_hint import passphrase_hint
from crucible.app.ui.shell.vault_gateway import VaultGateway, error_sentence

if TYPE_CHECKING:
    from crucible.app.services.vault_handle import Vault

PASSPHRASE_PAGE, RECOVERY_PAGE = 0, 1
STAGE_AFTER_MS = 1000


class UnlockController(QObject):
    """Drives `UnlockView`; emits `unlocked(vault)`."""

    unlocked = Signal(object)
    damaged = Signal()  # the right secret, but the database does not open: offer a backup
    stage = Signal(str)  # from the unlocking thread: what an update is doing now

    def __init__(
        self,
        view: UnlockView,
        gateway: VaultGateway,
        background: BackgroundWork,
        error_colour: Callable[[], str],
    ) -> None:
        super().__init__(view)
        self.view = view
        self._gateway = gateway
        self._background = background
        self._error_colour = error_colour
        view.unlock.clicked.connect(self.unlock)
        view.use_code.clicked.connect(lambda: self.show_page(RECOVERY_PAGE))
        view.back.clicked.connect(lambda: self.show_page(PASSPHRASE_PAGE))
        view.recover.clicked.connect(self.recover)
        view.new_passphrase.textChanged.connect(
            lambda text: view.hint.setText(passphrase_hint(text)[1] if text else "")
        )
        view.installEventFilter(self)
        self._stage = ""
        self._stage_timer = QTimer(self)
        self._stage_timer.setSingleShot(True)
        self._stage_timer.setInterval(STAGE_AFTER_MS)
        self._stage_timer.timeout.connect(self._show_stage)
        self.stage.connect(self._staged)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Whenever the screen shows (start, lock, after a restore), its field takes the keys."""
        if watched is self.view and event.type() == QEvent.Type.Show:
            self.focus_field()
            # Again once the switch has settled: a lock tears the workspace down in the
            # same turn, and Qt may move the focus while the old widgets go.
            QTimer.singleShot(0, self, self.focus_field)
        return False

    def focus_field(self) -> None:
        """Put the cursor in the shown page's first field, so typing goes there."""
        if not self.view.isVisible():
            return
        page = self.view.pages.currentIndex()
        field = self.view.passphrase if page == PASSPHRASE_PAGE else self.view.code
        if field.isEnabled():
            field.setFocus(Qt.FocusReason.OtherFocusReason)

    def reset(self, *, locked: bool) -> None:
        """Show an empty passphrase page; `locked` words it as the lock screen."""
        view = self.view
        view.title.setText("Crucible is locked" if locked else "Unlock Crucible")
        view.subtitle.setText(
            "Locked to protect your notes. Enter your passphrase to go back to where you were."
            if locked
            else "Your notes are encrypted. Enter your passphrase to open them."
        )
        for field in (view.passphrase, view.code, view.new_passphrase, view.repeat):
            field.clear()
        forms.show_message(view.message, "")
        forms.show_message(view.recovery_message, "")
        self._set_busy(False)
        self.show_page(PASSPHRASE_PAGE)

    def show_page(self, page: int) -> None:
        """Switch between the passphrase and the recovery page."""
        self.view.pages.setCurrentIndex(page)
        (self.view.passphrase if page == PASSPHRASE_PAGE else self.view.code).setFocus()

    def _set_busy(self, busy: bool) -> None:
        view = self.view
        for widget in (
            view.passphrase,
            view.unlock,
            view.use_code,
            view.code,
            view.new_passphrase,
            view.repeat,
            view.recover,
            view.back,
        ):
            widget.setEnabled(not busy)
        view.busy.setVisible(busy and view.pages.currentIndex() == PASSPHRASE_PAGE)
        view.recovery_busy.setVisible(busy and view.pages.currentIndex() == RECOVERY_PAGE)

    def unlock(self) -> None:
        """Start the unlock with the typed passphrase."""
        passphrase = self.view.passphrase.text()
        if not passphrase or self._background.busy:
            return
        forms.show_message(self.view.message, "Unlocking…")
        self._set_busy(True)
        self._stage = ""
        self._stage_timer.start()
        report = self.stage.emit  # queued to this thread: the work runs on another
        self._background.run(
            lambda: self._attempt(lambda: self._gateway.unlock(passphrase, progress=report)),
            self._succeeded,
            self._failed,
        )

    def _staged(self, sentence: str) -> None:
        self._stage = sentence
        if not self._stage_timer.isActive():
            self._show_stage()

    def _show_stage(self) -> None:
        """Past `STAGE_AFTER_MS` of unlocking: show what the update is doing, if it is one."""
        if self._stage and self._background.busy:
            forms.show_message(self.view.message, self._stage)

    def recover(self) -> None:
        """Check the new passphrase, then unlock with the code and rewrap the key."""
        view = self.view
        code, new = view.code.text().strip(), view.new_passphrase.text()
        if not code:
            forms.show_message(
                view.recovery_message, "Type the recovery code.", self._error_colour()
            )
            return
        problem = passphrase_problem(new)
        if problem:
            forms.show_message(view.recovery_message, problem, self._error_colour())
            return
        if new != view.repeat.text():
            forms.show_message(
                view.recovery_message,
                "The two passphrases differ; type them again.",
                self._error_colour(),
            )
            return
        forms.show_message(view.recovery_message, "Checking the recovery code…")
        self._set_busy(True)
        self._background.run(
            lambda: self._attempt(lambda: self._gateway.recover(code, new)),
            self._succeeded,
            self._failed,
        )

    def _succeeded(self, vault: Vault) -> None:
        self._stage_timer.stop()
        self.reset(locked=False)
        self.unlocked.emit(vault)

    def _failed(self, error: BaseException) -> None:
        self._stage_timer.stop()
        self._stage = ""
        self._set_busy(False)
        label = self.view.message
        if self.view.pages.currentIndex() == RECOVERY_PAGE:
            label = self.view.recovery_message
        else:
            self.view.passphrase.selectAll()
        forms.show_message(label, error_sentence(error), self._error_colour())
        (self.view.passphrase if label is self.view.message else self.view.code).setFocus()
        from crucible.app.services.errors import (
            DamagedDatabaseError,  # loaded by the attempt already
        )

        if isinstance(error, DamagedDatabaseError):
            self.damaged.emit()

    def _attempt(self, unlock: Callable[[], Vault]) -> Vault:
        """Run one unlock attempt (on the worker); a wrong secret is noted for the audit trail.

        Recording it is the UI's choice, made after the store's unlock has
        failed: the unlock itself writes nothing (reliability test 3), and
        the note goes to pending-audit.json, never to the locked vault. A
        note that cannot be written must not hide the wrong-secret message.
        """
        from crucible.app.services.errors import VaultError, WrongSecretError

        try:
            return unlock()
        except WrongSecretError:
            from crucible.app.services.audit_log import record_failed_unlock

            with contextlib.suppress(OSError, VaultError):
                record_failed_unlock(self._gateway.folder, self._gateway.now)
            raise
