"""The app side of bench/scale.py: the real app on the ten-year vault, driven offscreen.

Started by bench/scale.py as a child process, never on its own. It talks
on stdout and stdin: `MARK name` says "measure my memory now" and waits for
a line on stdin before going on (the parent reads /proc/<pid>/status from
outside: VmRSS now, VmHWM the peak), `RESULT {json}` carries timings in
milliseconds. What it does, in order:

1. unlock (test key profile) to the casebook shown and the navigator
   answering (an expand and a repaint): the unlock figure;
2. memory after unlock, then waits until the background checks and the
   daily backup are done;
3. types couple codes into the navigator's filter, a key at a time, each
   key timed to the tree repainted;
4. opens the 1,000-observation, 60 KB block from the navigator, in turn
   with a small one, timed to the first repaint;
5. the summary of three intensives through the summary service;
6. in the 5,000-observation intensive's big block, live: keys timed to
   committed and visible, idle, then while a backup runs on the background
   writer, then while an import does; the backup's longest UI stall is read
   by a 5 ms heartbeat timer;
7. opens 200 blocks in turn, each to its whole intensive read, with marks
   after 50 and 200 blocks (each after idling `--idle` seconds).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from bench.qt_wait import pause
from bench.scale_vault import (
    FAST,
    LIVE_INTENSIVE,
    OPEN_INTENSIVE,
    PASSPHRASE,
    first_block_end,
    first_block_id,
)

KEYS = (Qt.Key.Key_Q, Qt.Key.Key_M, Qt.Key.Key_A, Qt.Key.Key_P, Qt.Key.Key_Z, Qt.Key.Key_L)
CODES = ("C-0123", "C-0499", "C-0007")


def mark(name: str) -> None:
    """Let the parent read this process's memory from outside, then go on."""
    print(f"MARK {name}", flush=True)
    sys.stdin.readline()


def result(name: str, values: list[float] | float) -> None:
    """Hand the parent milliseconds (a list: one per sample)."""
    print(f"RESULT {json.dumps({'name': name, 'values': values})}", flush=True)


def wait_until(condition: Callable[[], bool], timeout_s: float = 120.0) -> bool:
    """Run the event loop (sleeping in it, as the app does) until `condition` holds."""
    deadline = time.perf_counter() + timeout_s
    while not condition():
        if time.perf_counter() > deadline:
            return False
        pause(2)
    return True


def idle(seconds: float) -> None:
    """Let the app sit, its event loop running."""
    pause(int(seconds * 1000))


