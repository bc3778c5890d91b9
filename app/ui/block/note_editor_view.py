"""The note editor's widgets: section list, one plain-text page per section, status, addenda.

One section at a time, chosen from a short list, reads calmer than seven
boxes stacked in a scroll area, and keeps a 20-page note fast: each section
is its own QPlainTextEdit, which lays out only what is visible.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from crucible.app.domain.vocabulary import NOTE_TEMPLATE


def _button(text: str, name: str) -> QPushButton:
    push = QPushButton(text)
    push.setAccessibleName(name)
    return push


class NoteEditorView(QWidget):
    """Status line and actions above; sections on the left, the text on the right; addenda below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Block note")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        self.status = QLabel()
        self.status.setAccessibleName("Note status")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        # Two lines always (signer, then the hash): a new status must not move the editor.
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.status.setFixedHeight(2 * self.status.fontMetrics().lineSpacing() + 4)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)
        bar = QHBoxLayout()
        bar.addStretch(1)
        self.history = _button("Histor&y…", "Note revision history")
        self.sign = _button("&Sign…", "Sign the note")
        self.addendum = _button("Add a&ddendum…", "Add an addendum")
        self.reflections = _button("Refle&ctions…", "Trainee reflections on the intensive")
        for push in (self.history, self.sign, self.addendum, self.reflections):
            bar.addWidget(push)
        layout.addLayout(bar)

        self.sections = QListWidget()
        self.sections.setAccessibleName("Note sections")
        self.sections.setWordWrap(True)
        self.sections.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sections.setMinimumWidth(220)
        self.sections.setMaximumWidth(320)
        self.sections.setSpacing(2)
        self.pages = QStackedWidget()
        self.pages.setAccessibleName("Section text")
        self.editors: list[QPlainTextEdit] = []
        self._font = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
        self._font.setPointSizeF(self._font.pointSizeF() + 1)
        self.set_titles(list(NOTE_TEMPLATE))
        self.sections.currentRowChanged.connect(self.pages.setCurrentIndex)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(self.sections)
        split.addWidget(self.pages)
        split.setStretchFactor(1, 1)
        split.setSizes([230, 600])
        layout.addWidget(split, 1)

        self.addenda_title = QLabel("Addenda")
        self.addenda_title.setAccessibleName("Addenda")
        bold = QFont(self.addenda_title.font())
        bold.setBold(True)
        self.addenda_title.setFont(bold)
        self.addenda = QPlainTextEdit()
        self.addenda.setAccessibleName("Addenda to the signed note")
        self.addenda.setReadOnly(True)
        self.addenda.setMaximumHeight(110)
        self.addenda.setMinimumHeight(2 * self.addenda.fontMetrics().lineSpacing() + 8)
        layout.addWidget(self.addenda_title)
        layout.addWidget(self.addenda)
        self.addenda_title.hide()
        self.addenda.hide()

    def _editor(self, title: str) -> QPlainTextEdit:
        editor = QPlainTextEdit()
        editor.setFont(self._font)
        editor.setTabChangesFocus(True)
        editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        editor.document().setDocumentMargin(10)
        self.pages.addWidget(editor)
        return editor

    def set_titles(self, titles: list[str]) -> None:
        """One page per section, labelled with the note's own titles (the template by default)."""
        while len(self.editors) > len(titles):
            editor = self.editors.pop()
            self.pages.removeWidget(editor)
            editor.deleteLater()
            self.sections.takeItem(self.sections.count() - 1)
        while len(self.editors) < len(titles):
            self.editors.append(self._editor(titles[len(self.editors)]))
            self.sections.addItem("")
        for row, title in enumerate(titles):
            item = self.sections.item(row)
            if item is not None:
                item.setText(title)
            self.editors[row].setPlaceholderText(f"{title} (plain text)")
            self.editors[row].setAccessibleName(f"Note section: {title}")
        if self.sections.currentRow() < 0 and titles:
            self.sections.setCurrentRow(0)
