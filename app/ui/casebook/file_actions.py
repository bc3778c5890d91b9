"""File menu work: import and export the JSON format, PDF reports, exports for research.

All of it runs through the background helper with a progress dialog, so a
large file never freezes the window; failures show the same sentence the
`crucible` command prints. Like the edits, it owns its buttons on the
details pages and sees the navigator only as `CasebookAccess`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from crucible.app.ui.casebook.casebook_access import CasebookAccess
from crucible.app.ui.casebook.details_view import DetailsView
from crucible.app.ui.casebook.navigator_model import COUPLE, INTENSIVE
from crucible.app.ui.casebook.report_dialog import ReportDialog
from crucible.app.ui.casebook.research_export_controller import ResearchExportController
from crucible.app.ui.kit.background import BackgroundWork
from crucible.app.ui.kit.prompts import ask_open_path, ask_save_path, show_error, show_info
from crucible.app.ui.shell.vault_gateway import error_sentence

if TYPE_CHECKING:
    from crucible.app.services.report_export import ReportRequest
    from crucible.app.services.settings import Settings
    from crucible.app.services.vault_handle import Vault

JSON_FILTER = "Crucible intensive (*.json)"
T = TypeVar("T")


class FileActions:
    """Import, export and report, for one workspace."""

    def __init__(
        self,
        casebook: CasebookAccess,
        details: DetailsView,
        vault: Vault,
        window: QWidget,
        background: BackgroundWork,
        settings: Callable[[], Settings],
    ) -> None:
        self.ws = casebook
        self.vault = vault
        self.window = window
        self.background = background
        self.settings = settings
        self.progress: QProgressDialog | None = None
        d = details
        d.empty_import.clicked.connect(self.ask_import)
        d.export_json.clicked.connect(self.ask_export_json)
        d.export_report.clicked.connect(self.ask_report)
        self.research = ResearchExportController(
            vault,
            window,
            background,
            lambda: casebook.actor,
            casebook.error_colour,
            lambda: settings().flip_window_s,
        )

    def ask_research_export(self) -> None:
        """File › Export for research…, with the selected intensive (if any) ticked."""
        key = self.ws.parent_key(INTENSIVE)
        self.research.open(None if key is None else key[1])

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

    def _run(self, text: str, work: Callable[[], T], then: Callable[[T], object]) -> None:
        self._busy(text)

        def failed(error: BaseException) -> None:
            self._done()
            show_error(self.window, error_sentence(error))

        def succeeded(result: T) -> None:
            self._done()
            then(result)

        self.background.run(work, succeeded, failed)

    # ------------------------------------------------------------------ JSON

    def ask_import(self) -> None:
        """Choose a JSON file to import."""
        ask_open_path(self.window, "Import intensive", JSON_FILTER, self.import_file)

    def import_file(self, path: Path) -> None:
        """Validate and import `path` off the UI thread; select the new intensive."""
        vault, actor = self.vault, self.ws.actor

        def work() -> int:
            from crucible.app.services.errors import InputError
            from crucible.app.services.intensive_exchange import import_intensive

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
        couple_key = self.ws.parent_key(COUPLE)
        couple = self.ws.couple_of(couple_key) if couple_key is not None else None
        code = couple.code if couple is not None else "couple"
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
        vault, actor = self.vault, self.ws.actor

        def work() -> Path:
            from crucible.app.services.files import check_output_path, write_user_file
            from crucible.app.services.intensive_exchange import export_intensive

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
        intensive = self.ws.intensive_of(key)
        if intensive is None:
            return None
        settings = self.settings()
        dialog = ReportDialog(
            self.window,
            intensive.title,
            bool(intensive.trainee or intensive.supervisor),
            settings.paper,
            self.ws.error_colour,
        )

        def submit() -> str | None:
            from crucible.app.services.report_export import ReportRequest

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

    def _choose_report_file(self, request: ReportRequest) -> None:
        vault = self.vault

        def name() -> str:
            from crucible.app.services.report_export import suggested_file_name

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

    def export_report(self, request: ReportRequest, path: Path) -> None:
        """Build, maybe encrypt, and write the PDF; the export is audited."""
        vault, actor = self.vault, self.ws.actor

        def work() -> Path:
            from crucible.app.services.files import check_output_path
            from crucible.app.services.report_export import export_report

            check_output_path(vault.folder, path, force=True)  # the dialog asked "replace?"
            return export_report(vault, request, path, actor=actor, prepared_by=actor)

        self._run(
            "Building the report…",
            work,
            lambda p: show_info(self.window, f"Saved the report as {p.name}."),
        )
