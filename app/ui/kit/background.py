"""The one background-work helper: slow work off the UI thread, results back on it.

One `BackgroundWork` exists per app, made by the composition root
(`app.ui.shell.launch`) and passed to every controller that needs it; a
second pool would be a second writer in the process. It keeps two lanes:

- `run_write`: work that writes to the vault (import, restore, a note
  autosave). One thread, first in first out, so
  writes never race each other and a write queued after another is stored
  after it.
- `run_read`: work that only reads or computes (key derivation, an export's
  read, a report, an integrity check). Its own threads, beside the writes,
  so a long check never delays a queued observation.
- `run_key_write`: a live key's write that found the vault's writer taken
  (by an import on the write lane). One thread of its own, first in first
  out, so the keys stay in the order pressed and the write waits for the
  writer between the import's chunks (`Vault.give_way`) instead of behind
  the whole import on the write lane.
- `run_interactive`: a short read someone is waiting on as they type (the
  search palette). One thread of its own: on a large vault the integrity
  check and a backup's verification each hold a read thread for tens of
  seconds, and a search queued behind them would wait as long.

Results and exceptions come back through a queued signal to a relay living
on the main thread, so callbacks may touch widgets. ORM objects never cross
threads: work returns plain values.

`discard_pending()` (at lock) drops the callbacks of every job started so
far; a `WorkScope` (from `scope()`) drops or waits for only its own jobs, so
the block's note editor can forget its saves at a block switch without
swallowing the result of an import the casebook started.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)
T = TypeVar("T")
READ_THREADS = 2


class _Relay(QObject):
    """Carries one job's outcome from the worker thread to the main thread.

    Not a `Generic` class (Shiboken's metaclass and typing's do not mix):
    the type of the outcome is checked where jobs start, in `_start`.
    The outcome is stored on the relay and the signal carries no arguments:
    PySide6 6.12 miscounts references of Python objects passed through
    queued signals (a crash at garbage collection), so none are passed.
    """

    done = Signal()

    def __init__(
        self,
        owner: BackgroundWork,
        scope: WorkScope | None,
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None],
    ) -> None:
        super().__init__()
        self._owner = owner
        self._scope = scope
        self._generation = owner.generation
        self._scope_generation = scope.generation if scope is not None else 0
        self._on_success = on_success
        self._on_failure = on_failure
        self.outcome: tuple[bool, Any] = (False, None)
        self.done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def current(self) -> bool:
        """Whether nobody discarded this job's callbacks since it started."""
        if self._generation != self._owner.generation:
            return False
        return self._scope is None or self._scope_generation == self._scope.generation

    @Slot()
    def _deliver(self) -> None:
        ok, payload = self.outcome
        self.outcome = (False, None)
        if not shiboken6.isValid(self._owner):
            return  # torn down at exit after waiting for this job: nobody is left to tell
        self._owner._finished(self)
        if not self.current():
            return
        if ok:
            self._on_success(payload)
        else:
            assert isinstance(payload, BaseException)
            self._on_failure(payload)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay, scope: WorkScope | None) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._work = work
        self._relay = relay
        self._scope = scope

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
        finally:
            if self._scope is not None:
                self._scope._ended()
        self._relay.done.emit()


def _since(started: float) -> float:
    return time.monotonic() - started


