"""Cell editors for the observation table: a time edit, combos, a spin box, strategy checks.

Each field gets the editor that cannot produce an invalid value (a stance
from a list, an intensity of 1-5), so an inline edit never needs an error
message in the middle of a session.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from crucible.app.domain.vocabulary import (
    BOUNDARY_LABELS,
    STANCE_SHORT,
    STRATEGY_LABELS,
    Boundary,
    PartnerKey,
    Stance,
    Strategy,
)
from crucible.app.ui.block.observation_table_model import (
    BOUNDARY,
    INTENSITY,
    PARTNER,
    STANCE,
    STRATEGIES,
    TIME,
)

Index = QModelIndex | QPersistentModelIndex


class StrategyEditor(QFrame):
    """Five check boxes, one per losing strategy; its value is the comma-joined set."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Losing strategies")
        self.setFrameShape(QFrame.Shape.Box)
        self.setAutoFillBackground(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        self.boxes: dict[Strategy, QCheckBox] = {}
        for strategy in Strategy:
            box = QCheckBox(STRATEGY_LABELS[strategy])
            box.setAccessibleName(STRATEGY_LABELS[strategy])
            layout.addWidget(box)
            self.boxes[strategy] = box
        self.setFocusProxy(self.boxes[Strategy.BEING_RIGHT])

    def value(self) -> str:
        """The checked strategies, in vocabulary order."""
        return ",".join(s.value for s, box in self.boxes.items() if box.isChecked())

    def set_value(self, value: str) -> None:
        """Check exactly the strategies named in `value`."""
        chosen = {v for v in value.split(",") if v}
        for strategy, box in self.boxes.items():
            box.setChecked(strategy.value in chosen)


def _combo(parent: QWidget, name: str, choices: list[tuple[str, str]]) -> QComboBox:
    combo = QComboBox(parent)
    combo.setAccessibleName(name)
    for value, label in choices:
        combo.addItem(label, value)
    return combo


class ObservationDelegate(QStyledItemDelegate):
    """Chooses the editor by column; text columns keep the default line edit."""

    def __init__(self, names: dict[PartnerKey, str], parent: Any = None) -> None:
        super().__init__(parent)
        self.names = names

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        """The editor for the cell's column."""
        column = index.column()
        if column == TIME:
            edit = QTimeEdit(parent)
            edit.setDisplayFormat("HH:mm:ss")
            edit.setAccessibleName("Time of the observation")
            return edit
        if column == PARTNER:
            choices = [(k.value, self.names.get(k, f"Partner {k}")) for k in PartnerKey]
            return _combo(parent, "Partner", choices)
        if column == STANCE:
            return _combo(parent, "Stance", [(s.value, STANCE_SHORT[s]) for s in Stance])
        if column == BOUNDARY:
            choices = [("", "No reading")] + [(b.value, BOUNDARY_LABELS[b]) for b in Boundary]
            return _combo(parent, "Boundary", choices)
        if column == INTENSITY:
            spin = QSpinBox(parent)
            spin.setRange(1, 5)
            spin.setAccessibleName("Intensity")
            return spin
        if column == STRATEGIES:
            return StrategyEditor(parent)
        editor = super().createEditor(parent, option, index)
        editor.setAccessibleName(str(index.model().headerData(column, Qt.Orientation.Horizontal)))
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        """Put the cell's raw value into the editor."""
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QTimeEdit):
            editor.setTime(value)
        elif isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(value)))
        elif isinstance(editor, QSpinBox):
            editor.setValue(int(value))
        elif isinstance(editor, StrategyEditor):
            editor.set_value(str(value))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        """Hand the edited value to the model (which asks for an undoable write)."""
        if isinstance(editor, QTimeEdit):
            model.setData(index, editor.time())
        elif isinstance(editor, QComboBox):
            model.setData(index, editor.currentData())
        elif isinstance(editor, QSpinBox | StrategyEditor):
            model.setData(index, editor.value())
        else:
            super().setModelData(editor, model, index)

    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, index: Index
    ) -> None:
        """Let the strategy checks grow below the cell; other editors fill it."""
        if isinstance(editor, StrategyEditor):
            rect = QRect(option.rect)  # type: ignore[attr-defined,unused-ignore]
            rect.setHeight(max(rect.height(), editor.sizeHint().height()))
            rect.setWidth(max(rect.width(), editor.sizeHint().width()))
            editor.setGeometry(rect)
            return
        super().updateEditorGeometry(editor, option, index)
