"""The unlock screen (also the lock screen): passphrase, or the recovery-code path.

Widgets only; unlock.py reacts.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from crucible.app.ui.kit import forms
from crucible.app.ui.kit.enter_key import EnterSubmits


def _buddy(text: str, field: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(field)
    label.setAccessibleName(text.replace("&", "").rstrip(":"))
    return label


class UnlockView(QWidget):
    """A card with two pages: the passphrase, and recovery with a new passphrase."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Unlock Crucible")
        # One card per page, each centred on its own: a card sized to its
        # own content, rather than to the taller recovery page.
        self.pages = QStackedWidget()
        self.pages.setAccessibleName("Unlock steps")
        for page in (self._passphrase_page(), self._recovery_page()):
            frame, layout = forms.card()
            layout.addWidget(page)
            self.pages.addWidget(forms.centred(frame))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.pages)

    def _passphrase_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        self.title = forms.heading("Unlock Crucible")
        layout.addWidget(self.title)
        self.subtitle = forms.paragraph(
            "Your notes are encrypted. Enter your passphrase to open them.", "Explanation"
        )
        layout.addWidget(self.subtitle)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.passphrase = forms.secret_field("Passphrase")
        form.addRow(_buddy("&Passphrase:", self.passphrase), self.passphrase)
        layout.addLayout(form)
        self.message = forms.message_line("Unlock problem")
        layout.addWidget(self.message)
        self.busy = forms.busy_bar("Unlocking")
        layout.addWidget(self.busy)
        self.use_code = forms.button("Use &recovery code…", "Use the recovery code instead")
        self.use_code.setFlat(True)
        self.unlock = forms.button("&Unlock", default=True)
        row = QHBoxLayout()
        row.addWidget(self.use_code)
        row.addStretch(1)
        row.addWidget(self.unlock)
        layout.addLayout(row)
        EnterSubmits(page, self.unlock)
        return page

    def _recovery_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(forms.heading("Use your recovery code"))
        layout.addWidget(
            forms.paragraph(
                "Type the code from your emergency kit, then choose a new passphrase. "
                "The recovery code keeps working afterwards."
            )
        )
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.code = forms.secret_field("Recovery code", "XXXX-XXXX-…")
        self.code.setEchoMode(self.code.EchoMode.Normal)
        self.new_passphrase = forms.secret_field("New passphrase")
        self.repeat = forms.secret_field("Repeat the new passphrase")
        self.hint = forms.paragraph("", "Passphrase strength")
        form.addRow(_buddy("Recovery &code:", self.code), self.code)
        form.addRow(_buddy("&New passphrase:", self.new_passphrase), self.new_passphrase)
        form.addRow(_buddy("&Repeat it:", self.repeat), self.repeat)
        form.addRow("Strength:", self.hint)
        layout.addLayout(form)
        self.recovery_message = forms.message_line("Recovery problem")
        layout.addWidget(self.recovery_message)
        self.recovery_busy = forms.busy_bar("Checking the recovery code")
        layout.addWidget(self.recovery_busy)
        self.back = forms.button("&Back", "Back to the passphrase")
        self.recover = forms.button("&Set passphrase and unlock", default=True)
        row = QHBoxLayout()
        row.addWidget(self.back)
        row.addStretch(1)
        row.addWidget(self.recover)
        layout.addLayout(row)
        EnterSubmits(page, self.recover)
        return page
