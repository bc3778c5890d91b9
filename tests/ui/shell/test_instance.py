"""One app per vault (reliability test 8): a second start is refused, a dead owner's lock freed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crucible.app.services.instance import lock_file_path
from crucible.app.ui.shell.instance_guard import ALREADY_OPEN, InstanceGuard
from crucible.app.ui.shell.launch import EXIT_AFTER_FIRST_WINDOW, Desktop, launch

ROOT = Path(__file__).parents[2]


def test_second_start_is_refused_and_raises_the_first(
    qtbot: Any, demo_vault: Path, start_desktop: Callable[..., Desktop]
) -> None:
    """A second launch on the same vault gets the sentence; the first is asked to come forward."""
    first = start_desktop(demo_vault)
    with qtbot.waitSignal(first.guard.activation_requested, timeout=3000):
        second = launch(demo_vault)
    assert second == ALREADY_OPEN


def test_second_process_is_refused(
    qtbot: Any, demo_vault: Path, start_desktop: Callable[..., Desktop]
) -> None:
    """The real command in another process says the vault is open and exits non-zero."""
    first = start_desktop(demo_vault)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **{EXIT_AFTER_FIRST_WINDOW: "1"})
    with qtbot.waitSignal(first.guard.activation_requested, timeout=15_000):
        process = subprocess.Popen(
            [sys.executable, "-m", "crucible", "--vault", str(demo_vault)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 1
    assert ALREADY_OPEN in err


def test_lock_of_a_killed_process_is_taken_over(qtbot: Any, tmp_path: Path) -> None:
    """A lock file left by a process killed with SIGKILL is recognised as stale."""
    folder = tmp_path / "vault"
    folder.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys, time
            from PySide6.QtCore import QLockFile
            lock = QLockFile({str(lock_file_path(folder))!r})
            print(lock.tryLock(0), flush=True)
            time.sleep(60)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "True"
    guard = InstanceGuard(folder)
    assert not guard.acquire()
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(10)
    holder.stdout.close()
    assert lock_file_path(folder).exists()
    assert guard.acquire()
    guard.release()
