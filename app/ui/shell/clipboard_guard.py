"""Client text copied out of Crucible does not linger on the clipboard.

A name or a line of a note copied into another program stays on the system
clipboard after the vault locks, readable by every program of the session
and by clipboard managers. So the guard watches `QClipboard.dataChanged`:
text the app itself put there is cleared after 30 seconds, and at lock and
quit, but only while the clipboard still holds exactly that text. If the
user copied something else meanwhile (in another program), it is theirs
and is left alone.

Telling the app's own copies from other programs' is the platform's job
(`ownsClipboard()`, reliable on X11 and Windows); where the platform cannot
say (macOS, the offscreen test platform), a copy made while one of the
app's windows is active counts as the app's. Both the timer and that test
are injectable, so tests neither wait 30 seconds nor depend on focus.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QClipboard
from PySide6.QtWidgets import QApplication

CLEAR_AFTER_MS = 30_000


class ClipboardGuard(QObject):
    """Clears the app's own clipboard text after a delay, and on demand at lock and quit.

    Args:
        clipboard: The application clipboard.
        timer: The single-shot timer that ends the grace period (tests pass
            one they fire themselves); a fresh QTimer by default.
        clear_after_ms: How long the app's copy may stay on the clipboard.
        made_here: Whether the clipboard's current content came from this
            app; by default the platform's answer, or failing that whether
            one of the app's windows is active.
        parent: The owning object.
    """

    cleared = Signal()

    def __init__(
        self,
        clipboard: QClipboard,
        *,
        timer: QTimer | None = None,
        clear_after_ms: int = CLEAR_AFTER_MS,
        made_here: Callable[[], bool] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._clipboard = clipboard
        self.timer = timer if timer is not None else QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(clear_after_ms)
        self.timer.timeout.connect(self.clear_now)
        self._made_here = made_here or self._copied_by_this_app
        self._ours: str | None = None
        clipboard.dataChanged.connect(self._clipboard_changed)

    @property
    def watched_text(self) -> str | None:
        """The app's copy still waiting to be cleared, if any (for tests)."""
        return self._ours

    def copy(self, text: str) -> None:
        """Put `text` on the clipboard as the app's own copy, to be cleared later."""
        self._clipboard.setText(text)
        self._remember(text)

    def clear_now(self) -> bool:
        """Clear the clipboard if it still holds the app's copy; returns whether it did."""
        ours, self._ours = self._ours, None
        self.timer.stop()
        if ours is None or self._clipboard.text() != ours:
            return False
        self._clipboard.clear()
        self.cleared.emit()
        return True

    def clear_at_lock(self) -> None:
        """At lock and quit: the app's clipboard copy, and the X11 selection if the app owns it.

        Selecting text in a field puts it in the X11 primary selection
        without any copy command; nothing of the vault should survive there.
        """
        self.clear_now()
        clipboard = self._clipboard
        if clipboard.supportsSelection() and clipboard.ownsSelection():
            clipboard.clear(QClipboard.Mode.Selection)

    def _copied_by_this_app(self) -> bool:
        if self._clipboard.ownsClipboard():
            return True
        return QApplication.activeWindow() is not None

    def _clipboard_changed(self) -> None:
        text = self._clipboard.text()
        if not text:
            self._forget()
        elif self._made_here():
            self._remember(text)
        elif text != self._ours:
            self._forget()  # another program's copy: the user's, not ours to clear

    def _remember(self, text: str) -> None:
        self._ours = text
        self.timer.start()

    def _forget(self) -> None:
        self._ours = None
        self.timer.stop()
