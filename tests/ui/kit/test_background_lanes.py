"""The one background helper: writes one at a time in order, reads beside them, scopes apart."""

from __future__ import annotations

import threading
import time
from typing import Any

from crucible.app.ui.kit.background import BackgroundWork


def _never(error: BaseException) -> None:
    raise AssertionError(f"unexpected failure: {error!r}")


def test_writes_run_one_at_a_time_in_the_order_queued(qtbot: Any) -> None:
    work = BackgroundWork()
    order: list[int] = []
    running = []
    overlap: list[bool] = []

    def write(n: int) -> int:
        running.append(n)
        overlap.append(len(running) > 1)
        time.sleep(0.01)
        running.remove(n)
        return n

    for n in range(6):
        work.run_write(lambda n=n: write(n), order.append, _never)
    qtbot.waitUntil(lambda: len(order) == 6, timeout=5000)
    assert order == list(range(6))
    assert not any(overlap)


def test_a_read_runs_beside_a_long_write(qtbot: Any) -> None:
    work = BackgroundWork()
    release = threading.Event()
    read_done: list[str] = []
    work.run_write(lambda: release.wait(5), lambda _r: None, _never)
    work.run_read(lambda: "read", read_done.append, _never)
    qtbot.waitUntil(lambda: bool(read_done), timeout=2000)  # while the write still blocks
    assert not release.is_set()
    release.set()
    assert work.wait(5000)


def test_an_interactive_read_runs_while_every_read_thread_is_held(qtbot: Any) -> None:
    """A search typed while two long checks hold the read lane still comes back at once."""
    work = BackgroundWork()
    release = threading.Event()
    for _ in range(3):  # more long reads than the lane has threads
        work.run_read(lambda: release.wait(5), lambda _r: None, _never)
    found: list[str] = []
    work.run_interactive(lambda: "found", found.append, _never)
    qtbot.waitUntil(lambda: bool(found), timeout=2000)  # while the reads still block
    assert not release.is_set()
    release.set()
    assert work.wait(5000)


def test_a_scope_discards_and_waits_for_its_own_jobs_only(qtbot: Any) -> None:
    work = BackgroundWork()
    mine, other = work.scope(), []
    release = threading.Event()
    work.run_write(lambda: release.wait(5), other.append, _never)
    delivered: list[str] = []
    mine.run_read(lambda: "mine", delivered.append, _never)
    assert mine.wait(2)  # returns although the unscoped write still runs
    assert not release.is_set()
    mine.discard_pending()
    release.set()
    qtbot.waitUntil(lambda: not work.busy, timeout=5000)
    assert delivered == []  # discarded by its scope
    assert other == [True]  # the other job's result still arrives


def test_failures_come_back_on_the_failure_callback(qtbot: Any) -> None:
    work = BackgroundWork()
    errors: list[BaseException] = []

    def fail() -> int:
        raise ValueError("no")

    work.run_write(fail, lambda _r: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], ValueError)
