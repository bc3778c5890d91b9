"""Where an unlock on the ten-year vault spends its time and memory (issue 16).

Run: .venv/bin/python bench/unlock_profile.py --vault COPY [--profile out.prof]

COPY is a copy of bench/scale_vault.py's cached vault (never the cache
itself: the unlock writes an audit event and a daily backup into it). The
app is driven as bench/scale_app.py drives it (`Driver.unlock`: the click
3 s after the unlock screen shows, the casebook shown and the navigator
answering), then idles a second and reads its own memory, as the scale
bench's `after_unlock` mark does. `--profile` writes a cProfile of the UI
thread between the click and the usable window; `--tracemalloc` prints
the Python allocations alive after unlock by module; `--smaps` the
native memory rollup. Prints one JSON line with the figures.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import shutil
import sys
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.qt_wait import pause
from bench.scale_app import Driver, wait_until
from bench.scale_vault import PASSPHRASE


def _status() -> dict[str, int]:
    """This process's VmRSS and VmHWM in KiB, and its thread count."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM", "Threads", "RssAnon", "RssFile"):
            found[key] = int(value.split()[0])
    return found


TRACED = (
    "crucible.app.ui.shell.vault_gateway:VaultGateway.unlock",
    "crucible.app.ui.access.unlock:UnlockController._succeeded",
    "crucible.app.ui.shell.composition:compose",
    "crucible.app.ui.casebook.casebook_controller:CasebookController.__init__",
    "crucible.app.ui.casebook.casebook_controller:CasebookController._expand_current",
    "crucible.app.ui.casebook.casebook_controller:CasebookController._open_couples",
    "crucible.app.ui.casebook.casebook_view:CasebookView.__init__",
    "crucible.app.ui.shell.profile_controller:ProfileController.__init__",
    "crucible.app.ui.shell.block_slot:BlockWorkspaceSlot.__init__",
    "crucible.app.ui.casebook.casebook_edits:CasebookEdits.__init__",
    "crucible.app.ui.casebook.file_actions:FileActions.__init__",
    "crucible.app.ui.casebook.search_controller:SearchController.__init__",
    "crucible.app.ui.hours.hours_opener:HoursOpener.__init__",
    "crucible.app.ui.shell.composition:_review_parts",
    "crucible.app.services.casebook:load_couples",
    "crucible.app.ui.casebook.navigator_model:NavigatorModel.set_casebook",
    "crucible.app.ui.shell.shell_window:ShellWindow.show_screen",
    "crucible.app.ui.shell.session:DesktopSession._ensure_keys",
    "crucible.app.ui.safety.data_safety:DataSafety.vault_opened",
)
"""What `--trace` times (module:qualified name), each call's start and end after the click."""


def _trace(spans: list[tuple[str, float, float, float]], origin: list[float]) -> None:
    """Wrap each of TRACED so that its calls are timed from the click (`origin[0]`)."""
    import functools
    import importlib

    for spec in TRACED:
        module_name, _, qualified = spec.partition(":")
        module = importlib.import_module(module_name)
        owner: object = module
        *path, name = qualified.split(".")
        for part in path:
            owner = getattr(owner, part)
        original = getattr(owner, name)

        def timed(
            *args: object, _f: object = original, _n: str = qualified, **kw: object
        ) -> object:
            began, cpu = time.perf_counter(), time.thread_time()
            try:
                return _f(*args, **kw)  # type: ignore[operator]
            finally:
                used = time.thread_time() - cpu
                spans.append((_n, began - origin[0], time.perf_counter() - origin[0], used))

        setattr(owner, name, functools.wraps(original)(timed))


def _largest_mappings(count: int = 25) -> None:
    """The mappings with the most resident memory: which library, heap or arena holds it."""
    sizes: dict[str, int] = {}
    name = ""
    for line in Path("/proc/self/smaps").read_text().splitlines():
        fields = line.split()
        if "-" in fields[0] and len(fields) >= 5:
            name = fields[5] if len(fields) > 5 else f"[anon {fields[0].split('-')[0]}]"
        elif fields[0] == "Rss:":
            sizes[name] = sizes.get(name, 0) + int(fields[1])
    for mapping, kib in sorted(sizes.items(), key=lambda kv: -kv[1])[:count]:
        print(f"  {kib / 1024:7.1f} MiB  {mapping}", flush=True)


