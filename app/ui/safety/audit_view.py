"""The Audit trail window: widgets only (audit_controller.py reacts).

A non-modal dialog of the main window, so locking scrubs and closes it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crucible.app.ui.kit import forms
from crucible.app.ui.safety.audit_model import ACTION, ACTOR, DETAIL, INTENSIVE, TIME


def _combo(name: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


class AuditView(QDialog):
    """Filters, the events table, and the chain check."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Crucible — Audit trail")
        self.setAccessibleName("Audit trail")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setModal(False)
        self.resize(900, 560)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(forms.heading("Audit trail", 4))
        layout.addWidget(
            forms.paragraph(
                "Every sensitive action, oldest first: who did it, when, and on which "
                "intensive. Events hold ids, flags and short labels only, never note text. "
                "Each event carries a keyed hash of the one before, so a changed or removed "
                "event breaks the chain. Events marked ⚠ were recorded while the vault was "
                "locked (a failed unlock, a passphrase change, a restore): nothing can vouch "
                "for them.",
                "About the audit trail",
            )
        )
        filters = QHBoxLayout()
        self.action = _combo("Filter by action")
        self.intensive = _combo("Filter by intensive")
        for text, combo in (("&Action:", self.action), ("&Intensive:", self.intensive)):
            label = QLabel(text)
            label.setBuddy(combo)
            label.setAccessibleName(text.replace("&", "").rstrip(":"))
            filters.addWidget(label)
            filters.addWidget(combo)
            filters.addSpacing(12)
        filters.addStretch(1)
        self.count = QLabel()
        self.count.setAccessibleName("Events shown")
        filters.addWidget(self.count)
        layout.addLayout(filters)
        self.table = QTableView()
        self.table.setAccessibleName("Audit events")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.verticalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.table, 1)
        self.verdict = forms.message_line("Chain check result")
        layout.addWidget(self.verdict)
        self.busy = forms.busy_bar("Checking the chain")
        layout.addWidget(self.busy)
        self.verify = forms.button("&Verify chain", "Verify the audit chain")
        self.verify.setToolTip("Recompute every event's hash and check that each follows the last")
        self.close_button = forms.button("Close", default=True)  # Enter closes, as Escape does
        self.close_button.clicked.connect(self.close)
        row = QHBoxLayout()
        row.addWidget(self.verify)
        row.addStretch(1)
        row.addWidget(self.close_button)
        layout.addLayout(row)

    def fit_columns(self) -> None:
        """Short columns sized to content; the detail takes what is left."""
        header = self.table.horizontalHeader()
        for column in (TIME, ACTOR, ACTION, INTENSIVE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DETAIL, QHeaderView.ResizeMode.Stretch)
