"""A backup copies vault.db and its WAL as they are, and the copy is a committed state.

Decision 0030: under a read transaction on the vault, the database file is
copied byte for byte, then its `-wal`, and SQLite replays the copied WAL into
the copy. Writers go on committing and checkpoints go on running meanwhile;
these tests make them do so, at the worst moments, on real vaults, and hold
the copy to what a restore needs: every row of the snapshot, no half-written
transaction, both checks clean.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import crucible.app.store.backup as backup_module
from crucible.app.store import backup_raw
from crucible.app.store.backup import (
    BackupError,
    check_copy,
    copy_database,
    make_backup,
    verify_database_copy,
)
from crucible.app.store.backup_archive import extract_backup
from crucible.app.store.backup_raw import copy_encrypted_files
from crucible.app.store.engine import open_raw_connection
from crucible.app.store.vault import Vault

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
ROWS_PER_GROUP = 3
PAD = 1500  # bytes of random padding a row: a few MiB make the copy take many steps


class Writer:
    """Another connection to the vault committing groups of rows, one transaction each."""

    def __init__(self, vault: Vault) -> None:
        self.connection = open_raw_connection(vault.db_path, vault.data_key)
        self.connection.execute("PRAGMA wal_autocheckpoint = 0")  # checkpoints only when told
        self.committed = 0

    def commit_groups(self, count: int) -> None:
        for _ in range(count):
            group = self.committed
            self.connection.execute("BEGIN IMMEDIATE")
            self.connection.executemany(
                "INSERT INTO backup_probe (grp, n, pad) VALUES (?, ?, randomblob(?))",
                [(group, n, PAD) for n in range(ROWS_PER_GROUP)],
            )
            self.connection.execute("COMMIT")
            self.committed += 1

    def checkpoint(self, mode: str = "PASSIVE") -> tuple[int, int, int]:
        row = self.connection.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
        return int(row[0]), int(row[1]), int(row[2])

    def close(self) -> None:
        self.connection.close()


@pytest.fixture
def writer(vault: Vault) -> Iterator[Writer]:
    """A probe table with 2,000 groups in vault.db and 300 more only in the WAL."""
    setup = open_raw_connection(vault.db_path, vault.data_key)
    setup.execute("CREATE TABLE backup_probe (grp INTEGER, n INTEGER, pad BLOB)")
    setup.close()
    writer = Writer(vault)
    writer.commit_groups(2000)
    assert writer.checkpoint("TRUNCATE")[0] == 0
    writer.commit_groups(300)  # frames the copy must take from the WAL
    yield writer
    writer.close()


def _groups(db_copy: Path, vault: Vault) -> dict[int, int]:
    """Rows per group in a copy, after the checks a restore runs on it."""
    verify_database_copy(db_copy, vault.data_key)  # quick_check + cipher_integrity_check
    connection = open_raw_connection(db_copy, vault.data_key)
    try:
        rows = connection.execute("SELECT grp, count(*) FROM backup_probe GROUP BY grp").fetchall()
    finally:
        connection.close()
    return dict(rows)


def _assert_committed_state(groups: dict[int, int], at_least: int) -> None:
    """Every group of the snapshot, nothing half-written, no gap: a state the writer committed."""
    assert len(groups) >= at_least
    assert sorted(groups) == list(range(len(groups)))
    assert set(groups.values()) == {ROWS_PER_GROUP}


def _copy(vault: Vault, tmp_path: Path, **hooks: Any) -> tuple[Path, int]:
    folder = tmp_path / "copies"
    folder.mkdir(exist_ok=True)
    copy = folder / "copy.db"
    return copy, copy_database(vault.db_path, vault.data_key, copy, **hooks)


def _backup(vault: Vault, folder: Path) -> backup_module.BackupInfo:
    return make_backup(
        vault.db_path,
        vault.key_path,
        vault.data_key,
        folder,
        created_at=NOW,
        reason="manual",
        schema_revision=None,
    )


def test_a_checkpoint_between_the_file_and_its_wal_loses_nothing(
    vault: Vault, writer: Writer, tmp_path: Path
) -> None:
    """The file is copied, a checkpoint moves the snapshot's frames into it: the WAL has them."""
    snapshot = writer.committed
    outcome: dict[str, tuple[int, int, int]] = {}

    def checkpoint_between() -> None:
        writer.commit_groups(50)
        outcome["passive"] = writer.checkpoint("PASSIVE")
        writer.connection.execute("PRAGMA busy_timeout = 0")
        outcome["truncate"] = writer.checkpoint("TRUNCATE")
        writer.commit_groups(50)

    copy, pages = _copy(vault, tmp_path, between_copies=checkpoint_between)
    assert outcome["passive"][2] > 0  # frames were backfilled into vault.db after its copy
    assert outcome["truncate"][0] == 1  # and the read transaction kept the WAL from a reset
    check_copy(copy, vault.data_key, pages)
    assert list(copy.parent.iterdir()) == [copy]  # the WAL was folded in, no side files
    _assert_committed_state(_groups(copy, vault), at_least=snapshot)


