"""Process-wide interpreter settings, decided once at the composition root.

Widget code must not change what the whole process does (the cyclic
collector, the GIL's switch interval): a setting flipped by one widget is
silently inherited by every other thread and widget. The choices and the
numbers behind them are in docs/decisions/0017-one-write-path.md and
bench/live_during_import.py.
"""

from __future__ import annotations

import gc
import math
import sys
from collections.abc import Callable

from PySide6.QtCore import QTimer

from crucible.app.ui.shell.pyside_import_check import use_lean_check

SWITCH_INTERVAL_S = 0.0005
"""The UI thread gets the GIL back within half a millisecond of asking, whatever runs
on the background helper (an import, a note save): measured, it halved the p99 of a
live key during an import, for an import about a tenth slower."""


def apply_process_policy() -> None:
    """Set the process-wide policies once, before the first window."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    use_lean_check()  # every later import: no source kept in memory (decision 0027)


QUIET_S = 0.75
"""The refreeze waits until there has been no input for this long (decision 0025)."""
QUIET_POLL_MS = 250
LONGEST_WAIT_S = 30.0
"""Past this, the refreeze runs even while the clinician keeps typing."""


class MemoryPolicy:
    """Keeps the open block's objects out of the cyclic collector's full scans.

    An open intensive is some 170,000 long-lived objects; a full collection
    triggered mid-session (by an import's allocations on the worker, say)
    scanned them all, a pause of up to half a second. So after each block
    opens they are frozen. Frozen objects are never collected, so the next
    block open first unfreezes and collects: what the previous block left
    as cyclic garbage is reclaimed then, not kept until the lock.

    That collection scans the whole app (74-89 ms with the ten-year
    vault's navigator), so it waits for a pause in the clinician's input
    (`since_input`, the session's idle watcher): a live key pressed just
    after a block opened would otherwise wait behind it.
    """

    def __init__(self) -> None:
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._when_quiet)
        self._waited_s = 0.0
        self.since_input: Callable[[], float] = lambda: math.inf
        """Seconds since the last input; the session connects its idle watcher."""

    def block_opened(self) -> None:
        """A block is on screen: refreeze at the next pause in input (at the latest in 30 s)."""
        self._waited_s = 0.0
        self._timer.start(0)

    def _when_quiet(self) -> None:
        if self.since_input() < QUIET_S and self._waited_s < LONGEST_WAIT_S:
            self._waited_s += QUIET_POLL_MS / 1000
            self._timer.start(QUIET_POLL_MS)
            return
        self.refreeze()

    @property
    def pending(self) -> bool:
        """Whether a refreeze is waiting for its moment."""
        return self._timer.isActive()

    @staticmethod
    def refreeze() -> None:
        """Release what was frozen, collect it, freeze what is alive now."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()

    def release(self) -> None:
        """At lock: nothing of the session stays frozen, and no refreeze is left waiting."""
        self._timer.stop()
        gc.unfreeze()
