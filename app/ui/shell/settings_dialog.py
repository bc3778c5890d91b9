"""The Settings dialog, generated from the typed declarations in app.services.settings.

Adding a setting there adds its control here (`setting_controls.control_for`
picks it from the type), with the declared label and description; hidden
settings are remembered but not shown. What the form holds is checked by
the same `decode` that checks the settings file, so a bad entry is named in
one sentence and the dialog stays open.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from crucible.app.services.settings_schema import BadValue, decode, entries
from crucible.app.ui.kit import forms
from crucible.app.ui.kit.form_dialog import FormDialog
from crucible.app.ui.shell.setting_controls import control_for


class SettingsDialog(FormDialog):
    """One control per visible setting of `current`'s settings class."""

    def __init__(self, parent: QWidget, current: Any, error_colour: Callable[[], str]) -> None:
        super().__init__(parent, "Settings", "&Save", error_colour)
        self._current = current
        self._schema: type = type(current)
        self._readers: dict[str, Callable[[], Any]] = {}
        for entry in entries(self._schema):
            if entry.info.hidden:
                continue
            made = control_for(entry, getattr(current, entry.name))
            info = entry.info
            made.focus.setAccessibleName(info.label)
            made.focus.setAccessibleDescription(info.description)
            made.focus.setToolTip(info.description)
            made.focus.setObjectName(f"setting-{entry.name}")
            self._readers[entry.name] = made.read
            holder = QWidget()
            column = QVBoxLayout(holder)
            column.setContentsMargins(0, 0, 0, 4)
            column.setSpacing(2)
            column.addWidget(made.widget)
            note: QLabel = forms.paragraph(info.description, f"{info.label}: description")
            note.setEnabled(False)
            column.addWidget(note)
            self.add_row(f"{info.label}:", holder, made.focus)

    def control(self, name: str) -> QWidget:
        """The control of one setting (tests drive it)."""
        found = self.findChild(QWidget, f"setting-{name}")
        assert found is not None
        return found

    def accept(self) -> None:
        """Refuse an entry that does not fit its setting here, before it is saved."""
        try:
            self.chosen()
        except BadValue as why:
            self.fail(str(why))
            return
        super().accept()

    def chosen(self) -> Any:
        """The settings as the form shows them (hidden ones as they were).

        Raises BadValue with a sentence naming the setting when an entry does not fit.
        """
        values = {}
        for entry in entries(self._schema):
            if entry.name in self._readers:
                try:
                    values[entry.name] = decode(entry, self._readers[entry.name]())
                except BadValue as why:
                    raise BadValue(f"{entry.info.label} {why}.") from None
        return dataclasses.replace(self._current, **values)
