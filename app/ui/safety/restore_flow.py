"""Restoring a backup: say what will happen, take the old secret, lock, restore, back to unlock.

The restore replaces the database under the open engine's feet, so the
vault is locked first through the session's own lock path (every window
scrubbed and closed, engine disposed, key wiped), and only then does the
service run, on the background thread. The service checks the backup whole
with the given secret before it changes anything, and keeps the vault it
replaces in `replaced-<time>/`, so a wrong secret or a damaged backup
leaves the folder as it was. The same flow serves a vault that no longer
opens (the database is damaged): there is then nothing to lock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog

from crucible.app.ui.kit.prompts import show_error, show_info
from crucible.app.ui.safety.backups_view import RestoreDialog
from crucible.app.ui.safety.safety_context import SafetyContext
from crucible.app.ui.safety.safety_text import describe_reason, describe_when
from crucible.app.ui.shell.vault_gateway import error_sentence


@dataclass(frozen=True, slots=True)
class RestoreChoice:
    """The backup to restore and, in words, what restoring it would lose."""

    path: Path
    created_at: datetime | None
    reason: str | None
    lost: str  # e.g. "3 hours"

    def explanation(self) -> str:
        """What the confirmation says will happen."""
        when = describe_when(self.created_at)
        return (
            f"Crucible will lock the vault and replace it with the {describe_reason(self.reason)}"
            f" backup made {when}.\n\n"
            f"Everything recorded after that backup ({self.lost} of work) will not be in the "
            "restored vault. The current vault is not deleted: it is kept aside in a "
            "\u201creplaced-\u2026\u201d folder inside the vault folder.\n\n"
            f"Type the passphrase or the recovery code that was valid on {when}; "
            "afterwards, unlock with that passphrase."
        )


class RestoreFlow(QObject):
    """Asks, locks, restores on the background thread, and reports.

    Args:
        context: The session's window (parent of the dialogs; it outlives a
            lock), helper, folder, clock, lock (a no-op when already locked),
            actor (asked before the lock) and error colour.
        on_restored: Called after a restore, to show a fresh unlock screen.
    """

    def __init__(self, context: SafetyContext, *, on_restored: Callable[[], None]) -> None:
        super().__init__(context.window)
        self._context = context
        self._on_restored = on_restored
        self.dialog: RestoreDialog | None = None
        self.progress: QProgressDialog | None = None

    def ask(self, choice: RestoreChoice, problem: str = "") -> RestoreDialog:
        """Open the confirmation and secret field; `problem` says why the last try failed."""
        dialog = RestoreDialog(
            self._context.window, choice.explanation(), self._context.error_colour
        )
        self.dialog = dialog

        def submit() -> str | None:
            secret = dialog.secret.text()
            if not secret:
                return "Type the passphrase or recovery code valid when the backup was made."
            # After the dialog has closed: the lock closes every dialog, this one included.
            QTimer.singleShot(0, lambda: self.run(choice, secret))
            return None

        dialog.on_submit = submit
        if problem:
            dialog.fail(problem)
        dialog.open()
        return dialog

    def run(self, choice: RestoreChoice, secret: str) -> None:
        """Lock the vault, then restore `choice` with `secret` off the UI thread."""
        actor = self._context.actor()
        self._context.lock()
        folder, clock = self._context.folder, self._context.clock

        def work() -> Any:
            from crucible.app.services import backups

            return backups.restore(choice.path, folder, secret, clock=clock, actor=actor)

        self._show_progress()
        self._context.background.run(
            work, self._restored, lambda error: self._failed(choice, error)
        )

    def _show_progress(self) -> None:
        progress = QProgressDialog("Restoring the backup…", "", 0, 0, self._context.window)
        progress.setWindowTitle("Crucible — Restoring")
        progress.setAccessibleName("Restoring the backup")
        progress.setCancelButton(None)
        progress.setMinimumDuration(300)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.progress = progress

    def _progress_done(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress = None

    def _restored(self, outcome: Any) -> None:
        self._progress_done()
        self._on_restored()
        kept = (
            f" The vault you had is kept in the folder {outcome.replaced.name}."
            if outcome.replaced is not None
            else ""
        )
        show_info(
            self._context.window,
            f"Restored the backup made {describe_when(outcome.manifest.created_at)}.{kept} "
            "Unlock with the passphrase or recovery code that was valid then.",
            "Backup restored",
        )

    def _failed(self, choice: RestoreChoice, error: BaseException) -> None:
        from crucible.app.services.errors import WrongSecretError

        self._progress_done()
        if isinstance(error, WrongSecretError):
            self.ask(choice, error_sentence(error))
            return
        show_error(self._context.window, error_sentence(error), "Not restored")
