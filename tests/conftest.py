"""Shared fixtures: real encrypted vaults in temp folders, with the fast test key profile."""

from __future__ import annotations

import os

# Set before any Qt import: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from crucible.app.domain.intensive import Observation
from crucible.app.domain.vocabulary import PartnerKey, Stance, Strategy
from crucible.app.store.keyfile import KdfParams
from crucible.app.store.vault import UnlockThrottle, Vault

DATA = Path(__file__).parent / "data"
SAMPLE_PATH = DATA / "intensive-sample.json"
PASSPHRASE = "correct horse battery staple"

# Passed explicitly to create/rewrap calls in tests; nothing in the app can reach it.
FAST_KDF = KdfParams(memory_kib=1024, time_cost=1, parallelism=1)


def numbered_observation(start: datetime, n: int, quote: str) -> Observation:
    """A writer process's n-th observation: time, partner, stance and intensity cycle with n."""
    return Observation(
        at=start + timedelta(seconds=n % 3600),
        partner=PartnerKey("AB"[n % 2]),
        stance=list(Stance)[n % 3],
        intensity=1 + n % 5,
        strategies=(Strategy.WITHDRAWAL,),
        quote=quote,
    )


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 25, 9, 0, tzinfo=timezone(timedelta(hours=-5)))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sample_bytes() -> bytes:
    return SAMPLE_PATH.read_bytes()


@pytest.fixture
def no_throttle() -> UnlockThrottle:
    """A throttle whose waits are recorded, not slept, on a clock that does not move."""
    waits: list[float] = []
    throttle = UnlockThrottle(sleep=waits.append, clock=lambda: 1_000_000.0)
    throttle.waits = waits  # type: ignore[attr-defined]
    return throttle


@pytest.fixture
def vault_folder(tmp_path: Path) -> Path:
    return tmp_path / "vault"


@pytest.fixture
def new_vault(vault_folder: Path, clock: FakeClock) -> Iterator[tuple[Vault, str]]:
    """A freshly created, unlocked vault and its recovery code."""
    from crucible.app.services.vault_access import new_vault

    vault, code = new_vault(vault_folder, PASSPHRASE, kdf=FAST_KDF, clock=clock)
    yield vault, code
    vault.lock()


@pytest.fixture
def vault(new_vault: tuple[Vault, str]) -> Vault:
    return new_vault[0]


def folder_snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every vault file below `folder` with its bytes and mtime, to prove nothing changed.

    The log (`logs/`) is left out: it is not the vault, and recording a
    refused attempt there is its job (tests/services/test_logbook*.py).
    """
    return {
        str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.relative_to(folder).parts[0] != "logs"
    }
