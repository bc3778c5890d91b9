"""The idle lock: no keyboard or mouse input for N minutes locks the vault.

Input is watched on the app's top-level windows (`QWindow`), where the
platform delivers every key, click, move, wheel and touch before Qt hands
it to a widget, so every window and dialog counts. Not on the application:
an application-wide filter runs Python for every event of every object,
some 2,000 for each block opened (issue 16: 12-20 ms of CPU an open on the
ten-year vault). A window opened since the last check is watched from the
next check, or at once when it takes the focus. A key press that a
shortcut takes never reaches a window, its release does.

Time comes from an injected monotonic clock and the check runs on a QTimer
whose interval is injectable too, so a test advances a fake clock instead
of waiting ten minutes.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QWindow

INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TabletPress,
        QEvent.Type.Shortcut,
    }
)
ANSWERED_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
        QEvent.Type.Shortcut,
    }
)
"""Input the clinician waits to see answered (not moves or releases): `on_input` runs for these."""


def _nothing() -> None:
    """No one to tell."""


class IdleWatcher(QObject):
    """Emits `idle` once when input has been absent for the configured time."""

    idle = Signal()

    def __init__(
        self,
        watched: QGuiApplication,
        minutes: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        check_interval_ms: int = 5000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._watched = watched
        self._clock = clock
        self._limit_s = minutes * 60.0
        self._last_input = clock()
        self._timer = QTimer(self)
        self._timer.setInterval(check_interval_ms)
        self._timer.timeout.connect(self.check)
        watched.focusWindowChanged.connect(self._window_focused)
        self.on_input: Callable[[], None] = _nothing
        """Runs at each input in `ANSWERED_EVENTS`; the session lets background work step aside."""

    def set_minutes(self, minutes: int) -> None:
        """Change the idle limit (from the settings) without losing the time already idle."""
        self._limit_s = minutes * 60.0

    def start(self) -> None:
        """Start counting from now (after unlock)."""
        self._last_input = self._clock()
        self._timer.start()
        self._watch_windows()

    def stop(self) -> None:
        """Stop watching (while locked, nothing is left to protect)."""
        self._timer.stop()
        for window in self._watched.topLevelWindows():
            window.removeEventFilter(self)

    def _watch_windows(self) -> None:
        """Watch every top-level window there is now (installing twice keeps one filter)."""
        for window in self._watched.topLevelWindows():
            window.installEventFilter(self)

    def _window_focused(self, window: QWindow | None) -> None:
        """A window took the focus (a dialog opened, say): its input counts from now."""
        if window is not None and self.active:
            window.installEventFilter(self)

    def seconds_since_input(self) -> float:
        """How long ago the clinician last typed, clicked or moved the mouse in the app."""
        return self._clock() - self._last_input

    @property
    def active(self) -> bool:
        """Whether the watcher is counting."""
        return self._timer.isActive()

    def check(self) -> None:
        """Emit `idle` (and stop) if the limit has passed since the last input."""
        if self._clock() - self._last_input >= self._limit_s:
            self.stop()
            self.idle.emit()
            return
        self._watch_windows()  # windows opened since the last check

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Note the time of any user input; never consume the event."""
        kind = event.type()
        if kind in INPUT_EVENTS:
            self._last_input = self._clock()
            if kind in ANSWERED_EVENTS:
                self.on_input()
        return False
