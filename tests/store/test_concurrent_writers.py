"""Two processes writing at once wait for each other instead of failing (BEGIN IMMEDIATE)."""

from __future__ import annotations

import multiprocessing
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from crucible.app.domain.intensive import NoteSection, Observation
from crucible.app.domain.vocabulary import PartnerKey, Stance
from crucible.app.services.intensive_exchange import get_intensive, import_intensive
from crucible.app.services.notes import save_note
from crucible.app.services.observations import log_observation
from crucible.app.store.errors import VaultBusyError
from crucible.app.store.vault import UnlockThrottle, Vault, unlock_vault
from tests.conftest import PASSPHRASE
from tests.safety.processes import Holder

WRITES = 400


def _writer(folder: str, block_id: int, start_iso: str, ready: object) -> None:
    from datetime import datetime

    vault = unlock_vault(Path(folder), PASSPHRASE, throttle=UnlockThrottle())
    start = datetime.fromisoformat(start_iso)
    ready.set()  # type: ignore[attr-defined]
    for n in range(WRITES):
        log_observation(
            vault,
            block_id,
            Observation(
                at=start + timedelta(seconds=n), partner=PartnerKey.A, stance=Stance.ONE_UP
            ),
        )
    vault.lock()


def test_a_second_writer_process_waits_instead_of_failing(
    vault: Vault, sample_bytes: bytes
) -> None:
    """Imports and note saves here succeed while another process commits in a tight loop."""
    intensive = get_intensive(vault, import_intensive(vault, sample_bytes, actor="t"))
    block = intensive.days[0].blocks[1]
    assert block.id is not None
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    child = context.Process(
        target=_writer, args=(str(vault.folder), block.id, block.start.isoformat(), ready)
    )
    child.start()
    ready.wait(10)
    for n in range(15):
        save_note(vault, block.id, [NoteSection("Plan", f"revision {n}")])
    import_intensive(vault, sample_bytes, actor="t")
    child.join(60)
    assert child.exitcode == 0
    with vault.engine.connect() as connection:
        logged = connection.execute(
            text("SELECT count(*) FROM observation WHERE block_id = :b"), {"b": block.id}
        ).scalar()
    assert logged == len(block.observations) + WRITES


def test_a_writer_past_its_patience_gets_the_busy_sentence(vault: Vault) -> None:
    """Not a driver error: VaultBusyError, after the vault's patience, with nothing written."""
    folder = vault.folder
    vault.lock()
    with Holder(folder, "write"):
        reopened = unlock_vault(folder, PASSPHRASE, throttle=UnlockThrottle())
        reopened.write_waits.patience_s = 0.3
        started = time.monotonic()
        try:
            with pytest.raises(VaultBusyError), reopened.write_connection() as connection:
                connection.exec_driver_sql("DELETE FROM observation")
        finally:
            reopened.lock()
    assert 0.3 <= time.monotonic() - started < 3


def test_giving_up_at_once_is_per_thread(vault: Vault) -> None:
    """An audit write on a background thread never makes another thread's writes impatient."""
    seen: list[bool] = []
    with vault.writes_without_waiting():
        assert vault.write_waits.try_only
        worker = threading.Thread(target=lambda: seen.append(vault.write_waits.try_only))
        worker.start()
        worker.join()
    assert seen == [False]
    assert not vault.write_waits.try_only
