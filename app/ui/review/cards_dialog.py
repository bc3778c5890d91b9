"""Tools › Cards…: the cards imported into this vault; widgets only (CardActions reacts).

A card is someone's public identity (name, role, two public keys). The
fingerprint column is what two people read to each other on the phone; the
supervisor's card a trainee linked is marked, because only that card's
return packages are taken.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crucible.app.ui.kit import forms

COLUMNS = ("Name", "Role", "Fingerprint", "Imported", "")


class CardsDialog(QDialog):
    """The table of cards, and Remove / Link as my supervisor."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Crucible — Cards")
        self.setAccessibleName("Cards")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(820, 380)
        layout = QVBoxLayout(self)
        layout.addWidget(forms.heading("Cards", 4))
        self.own = QLabel()
        self.own.setAccessibleName("Your card")
        self.own.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.own.setWordWrap(True)
        layout.addWidget(self.own)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("Imported cards")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.message = forms.message_line("Cards message")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.link = buttons.addButton(
            "&Link as my supervisor", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.remove = buttons.addButton("&Remove", QDialogButtonBox.ButtonRole.DestructiveRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.close)
        close.setDefault(True)  # Enter never removes or links a card
        layout.addWidget(buttons)

    def show_cards(self, rows: list[tuple[int, str, str, str, str, bool]]) -> None:
        """Rows of (id, name, role, fingerprint, imported, is my supervisor)."""
        self.table.setRowCount(len(rows))
        for row, (card_id, name, role, fingerprint, imported, linked) in enumerate(rows):
            cells = (name, role, fingerprint, imported, "my supervisor" if linked else "")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, card_id)
                self.table.setItem(row, column, item)

    def chosen_id(self) -> int | None:
        """The id of the selected card, if one is selected."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return int(value) if value is not None else None
