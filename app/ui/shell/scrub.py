"""Clearing client text out of widgets before they go, so a lock leaves nothing readable.

Deleting a widget tree is deferred by Qt; scrubbing first means that even
until the deletion runs, no label, field or model under it holds a name or
a note.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTableWidget,
    QTextEdit,
    QTreeWidget,
    QWidget,
)


def scrub(root: QWidget) -> None:
    """Empty every text-bearing widget under (and including) `root`."""
    for widget in [root, *root.findChildren(QWidget)]:
        if isinstance(widget, QLabel):
            widget.clear()
            widget.setToolTip("")
        elif isinstance(widget, QLineEdit | QTextEdit | QPlainTextEdit):
            widget.clear()
        elif isinstance(widget, QComboBox) and widget.isEditable():
            widget.clearEditText()
        elif isinstance(widget, QListWidget | QTreeWidget | QTableWidget):
            widget.clear()  # item widgets own their model; setModel() is private there
        elif isinstance(widget, QAbstractItemView):
            widget.setModel(None)
        elif isinstance(widget, QGroupBox):
            widget.setTitle("")
        elif isinstance(widget, QDateTimeEdit):
            continue
        widget.setAccessibleDescription("")
