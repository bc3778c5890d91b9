"""Kill -9 during a live session: every observation the table showed is in the vault."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from crucible.app.services.intensive_exchange import get_intensive, import_intensive
from crucible.app.services.observations import block_observations
from crucible.app.services.vault_access import open_vault
from crucible.app.store.vault import Vault
from tests.conftest import PASSPHRASE
from tests.ui.block.conftest import DAY2, DEMO

WRITER = Path(__file__).with_name("live_writer.py")
ROUNDS = 3


def test_every_shown_observation_survives_kill_9(vault: Vault) -> None:
    """Rounds of: a fresh process logs by keys, is killed at a random moment, the vault is read."""
    intensive_id = import_intensive(vault, DEMO.read_bytes(), actor="test")
    intensive = get_intensive(vault, intensive_id)
    block_id = next(b.id for d in intensive.days for b in d.blocks if b.title == DAY2)
    folder = vault.folder
    vault.lock()
    rng = random.Random(6)
    shown_total: list[int] = []
    arguments = [str(folder), PASSPHRASE, str(intensive_id), str(block_id)]
    for _round in range(ROUNDS):
        with subprocess.Popen(
            [sys.executable, str(WRITER), *arguments],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        ) as child:
            assert child.stdout is not None
            wanted = rng.randint(5, 60)
            shown = []
            while len(shown) < wanted:
                line = child.stdout.readline()
                assert line, "the writer stopped before being killed"
                shown.append(int(line))
            time.sleep(rng.random() * 0.03)  # somewhere inside a commit, a repaint, a key
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=10)
            shown.extend(int(line) for line in child.stdout.read().split())  # before the kill
        shown_total.extend(shown)
        reopened = open_vault(folder, PASSPHRASE)
        try:
            stored = {o.id for o in block_observations(reopened, block_id)}
        finally:
            reopened.lock()
        assert set(shown) <= stored
    assert len(shown_total) >= ROUNDS * 5
