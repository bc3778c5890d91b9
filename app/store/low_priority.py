"""Slow CPU-bound store work on threads that give way to the UI thread (Linux: nice 10).

A backup of a big vault is two threads busy for tens of seconds: SQLCipher
decrypts, re-encrypts and authenticates every page (the copy), and checks
every page's HMAC again beside the archive. On a two-core machine they
took the CPU from the UI thread: a fixed task on the UI thread (24-32 ms
with no backup running) took 25-55 ms (medians of five runs) beside a
backup of the ten-year vault, and 19-31 ms when the backup's threads ran
at nice 10 (issue 16). The kernel then runs the UI thread first whenever
it has work, and the backup takes the rest. The price: on a machine busy
with other processes the backup itself takes longer (25-40 s against
14-24 s in three paired runs, at load 3-5).

Only a new thread is lowered, never the caller's: an unprivileged process
cannot raise a thread's priority back, and the caller is often a pooled
thread (the app's writer lane) whose later work (a live key's queued
write) must not inherit it. Only on Linux, where the nice value belongs to
a thread: elsewhere `setpriority` takes a process id and would lower the
whole app, so there the work runs on its thread at the normal priority.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar, cast

BACKGROUND_NICE = 10
"""Low enough that the UI thread wins every contest for a core, not idle-only (19)."""

STARTED_WITHIN_S = 5.0
"""How long an interrupted start waits for its thread to show it runs."""

T = TypeVar("T")
log = logging.getLogger(__name__)


def run_at_low_priority(work: Callable[[threading.Event], T]) -> T:
    """Run `work(cancelled)` on a new low-priority thread and return what it returns.

    Its exception is raised here. If this thread is interrupted while it
    waits (Ctrl+C in a command), `cancelled` is set and the interruption is
    raised only once `work` has stopped, so `work` should check it between
    steps and clean up as it leaves: "interrupted" must still mean "nothing
    made".
    """
    cancelled, running, finished = threading.Event(), threading.Event(), threading.Event()
    outcome: list[tuple[bool, Any]] = []

    def body() -> None:
        running.set()
        try:
            lower_this_thread()
            outcome.append((True, work(cancelled)))
        except BaseException as error:  # handed to the waiting thread, raised there
            outcome.append((False, error))
        finally:
            finished.set()

    thread = threading.Thread(target=body, name="low-priority")
    try:
        thread.start()
        finished.wait()
    except BaseException:
        cancelled.set()
        # Interrupted inside start(), the thread may not exist: then there is nothing to wait for.
        if running.wait(STARTED_WITHIN_S) or thread.is_alive():
            finished.wait()
        raise
    succeeded, value = outcome[0]
    if not succeeded:
        raise value
    return cast(T, value)


def lower_this_thread() -> None:
    """Lower the calling thread's CPU priority to `BACKGROUND_NICE` (Linux; elsewhere nothing).

    Threads it starts afterwards inherit the lower priority.
    """
    if not sys.platform.startswith("linux"):
        return
    thread = threading.get_native_id()
    try:
        if os.getpriority(os.PRIO_PROCESS, thread) < BACKGROUND_NICE:
            os.setpriority(os.PRIO_PROCESS, thread, BACKGROUND_NICE)
    except OSError as error:  # a sandbox may refuse: the work still runs, at normal priority
        log.warning("a background thread keeps its normal priority: %s", type(error))
