"""One writer per process: write transactions queue on the vault's writer lock.

A thread that must not wait (a live key on the UI thread) is told at once
that another thread is writing; one that may wait does so until the lock is
free, and gives up with a clear error after its patience.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from crucible.app.domain.intensive import Observation
from crucible.app.domain.vocabulary import PartnerKey, Stance
from crucible.app.services.intensive_exchange import get_intensive, import_intensive
from crucible.app.services.observations import block_observations, log_observation
from crucible.app.store.errors import VaultBusyError, WriterBusyError
from crucible.app.store.vault import Vault


def _block(vault: Vault, sample_bytes: bytes) -> tuple[int, Observation]:
    intensive = get_intensive(vault, import_intensive(vault, sample_bytes, actor="t"))
    block = intensive.days[0].blocks[1]
    assert block.id is not None
    return block.id, Observation(at=block.start, partner=PartnerKey.A, stance=Stance.ONE_UP)


@contextmanager
def _held_by_another_thread(vault: Vault, release: threading.Event) -> Iterator[None]:
    taken = threading.Event()

    def hold() -> None:
        with vault.writing():
            taken.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    assert taken.wait(10)
    try:
        yield
    finally:
        release.set()
        holder.join(10)


def test_a_write_that_must_not_wait_is_refused_at_once(vault: Vault, sample_bytes: bytes) -> None:
    """While another thread writes, `wait=False` raises WriterBusyError and stores nothing."""
    block_id, observation = _block(vault, sample_bytes)
    before = len(block_observations(vault, block_id))
    with _held_by_another_thread(vault, threading.Event()):
        assert vault.writer_busy
        started = time.monotonic()
        with pytest.raises(WriterBusyError) as raised:
            log_observation(vault, block_id, observation, wait=False)
        assert time.monotonic() - started < 0.1
        assert isinstance(raised.value, VaultBusyError)  # callers of the old error still catch it
        assert "still under way" in str(raised.value)
    assert not vault.writer_busy
    assert len(block_observations(vault, block_id)) == before


def test_a_waiting_write_goes_in_after_the_holder(vault: Vault, sample_bytes: bytes) -> None:
    """A write that may wait is stored once the other thread's write is done, not before."""
    block_id, observation = _block(vault, sample_bytes)
    release = threading.Event()
    order: list[str] = []
    with _held_by_another_thread(vault, release):
        threading.Timer(0.2, lambda: (order.append("released"), release.set())).start()
        new_id = log_observation(vault, block_id, observation)
        order.append("written")
    assert order == ["released", "written"]
    assert new_id in {o.id for o in block_observations(vault, block_id)}


def test_a_write_gives_up_after_its_patience(vault: Vault, sample_bytes: bytes) -> None:
    """Held longer than the write waits: WriterBusyError, nothing stored, the lock not leaked."""
    block_id, observation = _block(vault, sample_bytes)
    vault.write_waits.patience_s = 0.2
    before = len(block_observations(vault, block_id))
    with _held_by_another_thread(vault, threading.Event()):
        started = time.monotonic()
        with pytest.raises(WriterBusyError):
            log_observation(vault, block_id, observation)
        assert 0.15 < time.monotonic() - started < 2
    assert len(block_observations(vault, block_id)) == before
    log_observation(vault, block_id, observation, wait=False)
    assert len(block_observations(vault, block_id)) == before + 1


def test_the_same_thread_may_write_inside_its_own_write(vault: Vault, sample_bytes: bytes) -> None:
    """The lock is re-entrant: a write helper called inside a write does not deadlock."""
    block_id, observation = _block(vault, sample_bytes)
    with vault.writing():
        assert not vault.writer_busy  # not busy for the thread that holds it
        log_observation(vault, block_id, observation, wait=False)


def test_a_long_write_gives_way_to_a_waiting_writer_between_its_transactions(
    vault: Vault,
) -> None:
    """`give_way` hands the lock to the thread already waiting; without it the holder wins again.

    Python's lock is not fair: the thread releasing it and taking it again
    at once (an import's next chunk) usually gets it before a waiting one.
    """
    order: list[str] = []
    waiting = threading.Event()

    def key() -> None:
        waiting.set()
        with vault.writing():
            order.append("key")

    with vault.writing():
        waiter = threading.Thread(target=key)
        waiter.start()
        assert waiting.wait(5)
        deadline = time.monotonic() + 5
        while vault.writers_waiting != 1 and time.monotonic() < deadline:
            time.sleep(0.001)
        assert vault.writers_waiting == 1
    assert vault.give_way()  # someone was waiting, and has the lock now
    with vault.writing():
        order.append("next chunk")
    waiter.join(5)
    assert order == ["key", "next chunk"]
    assert vault.writers_waiting == 0
    assert not vault.give_way()  # nobody waits: returns at once


def test_giving_way_is_bounded_by_its_timeout(vault: Vault) -> None:
    """A waiter that never gets the lock (it is held elsewhere) does not stall the long write."""
    release = threading.Event()
    with _held_by_another_thread(vault, release):
        waiter = threading.Thread(target=lambda: _wait_briefly(vault))
        waiter.start()
        deadline = time.monotonic() + 5
        while vault.writers_waiting != 1 and time.monotonic() < deadline:
            time.sleep(0.001)
        started = time.monotonic()
        assert vault.give_way(0.05)
        assert time.monotonic() - started < 1.0
        release.set()
        waiter.join(10)


def _wait_briefly(vault: Vault) -> None:
    with vault.writing():
        pass


def test_a_staging_write_skips_the_fsync_and_hands_its_connection_back_synced(
    vault: Vault,
) -> None:
    """An import's staged chunk commits with synchronous=NORMAL; nothing else ever does."""
    with vault.staging_connection() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        raw = connection.connection.dbapi_connection
    assert raw is not None
    assert raw.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL, back in the pool


def _staged_couple_then_failure(vault: Vault) -> Any:
    with vault.staging_connection() as connection:
        connection.exec_driver_sql(
            "INSERT INTO couple (code, archived, staged_at) VALUES ('C-X', 0, '2026-12-03')"
        )
        raw = connection.connection.dbapi_connection
        raise StagingCutShort(raw)


class StagingCutShort(RuntimeError):
    """Carries the raw connection out of the failed staging write."""


def test_a_failed_staging_write_rolls_back_and_still_restores_full_sync(vault: Vault) -> None:
    with pytest.raises(StagingCutShort) as failed:
        _staged_couple_then_failure(vault)
    (raw,) = failed.value.args
    assert raw.execute("PRAGMA synchronous").fetchone()[0] == 2
    with vault.write_connection() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM couple").scalar() == 0
