"""The note's dialogs: confirm signing, add an addendum, browse revisions, trainee reflections.

All are opened with `open()` (window-modal, never a nested event loop), so a
lock can close them, and tests can drive them like any widget. Titles start
with "Crucible", as every window's does.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crucible.app.domain.intensive import NoteSection
from crucible.app.services.notes import Revision


def note_as_text(sections: Sequence[NoteSection]) -> str:
    """A note as plain text: each title on its own line, then its text."""
    return "\n\n".join(f"{s.title}\n{s.text}".rstrip() for s in sections)


def empty_dialog(dialog: QDialog) -> None:
    """Clear every text a dialog holds (used at lock, before the deferred deletion)."""
    dialog.setWindowTitle("Crucible")
    for widget in dialog.findChildren(QWidget):
        if isinstance(widget, QLineEdit | QPlainTextEdit | QListWidget | QLabel):
            widget.clear()
    if isinstance(dialog, QMessageBox):
        dialog.setText("")
        dialog.setInformativeText("")


def sign_confirmation(parent: QWidget, signer: str) -> QMessageBox:
    """Ask before signing: after it the note can only gain addenda."""
    box = QMessageBox(parent)
    box.setWindowTitle("Crucible — Sign note")
    box.setIcon(QMessageBox.Icon.Question)
    box.setText(f"Sign this note as {signer}?")
    box.setInformativeText(
        "A signed note is locked: its content is fingerprinted and can no longer change. "
        "Later additions go in addenda, shown under the note."
    )
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    yes = box.button(QMessageBox.StandardButton.Yes)
    yes.setText("&Sign")
    yes.setAccessibleName("Sign")
    box.button(QMessageBox.StandardButton.Cancel).setAccessibleName("Cancel")
    box.setWindowModality(Qt.WindowModality.WindowModal)
    return box


def _buttons(ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    ok.setAccessibleName(ok_text.replace("&", ""))
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
    return buttons


class AddendumDialog(QDialog):
    """Reason and text of an addendum; both are required."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Crucible — Add addendum")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(520, 340)
        layout = QVBoxLayout(self)
        intro = QLabel("The signed note stays as it is; the addendum is shown under it.")
        intro.setWordWrap(True)
        intro.setAccessibleName("About addenda")
        layout.addWidget(intro)
        form = QFormLayout()
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason for the addendum")
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Text of the addendum")
        self.text.setTabChangesFocus(True)
        for text, field in (("&Reason:", self.reason), ("&Text:", self.text)):
            label = QLabel(text)
            label.setBuddy(field)
            label.setAccessibleName(text.replace("&", "").rstrip(":"))
            form.addRow(label, field)
        layout.addLayout(form)
        self.buttons = _buttons("&Add addendum")
        self.buttons.accepted.connect(self._accept_if_complete)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _accept_if_complete(self) -> None:
        if self.reason.text().strip() and self.text.toPlainText().strip():
            self.accept()
        else:
            (self.reason if not self.reason.text().strip() else self.text).setFocus()


class HistoryDialog(QDialog):
    """Every saved version, newest first; the text of the chosen one, to read and copy."""

    def __init__(self, parent: QWidget, revisions: Sequence[Revision]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Crucible — Note history")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(780, 520)
        self.revisions = list(reversed(revisions))
        layout = QHBoxLayout(self)
        self.list = QListWidget()
        self.list.setAccessibleName("Saved versions")
        self.list.setMaximumWidth(240)
        count = len(self.revisions)
        for number, revision in enumerate(self.revisions):
            self.list.addItem(
                f"#{count - number} · {revision.saved_at.strftime('%a %d %b %H:%M:%S')}"
            )
        layout.addWidget(self.list)
        right = QVBoxLayout()
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Text of the chosen version")
        self.text.setReadOnly(True)
        right.addWidget(self.text, 1)
        row = QHBoxLayout()
        self.copy = QPushButton("&Copy this version")
        self.copy.setAccessibleName("Copy this version")
        self.close_button = QPushButton("Close")
        self.close_button.setAccessibleName("Close")
        row.addStretch(1)
        row.addWidget(self.copy)
        row.addWidget(self.close_button)
        right.addLayout(row)
        layout.addLayout(right, 1)
        self.list.currentRowChanged.connect(self._show)
        self.copy.clicked.connect(self.copy_current)
        self.close_button.clicked.connect(self.reject)
        if self.revisions:
            self.list.setCurrentRow(0)
        else:
            self.text.setPlaceholderText("No version has been saved yet.")

    def _show(self, row: int) -> None:
        if 0 <= row < len(self.revisions):
            self.text.setPlainText(note_as_text(self.revisions[row].sections))

    def copy_current(self) -> None:
        """Put the shown version (or the selected part of it) on the clipboard."""
        cursor = self.text.textCursor()
        chosen = cursor.selectedText().replace("\u2029", "\n") if cursor.hasSelection() else ""
        QGuiApplication.clipboard().setText(chosen or self.text.toPlainText())


class ReflectionsDialog(QDialog):
    """The trainee's reflections on the whole intensive, for the supervision report."""

    def __init__(self, parent: QWidget, text: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("Crucible — Trainee reflections")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(620, 420)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Your reflections on the whole intensive. They appear in the supervision report."
        )
        intro.setWordWrap(True)
        intro.setAccessibleName("About reflections")
        layout.addWidget(intro)
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Reflections")
        self.text.setTabChangesFocus(True)
        self.text.setPlainText(text)
        layout.addWidget(self.text, 1)
        self.buttons = _buttons("&Save reflections")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
