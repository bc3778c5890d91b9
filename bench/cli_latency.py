"""CLI latency budget: `crucible list` may take at most the KDF plus 0.4 s.

One run creates a vault with production (calibrated) Argon2id parameters,
imports the sample intensive, then measures, as fresh subprocesses side by
side and in alternating order:

* the KDF alone: one Argon2id derivation with the key file's own parameters
  and salt, timed inside a fresh interpreter (so the first-touch cost of its
  memory counts, as it does for the CLI);
* `crucible list` wall time, passphrase on stdin, from launch to exit.

Medians of 5 (after one warm-up of each). The budget is the difference:
list - KDF <= 0.4 s, which is everything besides the unavoidable key
stretching: interpreter start, imports, opening the database, the schema
check, the audit event and the query. The KDF alone is the floor: the
ratio list / KDF says how far above it a listing is, under whatever load
the machine had during this very run. On a shared machine wall times
swing with the neighbours' load; the CPU time a listing spends besides the
derivation (its children's rusage minus the derivation's process time)
hardly does, so it is printed too.

`--baseline DIR` also times `crucible list` from another checkout (e.g.
`git archive main | tar -x -C DIR`), on the same vault in the same rounds,
so "before" and "after" share the machine's load (the vault's schema must
be current for both).

Run: .venv/bin/python bench/cli_latency.py [--rounds 5] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import cpu_model  # noqa: E402  (the repository root is on sys.path now)

SAMPLE = ROOT / "resources" / "demo-intensive.json"
BUDGET_S = 0.4
PASSPHRASE = "bench passphrase for the cli"

KDF_ALONE = """
import sys, time
from pathlib import Path
from crucible.app.store.keyfile import derive_passphrase_key, read_key_file
key_file = read_key_file(Path(sys.argv[1]))
started, cpu = time.perf_counter(), time.process_time()
derive_passphrase_key(sys.argv[2], key_file.kdf_salt, key_file.kdf)
print(time.perf_counter() - started, time.process_time() - cpu)
"""


def crucible(vault: Path, *args: str, stdin: str = PASSPHRASE + "\n", source: Path = ROOT) -> str:
    """Run `python -m crucible --vault VAULT ARGS` from `source` and return its stdout.

    `-m` puts the working directory first on the module path, so `source`
    decides which checkout's code runs. Raises SystemExit on failure.
    """
    done = subprocess.run(
        [sys.executable, "-m", "crucible", "--vault", str(vault), *args],
        cwd=source,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"crucible {args[0]} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


class Timing(NamedTuple):
    """Wall time, and CPU time of all threads: the CPU time hardly moves with the machine's load."""

    wall: float
    cpu: float


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_list(vault: Path, source: Path = ROOT) -> Timing:
    """One `crucible list`, launch to exit."""
    started, cpu = time.perf_counter(), _children_cpu()
    crucible(vault, "list", source=source)
    return Timing(time.perf_counter() - started, _children_cpu() - cpu)


def time_kdf(vault: Path) -> Timing:
    """One derivation with the key file's parameters, timed in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", KDF_ALONE, str(vault / "vault.key"), PASSPHRASE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    wall, cpu = done.stdout.split()
    return Timing(float(wall), float(cpu))


def describe(name: str, timings: list[Timing]) -> str:
    """One line: median, min and max wall time, and the median CPU time, in seconds."""
    walls = [t.wall for t in timings]
    return (
        f"{name:<16} median {statistics.median(walls):.3f} s "
        f"(min {min(walls):.3f}, max {max(walls):.3f}); "
        f"CPU median {statistics.median(t.cpu for t in timings):.3f} s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--baseline", type=Path, metavar="DIR", help="another checkout to time")
    args = parser.parse_args()
    baseline: Path | None = args.baseline.resolve() if args.baseline else None
    with tempfile.TemporaryDirectory(prefix="crucible-bench-cli-") as temp:
        vault = Path(temp) / "vault"
        os.environ.pop("CRUCIBLE_VAULT", None)
        crucible(vault, "init")  # calibrates the production parameters
        crucible(vault, "import", str(SAMPLE))
        from crucible.app.store.keyfile import read_key_file

        params = read_key_file(vault / "vault.key").kdf
        measures: dict[str, tuple[list[Timing], Callable[[], Timing]]] = {
            "KDF alone": ([], lambda: time_kdf(vault)),
            "crucible list": ([], lambda: time_list(vault)),
        }
        if baseline is not None:
            measures["baseline list"] = ([], lambda: time_list(vault, baseline))
        for _, measure in measures.values():
            measure()  # warm the file cache and the bytecode caches once
        order = list(measures.values())
        for round_number in range(args.rounds):
            shift = round_number % len(order)  # each measure goes first in turn
            for values, measure in order[shift:] + order[:shift]:
                values.append(measure())
    kdf = measures["KDF alone"][0]
    kdf_wall = statistics.median(t.wall for t in kdf)
    kdf_cpu = statistics.median(t.cpu for t in kdf)
    print(f"cpu: {cpu_model()} ({os.cpu_count()} logical), Python {platform.python_version()}")
    print(
        f"key file parameters: Argon2id {params.memory_kib // 1024} MiB, t={params.time_cost}, "
        f"p={params.parallelism}; rounds: {args.rounds}"
    )
    for name, (values, _) in measures.items():
        print(describe(name, values))
    verdict = 0
    for name in ("crucible list", "baseline list"):
        if name not in measures:
            continue
        list_wall = statistics.median(t.wall for t in measures[name][0])
        list_cpu = statistics.median(t.cpu for t in measures[name][0])
        overhead = list_wall - kdf_wall
        within = overhead <= BUDGET_S
        print(
            f"{name} - KDF: {overhead:.3f} s, {'within' if within else 'OVER'} the {BUDGET_S} s "
            f"budget; list / KDF floor = {list_wall / kdf_wall:.2f}; "
            f"CPU besides the KDF {list_cpu - kdf_cpu:.3f} s"
        )
        if name == "crucible list" and not within:
            verdict = 1
    return verdict


if __name__ == "__main__":
    sys.exit(main())
