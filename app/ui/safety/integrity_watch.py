"""Integrity on open: a quick check after each unlock, a full one daily, a restore offer on failure.

Both checks run on the background helper after the workspace is already
on screen: the clinician never waits for them. When a check fails, or the
unlock itself reported a damaged database, the newest backup whose bytes
match its manifest is looked up (in the vault's backups folder and the
mirror) and offered in a plain prompt that says when it was made and how
much work restoring it would lose: the time between the backup and the
vault's last write. "Not now" leaves everything as it is; the quick check
runs again at the next unlock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from crucible.app.ui.kit.background import BackgroundWork
from crucible.app.ui.safety.restore_flow import RestoreChoice
from crucible.app.ui.safety.safety_text import describe_gap, describe_reason, describe_when
from crucible.app.ui.shell.vault_gateway import error_sentence

if TYPE_CHECKING:
    from crucible.app.services.vault_handle import Vault

RESTORE_BUTTON = "&Restore newest backup…"
NOT_NOW_BUTTON = "&Not now"


class IntegrityWatch(QObject):
    """Runs the checks and, when one fails, offers the newest restorable backup.

    Args:
        window: The main window (parent of the prompt).
        background: The one background helper.
        folder: The vault folder.
        mirror: The mirror folder, if any (searched for backups as well).
        restore: Starts the restore flow for the chosen backup.
        status: Shows a short line in the status bar.
    """

    def __init__(
        self,
        window: QWidget,
        background: BackgroundWork,
        folder: Path,
        *,
        mirror: Callable[[], Path | None],
        restore: Callable[[RestoreChoice], None],
        status: Callable[[str], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._background = background
        self._folder = folder
        self._mirror = mirror
        self._restore = restore
        self._status = status
        self.prompt: QMessageBox | None = None

    def quick_check(self, vault: Vault, then: Callable[[], None]) -> None:
        """Run `quick_check` off the UI thread; `then()` follows only if it passed."""

        def work() -> Any:
            from crucible.app.services import integrity

            return integrity.quick_check(vault)

        def done(result: Any) -> None:
            if result.ok:
                then()
            else:
                self.offer_restore(_first(result.problems))

        self._background.run(work, done, lambda error: self.offer_restore(error_sentence(error)))

    def full_check(self, vault: Vault, today: date, on_passed: Callable[[date], None]) -> None:
        """Run `full_check` off the UI thread; `on_passed(today)` records a clean result."""

        def work() -> Any:
            from crucible.app.services import integrity

            return integrity.full_check(vault)

        def done(result: Any) -> None:
            if result.ok:
                on_passed(today)
                self._status(f"Full integrity check passed ({result.seconds:.1f} s).")
            else:
                self.offer_restore(_first(result.problems))

        self._background.run(work, done, lambda error: self.offer_restore(error_sentence(error)))

    def offer_restore(self, problem: str) -> None:
        """Look for the newest backup that verifies, then show the prompt."""
        folder, mirror = self._folder, self._mirror()

        def work() -> Any:
            from crucible.app.services.integrity import newest_restorable_backup

            extra = (mirror,) if mirror is not None and mirror.is_dir() else ()
            return newest_restorable_backup(folder, extra_folders=extra)

        self._background.run(
            work,
            lambda offer: self._show_prompt(problem, offer),
            lambda _error: self._show_prompt(problem, None),
        )

    def _show_prompt(self, problem: str, offer: Any) -> None:
        if self.prompt is not None:
            self.prompt.close()
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Crucible — The vault is damaged",
            "",
            QMessageBox.StandardButton.NoButton,
            self._window,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setAccessibleName("The vault is damaged")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(f"Crucible found a problem in the vault: {problem}")
        if offer is None:
            box.setInformativeText(
                "No backup that verifies was found in the vault's backups folder or the mirror. "
                "Leave the vault folder as it is and copy it somewhere safe before trying "
                "anything else."
            )
            box.setStandardButtons(QMessageBox.StandardButton.Ok)
        else:
            backup = offer.backup
            choice = RestoreChoice(
                backup.path, backup.created_at, backup.reason, describe_gap(offer.gap)
            )
            box.setInformativeText(
                f"The newest backup that verifies is the {describe_reason(backup.reason)} "
                f"backup made {describe_when(backup.created_at)}. Restoring it would lose "
                f"{choice.lost} of work: everything recorded after it. The current vault is "
                "kept aside, not deleted."
            )
            restore = box.addButton(RESTORE_BUTTON, QMessageBox.ButtonRole.AcceptRole)
            restore.setAccessibleName("Restore newest backup")
            later = box.addButton(NOT_NOW_BUTTON, QMessageBox.ButtonRole.RejectRole)
            later.setAccessibleName("Not now")
            box.setDefaultButton(restore)
            box.setEscapeButton(later)
            box.finished.connect(
                lambda _result: self._restore(choice) if box.clickedButton() is restore else None
            )
        box.finished.connect(lambda _result: setattr(self, "prompt", None))
        self.prompt = box
        box.open()


def _first(problems: Any) -> str:
    items = [str(problem) for problem in problems]
    if not items:
        return "the check failed."
    more = f" (and {len(items) - 1} more)" if len(items) > 1 else ""
    return items[0][:200] + more