def test_with_the_wal_checkpointed_at_the_start_nothing_is_backfilled_during_the_copy(
    vault: Vault, writer: Writer, tmp_path: Path
) -> None:
    """End mark 0: later commits (a reset WAL, new salts) stay in the WAL until the copy ends."""
    assert writer.checkpoint("TRUNCATE")[0] == 0
    snapshot = writer.committed
    outcome: dict[str, tuple[int, int, int]] = {}

    def commit_and_checkpoint() -> None:
        writer.commit_groups(40)
        outcome["passive"] = writer.checkpoint("PASSIVE")

    copy, pages = _copy(vault, tmp_path, between_copies=commit_and_checkpoint)
    busy, frames, backfilled = outcome["passive"]
    assert frames > 0
    assert (busy, backfilled) == (0, 0)  # the copy's read mark 0 let nothing into vault.db
    check_copy(copy, vault.data_key, pages)
    _assert_committed_state(_groups(copy, vault), at_least=snapshot)


def test_a_checkpoint_while_the_file_is_copied_gives_a_committed_state(
    vault: Vault, writer: Writer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages rewritten under the copy are versions the copied WAL holds and replays."""
    monkeypatch.setattr(backup_module, "COPY_STEP_PAGES", 16)
    snapshot = writer.committed
    steps: list[int] = []

    def write_and_checkpoint(done: int, _total: int) -> None:
        steps.append(done)
        if len(steps) in (1, 5, 20):
            writer.commit_groups(20)
            writer.checkpoint("PASSIVE")

    copy, pages = _copy(vault, tmp_path, progress=write_and_checkpoint)
    assert len(steps) > 20  # the checkpoints ran while vault.db was being read
    check_copy(copy, vault.data_key, pages)
    _assert_committed_state(_groups(copy, vault), at_least=snapshot)


def test_a_backup_while_another_thread_commits_restores_a_committed_state(
    vault: Vault, writer: Writer, tmp_path: Path
) -> None:
    """Commits and checkpoints all the way through a backup: the archive restores whole."""
    stop = threading.Event()
    failures: list[BaseException] = []

    def keep_writing() -> None:
        try:
            while not stop.is_set():
                writer.commit_groups(5)
                writer.checkpoint("PASSIVE")
        except BaseException as error:  # reported below, never lost
            failures.append(error)

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        while writer.committed < 2400:
            time.sleep(0.01)
        snapshot = writer.committed
        info = _backup(vault, tmp_path / "backups")
        during = writer.committed - snapshot
    finally:
        stop.set()
        thread.join()
    assert failures == []
    assert during > 0  # the writer really committed while the backup ran
    (tmp_path / "restore").mkdir()
    extracted = extract_backup(info.path, tmp_path / "restore")
    _assert_committed_state(_groups(extracted.db_copy, vault), at_least=snapshot)


def test_live_keys_commit_while_the_vault_is_copied(
    vault: Vault, writer: Writer, tmp_path: Path
) -> None:
    """The copy only reads: a commit of the app's own engine does not wait for it."""
    waits: list[float] = []

    def commit_a_key() -> None:
        started = time.perf_counter()
        with vault.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO backup_probe (grp, n, pad) VALUES (-1, 0, x'00')"
            )
        waits.append(time.perf_counter() - started)

    _copy(vault, tmp_path, between_copies=commit_a_key, progress=lambda *_: commit_a_key())
    assert len(waits) >= 2
    assert max(waits) < 1.0  # the busy timeout is 5 s: nothing waited for a lock
    with vault.engine.connect() as connection:
        keys = connection.exec_driver_sql("SELECT count(*) FROM backup_probe WHERE grp = -1")
        assert keys.scalar() == len(waits)


