"""The first-run screens, built but not wired: who you are, a passphrase, the recovery code.

Behaviour lives in first_run.py; this module only lays the widgets out.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from crucible.app.ui.kit import forms
from crucible.app.ui.kit.enter_key import EnterSubmits

RECOVERY_EXPLANATION = (
    "This code is the only way back into your notes if you forget your passphrase; "
    "keep it on paper, away from this computer."
)


def _form(parent_layout: QVBoxLayout) -> QFormLayout:
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setSpacing(10)
    parent_layout.addLayout(form)
    return form


def _buttons(parent_layout: QVBoxLayout, *buttons: QWidget) -> None:
    parent_layout.addSpacing(6)
    row = QHBoxLayout()
    row.addStretch(1)
    for push in buttons:
        row.addWidget(push)
    parent_layout.addLayout(row)


class FirstRunView(QWidget):
    """Three steps in one card: profile, passphrase, recovery code."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("First-run setup")
        frame, layout = forms.card()
        self.step = QLabel()
        self.step.setAccessibleName("Setup step")
        layout.addWidget(self.step)
        self.pages = QStackedWidget()
        self.pages.setAccessibleName("Setup steps")
        layout.addWidget(self.pages)
        self.pages.addWidget(self._profile_page())
        self.pages.addWidget(self._passphrase_page())
        self.pages.addWidget(self._code_page())
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(forms.centred(frame))

    def _profile_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(forms.heading("Welcome to Crucible"))
        layout.addWidget(
            forms.paragraph(
                "Your notes stay encrypted on this computer. First, tell Crucible who you are: "
                "it prints this on reports and signed notes."
            )
        )
        form = _form(layout)
        self.name = forms.text_field("Your name", "e.g. Jordan Reyes")
        self.credentials = forms.text_field("Credentials", "e.g. LMFT")
        self.role_clinician = QRadioButton("&Clinician")
        self.role_clinician.setAccessibleName("Role: clinician")
        self.role_clinician.setChecked(True)
        self.role_trainee = QRadioButton("&Trainee under supervision")
        self.role_trainee.setAccessibleName("Role: trainee")
        self.role_supervisor = QRadioButton("Su&pervisor")
        self.role_supervisor.setAccessibleName("Role: supervisor")
        self.roles = QButtonGroup(page)
        roles = QHBoxLayout()
        for role in (self.role_clinician, self.role_trainee, self.role_supervisor):
            self.roles.addButton(role)
            roles.addWidget(role)
        roles.addStretch(1)
        self.supervisor = forms.text_field("Supervisor's name", "Needed for a trainee")
        self.supervisor.setEnabled(False)
        form.addRow(_buddy("Na&me:", self.name), self.name)
        form.addRow(_buddy("C&redentials:", self.credentials), self.credentials)
        form.addRow("Role:", roles)
        form.addRow(_buddy("&Supervisor:", self.supervisor), self.supervisor)
        self.profile_message = forms.message_line("Profile problem")
        layout.addWidget(self.profile_message)
        self.next = forms.button("&Next", "Next: choose a passphrase", default=True)
        _buttons(layout, self.next)
        EnterSubmits(page, self.next)
        return page

    def _passphrase_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(forms.heading("Choose a passphrase"))
        layout.addWidget(
            forms.paragraph(
                "You will type it every time you open Crucible. A few unrelated words are "
                "easier to remember and harder to guess than a short password."
            )
        )
        form = _form(layout)
        self.passphrase = forms.secret_field("Passphrase")
        self.repeat = forms.secret_field("Repeat the passphrase")
        form.addRow(_buddy("&Passphrase:", self.passphrase), self.passphrase)
        form.addRow(_buddy("&Repeat it:", self.repeat), self.repeat)
        self.show_passphrase = QCheckBox("S&how what I type")
        self.show_passphrase.setAccessibleName("Show the passphrase")
        form.addRow("", self.show_passphrase)
        self.hint = forms.paragraph("", "Passphrase strength")
        form.addRow("Strength:", self.hint)
        self.passphrase_message = forms.message_line("Passphrase problem")
        layout.addWidget(self.passphrase_message)
        self.create_busy = forms.busy_bar("Creating the vault")
        layout.addWidget(self.create_busy)
        self.back = forms.button("&Back", "Back to your details")
        self.create_button = forms.button("&Create vault", default=True)
        _buttons(layout, self.back, self.create_button)
        EnterSubmits(page, self.create_button)
        return page

    def _code_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(forms.heading("Your recovery code"))
        layout.addWidget(forms.paragraph(RECOVERY_EXPLANATION))
        self.code = QLabel()
        self.code.setAccessibleName("Recovery code")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSize(mono.pointSize() + 5)
        mono.setWeight(QFont.Weight.Bold)
        self.code.setFont(mono)
        self.code.setWordWrap(True)
        self.code.setStyleSheet(
            "padding: 12px; border: 1px solid palette(mid); border-radius: 4px;"
        )
        layout.addWidget(self.code)
        layout.addWidget(forms.paragraph("It is shown only this once."))
        self.save_kit = forms.button(
            "&Save emergency kit (PDF)…", "Save the emergency kit as a PDF"
        )
        self.print_code = forms.button("&Print…", "Print the recovery code")
        row = QHBoxLayout()
        row.addWidget(self.save_kit)
        row.addWidget(self.print_code)
        row.addStretch(1)
        layout.addLayout(row)
        self.kit_message = forms.message_line("Emergency kit status")
        layout.addWidget(self.kit_message)
        form = _form(layout)
        self.confirm = forms.text_field("Last group of the recovery code", "4 characters")
        self.confirm.setMaxLength(9)
        form.addRow(_buddy("Type its &last group:", self.confirm), self.confirm)
        self.confirm_message = forms.message_line("Recovery code check")
        layout.addWidget(self.confirm_message)
        self.finish = forms.button("C&ontinue", "Continue to Crucible", default=True)
        self.finish.setEnabled(False)
        _buttons(layout, self.finish)
        EnterSubmits(page, self.finish)
        return page


def _buddy(text: str, field: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(field)
    label.setAccessibleName(text.replace("&", "").rstrip(":"))
    return label
