"""The "Export for research" dialog: which intensives, in which shape, how de-identified.

Widgets only; `ResearchExportController` fills the list, reacts to OK and
shows the progress. De-identified is the default: every option that lets
something identifying out (codes, names, real dates are the exception the
issue asks for) starts unticked.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from crucible.app.ui.kit import forms
from crucible.app.ui.kit.form_dialog import FormDialog

CSV, BORIS = "csv", "boris"


class ResearchExportDialog(FormDialog):
    """Intensives to export, the format, the de-identification options, and a progress bar."""

    def __init__(self, parent: QWidget, error_colour: Callable[[], str]) -> None:
        super().__init__(parent, "Export for research", "&Choose folder…", error_colour)
        self.form.addRow(
            forms.paragraph(
                "Coded observations for R, pandas or BORIS. Partners' names are left out "
                "and couples become pseudonyms unless you choose otherwise.",
                "What the export is",
            )
        )
        self.intensives = QListWidget()
        self.intensives.setAccessibleName("Intensives to export")
        self.intensives.setMinimumHeight(140)
        self.add_row("&Intensives:", self.intensives)
        self.csv = QRadioButton("&Tables (CSV) with a codebook, for R and pandas")
        self.csv.setAccessibleName("CSV tables")
        self.boris = QRadioButton("&BORIS project of one intensive")
        self.boris.setAccessibleName("BORIS project")
        group = QButtonGroup(self)
        group.addButton(self.csv)
        group.addButton(self.boris)
        self.csv.setChecked(True)
        formats = QWidget()
        formats_layout = QVBoxLayout(formats)
        formats_layout.setContentsMargins(0, 0, 0, 0)
        formats_layout.addWidget(self.csv)
        formats_layout.addWidget(self.boris)
        self.form.addRow("Format:", formats)
        self.keep_codes = QCheckBox("Keep the couples' &codes (otherwise pseudonyms)")
        self.shift_dates = QCheckBox("&Shift dates by a secret number of weeks")
        self.with_text = QCheckBox("Add the observations' free &text (names replaced)")
        self.identified = QCheckBox("Keep the partners' &names (identified export)")
        for box in (self.keep_codes, self.shift_dates, self.with_text, self.identified):
            box.setAccessibleName(box.text().replace("&", ""))
            self.form.addRow("", box)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Export progress")
        self.progress.setVisible(False)
        self.form.addRow("", self.progress)
        self.boris.toggled.connect(self._update)
        self.identified.toggled.connect(self._update)
        self._update()

    def add_intensive(self, intensive_id: int, label: str, checked: bool) -> None:
        """One line of the list: the intensive's code, date and title, ticked or not."""
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, intensive_id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.intensives.addItem(item)

    def chosen_ids(self) -> list[int]:
        """The ticked intensives, in list order."""
        chosen = []
        for row in range(self.intensives.count()):
            item = self.intensives.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                chosen.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return chosen

    def fmt(self) -> str:
        """Which format: CSV tables or a BORIS project."""
        return BORIS if self.boris.isChecked() else CSV

    def _update(self) -> None:
        csv = not self.boris.isChecked()
        for box in (self.keep_codes, self.shift_dates, self.with_text, self.identified):
            box.setEnabled(csv)
        if self.identified.isChecked():
            self.keep_codes.setChecked(True)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("&Choose folder…" if csv else "&Choose file…")
        ok.setAccessibleName(ok.text().replace("&", ""))

    def set_running(self, running: bool) -> None:
        """While the export runs: the progress bar shows, nothing else can be changed."""
        self.progress.setVisible(running)
        for widget in (self.intensives, self.csv, self.boris, self.buttons):
            widget.setEnabled(not running)
        for box in (self.keep_codes, self.shift_dates, self.with_text, self.identified):
            box.setEnabled(not running and not self.boris.isChecked())

    def show_progress(self, done: int, total: int) -> None:
        """How many intensives are written."""
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{done} of {total} intensives")

    def accept(self) -> None:
        """Start the export if the choices hold; the controller closes the dialog when done."""
        problem = self.on_submit()
        if problem:
            self.fail(problem)

    def finish(self) -> None:
        """Close after a finished export."""
        QDialog.accept(self)
