"""A passphrase change recalibrates the KDF, but never to weaker parameters than the file had."""

from __future__ import annotations

import functools
import itertools
from pathlib import Path

import pytest

from crucible.app.services.vault_access import (
    new_vault,
    reset_passphrase_with_code,
    set_new_passphrase,
)
from crucible.app.store import keyfile
from crucible.app.store import vault as vault_module
from crucible.app.store.keyfile import KdfParams, read_key_file
from tests.conftest import PASSPHRASE, FakeClock
from tests.store.test_keyfile import ScriptedClock


@pytest.mark.parametrize("change", ["passwd", "recover"])
def test_a_passphrase_change_on_a_busy_machine_keeps_the_previous_parameters(
    monkeypatch: pytest.MonkeyPatch, vault_folder: Path, clock: FakeClock, change: str
) -> None:
    """Calibration that finds every probe slow keeps the file's parameters, raised to the floor."""
    # Above the floor in memory and lanes, below it in passes (cheap to create).
    previous = KdfParams(memory_kib=66_560, time_cost=1, parallelism=8)
    vault, code = new_vault(vault_folder, PASSPHRASE, kdf=previous, clock=clock)
    vault.lock()
    busy = functools.partial(keyfile.calibrate, clock=ScriptedClock(itertools.repeat(5.0)))
    monkeypatch.setattr(vault_module, "calibrate", busy)
    if change == "passwd":
        set_new_passphrase(vault_folder, PASSPHRASE, "second passphrase", clock=clock)
    else:
        reset_passphrase_with_code(vault_folder, code, "second passphrase", clock=clock)
    assert read_key_file(vault_folder / "vault.key").kdf == KdfParams(66_560, 3, 8)
