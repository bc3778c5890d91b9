"""Budget of the research-export issue: 1,000,000 observations to CSV in under 15 s, bounded memory.

The vault is the ten-year practice of `bench/backup_big.py` (500 intensives,
1,000,000 observations, bulk-inserted once and cached in
/tmp/crucible-bench-big/; `--fresh` rebuilds it).

Each measurement runs in a fresh child process, so peak RSS is that
export's own: the export of the first 100 intensives (200,000
observations) and of all 500. Memory is bounded when the growth of the peak
over the child's resident size before the export is about the same for
both; a table built in memory would grow five-fold.

The floor, measured in the same run: the rows and columns the export reads
(one query per intensive) through the driver's cursor, building nothing and
writing nothing. The export's own query also has SQLite compute each
instant in microseconds; that is counted as the export's work, not the
floor's. The ratio says what the export adds to reading the data at all.
Each line gives wall time and the child's CPU time: on a shared machine the
two differ by what other processes took.

Run: .venv/bin/python bench/research_export.py [--fresh]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import cpu_model

BUDGET_S = 15.0
FLOOR_SQL = (  # what app.store.research_reader reads, without its SQL arithmetic; thrown away
    "SELECT o.block_id, o.at, o.partner, o.stance, o.intensity, o.boundary, o.strategies"
    " FROM observation AS o JOIN block AS b ON b.id = o.block_id"
    " JOIN day AS d ON d.id = b.day_id WHERE d.intensive_id = ?"
    " ORDER BY d.number, b.position, o.at_utc, o.id"
)


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def child(intensives: int | None, floor: bool) -> dict[str, float]:
    """One measurement, in this (fresh) process: the export, or the floor."""
    from bench.backup_big import CACHE, PASSPHRASE
    from crucible.app.domain.research_codebook import ResearchOptions
    from crucible.app.services import vault_access
    from crucible.app.services.research_export import export_research_csv
    from crucible.app.store.vault import UnlockThrottle

    vault = vault_access.open_vault(CACHE / "vault", PASSPHRASE, throttle=UnlockThrottle())
    out = Path(tempfile.mkdtemp(prefix="crucible-bench-research-")) / "export"
    try:
        rss_before = _rss_kib()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu_before = usage.ru_utime + usage.ru_stime
        started = time.perf_counter()
        if floor:
            rows = 0
            with vault.session() as session:
                driver = session.connection().connection.driver_connection
                assert driver is not None
                for intensive_id in range(1, 501):
                    for _row in driver.execute(FLOOR_SQL, (intensive_id,)):
                        rows += 1
        else:
            ids = None if intensives is None else list(range(1, intensives + 1))
            result = export_research_csv(vault, ids, out, ResearchOptions(), actor="bench")
            rows = result.observations
        seconds = time.perf_counter() - started
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        size = sum(p.stat().st_size for p in out.glob("*")) if out.exists() else 0
    finally:
        vault.lock()
        shutil.rmtree(out.parent, ignore_errors=True)
    return {
        "seconds": seconds,
        "cpu_s": cpu.ru_utime + cpu.ru_stime - cpu_before,
        "rows": rows,
        "rss_before_mib": rss_before / 1024,
        "peak_growth_mib": (peak_kib - rss_before) / 1024,
        "bytes": size,
    }


def _run_child(*args: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    answer: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="regenerate the cached vault")
    parser.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        kind = args.child[0]
        count = None if kind in ("all", "floor") else int(kind)
        print(json.dumps(child(count, floor=kind == "floor")))
        return 0
    from bench.backup_big import cached_vault

    cached_vault(args.fresh)
    print(f"CPU: {cpu_model()}")
    floor = _run_child("floor")
    part = _run_child("100")
    whole = _run_child("all")
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(
        f"floor (the export's queries, build nothing): {floor['seconds']:.2f} s "
        f"(CPU {floor['cpu_s']:.2f} s) for {floor['rows']:,.0f} rows"
    )
    print(
        f"export 100 intensives: {part['seconds']:.2f} s (CPU {part['cpu_s']:.2f} s), "
        f"{part['rows']:,.0f} observations, peak RSS growth {part['peak_growth_mib']:.1f} MiB"
    )
    verdict = "OK" if whole["seconds"] < BUDGET_S else "OVER BUDGET"
    print(
        f"export all: {whole['seconds']:.2f} s, CPU {whole['cpu_s']:.2f} s "
        f"(budget {BUDGET_S:.0f} s: {verdict}), "
        f"{whole['rows']:,.0f} observations, {whole['bytes'] / 2**20:.0f} MiB written, "
        f"peak RSS growth {whole['peak_growth_mib']:.1f} MiB "
        f"(over {whole['rss_before_mib']:.0f} MiB at start); "
        f"{whole['cpu_s'] / floor['cpu_s']:.1f}x the floor's CPU time"
    )
    bounded = whole["peak_growth_mib"] < 2 * max(part["peak_growth_mib"], 8.0)
    print(f"memory bounded (5x the rows, < 2x the growth): {'yes' if bounded else 'NO'}")
    return 0 if verdict == "OK" and bounded else 1


if __name__ == "__main__":
    raise SystemExit(main())
