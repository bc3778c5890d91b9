"""Live keys while an import runs on the background helper; the process-wide policies.

Run: .venv/bin/python bench/live_during_import.py

Each variant runs in a fresh interpreter (the policies are process-wide):

- `switch`: the GIL switch interval, 5 ms (CPython's default) or 0.5 ms (what
  the note editor used to set around each autosave).
- `gc`: "none" (the collector as CPython sets it up), "freeze-per-block"
  (`gc.collect(); gc.freeze()` at each block open, what the block widget
  used to do, releasing only at the lock) or "refreeze-per-block" (the
  root's `MemoryPolicy`: unfreeze, collect, freeze after each block open).

Measured in each: the UI thread's time for a live key (QTest.keyClick plus
one turn of the event loop, the repaint), with 5,000 observations in the
open intensive, (a) with nothing else running: the floor, and (b) while
imports of a 6,000-observation intensive run back to back on the writer
lane. Also the imports' own duration, the full collections that ran during
the keys and their longest pause, and the resident memory after opening
twelve blocks.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import cpu_model

VARIANTS = (
    ("0.005", "none"),
    ("0.0005", "none"),
    ("0.005", "freeze-per-block"),
    ("0.0005", "refreeze-per-block"),
)
KEYS_EACH = 150


def _rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def run_variant(switch_s: float, gc_mode: str) -> dict[str, Any]:
    """One interpreter's measurements (called in the child process)."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from bench.common import big_document
    from bench.workspace import KEYS, unsigned, vault_with, workspace_over
    from crucible.app.services.intensive_exchange import import_intensive
    from crucible.app.ui.kit.background import BackgroundWork
    from crucible.app.ui.shell.process_policy import MemoryPolicy

    sys.setswitchinterval(switch_s)
    app = QApplication.instance() or QApplication([])
    document = unsigned(big_document(5000))
    vault, intensive_id, blocks = vault_with(document)
    first = document["intensive"]["days"][0]["blocks"][0]
    latest = max(datetime.fromisoformat(o["at"]) for o in first["observations"])
    background = BackgroundWork()
    workspace = workspace_over(vault, latest, background)

    def open_block(block_id: int) -> None:
        workspace.show_block(intensive_id, block_id)
        if gc_mode == "freeze-per-block":
            gc.collect()
            gc.freeze()
        elif gc_mode == "refreeze-per-block":  # the chosen policy (MemoryPolicy)
            QTest.qWait(0)
            MemoryPolicy.refreeze()

    for block_id in blocks[:12]:  # a session's worth of block switches
        open_block(block_id)
        QTest.qWait(50)
    gc.collect()
    rss = _rss_mib()
    frozen = gc.get_freeze_count()
    open_block(blocks[0])
    QTest.qWait(300)
    workspace.set_live(True)

    pauses: list[float] = []
    started_at: list[float] = []

    def watch(phase: str, info: dict[str, Any]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            started_at.append(time.perf_counter())
        elif started_at:
            pauses.append(time.perf_counter() - started_at.pop())

    gc.callbacks.append(watch)

    def keys(n: int) -> list[float]:
        times = []
        for i in range(n):
            began = time.perf_counter()
            QTest.keyClick(workspace.view.pad, KEYS[i % len(KEYS)])
            app.processEvents()
            times.append(time.perf_counter() - began)
            QTest.qWait(25)
        return times

    idle = keys(KEYS_EACH)
    data = json.dumps(unsigned(big_document(6000, seed=11))).encode()
    import_times: list[float] = []
    done: list[bool] = []

    def one_import() -> float:
        began = time.perf_counter()
        import_intensive(vault, data, actor="bench")
        return time.perf_counter() - began

    def next_import(seconds: float | None = None) -> None:
        if seconds is not None:
            import_times.append(seconds)
        if not done:
            background.run_write(one_import, next_import, lambda e: print("import failed", e))

    next_import()
    QTest.qWait(100)
    busy = keys(KEYS_EACH)
    done.append(True)
    queued = workspace.observations.queued
    background.wait()
    app.processEvents()
    gc.callbacks.remove(watch)
    result = {
        "idle": idle,
        "busy": busy,
        "imports": import_times,
        "full_collections": len(pauses),
        "longest_collection_ms": max(pauses, default=0.0) * 1000,
        "rss_mib": rss,
        "frozen_objects": frozen,
        "queued_at_end": len(queued),
    }
    workspace.clear()
    vault.lock()
    return result


def _ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * len(ordered)) - 1)] * 1000


def main() -> None:
    print(f"CPU: {cpu_model()}, {os.cpu_count()} logical cores; Python {platform.python_version()}")
    for switch, gc_mode in VARIANTS:
        child = subprocess.run(
            [sys.executable, __file__, "--variant", switch, gc_mode],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(child.stdout.strip().splitlines()[-1])
        idle, busy = r["idle"], r["busy"]
        floor = statistics.median(idle)
        print(
            f"switch {float(switch) * 1000:g} ms, gc {gc_mode}: "
            f"idle key median {floor * 1000:.1f} ms p99 {_ms(idle, 0.99):.1f}; "
            f"during imports median {statistics.median(busy) * 1000:.1f} ms "
            f"p99 {_ms(busy, 0.99):.1f} max {max(busy) * 1000:.1f} "
            f"(median {statistics.median(busy) / floor:.2f}x the idle floor); "
            f"{len(r['imports'])} imports, median {statistics.median(r['imports']):.2f} s; "
            f"full collections {r['full_collections']} (longest "
            f"{r['longest_collection_ms']:.0f} ms); RSS after 12 blocks {r['rss_mib']:.0f} MiB, "
            f"{r['frozen_objects']} objects frozen"
        )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--variant":
        print(json.dumps(run_variant(float(sys.argv[2]), sys.argv[3])))
    else:
        main()
