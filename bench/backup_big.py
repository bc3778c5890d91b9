"""Budget of the data-safety issue: back up, check and restore a big vault.

The vault: 500 intensives (one couple each, 2 days of 4 blocks) and
1,000,000 observations with short texts, written with bulk Core inserts
(`executemany`, one transaction per 50,000 rows). Generating it takes a
minute or two, so it is cached in /tmp/crucible-bench-big/ and reused while
its generator version matches; `--fresh` rebuilds it.

Timed: a backup (target under 10 s), `quick_check`, `full_check`
(integrity_check + cipher_integrity_check + audit chain), listing with hash
checks, and a full restore into a new folder.

Run: .venv/bin/python bench/backup_big.py [--fresh]

With `--vault PATH` (a copy of a vault made with bench/scale_vault.py's
passphrase, e.g. the ten-year vault: never the shared cache itself) it
times only the backup, phase by phase, `--runs` times, beside a floor
measured in the same run (`cp` of vault.db, `sync` of that copy and
`sha256sum` of it: plain I/O; and `python -c pass`, a CPU-and-start-up
floor that moves with the machine's load), and meanwhile probes the UI side: a 5 ms
QTimer on the main thread (its longest gap is the longest stall) and, every
100 ms on that thread, a 4 KiB append + fsync in the vault folder, which
is what a live key's commit does to the disk (WAL, synchronous=FULL).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select

from bench.common import STANCES, STRATEGIES
from crucible.app.domain.audit_vocabulary import AuditAction
from crucible.app.services import backups, integrity, vault_access
from crucible.app.store import models
from crucible.app.store.audit import append_event
from crucible.app.store.intensives import utc_key
from crucible.app.store.keyfile import KdfParams
from crucible.app.store.vault import UnlockThrottle, Vault, create_vault

CACHE = Path("/tmp/crucible-bench-big")
GENERATOR_VERSION = 1
PASSPHRASE = "bench passphrase"
TEST_PROFILE = KdfParams(1024, 1)  # the bench times backups, not the KDF
INTENSIVES = 500
DAYS, BLOCKS = 2, 4
OBSERVATIONS = 1_000_000
CHUNK = 50_000
TZ = timezone(timedelta(hours=-5))


def generate(folder: Path) -> None:
    """Create the big vault in `folder` with bulk inserts."""
    rng = random.Random(500)
    vault, _code = create_vault(folder, PASSPHRASE, kdf=TEST_PROFILE)
    per_block = OBSERVATIONS // (INTENSIVES * DAYS * BLOCKS)
    started = time.perf_counter()
    try:
        with vault.engine.begin() as connection:
            now = datetime(2026, 1, 5, 9, 0, tzinfo=TZ)
            connection.execute(
                insert(models.Couple.__table__),
                [{"id": i, "code": f"C-{i:04d}", "archived": False} for i in range(1, 501)],
            )
            connection.execute(
                insert(models.Partner.__table__),
                [
                    {"couple_id": i, "key": key, "name": f"Partner {key}{i}", "pronouns": ""}
                    for i in range(1, 501)
                    for key in "AB"
                ],
            )
            connection.execute(
                insert(models.Intensive.__table__),
                [
                    {
                        "id": i,
                        "couple_id": i,
                        "title": f"Intensive {i}",
                        "clinician": "Dr. Bench",
                        "reflections": "",
                        "status": "active",
                    }
                    for i in range(1, INTENSIVES + 1)
                ],
            )
            days, blocks = [], []
            for i in range(1, INTENSIVES + 1):
                first = now + timedelta(days=7 * (i % 50))
                for d in range(DAYS):
                    day_id = (i - 1) * DAYS + d + 1
                    days.append(
                        {"id": day_id, "intensive_id": i, "number": d + 1, "date": first.date()}
                    )
                    for b in range(BLOCKS):
                        start = first + timedelta(days=d, hours=2 * b)
                        blocks.append(
                            {
                                "id": (day_id - 1) * BLOCKS + b + 1,
                                "day_id": day_id,
                                "position": b,
                                "title": f"Block {b + 1}",
                                "kind": "joint",
                                "start": start,
                                "end": start + timedelta(minutes=90),
                            }
                        )
            connection.execute(insert(models.Day.__table__), days)
            connection.execute(insert(models.Block.__table__), blocks)
            for i in range(1, INTENSIVES + 1):
                append_event_core(connection, i, now)
        rows: list[dict[str, object]] = []
        for block in blocks:
            start: datetime = block["start"]  # type: ignore[assignment]
            for n in range(per_block):
                at = start + timedelta(seconds=n * 20 + rng.randrange(20))
                rows.append(
                    {
                        "block_id": block["id"],
                        "at": at,
                        "at_utc": utc_key(at),
                        "offset_s": (at - start).total_seconds(),
                        "partner": "AB"[n % 2],
                        "stance": rng.choice(STANCES),
                        "boundary": None,
                        "intensity": rng.randint(1, 5),
                        "strategies": rng.sample(STRATEGIES, rng.randint(0, 2)),
                        "trigger": "",
                        "quote": f"a short quote number {n}",
                        "intervention": "",
                        "response": "",
                        "note": "",
                    }
                )
                if len(rows) >= CHUNK:
                    _flush(vault, rows)
        _flush(vault, rows)
        with vault.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        vault.lock()
    print(f"generated in {time.perf_counter() - started:.1f} s", flush=True)


def append_event_core(connection: object, intensive_id: int, now: datetime) -> None:
    """One import event per intensive, through the real chaining code."""
    from sqlalchemy.orm import Session

    with Session(bind=connection) as session:  # type: ignore[call-overload]
        append_event(
            session, at=now, actor="bench", action=AuditAction.IMPORT, intensive_id=intensive_id
        )


def _flush(vault: Vault, rows: list[dict[str, object]]) -> None:
    if rows:
        with vault.engine.begin() as connection:
            connection.execute(insert(models.Observation.__table__), rows)
        rows.clear()


def cached_vault(fresh: bool) -> Path:
    """The generated vault, from the cache when it is there and current."""
    folder = CACHE / "vault"
    stamp = CACHE / "generator.json"
    current = {"version": GENERATOR_VERSION, "observations": OBSERVATIONS}
    if not fresh and stamp.exists() and json.loads(stamp.read_text()) == current:
        return folder
    shutil.rmtree(CACHE, ignore_errors=True)
    CACHE.mkdir(parents=True, mode=0o700)
    generate(folder)
    stamp.write_text(json.dumps(current))
    return folder


def floor_seconds(db_path: Path, scratch: Path) -> dict[str, float]:
    """Plain I/O on the same file: cp, fsync of the copy, sha256sum of it; and `python -c pass`."""
    target = scratch / "floor.db"
    times = {}
    for name, command in (
        ("python -c pass", [sys.executable, "-c", "pass"]),
        ("cp", ["cp", str(db_path), str(target)]),
        ("sync", ["sync", str(target)]),
        ("sha256sum", ["sha256sum", str(target)]),
    ):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times[name] = time.perf_counter() - started
    target.unlink()
    return times


class UiProbe:
    """What the UI thread feels during a backup: timer gaps and a commit's fsync."""

    def __init__(self, folder: Path) -> None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtCore import QCoreApplication, QElapsedTimer, QTimer

        self.app = QCoreApplication.instance() or QCoreApplication([])
        self.clock = QElapsedTimer()
        self.heartbeat = QTimer(interval=5)
        self.heartbeat.timeout.connect(self._tick)
        self.committer = QTimer(interval=100)
        self.committer.timeout.connect(self._commit)
        self.scratch = folder / "bench-fsync-probe"
        self.gaps: list[float] = []
        self.fsyncs: list[float] = []
        self.fsync_at: list[float] = []
        self.gap_at: list[float] = []
        self.started = 0.0

    def _tick(self) -> None:
        self.gaps.append(float(self.clock.restart()))
        self.gap_at.append(time.perf_counter() - self.started)

    def _commit(self) -> None:
        started = time.perf_counter()
        fd = os.open(self.scratch, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, b"x" * 4096)
            os.fsync(fd)
        finally:
            os.close(fd)
        self.fsyncs.append((time.perf_counter() - started) * 1000)
        self.fsync_at.append(started - self.started)

    def run(self, work: object, idle: bool = False) -> object:
        """Run `work` on a thread (or sleep 3 s when `idle`) with the probes on this one.

        The main thread waits in a real event loop, as the app does.
        `QTest.qWait` would not do: it holds the GIL while it sleeps, so a
        background loop that needs the GIL often (the archive pass) waits
        up to the sleep each time and the backup looks several times slower.
        """
        from PySide6.QtCore import QEventLoop, QTimer

        self.gaps, self.fsyncs, self.fsync_at, self.gap_at, outcome = [], [], [], [], []
        self.started = time.perf_counter()
        thread = threading.Thread(
            target=lambda: outcome.append(time.sleep(3) if idle else work())  # type: ignore[operator]
        )
        loop = QEventLoop()
        finished = QTimer(interval=20)
        finished.timeout.connect(lambda: None if thread.is_alive() else loop.quit())
        self.clock.start()
        self.heartbeat.start()
        self.committer.start()
        thread.start()
        finished.start()
        loop.exec()
        finished.stop()
        self.heartbeat.stop()
        self.committer.stop()
        thread.join()
        self.scratch.unlink(missing_ok=True)
        return outcome[0] if outcome else None

    def summary(self) -> str:
        """Longest timer gap, and the commits' fsync median and max, in ms."""
        return (
            f"longest UI gap {max(self.gaps, default=0):.0f} ms "
            f"(ending {self._at(self.gaps, self.gap_at):.1f} s in); "
            f"commit fsync median {statistics.median(self.fsyncs or [0]):.0f} ms, "
            f"max {max(self.fsyncs, default=0):.0f} ms ({len(self.fsyncs)} commits, "
            f"the longest {self._at(self.fsyncs, self.fsync_at):.1f} s in)"
        )

    @staticmethod
    def _at(values: list[float], times: list[float]) -> float:
        """When, in seconds from the start, the largest of `values` was recorded."""
        if not values:
            return 0.0
        return times[values.index(max(values))]


