"""File menu work: import and export the JSON exchange format, and export PDF reports.

All of it runs through the background helper with a progress dialog, so a
large file never freezes the window; failures show the same sentence the
`crucible` command prints.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.ui.casebook.casebook_controller import CasebookController
from app.ui.casebook.navigator_model import INTENSIVE
from app.ui.casebook.report_dialog import ReportDialog
from app.ui.kit.background import BackgroundWork
from app.ui.kit.prompts import ask_open_path, ask_save_path, show_error, show_info
from app.ui.shell.vault_gateway import error_sentence

JSON_FILTER = "Crucible intensive (*.json)"


class FileActions:
    """Import, export and report, for one workspace."""

    def __init__(
        self,
        workspace: CasebookController,
        window: QWidget,
        background: BackgroundWork,
        settings: Callable[[], Any],
    ) -> None:
        self.ws = workspace
        self.window = window
        self.background = background
        self.settings = settings
        self.progress: QProgressDialog | None = None
        d = workspace.view.details
        d.empty_import.clicked.connect(self.ask_import)
        d.export_json.clicked.connect(self.ask_export_json)
        d.export_report.clicked.connect(self.ask_report)

    def _busy(self, text: str) -> None:
        progress = QProgressDialog(text, "", 0, 0, self.window)
        progress.setWindowTitle("Crucible — Working")
        progress.setAccessibleName(text)
        progress.setCancelButton(None)
        progress.setMinimumDuration(300)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.progress = progress

    def _done(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress = None

    def _run(self, text: str, work: Callable[[], Any], then: Callable[[Any], object]) -> None:
        self._busy(text)

        def failed(error: BaseException) -> None:
            self._done()
            show_error(self.window, error_sentence(error))

        def succeeded(result: Any) -> None:
            self._done()
            then(result)

        self.background.run(work, succeeded, failed)

    # ------------------------------------------------------------------ JSON

    def ask_import(self) -> None:
        """Choose a JSON file to import."""
        ask_open_path(self.window, "Import intensive", JSON_FILTER, self.import_file)

    def import_file(self, path: Path) -> None:
        """Validate and import `path` off the UI thread; select the new intensive."""
        vault, actor = self.ws.vault, self.ws.actor

        def work() -> int:
            from app.services.errors import InputError
            from app.services.intensive_exchange import import_intensive

            try:
                data = path.read_bytes()
            except OSError:
                raise InputError(f"The file {path.name!r} cannot be read.") from None
            return import_intensive(vault, data, actor=actor)

        size = path.stat().st_size if path.exists() else 0
        self._run(
            f"Importing {path.name} ({size / 1_048_576:.1f} MB)…",
            work,
            lambda new_id: self.ws.refresh((INTENSIVE, new_id)),
        )

    def ask_export_json(self) -> None:
        """Choose where to write the selected intensive as JSON."""
        key = self.ws.parent_key(INTENSIVE)
        if key is None:
            show_error(self.window, "Select an intensive to export.", "Nothing selected")
            return
        code = self.ws.summary_of(self.ws.parent_key("couple")).code  # type: ignore[arg-type]
        ask_save_path(
            self.window,
            "Export intensive",
            f"{code}-intensive-{key[1]}.json",
            JSON_FILTER,
            lambda path: self.export_json(key[1], path),
            default_suffix="json",
        )

    def export_json(self, intensive_id: int, path: Path) -> None:
        """Write the intensive as an exchange document (crucible.intensive/1, or /1.1 with runs)."""
        vault, actor = self.ws.vault, self.ws.actor

        def work() -> Path:
            from app.services.files import check_output_path, write_user_file
            from app.services.intensive_exchange import export_intensive

            # force: the save dialog has asked before replacing an existing file
            check_output_path(vault.folder, path, force=True)
            write_user_file(path, export_intensive(vault, intensive_id, actor=actor))
            return path

        self._run("Exporting…", work, lambda p: show_info(self.window, f"Exported to {p.name}."))

    # ------------------------------------------------------------------ reports

    def ask_report(self) -> ReportDialog | None:
        """Open the report dialog for the selected intensive."""
        key = self.ws.parent_key(INTENSIVE)
        if key is None:
            show_error(self.window, "Select an intensive to report on.", "Nothing selected")
            return None
        intensive = self.ws.summary_of(key)
        settings = self.settings()
        dialog = ReportDialog(
            self.window,
            intensive.title,
            bool(intensive.trainee or intensive.supervisor),
            settings.paper,
            self.ws.error_colour,
        )

        def submit() -> str | None:
            from app.services.report_export import ReportRequest

            password, problem = dialog.chosen_password()
            if problem:
                return problem
            request = ReportRequest(
                intensive_id=key[1],
                kind=dialog.kind(),  # type: ignore[arg-type]
                identified=dialog.identified.isChecked(),
                paper=dialog.paper.currentData(),
                flip_window_s=settings.flip_window_s,
                password=password,
            )
            self._choose_report_file(request)
            return None

        dialog.on_submit = submit
        dialog.open()
        return dialog

    def _choose_report_file(self, request: Any) -> None:
        vault = self.ws.vault

        def name() -> str:
            from app.services.report_export import suggested_file_name

            return suggested_file_name(vault, request)

        self._run(
            "Preparing…",
            name,
            lambda suggested: ask_save_path(
                self.window,
                "Export report",
                suggested,
                "PDF files (*.pdf)",
                lambda path: self.export_report(request, path),
                default_suffix="pdf",
            ),
        )

    def export_report(self, request: Any, path: Path) -> None:
        """Build, maybe encrypt, and write the PDF; the export is audited."""
        vault, actor = self.ws.vault, self.ws.actor

        def work() -> Path:
            from app.services.files import check_output_path
            from app.services.report_export import export_report

            check_output_path(vault.folder, path, force=True)  # the dialog asked "replace?"
            return export_report(vault, request, path, actor=actor, prepared_by=actor)

        self._run(
            "Building the report…",
            work,
            lambda p: show_info(self.window, f"Saved the report as {p.name}."),
        )
