"""The Settings dialog, generated from the declarations in app.services.settings.

Adding a setting there adds its control here: a spin box for a bounded
number, a drop-down for a choice, a check box for a flag, each with the
declared description underneath.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QSpinBox, QVBoxLayout, QWidget

from app.services.settings import Settings, coerce, declarations
from app.ui.kit import forms
from app.ui.kit.form_dialog import FormDialog

CHOICE_LABELS = {
    "letter": "US Letter",
    "a4": "A4",
    "system": "Follow the system",
    "light": "Light",
    "dark": "Dark",
}


class SettingsDialog(FormDialog):
    """One control per declared setting."""

    def __init__(self, parent: QWidget, current: Settings, error_colour: Callable[[], str]) -> None:
        super().__init__(parent, "Settings", "&Save", error_colour)
        self._readers: dict[str, Callable[[], Any]] = {}
        for name, kind, _default, info in declarations():
            value = getattr(current, name)
            control: QWidget
            if info.choices:
                combo = QComboBox()
                for choice in info.choices:
                    combo.addItem(CHOICE_LABELS.get(choice, choice), choice)
                combo.setCurrentIndex(max(0, combo.findData(value)))
                self._readers[name] = combo.currentData
                control = combo
            elif kind is bool:
                box = QCheckBox()
                box.setChecked(bool(value))
                self._readers[name] = box.isChecked
                control = box
            else:
                spin = QSpinBox()
                spin.setRange(info.minimum or 0, info.maximum or 1_000_000)
                spin.setValue(int(value))
                if info.unit:
                    spin.setSuffix(f" {info.unit}")
                self._readers[name] = spin.value
                control = spin
            control.setAccessibleName(info.label)
            control.setAccessibleDescription(info.description)
            control.setToolTip(info.description)
            control.setObjectName(f"setting-{name}")
            holder = QWidget()
            column = QVBoxLayout(holder)
            column.setContentsMargins(0, 0, 0, 4)
            column.setSpacing(2)
            column.addWidget(control)
            note: QLabel = forms.paragraph(info.description, f"{info.label}: description")
            note.setEnabled(False)
            column.addWidget(note)
            self.add_row(f"{info.label}:", holder, control)

    def control(self, name: str) -> QWidget:
        """The control of one setting (tests drive it)."""
        found = self.findChild(QWidget, f"setting-{name}")
        assert found is not None
        return found

    def chosen(self) -> Settings:
        """The settings as the form now shows them."""
        return coerce({name: read() for name, read in self._readers.items()})
