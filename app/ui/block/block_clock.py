"""The block clock in the header: start, stop, elapsed time of the session so far.

Elapsed time is computed from the injected wall clock, not counted in timer
ticks, so a busy UI thread or a sleeping laptop never makes it drift; the
tick timer only repaints the label once a second.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QPushButton


def format_elapsed(elapsed: timedelta) -> str:
    """H:MM:SS, the way a session clock reads."""
    seconds = max(0, int(elapsed.total_seconds()))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class BlockClock(QObject):
    """Start/stop/reset of the elapsed time, shown in a label."""

    running_changed = Signal(bool)
    """Started (True) or stopped (False) by the button: the block's run is recorded from it."""

    def __init__(
        self,
        label: QLabel,
        button: QPushButton,
        reset: QPushButton,
        clock: Callable[[], datetime],
        timer_factory: Callable[[str], QTimer],
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.label = label
        self.button = button
        self.clock = clock
        self.timer = timer_factory("block-clock")
        self.timer.setParent(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self.show)
        self.accumulated = timedelta(0)
        self.started_at: datetime | None = None
        button.clicked.connect(self.toggle)
        reset.clicked.connect(self.reset)
        self.show()

    @property
    def running(self) -> bool:
        """Whether the clock is counting."""
        return self.started_at is not None

    def elapsed(self) -> timedelta:
        """Time counted so far."""
        if self.started_at is None:
            return self.accumulated
        return self.accumulated + (self.clock() - self.started_at)

    def toggle(self) -> None:
        """Start if stopped, stop if running."""
        if self.started_at is None:
            self.started_at = self.clock()
            self.timer.start()
        else:
            self.accumulated = self.elapsed()
            self.started_at = None
            self.timer.stop()
        self.show()
        self.running_changed.emit(self.running)

    def reset(self) -> None:
        """Back to zero, stopped (a new block starts its own clock)."""
        self.timer.stop()
        self.accumulated = timedelta(0)
        self.started_at = None
        self.show()

    def show(self) -> None:
        """Repaint the label and the button."""
        self.label.setText(format_elapsed(self.elapsed()))
        self.button.setText("Stop clock" if self.running else "Start clock")
        verb = "Stop" if self.running else "Start"
        self.button.setAccessibleName(f"{verb} the block clock")
