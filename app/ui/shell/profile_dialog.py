"""The clinician profile as a form: name, credentials, role, and a trainee's supervisor.

Shown at unlock while the vault has no complete profile (a vault made by
`crucible init` without a TTY or options), and from File › Profile… at any
time. Dismissing it is allowed: blocks still open, but nothing is signed
until the profile carries a name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QRadioButton, QWidget

from crucible.app.ui.kit import forms
from crucible.app.ui.kit.form_dialog import FormDialog

if TYPE_CHECKING:
    from crucible.app.services.profile import ClinicianProfile

COMPLETE_FIRST = (
    "Crucible was set up without your profile. Your name and role go on reports and on every "
    "note you sign; until they are here, notes cannot be signed."
)


class ProfileDialog(FormDialog):
    """Name, credentials, clinician / trainee / supervisor, supervisor's name."""

    def __init__(
        self,
        parent: QWidget,
        profile: ClinicianProfile | None,
        error_colour: Callable[[], str],
        *,
        first_time: bool = False,
    ) -> None:
        super().__init__(parent, "Your profile", "&Save profile", error_colour)
        if first_time:
            self.add_intro(COMPLETE_FIRST, "Why Crucible asks")
        self.name = forms.text_field("Your name", "e.g. Jordan Reyes")
        self.credentials = forms.text_field("Credentials", "e.g. LMFT")
        self.role_clinician = QRadioButton("&Clinician")
        self.role_clinician.setAccessibleName("Role: clinician")
        self.role_trainee = QRadioButton("&Trainee under supervision")
        self.role_trainee.setAccessibleName("Role: trainee")
        self.role_supervisor = QRadioButton("Su&pervisor")
        self.role_supervisor.setAccessibleName("Role: supervisor")
        self.roles = QButtonGroup(self)
        roles = QHBoxLayout()
        for button in (self.role_clinician, self.role_trainee, self.role_supervisor):
            self.roles.addButton(button)
            roles.addWidget(button)
        roles.addStretch(1)
        holder = QWidget()
        roles.setContentsMargins(0, 0, 0, 0)
        holder.setLayout(roles)
        self.supervisor = forms.text_field("Supervisor's name", "Needed for a trainee")
        self.add_row("&Name:", self.name)
        self.add_row("C&redentials:", self.credentials)
        self.add_row("Role:", holder, self.role_clinician)
        self.add_row("&Supervisor:", self.supervisor)
        self.role_trainee.toggled.connect(self.supervisor.setEnabled)
        self._fill(profile)

    def _fill(self, profile: ClinicianProfile | None) -> None:
        role = str(profile.role) if profile is not None else "clinician"
        if profile is not None and profile.complete:
            self.name.setText(profile.name)
            self.credentials.setText(profile.credentials)
            self.supervisor.setText(profile.supervisor or "")
        {
            "trainee": self.role_trainee,
            "supervisor": self.role_supervisor,
        }.get(role, self.role_clinician).setChecked(True)
        self.supervisor.setEnabled(self.role_trainee.isChecked())

    def chosen(self) -> tuple[str, str, str, str | None]:
        """(name, credentials, role, supervisor) as typed; the profile service checks them."""
        role = (
            "trainee"
            if self.role_trainee.isChecked()
            else "supervisor"
            if self.role_supervisor.isChecked()
            else "clinician"
        )
        supervisor = self.supervisor.text() if role == "trainee" else None
        return self.name.text(), self.credentials.text(), role, supervisor
