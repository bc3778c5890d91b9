"""Enter presses a page's default button, as it does in a dialog.

Qt honours a QPushButton's "default" only inside a QDialog. The first-run
setup and the unlock screen are pages of the main window, so without this
Enter did nothing on them, while every dialog submitted on Enter: the
clinician types a passphrase, presses Enter, and waits for nothing.

A line edit passes Enter on to its parents, as does a check box or a radio
button; an event filter on the page catches it there. A focused push button
keeps the dialog behaviour: Enter presses the button that has focus.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def is_plain_enter(event: QEvent) -> bool:
    """Return or keypad Enter, without Ctrl, Alt, Shift or Meta."""
    if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
        return False
    modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return event.key() in _ENTER_KEYS and modifiers == Qt.KeyboardModifier.NoModifier


class EnterSubmits(QObject):
    """Enter anywhere on `page` clicks `button` (or the push button that has focus).

    Args:
        page: The widget whose children's unhandled Enter presses submit it.
        button: The page's default button; clicked only while shown and enabled.
    """

    def __init__(self, page: QWidget, button: QPushButton) -> None:
        super().__init__(page)
        self.page = page
        self.button = button
        button.setDefault(True)
        page.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Catch an Enter that no child used; press the focused or the default button."""
        if watched is not self.page or not is_plain_enter(event):
            return False
        target = self.button
        focused = QApplication.focusWidget()
        if isinstance(focused, QPushButton) and self.page.isAncestorOf(focused):
            target = focused
        if target.isVisible() and target.isEnabled():
            target.click()
        return True
