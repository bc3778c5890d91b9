"""The idle lock: no keyboard or mouse input for N minutes locks the vault.

Input is watched with an application-wide event filter, so every window and
dialog counts. Time comes from an injected monotonic clock and the check
runs on a QTimer whose interval is injectable too, so a test advances a fake
clock instead of waiting ten minutes.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

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


class IdleWatcher(QObject):
    """Emits `idle` once when input has been absent for the configured time."""

    idle = Signal()

    def __init__(
        self,
        watched: QObject,
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

    def set_minutes(self, minutes: int) -> None:
        """Change the idle limit (from the settings) without losing the time already idle."""
        self._limit_s = minutes * 60.0

    def start(self) -> None:
        """Start counting from now (after unlock)."""
        self._last_input = self._clock()
        self._watched.installEventFilter(self)
        self._timer.start()

    def stop(self) -> None:
        """Stop watching (while locked, nothing is left to protect)."""
        self._timer.stop()
        self._watched.removeEventFilter(self)

    @property
    def active(self) -> bool:
        """Whether the watcher is counting."""
        return self._timer.isActive()

    def check(self) -> None:
        """Emit `idle` (and stop) if the limit has passed since the last input."""
        if self._clock() - self._last_input >= self._limit_s:
            self.stop()
            self.idle.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Note the time of any user input; never consume the event."""
        if event.type() in INPUT_EVENTS:
            self._last_input = self._clock()
        return False