def time_backups(folder: Path, runs: int) -> int:
    """The backup of a vault copy, phase by phase, beside the floor and the UI probes."""
    from bench.scale_vault import PASSPHRASE as SCALE_PASSPHRASE

    size = (folder / "vault.db").stat().st_size
    scratch = Path(tempfile.mkdtemp(prefix="crucible-bench-floor-", dir=folder.parent))
    vault = vault_access.open_vault(folder, SCALE_PASSPHRASE, throttle=UnlockThrottle())
    probe = UiProbe(folder)
    print(f"vault.db {size / 2**20:.0f} MiB; CPU {_cpu_model()}; {os.cpu_count()} cores")
    try:
        probe.run(None, idle=True)
        print(f"idle: {probe.summary()}")
        for run in range(1, runs + 1):
            floor = floor_seconds(vault.db_path, scratch)
            load = os.getloadavg()[0]
            started = time.perf_counter()
            made = probe.run(lambda: backups.backup_now(vault))
            seconds = time.perf_counter() - started
            floor_total = sum(s for name, s in floor.items() if name != "python -c pass")
            phases = ", ".join(f"{name} {s:.2f}" for name, s in made.info.phases)  # type: ignore[attr-defined]
            print(
                f"run {run}: backup {seconds:.2f} s ({phases}); floor {floor_total:.2f} s "
                f"(cp {floor['cp']:.2f}, sync {floor['sync']:.2f}, sha256sum "
                f"{floor['sha256sum']:.2f}); python -c pass {floor['python -c pass']:.3f} s "
                f"(ratio {seconds / floor['python -c pass']:.0f}); "
                f"ratio {seconds / floor_total:.1f}; "
                f"load {load:.2f} -> {os.getloadavg()[0]:.2f}"
            )
            print(f"  during the backup: {probe.summary()}")
            made.info.path.unlink()  # type: ignore[attr-defined]
    finally:
        vault.lock()
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="regenerate the cached vault")
    parser.add_argument("--vault", type=Path, help="time only the backup of this vault copy")
    parser.add_argument("--runs", type=int, default=3, help="backups to time with --vault")
    args = parser.parse_args()
    if args.vault is not None:
        return time_backups(args.vault, args.runs)
    folder = cached_vault(args.fresh)
    shutil.rmtree(folder / "backups", ignore_errors=True)
    for stale in folder.glob("replaced-*"):
        shutil.rmtree(stale)
    vault = vault_access.open_vault(folder, PASSPHRASE, throttle=UnlockThrottle())
    try:
        with vault.session() as session:
            count = session.scalar(select(func.count()).select_from(models.Observation))
            intensives = session.scalar(select(func.count()).select_from(models.Intensive))
        size = vault.db_path.stat().st_size
        print(f"vault: {intensives} intensives, {count:,} observations, {size / 2**20:.0f} MiB")
        steps: list[int] = []
        started = time.perf_counter()
        made = backups.backup_now(vault, progress=lambda done, _total: steps.append(done))
        backup_s = time.perf_counter() - started
        verdict = "OK" if backup_s < 10 else "OVER BUDGET"
        print(
            f"backup: {backup_s:.2f} s (budget 10 s: {verdict}), "
            f"{made.info.size / 2**20:.0f} MiB, {len(steps)} progress calls"
        )
        quick = integrity.quick_check(vault)
        print(f"quick_check: {quick.seconds:.2f} s, ok={quick.ok}")
        full = integrity.full_check(vault)
        parts = ", ".join(f"{r.name} {r.seconds:.2f} s" for r in full.results)
        print(f"full_check: {full.seconds:.2f} s ({parts}), ok={full.ok}")
        started = time.perf_counter()
        listed = backups.list_backups(made.info.path.parent, vault=vault)
        print(
            f"list with full verification: {time.perf_counter() - started:.2f} s, "
            f"{[item.verification.value for item in listed]}"
        )
    finally:
        vault.lock()
    target = Path(tempfile.mkdtemp(prefix="crucible-bench-restore-")) / "vault"
    started = time.perf_counter()
    backups.restore(made.info.path, target, PASSPHRASE)
    print(f"restore (verify + swap) into a new folder: {time.perf_counter() - started:.2f} s")
    shutil.rmtree(target.parent)
    return 0 if backup_s < 10 and quick.ok and full.ok else 1


if __name__ == "__main__":
    sys.exit(main())
