"""Process-wide interpreter settings, decided once at the composition root.

Widget code must not change what the whole process does (the cyclic
collector, the GIL's switch interval): a setting flipped by one widget is
silently inherited by every other thread and widget. The choices and the
numbers behind them are in docs/decisions/0017-one-write-path.md and
bench/live_during_import.py.
"""

from __future__ import annotations

import gc
import sys

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


class MemoryPolicy:
    """Keeps the open block's objects out of the cyclic collector's full scans.

    An open intensive is some 170,000 long-lived objects; a full collection
    triggered mid-session (by an import's allocations on the worker, say)
    scanned them all, a pause of up to half a second. So after each block
    opens they are frozen. Frozen objects are never collected, so the next
    block open first unfreezes and collects: what the previous block left
    as cyclic garbage is reclaimed then, not kept until the lock. The
    collection runs one event-loop turn after the block is shown, so
    opening a block is not slower by it.
    """

    def __init__(self) -> None:
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.refreeze)

    def block_opened(self) -> None:
        """A block is on screen: refreeze after this turn of the event loop."""
        self._timer.start()

    @staticmethod
    def refreeze() -> None:
        """Release what was frozen, collect it, freeze what is alive now."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()

    @staticmethod
    def release() -> None:
        """At lock: nothing of the session stays frozen."""
        gc.unfreeze()
