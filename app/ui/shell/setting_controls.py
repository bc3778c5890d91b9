"""One form control per kind of setting, chosen from the type the schema read off the annotation.

A `Choice` is a drop-down of its members' labels, a bounded int a spin box
with its unit, a bool a check box, text and dates a line, a Path a line with
a "Choose…" button. Each control comes with a reader that returns the text
or number as the settings file would hold it, so `decode` checks what the
clinician typed exactly as it checks the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from crucible.app.services.settings_schema import Entry, encode

SPIN_LIMIT = 1_000_000  # a bound for a number declared without one


@dataclass
class SettingControl:
    """The widget to place, the one that takes focus and names, and how to read it (JSON form)."""

    widget: QWidget
    focus: QWidget
    read: Callable[[], Any]


def control_for(entry: Entry, value: Any) -> SettingControl:
    """The control for one setting, showing `value`."""
    if entry.choices:
        return _choice(entry, value)
    if entry.kind is bool:
        box = QCheckBox()
        box.setChecked(bool(value))
        return SettingControl(box, box, box.isChecked)
    if entry.kind is int:
        return _number(entry, value)
    if entry.kind is Path:
        return _path(entry, value)
    line = QLineEdit("" if value is None else str(encode(value)))
    if entry.kind is date:
        line.setPlaceholderText("YYYY-MM-DD")
    return SettingControl(line, line, _text_reader(entry, line))


def _choice(entry: Entry, value: Any) -> SettingControl:
    combo = QComboBox()
    for member in entry.choices:
        combo.addItem(member.label, member.value)
    combo.setCurrentIndex(max(0, combo.findData(encode(value))))
    return SettingControl(combo, combo, combo.currentData)


def _number(entry: Entry, value: Any) -> SettingControl:
    spin = QSpinBox()
    low, high = entry.info.minimum, entry.info.maximum
    spin.setRange(-SPIN_LIMIT if low is None else low, SPIN_LIMIT if high is None else high)
    spin.setValue(int(value))
    if entry.info.unit:
        spin.setSuffix(f" {entry.info.unit}")
    return SettingControl(spin, spin, spin.value)


def _text_reader(entry: Entry, line: QLineEdit) -> Callable[[], Any]:
    """The line's text; an empty line means "none" where the setting allows it."""

    def read() -> Any:
        text = line.text().strip() if entry.kind is not str else line.text()
        return None if entry.optional and not text else text

    return read


def _path(entry: Entry, value: Any) -> SettingControl:
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    line = QLineEdit("" if value is None else str(value))
    choose = QPushButton("Choose…")
    choose.setAccessibleName(f"Choose {entry.info.label}")
    row.addWidget(line, 1)
    row.addWidget(choose)

    def ask() -> None:
        dialog = QFileDialog(holder, f"Crucible — {entry.info.label}")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setAccessibleName(entry.info.label)
        current = Path(line.text().strip() or Path.home())
        dialog.setDirectory(str(current if current.is_dir() else Path.home()))
        dialog.fileSelected.connect(line.setText)
        dialog.open()

    choose.clicked.connect(ask)
    return SettingControl(holder, line, _text_reader(entry, line))
