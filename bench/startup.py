"""Startup budget: launch-to-first-window of `crucible` against a bare PySide6 window.

Each round launches, side by side and in alternating order, three processes:
a bare PySide6 program (QApplication + one QMainWindow, shown, quit at the
first event-loop turn), `python -m crucible` on a folder with a vault (the unlock
screen), and `python -m crucible` on an empty folder (the first-run setup). The
app quits as soon as its first window is shown (CRUCIBLE_EXIT_AFTER_FIRST_WINDOW),
so each wall time is launch -> first window -> exit. The budget is a median
ratio of at most 2.5 against the bare window.

Run: .venv/bin/python bench/startup.py [--rounds 9]
(offscreen unless DISPLAY is set; under Xvfb use QT_QPA_PLATFORM=xcb).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET = 2.5

BARE = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.setWindowTitle("bare")
window.show()
QTimer.singleShot(0, app.quit)
app.exec()
"""


def _timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    env = dict(os.environ, CRUCIBLE_EXIT_AFTER_FIRST_WINDOW="1")
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    with tempfile.TemporaryDirectory() as temp:
        home = Path(temp)
        env["HOME"] = str(home)
        with_vault = home / "vault"
        with_vault.mkdir(mode=0o700)
        (with_vault / "vault.key").write_text("{}")  # only its presence picks the unlock screen
        runs = {
            "bare PySide6 window": [sys.executable, "-c", BARE],
            "crucible (unlock screen)": [
                sys.executable,
                "-m",
                "crucible",
                "--vault",
                str(with_vault),
            ],
            "crucible (first-run setup)": [
                sys.executable,
                "-m",
                "crucible",
                "--vault",
                str(home / "new"),
            ],
        }
        times: dict[str, list[float]] = {name: [] for name in runs}
        for command in runs.values():  # warm the OS file cache once
            _timed(command, env)
        for round_number in range(args.rounds):
            order = list(runs.items())
            if round_number % 2:
                order.reverse()
            for name, command in order:
                times[name].append(_timed(command, env))
    bare = statistics.median(times["bare PySide6 window"])
    print(f"platform: {env.get('QT_QPA_PLATFORM', 'default')}, rounds: {args.rounds}")
    worst = 0.0
    for name, values in times.items():
        median = statistics.median(values)
        ratio = median / bare
        if name != "bare PySide6 window":
            worst = max(worst, ratio)
        print(f"{name:30} median {median * 1000:7.0f} ms   ratio {ratio:4.2f}")
    verdict = "within" if worst <= BUDGET else "OVER"
    print(f"worst ratio {worst:.2f}: {verdict} the {BUDGET}x budget")
    return 0 if worst <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
