"""Budgets of the Foundation issue: unlock, import, and committing one observation.

Run: .venv/bin/python bench/foundation.py
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import SAMPLE, describe_ms, temp_folder
from crucible.app.domain.intensive import Observation
from crucible.app.domain.vocabulary import PartnerKey, Stance
from crucible.app.services.intensive_exchange import get_intensive, import_intensive
from crucible.app.services.observations import log_observation
from crucible.app.store.keyfile import KdfParams, calibrate
from crucible.app.store.vault import UnlockThrottle, create_vault, unlock_vault

PASSPHRASE = "bench passphrase"
TEST_PROFILE = KdfParams(1024, 1)


def unlock_times(params: KdfParams, rounds: int) -> list[float]:
    folder = temp_folder("unlock")
    create_vault(folder, PASSPHRASE, kdf=params)[0].lock()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        unlock_vault(folder, PASSPHRASE, throttle=UnlockThrottle()).lock()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    started = time.perf_counter()
    production = calibrate()
    print(
        f"calibration: {time.perf_counter() - started:.2f} s -> memory "
        f"{production.memory_kib // 1024} MiB, t={production.time_cost}, "
        f"p={production.parallelism}"
    )
    prod = unlock_times(production, 5)
    print(
        f"unlock, production parameters: median {statistics.median(prod):.3f} s "
        f"(min {min(prod):.3f}, max {max(prod):.3f}); budget 0.5-1 s"
    )
    fast = unlock_times(TEST_PROFILE, 30)
    print(f"unlock, test profile: {describe_ms(fast)}; budget < 20 ms")

    data = SAMPLE.read_bytes()
    imports = []
    for _ in range(10):
        folder = temp_folder("import")
        vault = create_vault(folder, PASSPHRASE, kdf=TEST_PROFILE)[0]
        began = time.perf_counter()
        import_intensive(vault, data, actor="bench")
        imports.append(time.perf_counter() - began)
        vault.lock()
    print(
        f"import of the sample (beyond unlock): median {statistics.median(imports):.3f} s "
        f"(max {max(imports):.3f}); budget < 0.3 s"
    )

    folder = temp_folder("commit")
    vault = create_vault(folder, PASSPHRASE, kdf=TEST_PROFILE)[0]
    new_id = import_intensive(vault, data, actor="bench")
    block = get_intensive(vault, new_id).days[0].blocks[0]
    assert block.id is not None
    commits = []
    for n in range(1000):
        observation = Observation(
            at=block.start + timedelta(seconds=n),
            partner=PartnerKey("AB"[n % 2]),
            stance=list(Stance)[n % 3],
        )
        began = time.perf_counter()
        log_observation(vault, block.id, observation)
        commits.append(time.perf_counter() - began)
    vault.lock()
    print(
        f"commit one observation (WAL, synchronous=FULL): {describe_ms(commits)}; "
        "budget median < 1 ms"
    )


if __name__ == "__main__":
    main()