def test_a_damaged_byte_in_vault_db_fails_the_check_and_keeps_nothing(
    vault: Vault, writer: Writer, tmp_path: Path
) -> None:
    """The raw copy carries the damage over; SQLCipher's check finds it; nothing is kept."""
    assert writer.checkpoint("TRUNCATE")[0] == 0  # the page below is in vault.db only
    size = vault.db_path.stat().st_size
    with vault.db_path.open("r+b") as handle:
        handle.seek(size - 3 * 4096 + 100)
        byte = handle.read(1)
        handle.seek(-1, os.SEEK_CUR)
        handle.write(bytes([byte[0] ^ 0x01]))
    folder = tmp_path / "backups"
    with pytest.raises(
        BackupError, match=r"^The backup copy did not verify; the vault is unchanged\.$"
    ):
        _backup(vault, folder)
    assert list(folder.iterdir()) == []


def test_the_copy_replays_the_wal_and_without_a_wal_copies_the_file_alone(
    vault: Vault, writer: Writer, tmp_path: Path
) -> None:
    """A raw backup says so in its phases; a vault folder with no -wal copies just the file."""
    info = _backup(vault, tmp_path / "backups")
    assert [name for name, _ in info.phases][:2] == ["copy", "replay the WAL"]
    writer.checkpoint("TRUNCATE")
    writer.close()
    vault.lock()  # the last connection gone, SQLite deletes the -wal
    wal = vault.db_path.with_name("vault.db-wal")
    assert not wal.exists()
    copy = tmp_path / "alone.db"
    copy_encrypted_files(vault.db_path, copy, 4096, None, 2048, 8 << 20)
    assert copy.read_bytes() == vault.db_path.read_bytes()
    assert not copy.with_name("alone.db-wal").exists()


def test_where_the_file_cannot_be_copied_as_it_is_the_backup_api_copies_it(
    vault: Vault, writer: Writer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fallback (a vault not in WAL mode, a big file on Windows) makes the same backup."""
    monkeypatch.setattr(backup_module, "raw_copy_possible", lambda _path: False)
    snapshot = writer.committed
    info = _backup(vault, tmp_path / "backups")
    assert [name for name, _ in info.phases][:2] == ["copy", "archive"]
    (tmp_path / "restore").mkdir()
    extracted = extract_backup(info.path, tmp_path / "restore")
    _assert_committed_state(_groups(extracted.db_copy, vault), at_least=snapshot)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts descriptors in /proc")
def test_vault_db_is_never_opened_by_this_process_outside_sqlite(
    vault: Vault, writer: Writer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Closing such a descriptor would drop SQLite's POSIX locks: a child process reads it."""
    monkeypatch.setattr(backup_module, "COPY_STEP_PAGES", 16)
    target = vault.db_path.resolve()

    def descriptors() -> int:
        return sum(
            1 for entry in Path("/proc/self/fd").iterdir() if os.path.realpath(entry) == str(target)
        )

    before = descriptors()
    during: list[int] = []
    _copy(vault, tmp_path, progress=lambda *_: during.append(descriptors()))
    assert during
    assert max(during) == before + 1  # the source connection's own, and no other


@pytest.mark.skipif(os.name != "posix", reason="the child process reads the file on POSIX")
@pytest.mark.parametrize("reader", ["/bin/false", "/nonexistent/cat"])
def test_a_reader_that_fails_or_cannot_start_is_one_sentence_and_leaves_nothing(
    vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reader: str
) -> None:
    """The child exits with an error, or never starts: the backup says so and keeps nothing."""
    monkeypatch.setattr(backup_raw, "_cat", lambda: reader)
    folder = tmp_path / "backups"
    with pytest.raises(
        BackupError, match=r"^The vault could not be read to the end; run the integrity check\.$"
    ):
        _backup(vault, folder)
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    ("original", "expected"), [("/usr/local/lib", "/usr/local/lib"), (None, None)]
)
def test_in_a_bundle_the_reader_gets_the_systems_library_path_back(
    monkeypatch: pytest.MonkeyPatch, original: str | None, expected: str | None
) -> None:
    """`cat` must not load the bundle's libraries (PyInstaller puts its folder first)."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setenv("LD_LIBRARY_PATH", "/opt/crucible/_internal")
    if original is None:
        monkeypatch.delenv("LD_LIBRARY_PATH_ORIG", raising=False)
    else:
        monkeypatch.setenv("LD_LIBRARY_PATH_ORIG", original)
    environment = backup_raw._system_environment()
    assert environment.get("LD_LIBRARY_PATH") == expected
    assert "LD_LIBRARY_PATH_ORIG" not in environment