class Heartbeat:
    """A 5 ms timer on the UI thread; the longest gap between its ticks is the longest stall."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.clock = QElapsedTimer()
        self.longest = 0.0
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        """Start timing gaps."""
        self.longest = 0.0
        self.clock.start()
        self.timer.start()

    def _tick(self) -> None:
        gap = self.clock.restart()
        self.longest = max(self.longest, float(gap))

    def stop(self) -> float:
        """Stop; the longest gap in milliseconds."""
        self.timer.stop()
        return self.longest


class Driver:
    """The launched app and the handles the bench needs."""

    def __init__(self, folder: Path) -> None:
        from crucible.app.ui.shell.launch import launch

        self.app = QApplication.instance() or QApplication(sys.argv)
        desktop = launch(folder, kdf=FAST)
        assert not isinstance(desktop, str), desktop
        self.desktop = desktop
        desktop.window.resize(1440, 900)
        QTest.qWaitForWindowExposed(desktop.window)

    @property
    def parts(self) -> Any:
        """The unlocked session's parts."""
        parts = self.desktop.session.parts
        assert parts is not None
        return parts

    def unlock(self, typing_s: float) -> float:
        """Unlock; milliseconds to the casebook shown and the navigator answering.

        The click comes `typing_s` after the unlock screen is shown: the time a
        clinician takes to type the passphrase, during which the app loads the
        code an unlock needs (`VaultGateway.load_code_early`). 0 clicks at once.
        """
        session = self.desktop.session
        pause(int(typing_s * 1000))
        session.unlock_view.passphrase.setText(PASSPHRASE)
        started = time.perf_counter()
        session.unlock_view.unlock.click()
        assert wait_until(lambda: session.parts is not None, 180), "the unlock did not finish"
        tree = self.parts.casebook.view.tree
        assert wait_until(lambda: tree.model() is not None and tree.model().rowCount() > 0, 60)
        first = tree.model().index(0, 0)
        tree.expand(first)  # the navigator answers
        self.desktop.window.repaint()
        return (time.perf_counter() - started) * 1000

    def background_idle(self, timeout_s: float = 300) -> None:
        """Until the background helper has no job left."""
        background = self.desktop.session.background
        wait_until(lambda: not background.busy, timeout_s)

    def filter_keys(self) -> list[float]:
        """Type couple codes into the filter a key at a time; each key's milliseconds."""
        view = self.parts.casebook.view
        times = []
        for code in CODES:
            view.filter.setFocus()
            for char in code:
                started = time.perf_counter()
                QTest.keyClicks(view.filter, char)
                view.tree.repaint()
                times.append((time.perf_counter() - started) * 1000)
                pause(30)
            started = time.perf_counter()
            view.filter.clear()
            view.tree.repaint()
            times.append((time.perf_counter() - started) * 1000)
            pause(30)
        return times

    def workspace(self) -> Any:
        """The block workspace (built at the first open)."""
        return self.parts.blocks.workspace

    def open_block(self, block_id: int) -> float:
        """Select a block in the navigator; milliseconds to its first repaint."""
        started = time.perf_counter()
        assert self.parts.casebook.open_item(("block", block_id)), block_id
        self.app.processEvents()
        self.desktop.window.repaint()
        took = (time.perf_counter() - started) * 1000
        workspace = self.workspace()
        wait_until(lambda: getattr(workspace, "intensive_complete", True), 60)
        return took

    def wait_summary_idle(self) -> None:
        """Until no summary refresh is due or under way."""
        workspace = self.workspace()
        wait_until(
            lambda: (
                not (
                    workspace.summary_timer.isActive()
                    or workspace._summary_steps
                    or workspace._summary_step.isActive()
                )
            ),
            30,
        )

    def keys(self, count: int, *, while_busy: bool = False) -> list[float]:
        """Live keys in the open block, timed to committed and visible."""
        from crucible.app.ui.block.block_controller import SUMMARY_DELAY_MS

        workspace = self.workspace()
        background = self.desktop.session.background
        times = []
        for n in range(count):
            if while_busy and not background.busy:
                break
            self.wait_summary_idle()
            pause(50)
            before = workspace.observations.last_id
            started = time.perf_counter()
            QTest.keyClick(workspace.view.pad, KEYS[n % len(KEYS)])
            question = workspace.run.question
            if question is not None:  # asked anyway: the run is void, say so
                raise SystemExit("the workspace asked about the block's date")
            # committed: the id comes back from the write (queued on the writer lane when busy)
            wait_until(lambda before=before: workspace.observations.last_id != before, 30)
            self.app.processEvents()
            times.append((time.perf_counter() - started) * 1000)
            pause(SUMMARY_DELAY_MS + 50 if not while_busy else 50)
        return times


def summaries(vault: Any) -> list[float]:
    from crucible.app.services.summary import intensive_summary

    times = []
    for intensive in (1, OPEN_INTENSIVE, LIVE_INTENSIVE) * 5:
        started = time.perf_counter()
        intensive_summary(vault, intensive)
        times.append((time.perf_counter() - started) * 1000)
    return times


class BenchClock:
    """Wall time moved to just after the live block's last observation, then running."""

    def __init__(self, start: datetime) -> None:
        self.start, self.began = start, time.perf_counter()

    def __call__(self) -> datetime:
        """Now, on the bench's clock."""
        return self.start + timedelta(seconds=time.perf_counter() - self.began)


def live_clock_start(workspace: Any) -> datetime:
    """When the live keys' clock starts: after the live block's newest observation.

    The cached vault is reused from run to run and keeps every run's keys.
    A clock restarted at the block's planned end put each later run's keys
    before the earlier runs' (10:15:00 onward, among keys up to 10:15:33),
    so each key was inserted mid-table and the table was laid out and
    repainted whole: a keypress the bench measured at twice its cost in a
    session, where each key is the newest observation.
    """
    start = first_block_end(LIVE_INTENSIVE)
    record = workspace.record
    if record is not None and len(record):
        start = max(start, record.at(len(record) - 1).at)
    return start


def live_figures(driver: Driver, keys: int, import_doc: Path | None) -> None:
    from crucible.app.services.backups import backup_now

    live = first_block_id(LIVE_INTENSIVE)
    driver.open_block(live)
    workspace = driver.workspace()
    clock = BenchClock(live_clock_start(workspace))
    workspace.services.clock = clock
    workspace.observations.clock = clock  # each key is the newest observation, as in a session
    workspace.run.clock = clock  # the block's own day: no "log on another date?" question
    workspace.set_live(True)
    result("keypress", driver.keys(keys))
    vault = driver.parts.vault
    background = driver.desktop.session.background
    heartbeat = Heartbeat()
    done: list[float] = []
    started = time.perf_counter()
    heartbeat.start()
    background.run_write(
        lambda: backup_now(vault),
        lambda _r: done.append((time.perf_counter() - started) * 1000),
        lambda error: done.append(-1.0),
    )
    during = driver.keys(1000, while_busy=True)
    wait_until(lambda: bool(done), 300)
    stall = heartbeat.stop()
    result("backup", done)
    result("backup stall", stall)
    result("keypress during backup", during)
    if import_doc is not None:
        keys_during_imports(driver, import_doc)
    workspace.set_live(False)


