"""When a dialog or another window of the app closes, the main window takes the keyboard back.

Qt lets a shortcut fire only while one of the app's windows is active. A
window manager usually hands the focus back to the main window when a dialog
closes, but not always (and not at all without one): the clinician then
presses Ctrl+L after a dialog and nothing happens until a click. So when
the window that had the keyboard closes and no other window of the app took
it, the main window asks for it. Switching to another program leaves the
window that had the keyboard open, and nothing is taken back then.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget


class FocusReturn(QObject):
    """Reactivate the window under a closed one (or `window`), unless another took over.

    Args:
        app: The application, whose keyboard-focus changes are watched.
        window: The main window, which gets the keyboard back when nothing else should.
        parent: The Qt parent.
    """

    def __init__(self, app: QApplication, window: QWidget, parent: QObject | None = None):
        super().__init__(parent)
        self.window = window
        app.focusChanged.connect(self._focus_changed)

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if new is not None or old is None:
            return
        closing = _window_of(old)
        # Hidden already, still visible: the window is closing now. A window that
        # merely lost the keyboard to another program is not hidden.
        if closing is None or closing is self.window or not closing.isHidden():
            return
        parent = closing.parentWidget()
        under = parent.window() if parent is not None else None
        before = _shown_windows()
        # Later, not now: Qt is still hiding the window.
        QTimer.singleShot(0, self, lambda: self.take_back(under, before))

    def take_back(self, under: QWidget | None, before: list[QWidget]) -> None:
        """Give the keyboard to the right window of the app, if none has it.

        In order: a modal dialog still open (the keys must go there), a window
        opened meanwhile (a dialog's answer may open the next one), the window
        under the closed one, the main window.
        """
        if QApplication.activeWindow() is not None or not self.window.isVisible():
            return
        modal = QApplication.activeModalWidget()
        opened = [w for w in _shown_windows() if all(w is not b for b in before)]
        if modal is not None and modal.isVisible():
            modal.activateWindow()
        elif opened:
            opened[-1].activateWindow()
        elif under is not None and _shown(under):
            under.activateWindow()
        else:
            self.window.activateWindow()


def _shown_windows() -> list[QWidget]:
    """The app's visible windows and dialogs (not menus or tooltips)."""
    return [
        widget
        for widget in QApplication.topLevelWidgets()
        if widget.isVisible()
        and widget.windowType() not in (Qt.WindowType.Popup, Qt.WindowType.ToolTip)
    ]


def _window_of(widget: QWidget) -> QWidget | None:
    try:
        return widget.window()
    except RuntimeError:  # deleted on the C++ side
        return None


def _shown(widget: QWidget) -> bool:
    try:
        return widget.isVisible()
    except RuntimeError:  # deleted on the C++ side: certainly closed
        return False
