"""The Backups window's behaviour: list, check each backup, back up now, restore, mirror.

Everything that touches files runs on the one background helper. The list
first comes back fast (archive and manifest only); then each backup is
checked fully with the open vault's key, newest first, one job at a time,
each job starting the next from its callback: so a lock, which drops
pending callbacks, stops the checks after the current one instead of
waiting for all of them. Results are kept per file for the window's
lifetime, so a backup made now does not make every other one re-check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QStandardPaths, Qt, QTimer
from PySide6.QtWidgets import QFileDialog

from crucible.app.ui.kit import forms
from crucible.app.ui.kit.background import BackgroundWork, while_open
from crucible.app.ui.safety.backups_model import BackupRow, BackupsModel
from crucible.app.ui.safety.backups_view import BackupsView
from crucible.app.ui.safety.restore_flow import RestoreChoice
from crucible.app.ui.safety.safety_text import describe_gap, describe_size, describe_when
from crucible.app.ui.shell.vault_gateway import error_sentence

if TYPE_CHECKING:
    from crucible.app.services.vault_handle import Vault


@dataclass
class ProgressBox:
    """Pages copied so far, written by the worker and read by a timer on the UI thread.

    A plain object instead of a signal: the worker must not touch a window
    the user may close while the backup runs.
    """

    done: int = 0
    total: int = 0

    def __call__(self, done: int, total: int) -> None:
        """The backup's progress callback (called on the worker thread)."""
        self.done, self.total = done, total


@dataclass(frozen=True)
class BackupServices:
    """What the window needs from the session, passed in rather than looked up."""

    vault: Vault
    background: BackgroundWork
    clock: Callable[[], datetime]
    actor: Callable[[], str]
    mirror: Callable[[], Path | None]
    set_mirror: Callable[[Path | None], None]
    run_write: Callable[
        [Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]], None
    ]
    restore: Callable[[RestoreChoice], None]
    error_colour: Callable[[], str]


