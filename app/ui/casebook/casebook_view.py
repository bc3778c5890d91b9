"""The unlocked main area: the navigator (filter, archived toggle, tree) beside the details."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from crucible.app.ui.casebook.details_view import DetailsView
from crucible.app.ui.kit import forms


class CasebookView(QWidget):
    """Left: filter box, "show archived", the tree. Right: `DetailsView`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Case navigator and details")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(8, 8, 4, 8)
        self.filter = forms.text_field("Filter the navigator", "Filter by code, name, title…")
        self.filter.setClearButtonEnabled(True)
        # No mnemonic: Ctrl+F reaches the field, and every letter of "Find" is
        # taken on screen (Alt+F the File menu, Alt+I, Alt+N fields, Alt+D Delete).
        filter_label = QLabel("Find:")
        filter_label.setBuddy(self.filter)
        filter_label.setAccessibleName("Find")
        row = QHBoxLayout()
        row.addWidget(filter_label)
        row.addWidget(self.filter, 1)
        left_layout.addLayout(row)
        self.tree = QTreeView()
        self.tree.setAccessibleName("Couples, intensives, days and blocks")
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        left_layout.addWidget(self.tree, 1)
        # No mnemonic: Ctrl+Shift+A (View menu) toggles it, and the letters of its
        # words are taken by controls on screen with it (Help, Archive, a block's buttons).
        self.show_archived = QCheckBox("Show archived intensives")
        self.show_archived.setAccessibleName("Show archived intensives")
        left_layout.addWidget(self.show_archived)
        self.side = left_layout
        """Where sections beside the navigator go (the Reviews section, app/ui/review)."""
        self.details = DetailsView()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setAccessibleName("Navigator and details")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([320, 960])  # a block's workspace needs the width more
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        QWidget.setTabOrder(self.filter, self.tree)
        QWidget.setTabOrder(self.tree, self.show_archived)
        QWidget.setTabOrder(self.show_archived, self.details)
