"""Reliability test 1 at scale: kill -9 writers in fresh interpreters, many times.

Two write paths: the app's live logging (`log_observation`, as the pad
calls it) and the command line's `crucible import` (one big transaction).

Each round starts a new Python process that unlocks the vault and commits
observations in a loop through the app's own write path, printing each id
after its commit returns. The parent kills it at a random moment. At the end
every printed id must be in the vault and both integrity checks must pass.

Run: .venv/bin/python bench/kill9.py [--kills 500] [--cli-kills 100]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text

from bench.common import ROOT, SAMPLE, temp_folder
from crucible.app.services.intensive_exchange import get_intensive, import_intensive
from crucible.app.store.keyfile import KdfParams
from crucible.app.store.vault import UnlockThrottle, create_vault, unlock_vault

PASSPHRASE = "kill nine bench"
WRITER = """
import sys
from datetime import timedelta
from pathlib import Path
from crucible.app.domain.intensive import Observation
from crucible.app.domain.vocabulary import PartnerKey, Stance
from crucible.app.services.intensive_exchange import get_intensive
from crucible.app.services.observations import log_observation
from crucible.app.store.vault import UnlockThrottle, unlock_vault
passphrase = sys.stdin.readline().rstrip("\\n")
vault = unlock_vault(Path(sys.argv[1]), passphrase, throttle=UnlockThrottle())
block = get_intensive(vault, 1).days[0].blocks[0]
n = 0
while True:
    n += 1
    new_id = log_observation(vault, block.id, Observation(
        at=block.start + timedelta(seconds=n % 9000), partner=PartnerKey("AB"[n % 2]),
        stance=list(Stance)[n % 3], quote="bench quote " * 4))
    print(new_id, flush=True)
"""


CLI_IMPORT = (
    "import sys; from crucible.app.cli import main; from crucible.app.store.keyfile import "
    "KdfParams; "
    "sys.exit(main(sys.argv[1:], kdf=KdfParams(1024, 1)))"
)


def kill_cli_imports(folder: Path, kills: int, rng: random.Random, env: dict[str, str]) -> int:
    """Kill `crucible import` at random moments; every import is whole or absent.

    Returns the number of failures (partial intensives or reported ids missing).
    """
    reported: set[int] = set()
    for _ in range(kills):
        child = subprocess.Popen(
            [sys.executable, "-c", CLI_IMPORT, "--vault", str(folder), "import", str(SAMPLE)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        assert child.stdin is not None
        child.stdin.write(PASSPHRASE + "\n")
        child.stdin.flush()
        time.sleep(rng.uniform(0.25, 0.7))  # start-up, unlock, parse and the write itself
        os.kill(child.pid, signal.SIGKILL)
        out, _ = child.communicate()
        lines = out.split()
        if child.returncode == 0 and lines:
            reported.add(int(lines[-1]))
    expected = sum(
        len(b["observations"])
        for d in json.loads(SAMPLE.read_text())["intensive"]["days"]
        for b in d["blocks"]
    )
    reopened = unlock_vault(folder, PASSPHRASE, throttle=UnlockThrottle())
    with reopened.engine.connect() as connection:
        counts = dict(
            connection.execute(
                text(
                    "SELECT d.intensive_id, count(o.id) FROM day d JOIN block b ON b.day_id = d.id "
                    "LEFT JOIN observation o ON o.block_id = b.id GROUP BY d.intensive_id"
                )
            ).all()
        )
    reopened.lock()
    partial = [i for i, n in counts.items() if i != 1 and n != expected]
    missing = reported - set(counts)
    print(
        f"CLI import kills: {kills}; imports reported: {len(reported)}; imports stored: "
        f"{len(counts) - 1}; partial imports: {len(partial)}; reported but missing: "
        f"{len(missing)}",
        flush=True,
    )
    return len(partial) + len(missing)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=500, help="kills of the live write loop")
    parser.add_argument("--cli-kills", type=int, default=100, help="kills of `crucible import`")
    arguments = parser.parse_args()
    kills = arguments.kills
    folder = temp_folder("kill9")
    vault = create_vault(folder, PASSPHRASE, kdf=KdfParams(1024, 1))[0]
    import_intensive(vault, SAMPLE.read_bytes(), actor="bench")
    assert get_intensive(vault, 1).days[0].blocks[0].id is not None
    vault.lock()
    rng = random.Random(2026)
    reported: set[int] = set()
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for round_number in range(kills):
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(folder)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert child.stdin is not None
        assert child.stdout is not None
        child.stdin.write(PASSPHRASE + "\n")
        child.stdin.flush()
        first = child.stdout.readline()  # wait until the writer is really writing
        if first.strip():
            reported.add(int(first))
        deadline = time.monotonic() + rng.uniform(0.0, 0.05)
        while time.monotonic() < deadline:
            ready, _, _ = select.select([child.stdout], [], [], 0.002)
            if ready:
                line = child.stdout.readline()
                if line.strip():
                    reported.add(int(line))
        os.kill(child.pid, signal.SIGKILL)
        for line in child.stdout:
            if line.strip().isdigit():
                reported.add(int(line))
        child.wait()
        if (round_number + 1) % 100 == 0:
            print(f"{round_number + 1} kills, {len(reported)} commits reported", flush=True)
    reopened = unlock_vault(folder, PASSPHRASE, throttle=UnlockThrottle())
    with reopened.engine.connect() as connection:
        integrity = connection.execute(text("PRAGMA integrity_check")).scalar()
        cipher = connection.execute(text("PRAGMA cipher_integrity_check")).all()
        stored = {row[0] for row in connection.execute(text("SELECT id FROM observation"))}
    reopened.lock()
    missing = reported - stored
    print(
        f"kills: {kills}; commits reported: {len(reported)}; missing after reopen: "
        f"{len(missing)}; integrity_check: {integrity}; cipher_integrity_check problems: "
        f"{len(cipher)}; {time.perf_counter() - started:.0f} s"
    )
    failures = kill_cli_imports(folder, arguments.cli_kills, rng, env)
    if missing or integrity != "ok" or cipher or failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
