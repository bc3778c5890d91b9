"""Kill -9 while writing: every reported commit survives, nothing half-written (test 1).

The writer is a forked child running the app's own write path
(`log_observation`), reporting each id on a pipe after the commit returns.
Forking skips interpreter start-up, so the suite affords many kills; bench/
runs the same loop with fresh interpreters, 500 times.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import select, text

from crucible.app.services.intensive_exchange import import_intensive
from crucible.app.services.observations import log_observation
from crucible.app.store import models
from crucible.app.store.vault import UnlockThrottle, Vault, unlock_vault
from tests.conftest import PASSPHRASE, numbered_observation

KILLS = 60
READY = -1  # sent once unlocked: the kill window starts then, so a loaded machine still writes


def _writer(folder: str, block_id: int, start_iso: str, pipe: object) -> None:
    vault = unlock_vault(Path(folder), PASSPHRASE, throttle=UnlockThrottle())
    pipe.send(READY)  # type: ignore[attr-defined]
    start = datetime.fromisoformat(start_iso)
    n = 0
    while True:
        n += 1
        observation = numbered_observation(start, n, f"quote {n}" * 3)
        new_id = log_observation(vault, block_id, observation)
        pipe.send(new_id)  # type: ignore[attr-defined]


def test_every_reported_commit_survives_kill_9(vault: Vault, sample_bytes: bytes) -> None:
    """Across many kills at random moments, all reported ids are present and checks pass."""
    import_intensive(vault, sample_bytes, actor="test")
    with vault.session() as session:
        block = session.scalars(select(models.Block).order_by(models.Block.id)).first()
        assert block is not None
        block_id, start_iso = block.id, block.start.isoformat()
        imported_max = session.scalar(text("SELECT max(id) FROM observation"))
    folder = str(vault.folder)
    vault.lock()
    context = multiprocessing.get_context("fork")
    rng = random.Random(1234)
    reported: set[int] = set()
    for _ in range(KILLS):
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(target=_writer, args=(folder, block_id, start_iso, sender))
        child.start()
        sender.close()
        if receiver.poll(10):
            assert receiver.recv() == READY
        deadline = time.monotonic() + rng.uniform(0.01, 0.12)
        while time.monotonic() < deadline:
            if receiver.poll(0.005):
                reported.add(receiver.recv())
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        while receiver.poll():
            try:
                reported.add(receiver.recv())
            except EOFError:
                break
        receiver.close()
    reported.discard(READY)
    assert len(reported) > KILLS  # the writers really wrote between kills
    reopened = unlock_vault(Path(folder), PASSPHRASE, throttle=UnlockThrottle())
    try:
        with reopened.engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert connection.execute(text("PRAGMA cipher_integrity_check")).all() == []
            stored = {
                row[0]
                for row in connection.execute(
                    text("SELECT id FROM observation WHERE block_id = :b"), {"b": block_id}
                )
            }
            torn = connection.execute(
                text("SELECT count(*) FROM observation WHERE quote NOT LIKE 'quote %' AND id > :m"),
                {"m": imported_max},
            ).scalar()
        assert reported <= stored
        assert torn == 0
    finally:
        reopened.lock()
