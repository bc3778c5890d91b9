"""The collector's refreeze after a block opens waits for a pause in the clinician's input."""

from __future__ import annotations

import gc
from typing import Any

from crucible.app.ui.shell.process_policy import QUIET_S, MemoryPolicy


def test_the_refreeze_waits_while_keys_come_and_runs_in_the_pause(qtbot: Any) -> None:
    """A full collection of the app (~80 ms on a ten-year vault) must not land under a key."""
    since_input = [0.1]
    policy = MemoryPolicy()
    policy.since_input = lambda: since_input[0]
    gc.unfreeze()
    try:
        policy.block_opened()
        qtbot.wait(600)
        assert policy.pending
        assert gc.get_freeze_count() == 0  # nothing frozen while the keys come
        since_input[0] = QUIET_S + 1
        qtbot.waitUntil(lambda: not policy.pending, timeout=3000)
        assert gc.get_freeze_count() > 0
    finally:
        policy.release()


def test_without_an_input_watcher_it_refreezes_at_once(qtbot: Any) -> None:
    policy = MemoryPolicy()
    gc.unfreeze()
    try:
        policy.block_opened()
        qtbot.waitUntil(lambda: gc.get_freeze_count() > 0, timeout=1000)
        assert not policy.pending
    finally:
        policy.release()


def test_a_lock_drops_a_refreeze_still_waiting(qtbot: Any) -> None:
    """Nothing of the session is frozen after the lock, not even by a refreeze due later."""
    policy = MemoryPolicy()
    policy.since_input = lambda: 0.0  # the clinician is typing
    gc.unfreeze()
    policy.block_opened()
    qtbot.wait(300)
    policy.release()
    assert not policy.pending
    qtbot.wait(400)
    assert gc.get_freeze_count() == 0
