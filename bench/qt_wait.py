"""Waiting in a bench the way the app waits: in Qt's event loop, with the GIL released.

`QTest.qWait` keeps the GIL while it sleeps between turns of the loop, which
starves the app's background threads (a backup's hashing ran five times
slower beside it): every figure measured while they worked was inflated.
"""

from __future__ import annotations

from PySide6.QtCore import QEventLoop, QTimer


def pause(ms: int) -> None:
    """Run the event loop for `ms` milliseconds, as the app's own loop runs."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
