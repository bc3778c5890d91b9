"""The "Export report" dialog: which report, de-identified or not, paper, and a password.

The supervision report leaves the practice, so it is de-identified unless
the clinician ticks the box; the summary is for the record and names the
partners.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QButtonGroup, QCheckBox, QComboBox, QRadioButton, QVBoxLayout, QWidget

from crucible.app.ui.kit import forms
from crucible.app.ui.kit.form_dialog import FormDialog


class ReportDialog(FormDialog):
    """Report kind, identification, paper and optional password."""

    def __init__(
        self,
        parent: QWidget,
        intensive_title: str,
        supervised: bool,
        paper: str,
        error_colour: Callable[[], str],
    ) -> None:
        super().__init__(parent, "Export report", "&Choose file…", error_colour)
        self.add_intro(f"Report on: {intensive_title}", "Intensive reported on")
        self.summary = QRadioButton("&Intensive summary, for the clinical record")
        self.summary.setAccessibleName("Intensive summary")
        self.supervision = QRadioButton("&Supervision report, for a supervisor")
        self.supervision.setAccessibleName("Supervision report")
        group = QButtonGroup(self)
        group.addButton(self.summary)
        group.addButton(self.supervision)
        (self.supervision if supervised else self.summary).setChecked(True)
        kinds = QWidget()
        kinds_layout = QVBoxLayout(kinds)
        kinds_layout.setContentsMargins(0, 0, 0, 0)
        kinds_layout.addWidget(self.summary)
        kinds_layout.addWidget(self.supervision)
        self.form.addRow("Report:", kinds)
        self.identified = QCheckBox("Show the partners' &names (otherwise Partner A / Partner B)")
        self.identified.setAccessibleName("Identify the partners in the supervision report")
        self.form.addRow("", self.identified)
        self.paper = QComboBox()
        self.paper.setAccessibleName("Paper size")
        self.paper.addItem("US Letter", "letter")
        self.paper.addItem("A4", "a4")
        self.paper.setCurrentIndex(max(0, self.paper.findData(paper)))
        self.add_row("&Paper:", self.paper)
        self.protect = QCheckBox("Protect the PDF with a pass&word (AES-256)")
        self.protect.setAccessibleName("Protect with a password")
        self.form.addRow("", self.protect)
        self.password = forms.secret_field("Report password")
        self.repeat = forms.secret_field("Repeat the report password")
        self.add_row("Pass&word:", self.password)
        self.add_row("&Repeat:", self.repeat)
        self.supervision.toggled.connect(self._update)
        self.protect.toggled.connect(self._update)
        self._update()

    def _update(self) -> None:
        self.identified.setEnabled(self.supervision.isChecked())
        if not self.supervision.isChecked():
            self.identified.setChecked(False)
        for field in (self.password, self.repeat):
            field.setEnabled(self.protect.isChecked())

    def kind(self) -> str:
        """Which report: summary or supervision."""
        return "supervision" if self.supervision.isChecked() else "summary"

    def chosen_password(self) -> tuple[str | None, str | None]:
        """(password as PDF readers will check it, or None; problem or None)."""
        from crucible.app.services.report_password import (
            ReportPasswordError,
            prepare_report_password,
        )

        if not self.protect.isChecked():
            return None, None
        password = self.password.text()
        try:
            prepared = prepare_report_password(password)
        except ReportPasswordError as error:
            return None, str(error)
        if password != self.repeat.text():
            return None, "The two report passwords differ."
        return prepared, None
