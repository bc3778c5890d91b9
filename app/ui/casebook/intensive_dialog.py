"""Dialogs about an intensive: start one from a template, supervision, a new title."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QWidget

from crucible.app.ui.kit import forms
from crucible.app.ui.kit.form_dialog import FormDialog

if TYPE_CHECKING:
    from crucible.app.services.casebook import IntensiveOutline, Template
    from crucible.app.services.profile import ClinicianProfile


class NewIntensiveDialog(FormDialog):
    """Template, title, first day, and whether a trainee runs it under supervision."""

    def __init__(
        self,
        parent: QWidget,
        couple_code: str,
        templates: list[Template],
        profile: ClinicianProfile | None,
        error_colour: Callable[[], str],
        today: date,
    ) -> None:
        super().__init__(parent, f"New intensive for {couple_code}", "&Create", error_colour)
        self.template = QComboBox()
        self.template.setAccessibleName("Template")
        for template in templates:
            days = len(template.days)
            blocks = sum(len(d) for d in template.days)
            self.template.addItem(f"{template.name} ({days} days, {blocks} blocks)", template)
        self.add_row("&Template:", self.template)
        self.title = forms.text_field("Title")
        self.title.setText(templates[0].name if templates else "Intensive")
        self.add_row("T&itle:", self.title)
        self.first_date = QDateEdit(QDate(today.year, today.month, today.day))
        self.first_date.setCalendarPopup(True)
        self.first_date.setDisplayFormat("ddd d MMM yyyy")
        self.first_date.setAccessibleName("First day")
        self.add_row("&First day:", self.first_date)
        self.supervised = QCheckBox("&Run by a trainee under supervision")
        self.supervised.setAccessibleName("Supervised intensive")
        self.form.addRow("", self.supervised)
        self.trainee = forms.text_field("Trainee")
        self.supervisor = forms.text_field("Supervisor")
        self.add_row("Tr&ainee:", self.trainee)
        self.add_row("S&upervisor:", self.supervisor)
        if profile is not None and str(profile.role) == "trainee":
            self.supervised.setChecked(True)
            self.trainee.setText(profile.signature)
            self.supervisor.setText(profile.supervisor or "")
        self.supervised.toggled.connect(self._toggle)
        self._toggle(self.supervised.isChecked())

    def _toggle(self, on: bool) -> None:
        self.trainee.setEnabled(on)
        self.supervisor.setEnabled(on)

    def chosen_date(self) -> date:
        """The first day as a Python date."""
        value = self.first_date.date()
        return date(value.year(), value.month(), value.day())


class SupervisionDialog(FormDialog):
    """Trainee and supervisor; both blank marks the intensive as not supervised."""

    def __init__(
        self,
        parent: QWidget,
        intensive: IntensiveOutline,
        profile: ClinicianProfile | None,
        error_colour: Callable[[], str],
    ) -> None:
        super().__init__(parent, "Supervision", "&Save", error_colour)
        self.trainee = forms.text_field("Trainee")
        self.supervisor = forms.text_field("Supervisor")
        self.trainee.setText(intensive.trainee or "")
        self.supervisor.setText(intensive.supervisor or "")
        if not intensive.trainee and profile is not None and str(profile.role) == "trainee":
            self.trainee.setText(profile.signature)
            self.supervisor.setText(profile.supervisor or "")
        self.add_row("&Trainee:", self.trainee)
        self.add_row("&Supervisor:", self.supervisor)
        self.form.addRow(
            "", forms.paragraph("Leave both empty if the intensive was not supervised.")
        )


class RenameDialog(FormDialog):
    """A new title for an intensive."""

    def __init__(self, parent: QWidget, title: str, error_colour: Callable[[], str]) -> None:
        super().__init__(parent, "Rename intensive", "&Rename", error_colour)
        self.title = forms.text_field("Title")
        self.title.setText(title)
        self.add_row("&Title:", self.title)
