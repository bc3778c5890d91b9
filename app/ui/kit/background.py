"""The one background-work helper: slow work off the UI thread, results back on it.

Every slow call (the key derivation at unlock, creating a vault, import,
export, reports) goes through `BackgroundWork.run`. The work runs on a
QThreadPool; its result or exception comes back through a queued signal to a
relay object that lives on the main thread, so callbacks may touch widgets.
The pool has one thread by default: writes to the vault are serialized, and
ORM objects never cross threads because work returns plain values.

Locking calls `discard_pending()`: results of work started before the lock
are dropped instead of reaching a torn-down screen.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Carries one job's outcome from the worker thread to the main thread.

    The outcome is stored on the relay and the signal carries no arguments:
    PySide6 6.12 miscounts references of Python objects passed through
    queued signals (a crash at garbage collection), so none are passed.
    """

    done = Signal()

    def __init__(
        self,
        owner: BackgroundWork,
        generation: int,
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None],
    ) -> None:
        super().__init__()
        self._owner = owner
        self._generation = generation
        self._on_success = on_success
        self._on_failure = on_failure
        self.outcome: tuple[bool, Any] = (False, None)
        self.done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @Slot()
    def _deliver(self) -> None:
        ok, payload = self.outcome
        self.outcome = (False, None)
        self._owner._finished(self)
        if self._generation != self._owner.generation:
            return
        if ok:
            self._on_success(payload)
        else:
            assert isinstance(payload, BaseException)
            self._on_failure(payload)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._work = work
        self._relay = relay

    def run(self) -> None:
        started = time.monotonic()
        try:
            result = self._work()
        except BaseException as error:  # delivered to the caller's failure callback
            self._relay.outcome = (False, error)
            log.info("job %s failed (%s) after %.3f s", self._work, type(error), _since(started))
        else:
            self._relay.outcome = (True, result)
            log.info("job %s finished in %.3f s", self._work, _since(started))
        self._relay.done.emit()


def _since(started: float) -> float:
    return time.monotonic() - started


class BackgroundWork(QObject):
    """Runs callables on a private thread pool and calls back on the main thread."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, threads: int = 1) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._relays: set[_Relay] = set()
        self.generation = 0

    def run(
        self,
        work: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None],
    ) -> None:
        """Start `work()` off the UI thread; exactly one callback follows on the UI thread."""
        relay = _Relay(self, self.generation, on_success, on_failure)
        self._relays.add(relay)
        if len(self._relays) == 1:
            self.busy_changed.emit(True)
        self._pool.start(_Job(work, relay))

    @property
    def busy(self) -> bool:
        """Whether any job has not reported back yet."""
        return bool(self._relays)

    def discard_pending(self) -> None:
        """Drop the callbacks of every job already started (used when locking)."""
        self.generation += 1

    def wait(self, msecs: int = -1) -> bool:
        """Block until the pool is idle (at lock and shutdown, so no job outlives the vault)."""
        return bool(self._pool.waitForDone(msecs))

    def _finished(self, relay: _Relay) -> None:
        self._relays.discard(relay)
        relay.deleteLater()
        if not self._relays:
            self.busy_changed.emit(False)


def while_open(
    is_open: Callable[[], bool], callback: Callable[[Any], None]
) -> Callable[[Any], None]:
    """Wrap a background job's callback so it is skipped if its window closed meanwhile.

    A job may finish after the user closed the window that asked for it; its
    result then has nowhere to go and must not touch deleted widgets.
    """

    def call(value: Any) -> None:
        if is_open():
            callback(value)

    return call
