"""While the passphrase is typed, the UI thread readies the casebook's window in small steps.

The unlock then neither imports a UI module nor makes PySide create the
enum types it made at every unlock before (about 140, 100-250 ms on the UI
thread: issue 16). Checked in a fresh interpreter, where nothing of the
kind was created by an earlier test.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from crucible.app.ui.shell.first_window_warmup import FirstWindowWarmup

ROOT = Path(__file__).resolve().parents[3]

UNLOCK_AFTER_WARMUP = textwrap.dedent(
    """
    import enum, json, sys, time
    from pathlib import Path

    created = []
    make = enum.EnumType._create_

    def counted(cls, *args, **kwargs):
        made = make(cls, *args, **kwargs)
        created.append(made)
        return made

    enum.EnumType._create_ = counted

    from PySide6.QtWidgets import QApplication
    from crucible.app.services.profile import ClinicianProfile, save_profile
    from crucible.app.services.vault_access import new_vault
    from crucible.app.ui.shell.launch import launch
    from tests.conftest import FAST_KDF, PASSPHRASE

    folder = Path(sys.argv[1])
    vault = new_vault(folder, PASSPHRASE, kdf=FAST_KDF)[0]
    save_profile(vault, ClinicianProfile("Jordan Reyes", "LMFT"))
    vault.lock()
    app = QApplication([])
    desktop = launch(folder, kdf=FAST_KDF)
    session = desktop.session

    def wait(condition):
        deadline = time.monotonic() + 60
        while not condition():
            assert time.monotonic() < deadline, "timed out"
            app.processEvents()
            time.sleep(0.002)

    wait(lambda: session.warmup.done)
    before, enums = set(sys.modules), len(created)
    session.unlock_view.passphrase.setText(PASSPHRASE)
    session.unlock_view.unlock.click()
    wait(lambda: session.parts is not None)
    app.processEvents()
    wait(lambda: not session.background.busy)  # the quick check and the daily backup too
    print(json.dumps({
        "imported": sorted(set(sys.modules) - before),
        "enums": [t.__qualname__ for t in created[enums:]],
    }))
    desktop.close()
    """
)


def test_an_unlock_after_the_warmup_imports_no_crucible_module_and_makes_no_pyside_types(
    tmp_path: Path,
) -> None:
    """The real app, offscreen: warm-up to its end, then unlock, watching imports and enums.

    Nothing of Crucible's is imported after the click: not the UI modules
    (the warm-up's), not the unlock's own or the checks' that start with
    the casebook (the early imports').
    """
    script = tmp_path / "unlock_after_warmup.py"
    script.write_text(UNLOCK_AFTER_WARMUP)
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "vault")],
        cwd=ROOT,
        env={"QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert [name for name in seen["imported"] if name.startswith("crucible.")] == []
    assert len(seen["enums"]) <= 10, seen["enums"]  # about 140 without the warm-up


def test_the_steps_wait_for_the_early_imports_and_for_a_running_unlock(qtbot: Any) -> None:
    """Imports wait until the early imports are done; nothing runs while the helper is busy."""
    state = {"code": False, "busy": True}
    warmup = FirstWindowWarmup(code_loaded=lambda: state["code"], busy=lambda: state["busy"])
    left = len(warmup._steps)
    warmup.start()
    qtbot.wait(60)
    assert len(warmup._steps) == left  # an unlock runs: nothing beside it
    state["busy"] = False
    qtbot.waitUntil(lambda: warmup._steps[0].needs_code, timeout=5000)
    qtbot.wait(60)
    assert warmup._steps[0].needs_code  # the imports wait for the code
    assert not warmup.done
    state["code"] = True
    qtbot.waitUntil(lambda: warmup.done, timeout=10_000)


def test_stop_ends_the_steps(qtbot: Any) -> None:
    """At unlock the session stops the warm-up: compose does what is left."""
    warmup = FirstWindowWarmup(code_loaded=lambda: True, busy=lambda: False)
    left = len(warmup._steps)
    warmup.start()
    warmup.stop()
    qtbot.wait(60)
    assert len(warmup._steps) == left
