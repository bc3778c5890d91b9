"""Small building blocks shared by the screens: a centred card, headings, message lines.

Every factory sets an accessible name, so no control reaches the screen
without one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

CARD_WIDTH = 560


def centred(card: QWidget) -> QWidget:
    """Put a fixed-width card in the middle of an otherwise empty page."""
    page = QWidget()
    grid = QGridLayout(page)
    grid.setRowStretch(0, 1)
    grid.setRowStretch(2, 2)
    grid.setColumnStretch(0, 1)
    grid.setColumnStretch(2, 1)
    card.setFixedWidth(CARD_WIDTH)
    grid.addWidget(card, 1, 1)
    return page


def card() -> tuple[QFrame, QVBoxLayout]:
    """A framed panel with comfortable margins."""
    frame = QFrame()
    frame.setObjectName("card")
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(28, 24, 28, 24)
    layout.setSpacing(12)
    return frame, layout


def heading(text: str, size_delta: int = 6) -> QLabel:
    """A bold title line."""
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSize(font.pointSize() + size_delta)
    font.setBold(True)
    label.setFont(font)
    label.setAccessibleName(text)
    return label


def paragraph(text: str, accessible: str | None = None) -> QLabel:
    """A wrapped explanatory line."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setAccessibleName(accessible or text)
    return label


def message_line(name: str) -> QLabel:
    """An empty line for an error or status sentence, announced by screen readers."""
    label = QLabel()
    label.setWordWrap(True)
    label.setAccessibleName(name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def secret_field(name: str, placeholder: str = "") -> QLineEdit:
    """A passphrase field: echo off, no autocompletion of any kind."""
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    field.setPlaceholderText(placeholder)
    field.setInputMethodHints(
        Qt.InputMethodHint.ImhHiddenText
        | Qt.InputMethodHint.ImhSensitiveData
        | Qt.InputMethodHint.ImhNoPredictiveText
    )
    return field


def text_field(name: str, placeholder: str = "") -> QLineEdit:
    """A plain one-line field with its accessible name."""
    field = QLineEdit()
    field.setAccessibleName(name)
    field.setPlaceholderText(placeholder)
    return field


def button(text: str, name: str | None = None, *, default: bool = False) -> QPushButton:
    """A push button; `text` may carry a mnemonic (&)."""
    push = QPushButton(text)
    push.setAccessibleName(name or text.replace("&", ""))
    push.setDefault(default)
    push.setAutoDefault(default)
    return push


def busy_bar(name: str) -> QProgressBar:
    """An indeterminate progress bar shown while slow work runs."""
    bar = QProgressBar()
    bar.setRange(0, 0)
    bar.setTextVisible(False)
    bar.setMaximumHeight(8)
    bar.setAccessibleName(name)
    bar.hide()
    return bar


def show_message(label: QLabel, text: str, colour: str | None = None) -> None:
    """Show (or with empty text, hide) a message line."""
    label.setText(text)
    label.setStyleSheet(f"color: {colour};" if colour else "")
    label.setVisible(bool(text))


def fit_stack(stack: QStackedWidget) -> None:
    """Size a stacked widget to its current page, not its tallest one.

    A QStackedWidget is as tall as its largest page; in a centred card that
    spreads a short page's rows apart. Ignoring the hidden pages' sizes fixes it.
    """
    for index in range(stack.count()):
        page = stack.widget(index)
        if page is None:
            continue
        policy = (
            QSizePolicy.Policy.Preferred
            if page is stack.currentWidget()
            else QSizePolicy.Policy.Ignored
        )
        page.setSizePolicy(policy, policy)
        page.adjustSize()
    stack.adjustSize()