class BackgroundWork(QObject):
    """Runs callables off the UI thread (a write lane and a read lane); calls back on it."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, read_threads: int = READ_THREADS) -> None:
        super().__init__(parent)
        self._writes = QThreadPool(self)
        self._writes.setMaxThreadCount(1)
        self._reads = QThreadPool(self)
        self._reads.setMaxThreadCount(read_threads)
        self._interactive = QThreadPool(self)
        self._interactive.setMaxThreadCount(1)
        self._keys = QThreadPool(self)
        self._keys.setMaxThreadCount(1)
        self._relays: set[_Relay] = set()
        self.generation = 0

    def run_write(
        self,
        work: Callable[[], T],
        on_success: Callable[[T], None],
        on_failure: Callable[[BaseException], None],
        *,
        scope: WorkScope | None = None,
    ) -> None:
        """Queue `work()` on the one writer thread; one callback follows on the UI thread."""
        self._start(self._writes, work, on_success, on_failure, scope)

    def run_key_write(
        self,
        work: Callable[[], T],
        on_success: Callable[[T], None],
        on_failure: Callable[[BaseException], None],
        *,
        scope: WorkScope | None = None,
    ) -> None:
        """Queue a live key's short write on its own thread, beside the write lane (module doc)."""
        self._start(self._keys, work, on_success, on_failure, scope)

    def run_read(
        self,
        work: Callable[[], T],
        on_success: Callable[[T], None],
        on_failure: Callable[[BaseException], None],
        *,
        scope: WorkScope | None = None,
    ) -> None:
        """Start `work()` (which must not write to the vault) beside the writes."""
        self._start(self._reads, work, on_success, on_failure, scope)

    def run_interactive(
        self,
        work: Callable[[], T],
        on_success: Callable[[T], None],
        on_failure: Callable[[BaseException], None],
    ) -> None:
        """Start a short read a person is waiting on, on its own thread (see the module doc).

        The caller keeps at most one such job going (the palette stops its
        search before starting the next), so nothing queues here for long.
        """
        self._start(self._interactive, work, on_success, on_failure, None)

    def run(
        self,
        work: Callable[[], T],
        on_success: Callable[[T], None],
        on_failure: Callable[[BaseException], None],
    ) -> None:
        """The lane for callers that have not said whether they write: the write lane.

        Serializing a job that only reads costs a little waiting; running a
        write beside another would cost a second writer. Callers move to
        `run_read` once they are known to only read.
        """
        self.run_write(work, on_success, on_failure)

    def scope(self) -> WorkScope:
        """A handle whose jobs can be discarded and waited for apart from everyone else's."""
        return WorkScope(self)

    def _start(
        self,
        pool: QThreadPool,
        work: Callable[[], T],
        on_success: Callable[[T], None],
        on_failure: Callable[[BaseException], None],
        scope: WorkScope | None,
    ) -> None:
        relay = _Relay(self, scope, on_success, on_failure)
        self._relays.add(relay)
        if len(self._relays) == 1:
            self.busy_changed.emit(True)
        if scope is not None:
            scope._started()
        pool.start(_Job(work, relay, scope))

    @property
    def busy(self) -> bool:
        """Whether any job has not reported back yet."""
        return bool(self._relays)

    def discard_pending(self) -> None:
        """Drop the callbacks of every job already started (used when locking)."""
        self.generation += 1

    def wait(self, msecs: int = -1) -> bool:
        """Block until every lane is idle (at lock and shutdown: no job outlives the vault)."""
        pools = (self._writes, self._keys, self._reads, self._interactive)
        return all([bool(pool.waitForDone(msecs)) for pool in pools])

    def _finished(self, relay: _Relay) -> None:
        self._relays.discard(relay)
        relay.deleteLater()
        if not self._relays:
            self.busy_changed.emit(False)


class WorkScope:
    """The jobs one owner started on the shared helper: discard or wait for only those.

    Counted on the worker side, so `wait()` returns as soon as this owner's
    jobs have run, whatever else (an import, a check) is still queued after
    them.
    """

    def __init__(self, work: BackgroundWork) -> None:
        self.work = work
        self.generation = 0
        self._running = 0
        self._idle = threading.Condition()

    def run_write(
        self,
        work: Callable[[], T],
        on_success: Callable[[T], None],
        on_failure: Callable[[BaseException], None],
    ) -> None:
        """`BackgroundWork.run_write`, counted in this scope."""
        self.work.run_write(work, on_success, on_failure, scope=self)

    def run_key_write(
        self,
        work: Callable[[], T],
        on_success: Callable[[T], None],
        on_failure: Callable[[BaseException], None],
    ) -> None:
        """`BackgroundWork.run_key_write`, counted in this scope."""
        self.work.run_key_write(work, on_success, on_failure, scope=self)

    def run_read(
        self,
        work: Callable[[], T],
        on_success: Callable[[T], None],
        on_failure: Callable[[BaseException], None],
    ) -> None:
        """`BackgroundWork.run_read`, counted in this scope."""
        self.work.run_read(work, on_success, on_failure, scope=self)

    @property
    def pending(self) -> int:
        """How many of this scope's jobs have not finished running."""
        with self._idle:
            return self._running

    def discard_pending(self) -> None:
        """Drop the callbacks of this scope's jobs already started."""
        self.generation += 1

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until this scope's jobs have run (their callbacks may still be queued)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._running == 0, timeout_s)

    def _started(self) -> None:
        with self._idle:
            self._running += 1

    def _ended(self) -> None:
        with self._idle:
            self._running -= 1
            if self._running == 0:
                self._idle.notify_all()


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
