"""Find in casebook: from the last key typed to the results drawn, on a big vault.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/search_palette.py

Builds the vault of bench/search.py (20,000 note sections of about 3 KB,
200,000 observations; `--sections` and `--observations` to change), starts
the real app on it (`launch`, test key profile), unlocks, opens the palette
with its controller, and for each query types the text with QTest key
clicks, a key every `--gap-ms` (150 ms: steady typing at about 80 words a
minute, the event loop running between keys as it does for a typist),
then waits until the results are in the tree and painted (`repaint()`,
synchronous). The figure is last key → results drawn; it includes the
palette's pause in typing (`DEBOUNCE_MS`) and any query still running for
the text before the last key. `--gap-ms 0` types each query at once. The floor, in the
same run: 50 rows put into a bare QTreeView of a QStandardItemModel and
painted. Budget: under 100 ms.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QTreeView

from bench.common import cpu_model, temp_folder
from bench.search import FAST, PASSPHRASE, corpus_arguments, generate

QUERIES = ["father ", "mortg", "silence dinner ", '"father mother"', "apology", "wheel "]
BUDGET_MS = 100.0


def _wait(condition: Callable[[], bool], timeout_s: float = 30.0) -> None:
    """Run the event loop until `condition` holds, sleeping in it as the app does.

    Not a busy loop of processEvents(): that would hold the GIL the search's
    worker thread needs, and measure the bench instead of the app.
    """
    loop = QEventLoop()
    timer = QTimer()
    deadline = time.perf_counter() + timeout_s

    def check() -> None:
        if condition() or time.perf_counter() > deadline:
            loop.quit()

    timer.timeout.connect(check)
    timer.start(1)
    if not condition():
        loop.exec()
    timer.stop()
    if not condition():
        raise SystemExit(f"timed out (status: {_status_hint()})")


STATUS: list[Callable[[], str]] = []


def _status_hint() -> str:
    return STATUS[0]() if STATUS else "?"


def _type(field: QLineEdit, text: str, gap_ms: int) -> float:
    """Type `text` into `field` a key every `gap_ms`, the loop running; when the last key landed."""
    if gap_ms <= 0:
        QTest.keyClicks(field, text)
        return time.perf_counter()
    last = 0.0
    for char in text:
        if last:
            _sleep_in_loop(gap_ms / 1000 - (time.perf_counter() - last))
        QTest.keyClicks(field, char)
        last = time.perf_counter()
    return last


def _sleep_in_loop(seconds: float) -> None:
    """Let the event loop run for `seconds`, as it does between a typist's keys."""
    if seconds <= 0:
        return
    deadline = time.perf_counter() + seconds
    _wait(lambda: time.perf_counter() >= deadline, timeout_s=seconds + 5)


def _floor(rows: int = 50, repeats: int = 20) -> float:
    """Put `rows` items into a bare tree and paint it: what drawing results costs at least."""
    tree = QTreeView()
    tree.resize(760, 400)
    tree.show()
    times = []
    for _ in range(repeats):
        model = QStandardItemModel()
        started = time.perf_counter()
        for row in range(rows):
            model.appendRow(QStandardItem(f"Day 1 · Joint block · partner A, quote {row}"))
        tree.setModel(model)
        tree.repaint()
        times.append(time.perf_counter() - started)
    tree.close()
    return statistics.median(times) * 1000


def main() -> None:
    """Build the vault, run the app, type the queries, print the figures."""
    parser = corpus_arguments(5, "a vault folder to reuse (made there with the bench's data first)")
    parser.add_argument("--gap-ms", type=int, default=150)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    from crucible.app.services.vault_access import new_vault
    from crucible.app.ui.shell.launch import launch

    folder = args.vault or temp_folder("search-palette")
    if folder.exists():
        print(f"reusing the vault in {folder}")
    else:
        vault, _code = new_vault(folder, PASSPHRASE, kdf=FAST)
        seconds = generate(vault, args.sections, args.observations, worst_case=args.worst_case)
        vault.lock()
        print(
            f"vault of {args.sections} sections, {args.observations} observations: {seconds:.0f} s"
        )
    desktop = launch(folder, kdf=FAST)
    assert not isinstance(desktop, str), desktop
    desktop.session.unlock_view.passphrase.setText(PASSPHRASE)
    desktop.session.unlock_view.unlock.click()
    _wait(lambda: desktop.session.parts is not None)
    parts = desktop.session.parts
    assert parts is not None
    search = parts.search
    view = search.open()
    STATUS.append(view.status.text)
    times = []
    for _ in range(args.repeats):
        for query in QUERIES:
            view.query.clear()
            _wait(lambda: view.status.text().startswith("Type"))
            last_key = _type(view.query, query, args.gap_ms)
            _wait(lambda query=query: search.shown_for == query)
            view.results.repaint()
            times.append(time.perf_counter() - last_key)
    floor = _floor()
    median = statistics.median(times) * 1000
    p95 = statistics.quantiles(times, n=20)[18] * 1000
    cpu = cpu_model()
    print(f"CPU: {cpu}; {len(times)} queries typed, a key every {args.gap_ms} ms")
    print(
        f"last key -> results drawn: median {median:.1f} ms, p95 {p95:.1f} ms "
        f"(budget < {BUDGET_MS:.0f} ms); floor (50 rows into a bare tree, painted) "
        f"{floor:.1f} ms, ratio {median / floor:.1f}x"
    )
    desktop.close()
    app.processEvents()


if __name__ == "__main__":
    main()