class BackupsController(QObject):
    """Drives a `BackupsView` over the open vault."""

    def __init__(self, view: BackupsView, services: BackupServices) -> None:
        super().__init__(view)
        self.view = view
        self.s = services
        self.model = BackupsModel(self)
        self._checked: dict[Path, BackupRow] = {}
        self._progress = ProgressBox()
        self._poll = QTimer(self)
        self._poll.setInterval(100)
        self._poll.timeout.connect(self._show_progress)
        self.backing_up = False
        self.open = True
        view.finished.connect(self._closed)
        view.table.setModel(self.model)
        view.fit_columns()
        view.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        view.table.doubleClicked.connect(lambda _index: self.ask_restore())
        view.back_up.clicked.connect(self.back_up_now)
        view.restore.clicked.connect(self.ask_restore)
        view.choose_mirror.clicked.connect(self.ask_mirror)
        view.stop_mirror.clicked.connect(lambda: self._set_mirror(None))
        self._show_mirror()
        self._update_buttons()

    def _closed(self, _result: int) -> None:
        self.open = False
        self._poll.stop()

    # ------------------------------------------------------------------ listing

    def bring_forward(self) -> None:
        """Raise the window this controller drives (asked for again while open)."""
        self.view.raise_()
        self.view.activateWindow()

    def reload(self) -> None:
        """List the backups (fast), then check each one not checked yet."""
        folder = Path(self.s.vault.folder)

        def work() -> list[BackupRow]:
            from crucible.app.services.backups import backups_folder, list_backups

            return [BackupRow.of(item) for item in list_backups(backups_folder(folder))]

        self.s.background.run(
            work,
            while_open(lambda: self.open, self._listed),
            while_open(lambda: self.open, self._report_failure),
        )

    def _listed(self, rows: list[BackupRow]) -> None:
        shown = [self._checked.get(row.path) or self._pending(row) for row in rows]
        self.model.set_rows(shown)
        if shown and not self.view.table.selectionModel().hasSelection():
            self.view.table.selectRow(0)
        self._update_buttons()
        self._check_next()

    @staticmethod
    def _pending(row: BackupRow) -> BackupRow:
        # A damaged listing needs no further check; everything else waits for one.
        return row if row.verification == "damaged" else replace(row, checking=True)

    def _check_next(self) -> None:
        waiting = [row for row in self.model.rows() if row.checking]
        if not waiting:
            return
        path, vault = waiting[0].path, self.s.vault

        def work() -> BackupRow:
            from crucible.app.services.backups import verify_backup_file

            return BackupRow.of(verify_backup_file(path, vault))

        def checked(row: BackupRow) -> None:
            self._checked[row.path] = row
            self.model.update_row(row)
            self._update_buttons()
            self._check_next()

        def failed(error: BaseException) -> None:
            self.model.update_row(
                BackupRow(path, 0, None, None, "damaged", error_sentence(error), False)
            )
            self._check_next()

        self.s.background.run(
            work, while_open(lambda: self.open, checked), while_open(lambda: self.open, failed)
        )

    # ------------------------------------------------------------------ back up now

    def back_up_now(self) -> None:
        """Make a manual backup with a progress bar; the list shows it when done."""
        if self.backing_up:
            return
        vault, clock, actor, mirror = self.s.vault, self.s.clock, self.s.actor(), self.s.mirror()
        progress = self._progress = ProgressBox()

        def work() -> Any:
            from crucible.app.services.backups import backup_now

            return backup_now(
                vault, reason="manual", clock=clock, actor=actor, mirror=mirror, progress=progress
            )

        self.backing_up = True
        self.view.progress.setRange(0, 0)
        self.view.progress.show()
        self._poll.start()
        forms.show_message(self.view.message, "")
        self._update_buttons()
        self.s.run_write(
            work,
            while_open(lambda: self.open, self._backed_up),
            while_open(lambda: self.open, self._backup_failed),
        )

    def _show_progress(self) -> None:
        box = self._progress
        if box.total:
            self.view.progress.setRange(0, box.total)
            self.view.progress.setValue(box.done)

    def _finish_backup(self) -> None:
        self.backing_up = False
        self._poll.stop()
        self.view.progress.hide()
        self._update_buttons()

    def _backed_up(self, result: Any) -> None:
        self._finish_backup()
        info = result.info
        text = f"Backed up {describe_size(info.size)} at {describe_when(info.created_at)}."
        if result.mirror_copy is not None:
            text += " A checked copy is in the mirror folder."
        colour = None
        if result.mirror_problem:
            text += " " + result.mirror_problem
            colour = self.s.error_colour()
        forms.show_message(self.view.message, text, colour)
        self.reload()

    def _backup_failed(self, error: BaseException) -> None:
        self._finish_backup()
        self._report_failure(error)

    def _report_failure(self, error: BaseException) -> None:
        forms.show_message(self.view.message, error_sentence(error), self.s.error_colour())

    # ------------------------------------------------------------------ restore

    def selected(self) -> BackupRow | None:
        """The backup selected in the table, if any."""
        rows = self.view.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def ask_restore(self) -> None:
        """Hand the selected backup to the restore flow, saying how much work it would lose."""
        row = self.selected()
        if row is None or not row.restorable or self.backing_up:
            return
        assert row.created_at is not None
        lost = describe_gap(max(self.s.clock() - row.created_at, timedelta(0)))
        self.s.restore(RestoreChoice(row.path, row.created_at, row.reason, lost))

    # ------------------------------------------------------------------ mirror

    def ask_mirror(self) -> QFileDialog:
        """Choose the mirror folder (Qt's own dialog, opened without a nested event loop)."""
        dialog = QFileDialog(self.view, "Crucible — Choose the mirror folder")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setAccessibleName("Choose the mirror folder")
        current = self.s.mirror()
        home = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.HomeLocation)
        dialog.setDirectory(str(current if current and current.is_dir() else home))
        dialog.fileSelected.connect(lambda chosen: self._set_mirror(Path(chosen)))
        dialog.open()
        return dialog

    def _set_mirror(self, folder: Path | None) -> None:
        from crucible.app.services.files import INSIDE_VAULT, is_inside_vault

        if folder is not None and is_inside_vault(Path(self.s.vault.folder), folder):
            forms.show_message(self.view.message, INSIDE_VAULT, self.s.error_colour())
            return
        self.s.set_mirror(folder)
        self._show_mirror()
        forms.show_message(
            self.view.message,
            f"New backups will also be copied to {folder}."
            if folder
            else "Backups are no longer mirrored.",
        )

    def _show_mirror(self) -> None:
        mirror = self.s.mirror()
        self.view.mirror_folder.setText(
            str(mirror) if mirror else "Not set (backups stay only in the vault's folder)"
        )
        self.view.stop_mirror.setEnabled(mirror is not None)

    def _update_buttons(self) -> None:
        row = self.selected()
        self.view.back_up.setEnabled(not self.backing_up)
        self.view.restore.setEnabled(not self.backing_up and row is not None and row.restorable)
