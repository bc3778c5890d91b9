"""The live summary panel: a small grid of figures per partner, for block, day and intensive."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from crucible.app.domain.vocabulary import PartnerKey
from crucible.app.ui.block.live_figures import ROW_LABELS, SCOPES, LiveFigures


def _label(text: str = "", *, bold: bool = False, align_right: bool = False) -> QLabel:
    label = QLabel(text)
    if bold:
        font = QFont(label.font())
        font.setBold(True)
        label.setFont(font)
    if align_right:
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return label


class SummaryView(QFrame):
    """Rows of figures; columns Block / Day / Intensive under each partner's name."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("liveSummary")
        self.setAccessibleName("Live summary")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 8, 10, 8)
        title = _label("Live summary", bold=True)
        title.setAccessibleName("Live summary title")
        outer.addWidget(title)
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(3)
        outer.addLayout(grid)
        outer.addStretch(1)
        self.partner_names: dict[PartnerKey, QLabel] = {}
        self.scope_labels: dict[tuple[PartnerKey, str], QLabel] = {}
        self.values: dict[tuple[PartnerKey, str, int], QLabel] = {}
        for p_index, key in enumerate(PartnerKey):
            first = 1 + p_index * len(SCOPES)
            name = _label(bold=True)
            name.setAccessibleName(f"Partner {key} name")
            name.setAlignment(Qt.AlignmentFlag.AlignCenter)
            name.setMinimumWidth(40)  # a long name is cut; the figures under it set the width
            grid.addWidget(name, 0, first, 1, len(SCOPES))
            self.partner_names[key] = name
            for s_index, scope in enumerate(SCOPES):
                head = _label(scope, align_right=True)
                head.setAccessibleName(f"Partner {key}, {scope}")
                head.setEnabled(False)  # the palette's quieter text colour
                grid.addWidget(head, 1, first + s_index)
                self.scope_labels[(key, scope)] = head
                for row in range(len(ROW_LABELS)):
                    value = _label(align_right=True)
                    value.setAccessibleName(f"Partner {key}, {scope}, {ROW_LABELS[row]}")
                    grid.addWidget(value, 2 + row, first + s_index)
                    self.values[(key, scope, row)] = value
        for row, text in enumerate(ROW_LABELS):
            label = _label(text)
            label.setAccessibleName(text)
            grid.addWidget(label, 2 + row, 0)
        grid.setColumnStretch(0, 1)

    def set_partners(self, names: dict[PartnerKey, tuple[str, str]]) -> None:
        """Show each partner's name in their colour: key -> (name, colour)."""
        for key, (name, colour) in names.items():
            self.partner_names[key].setText(name)
            self.partner_names[key].setStyleSheet(f"color: {colour};" if colour else "")

    def set_day(self, number: int) -> None:
        """Name the day column after the open block's day."""
        for key in PartnerKey:
            self.scope_labels[(key, "Day")].setText(f"Day {number}" if number else "Day")

    def show_figures(self, figures: LiveFigures | None) -> None:
        """Fill every value (or empty them all with None)."""
        for (key, scope, row), label in self.values.items():
            if figures is None or (key, scope) not in figures.figures:
                label.setText("")
            else:
                label.setText(figures.column(key, scope)[row])

    def clear(self) -> None:
        """Drop names and numbers."""
        for label in self.partner_names.values():
            label.clear()
        self.show_figures(None)
