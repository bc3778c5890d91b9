"""Test 11: a backup taken while another process writes is whole, checked and restorable.

A forked writer commits observations through the app's own write path
(`log_observation`), numbering them 1, 2, 3... The parent takes backups
meanwhile, with the copy cut into 2-page steps so that many commits land
between steps. The parent only reads while the writer runs (the store's
`make_backup`, which writes nothing to the vault): one process, one writer,
as the architecture requires; `backup_now` also appends an audit event, so
it runs once the writer has stopped. Each backup holds exactly the observations 1..k for some k
between the count before and after it (a consistent snapshot, never a torn
one), passes both integrity checks and the audit chain once restored, and
after the writer stops, a final backup restores to the source row for row.
"""

from __future__ import annotations

import multiprocessing
import stat
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

import crucible.app.store.backup
from crucible.app.services import backups, integrity
from crucible.app.services.intensive_exchange import import_intensive
from crucible.app.services.observations import log_observation
from crucible.app.store import models
from crucible.app.store.backup import make_backup
from crucible.app.store.vault import UnlockThrottle, Vault, unlock_vault
from tests.conftest import PASSPHRASE, numbered_observation
from tests.safety.conftest import (
    CANARY,
    assert_same_content,
    open_without_migrating,
    scan_for,
    table_rows,
)


def _writer(folder: str, block_id: int, start_iso: str, stop: Any, written: Any) -> None:
    vault = unlock_vault(Path(folder), PASSPHRASE, throttle=UnlockThrottle())
    start = datetime.fromisoformat(start_iso)
    n = 0
    while not stop.is_set():
        n += 1
        observation = numbered_observation(start, n, f"{CANARY} {n}")
        log_observation(vault, block_id, observation)
        written.value = n
    vault.lock()


def _numbers(vault: Vault) -> list[int]:
    with vault.engine.connect() as connection:
        quotes = connection.execute(
            text("SELECT quote FROM observation WHERE quote LIKE :c ORDER BY id"),
            {"c": CANARY + " %"},
        ).scalars()
        return [int(quote.split()[-1]) for quote in quotes]


def _restored(backup: Path, folder: Path) -> Vault:
    backups.restore(backup, folder, PASSPHRASE)
    return open_without_migrating(folder)


def _wait_for(written: Any, at_least: int) -> None:
    deadline = time.monotonic() + 20
    while written.value < at_least:
        assert time.monotonic() < deadline, "the writer made no progress"
        time.sleep(0.01)


def test_backup_while_another_process_writes(
    vault: Vault, sample_bytes: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mid-write backups are consistent snapshots; the final one restores row for row."""
    monkeypatch.setattr(crucible.app.store.backup, "COPY_STEP_PAGES", 2)
    import_intensive(vault, sample_bytes, actor="test")
    with vault.session() as session:
        block = session.scalars(select(models.Block).order_by(models.Block.id)).first()
        assert block is not None
        block_id, start_iso = block.id, block.start.isoformat()
    folder = vault.folder
    vault.lock()
    context = multiprocessing.get_context("fork")
    stop, written = context.Event(), context.Value("i", 0)
    writer = context.Process(
        target=_writer, args=(str(folder), block_id, start_iso, stop, written), daemon=True
    )
    source = open_without_migrating(folder)  # reads only: no unlock event while the writer runs
    writer.start()
    try:
        mid: list[tuple[Path, int, int]] = []
        for round_ in range(3):
            _wait_for(written, 40 * (round_ + 1))
            steps: list[int] = []
            low = written.value
            made = make_backup(
                source.db_path,
                source.key_path,
                source.data_key,
                backups.backups_folder(folder),
                created_at=datetime.now().astimezone(),
                reason="manual",
                schema_revision=None,
                progress=lambda done, _total, into=steps: into.append(done),
            )
            mid.append((made.path, low, written.value))
            assert len(steps) > 10  # the copy really was cut into many steps
        stop.set()
        writer.join(20)
        assert writer.exitcode == 0
        final = backups.backup_now(source).info.path
        expected = table_rows(source)
    finally:
        stop.set()
        source.lock()
        writer.join(5)

    for index, (path, low, high) in enumerate(mid):
        restored = _restored(path, tmp_path / f"mid-{index}")
        try:
            numbers = _numbers(restored)
            assert numbers == list(range(1, len(numbers) + 1))  # a prefix: no gap, no tear
            assert low <= len(numbers) <= high
            assert integrity.full_check(restored).ok
        finally:
            restored.lock()
    restored = _restored(final, tmp_path / "final")
    try:
        assert_same_content(table_rows(restored), expected)
        assert _numbers(restored) == list(range(1, written.value + 1))
    finally:
        restored.lock()
    for path in [final, *(p for p, _, _ in mid)]:
        data = path.read_bytes()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert not data.startswith(b"SQLite format 3")
        assert b"SQLite format 3" not in data
        assert scan_for(data, [CANARY, PASSPHRASE, "Two-day intensive"]) == []
