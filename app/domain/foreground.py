"""Long Python work on a background thread steps aside while the clinician's input is handled.

CPython runs one thread's Python at a time. A key's handling lets the
interpreter go at each of its many calls into Qt and SQLite, and takes it
back each time; while an import validates 20,000 observations in Python on
the background helper, each taking-back waits up to the switch interval
(0.5 ms, decision 0017). On the ten-year vault a live key pressed while an
import was validating took 50 ms, against 13 ms idle. No operating-system
priority helps: the lock is the interpreter's own. So long work checks, at
points where it holds no lock a key could need, whether input arrived in
the last `WINDOW_S`, and sleeps until that window has passed: the key's
handling then runs alone (decision 0032).

Pure Python (the domain's JSON outline takes `Foreground.pace` as a plain
callable); the vault holds the process's one instance, the UI touches it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

WINDOW_S = 0.040
"""How long background work stays aside after an input: a live key's own work, committed and
painted, took 12-16 ms on the bench machine; the rest is margin for a slower machine."""

LONGEST_WAIT_S = 0.5
"""The most one `wait_turn` sleeps, so that held-down or endless input still lets work move on."""

PACE_EVERY = 32
"""Items between two checks in a paced loop: about a third of a millisecond of validation."""


class Foreground:
    """When the clinician last gave input, and a way for background work to wait for a pause.

    `touch` runs on the UI thread at each input; `wanted` and `wait_turn`
    on the worker. The one shared value is a float replaced whole, which
    needs no lock. `pace`'s count is shared by whoever paces: two loops at
    once only move each other's checks by a few items.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        window_s: float = WINDOW_S,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._window_s = window_s
        self._until = -1.0
        self._count = 0

    def touch(self) -> None:
        """Input arrived: background work stays aside for the next `WINDOW_S`."""
        self._until = self._clock() + self._window_s

    @property
    def wanted(self) -> bool:
        """Whether input arrived within the window (a transaction under way ends early)."""
        return self._clock() < self._until

    def wait_turn(self) -> float:
        """Sleep (the interpreter free) until the input window has passed; the seconds slept.

        Call it holding nothing a key's handling could need (the vault's
        writer above all). Returns after `LONGEST_WAIT_S` at most.
        """
        slept = 0.0
        while slept < LONGEST_WAIT_S:
            left = self._until - self._clock()
            if left <= 0:
                break
            step = min(left, LONGEST_WAIT_S - slept)
            self._sleep(step)
            slept += step
        return slept

    def pace(self) -> None:
        """`wait_turn` every `PACE_EVERY` calls: the check for a tight loop's every item."""
        self._count += 1
        if self._count >= PACE_EVERY:
            self._count = 0
            self.wait_turn()


def never_paced() -> None:
    """The pace of work nobody waits for (the command line, a test)."""