IMPORT_KEYS = 40
"""Keys that must land while an import runs, for a keypress figure with a meaningful n."""
MAX_IMPORTS = 30


def keys_during_imports(driver: Driver, import_doc: Path) -> None:
    """Live keys while imports of `import_doc` run back to back on the write lane.

    One import of the 20,000-observation document lasts about a second, so
    few keys land in one; imports follow each other until `IMPORT_KEYS` keys
    were pressed and committed while one was running (both inside the same
    import), or `MAX_IMPORTS` ran. Reported: those keys' times; the times of
    every key pressed while an import ran, committed inside it or after it
    (before decision 0031 every one waited for the whole import); each
    import's duration; and, on a line of its own, how many keys landed of
    how many pressed over how many imports. The imported intensives are
    deleted afterwards.
    """
    import threading

    from crucible.app.services.casebook import delete_intensive
    from crucible.app.services.intensive_exchange import import_intensive

    vault = driver.parts.vault
    background = driver.desktop.session.background
    document = json.loads(import_doc.read_bytes())
    # The generated practice has its own C-0007 with other partners: under the
    # sample's code every import was refused at its first write, after the
    # validation only. A code of its own makes each a whole import.
    document["couple"]["code"] = "C-IMPORT-BENCH"
    for day in document["intensive"]["days"]:  # unsigned, so the bench can delete them after
        for block in day["blocks"]:
            block["note"].update(signed_at=None, signed_by=None, addenda=[])
    data = json.dumps(document).encode()
    del document
    running = threading.Event()
    finished: list[float] = []
    imported: list[int] = []
    failed: list[BaseException] = []
    wanted = [True]

    def one_import() -> int:
        running.set()
        started = time.perf_counter()
        try:
            return import_intensive(vault, data, actor="bench")
        finally:
            finished.append((time.perf_counter() - started) * 1000)
            running.clear()

    def next_import(new_id: int | None = None) -> None:
        if new_id is not None:
            imported.append(new_id)
        if wanted[0] and len(finished) < MAX_IMPORTS:
            background.run_write(one_import, next_import, failed.append)

    next_import()
    during: list[float] = []
    pressed: list[float] = []
    while len(during) < IMPORT_KEYS and len(finished) < MAX_IMPORTS and not failed:
        if not running.is_set():
            pause(5)
            continue
        imports_before = len(finished)
        times = driver.keys(1)
        pressed.extend(times)
        if running.is_set() and len(finished) == imports_before:  # pressed and committed inside
            during.extend(times)
    wanted[0] = False
    wait_until(lambda: not background.busy, 300)
    if failed:
        raise SystemExit(f"an import failed: {failed[0]!r}")
    result("keypress during import", during)
    result("keypress pressed during import", pressed)  # committed inside one or after it
    print(
        f"keys during import: {len(during)} landed inside an import of {len(pressed)} pressed,"
        f" over {len(finished)} imports",
        flush=True,
    )
    result("imports during keys", finished)
    for new_id in imported:
        delete_intensive(vault, new_id, actor="bench")


def tour(driver: Driver, blocks: int, idle_s: float) -> None:
    """Open `blocks` blocks in turn (first blocks of intensives spread over the practice)."""
    times = []
    for n in range(blocks):
        intensive = 1 + (n * 37) % 500
        if intensive % 10 == 0:
            intensive -= 1  # archived: not listed unless shown
        times.append(driver.open_block(first_block_id(intensive)))
        if n + 1 == 50:
            idle(idle_s)
            mark("after_50_blocks")
    idle(idle_s)
    mark("after_200_blocks")
    result("tour opens", times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vault", type=Path, required=True)
    parser.add_argument("--keys", type=int, default=60)
    parser.add_argument("--blocks", type=int, default=200)
    parser.add_argument("--idle", type=float, default=10.0)
    parser.add_argument("--typing", type=float, default=3.0)
    parser.add_argument("--import-doc", type=Path)
    args = parser.parse_args()
    driver = Driver(args.vault)
    mark("launched")
    result("unlock", driver.unlock(args.typing))
    idle(1)
    mark("after_unlock")
    driver.background_idle()
    result("filter keystroke", driver.filter_keys())
    opens = []
    small = first_block_id(OPEN_INTENSIVE) + 1
    for _ in range(7):
        driver.open_block(small)
        driver.wait_summary_idle()
        opens.append(driver.open_block(first_block_id(OPEN_INTENSIVE)))
        driver.wait_summary_idle()
    result("open block", opens)
    result("summary", summaries(driver.parts.vault))
    live_figures(driver, args.keys, args.import_doc)
    driver.background_idle()
    tour(driver, args.blocks, args.idle)
    result("median", statistics.median(opens))
    driver.desktop.close()
    driver.app.processEvents()
    print("DONE", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
