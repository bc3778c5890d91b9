"""File › Export for research…: the dialog's choices, the export off the UI thread, its progress.

The export writes its audit entries, so it runs on the background helper's
write lane, as report exports do; the intensives' list is read on the read
lane before the dialog opens. Progress crosses from the worker thread as a
queued signal carrying two numbers, never a Python object (see
`app.ui.kit.background` on why).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from crucible.app.ui.casebook.research_export_dialog import BORIS, ResearchExportDialog
from crucible.app.ui.kit.background import BackgroundWork
from crucible.app.ui.kit.prompts import ask_save_path, show_error, show_info
from crucible.app.ui.shell.vault_gateway import error_sentence

if TYPE_CHECKING:
    from crucible.app.services.listing import IntensiveListing
    from crucible.app.services.vault_handle import Vault

NOTHING_CHOSEN = "Choose at least one intensive to export."
BORIS_NEEDS_ONE = "A BORIS project holds one intensive; choose exactly one."


class _Progress(QObject):
    """Carries (intensives done, intensives in all) from the worker to the dialog."""

    moved = Signal(int, int)


class ResearchExportController:
    """Owns one "Export for research" dialog at a time and runs what it asks for."""

    def __init__(
        self,
        vault: Vault,
        window: QWidget,
        background: BackgroundWork,
        actor: Callable[[], str],
        error_colour: Callable[[], str],
        flip_window_s: Callable[[], int],
    ) -> None:
        self.vault = vault
        self.window = window
        self.background = background
        self.actor = actor
        self.error_colour = error_colour
        self.flip_window_s = flip_window_s
        self.dialog: ResearchExportDialog | None = None
        self.chooser: QFileDialog | None = None

    def open(self, selected: int | None = None) -> None:
        """Read the intensives' list, then show the dialog with ``selected`` ticked."""
        vault = self.vault

        def work() -> list[IntensiveListing]:
            from crucible.app.services.listing import list_intensives

            return list_intensives(vault)

        self.background.run_read(work, lambda rows: self._show(rows, selected), self._failed)

    def _failed(self, error: BaseException) -> None:
        show_error(self.window, error_sentence(error))

    def _show(self, rows: list[IntensiveListing], selected: int | None) -> None:
        if not rows:
            show_error(self.window, "There is no intensive to export yet.", "Nothing to export")
            return
        dialog = ResearchExportDialog(self.window, self.error_colour)
        for row in rows:
            first = row.first_date.isoformat() if row.first_date else "no date"
            dialog.add_intensive(
                row.id, f"{row.couple_code} · {first} · {row.title}", row.id == selected
            )
        dialog.on_submit = self._submit
        dialog.destroyed.connect(self._forget)
        self.dialog = dialog
        dialog.open()

    def _forget(self) -> None:
        self.dialog = None

    def _submit(self) -> str | None:
        dialog = self.dialog
        if dialog is None:
            return None
        ids = dialog.chosen_ids()
        if not ids:
            return NOTHING_CHOSEN
        if dialog.fmt() == BORIS:
            if len(ids) != 1:
                return BORIS_NEEDS_ONE
            self.chooser = ask_save_path(
                dialog,
                "Export BORIS project",
                f"intensive-{ids[0]}.boris",
                "BORIS project (*.boris)",
                lambda path: self.export_boris(ids[0], path),
                default_suffix="boris",
            )
            return None
        self.chooser = _ask_folder(dialog, lambda folder: self.export_csv(ids, folder))
        return None

    def export_csv(self, ids: list[int], folder: Path) -> None:
        """Export into a new dated folder inside ``folder``, with the dialog's options."""
        dialog = self.dialog
        if dialog is None:
            return
        from crucible.app.domain.research_codebook import ResearchOptions

        shift = 0
        if dialog.shift_dates.isChecked():
            from crucible.app.services.research_export import random_shift_days

            shift = random_shift_days()
        options = ResearchOptions(
            identified=dialog.identified.isChecked(),
            keep_codes=dialog.keep_codes.isChecked(),
            shift_days=shift,
            with_text=dialog.with_text.isChecked(),
            flip_window_s=self.flip_window_s(),
        )
        target = _new_folder(folder)
        vault, actor, progress = self.vault, self.actor(), _Progress()
        progress.moved.connect(dialog.show_progress)

        def work() -> str:
            from crucible.app.services.research_export import export_research_csv

            result = export_research_csv(
                vault, ids, target, options, actor=actor, progress=progress.moved.emit
            )
            return (
                f"Exported {result.intensives} intensives ({result.observations} observations) "
                f"to the folder {target.name}."
            )

        self._run(work, progress)

    def export_boris(self, intensive_id: int, path: Path) -> None:
        """Write one intensive's BORIS project to ``path`` (the save dialog asked to replace it)."""
        vault, actor, progress = self.vault, self.actor(), _Progress()

        def work() -> str:
            from crucible.app.services.boris_export import export_boris
            from crucible.app.services.files import check_output_path

            check_output_path(vault.folder, path, force=True)
            export_boris(vault, intensive_id, path, actor=actor)
            return f"Saved the BORIS project as {path.name}."

        self._run(work, progress)

    def _run(self, work: Callable[[], str], progress: _Progress) -> None:
        dialog = self.dialog
        if dialog is not None:
            dialog.set_running(True)

        def succeeded(sentence: str) -> None:
            progress.deleteLater()
            if self.dialog is not None:
                self.dialog.finish()
            show_info(self.window, sentence)

        def failed(error: BaseException) -> None:
            progress.deleteLater()
            if self.dialog is not None:
                self.dialog.set_running(False)
                self.dialog.fail(error_sentence(error))
            else:
                show_error(self.window, error_sentence(error))

        self.background.run_write(work, succeeded, failed)


def _ask_folder(parent: QWidget, on_folder: Callable[[Path], None]) -> QFileDialog:
    """Qt's own folder chooser (closable at lock, the same everywhere), as the file prompts use."""
    chooser = QFileDialog(parent, "Crucible — Export for research: choose a folder")
    chooser.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    chooser.setFileMode(QFileDialog.FileMode.Directory)
    chooser.setOption(QFileDialog.Option.ShowDirsOnly, True)
    chooser.setAccessibleName("Choose a folder")
    chooser.setDirectory(str(Path.home()))
    chooser.fileSelected.connect(lambda chosen: on_folder(Path(chosen)))
    chooser.open()
    return chooser


def _new_folder(parent: Path) -> Path:
    """A folder name not taken yet: crucible-research-DATE, then -2, -3 ..."""
    stem = f"crucible-research-{date.today().isoformat()}"
    candidate, n = parent / stem, 1
    while candidate.exists():
        n += 1
        candidate = parent / f"{stem}-{n}"
    return candidate