def _count_model_calls(counts: dict[str, int]) -> None:
    """Count the Qt views' calls into the navigator's Python model, by method."""
    from crucible.app.ui.casebook.navigator_model import NavigatorModel

    for name in ("index", "parent", "rowCount", "data", "flags", "hasChildren", "canFetchMore"):
        original = getattr(NavigatorModel, name)

        def counted(*args: object, _f: object = original, _n: str = name) -> object:
            counts[_n] = counts.get(_n, 0) + 1
            return _f(*args)  # type: ignore[operator]

        setattr(NavigatorModel, name, counted)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vault", type=Path, required=True)
    parser.add_argument("--typing", type=float, default=3.0)
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--smaps", action="store_true")
    parser.add_argument("--idle", type=float, default=1.0)
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--count-model", action="store_true")
    parser.add_argument("--modules", type=Path, help="write the loaded modules' names here")
    parser.add_argument("--trim", action="store_true", help="malloc_trim(0) before the reading")
    args = parser.parse_args()
    shutil.rmtree(args.vault / "backups", ignore_errors=True)
    if args.tracemalloc:
        tracemalloc.start(1)
    spans: list[tuple[str, float, float, float]] = []
    origin = [0.0]
    driver = Driver(args.vault)
    if args.trace:
        _trace(spans, origin)
    calls: dict[str, int] = {}
    if args.count_model:
        _count_model_calls(calls)
    launched = _status()
    session = driver.desktop.session
    pause(int(args.typing * 1000))
    before_click = _status()
    session.unlock_view.passphrase.setText(PASSPHRASE)
    profiler = cProfile.Profile() if args.profile else None
    started = origin[0] = time.perf_counter()
    ui_cpu = time.thread_time()
    if profiler is not None:
        profiler.enable()
    session.unlock_view.unlock.click()
    assert wait_until(lambda: session.parts is not None, 180)
    shown = (time.perf_counter() - started) * 1000
    tree = driver.parts.casebook.view.tree
    assert wait_until(lambda: tree.model() is not None and tree.model().rowCount() > 0, 60)
    tree.expand(tree.model().index(0, 0))
    driver.desktop.window.repaint()
    unlock = (time.perf_counter() - started) * 1000
    ui_cpu = (time.thread_time() - ui_cpu) * 1000
    model_calls = dict(calls)
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(str(args.profile))
    pause(int(args.idle * 1000))
    if args.trim:
        import ctypes

        untrimmed = _status()["VmRSS"]
        ctypes.CDLL("libc.so.6").malloc_trim(0)
        print(f"malloc_trim(0): {(untrimmed - _status()['VmRSS']) / 1024:.1f} MiB", flush=True)
    after = _status()
    figures = {
        "unlock_ms": round(unlock, 1),
        "composed_ms": round(shown, 1),
        "ui_thread_cpu_ms": round(ui_cpu, 1),
        "rss_launched_mib": round(launched["VmRSS"] / 1024, 1),
        "rss_before_click_mib": round(before_click["VmRSS"] / 1024, 1),
        "rss_after_unlock_mib": round(after["VmRSS"] / 1024, 1),
        "anon_after_mib": round(after["RssAnon"] / 1024, 1),
        "file_after_mib": round(after["RssFile"] / 1024, 1),
        "threads": after["Threads"],
        "load": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(figures), flush=True)
    if model_calls:
        print(f"  model calls to the usable window: {model_calls}", flush=True)
    for name, began, ended, used in sorted(spans, key=lambda span: span[1]):
        print(f"  {began * 1000:7.1f} -> {ended * 1000:7.1f} ms (CPU {used * 1000:5.1f})  {name}")
    if args.modules:
        args.modules.write_text("\n".join(sorted(sys.modules)))
    if args.smaps:
        print(Path("/proc/self/smaps_rollup").read_text(), flush=True)
        _largest_mappings()
    if args.tracemalloc:
        snapshot = tracemalloc.take_snapshot()
        by_file: dict[str, int] = {}
        for stat in snapshot.statistics("filename"):
            name = stat.traceback[0].filename
            key = name
            if "site-packages/" in name:
                key = name.split("site-packages/")[-1].split("/")[0]
            by_file[key] = by_file.get(key, 0) + stat.size
        total = sum(by_file.values())
        print(f"tracemalloc total {total / 2**20:.1f} MiB", flush=True)
        for key, size in sorted(by_file.items(), key=lambda kv: -kv[1])[:25]:
            print(f"  {size / 2**20:7.2f} MiB  {key}", flush=True)
    driver.background_idle()
    driver.desktop.close()
    driver.app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
