"""Disk full (test 6): a write refused part-way fails clearly, loses nothing, and retries fine.

The "full disk" is a file-size limit (RLIMIT_FSIZE) on a forked child, with
SIGXFSZ ignored so the refused write returns EFBIG instead of killing the
process. The child unlocks, lowers the limit, runs the action, reports what
happened, lifts the limit and runs the same action again. The parent then
checks the vault from outside: earlier content intact, both integrity
checks ok, and the retried action's result there.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import resource
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import text

from crucible.app.cli import Terminal, main
from crucible.app.services import backups, vault_access
from crucible.app.services.errors import StorageFullError
from crucible.app.services.intensive_exchange import import_intensive
from crucible.app.store.vault import UnlockThrottle, Vault
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.safety.conftest import open_without_migrating, table_rows

FULL = str(StorageFullError())


def _child(connection: Any, action: Callable[[Path], dict[str, Any]], folder: Path) -> None:
    try:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        connection.send(action(folder))
    except BaseException as error:  # report, never hang the parent
        connection.send({"crashed": f"{type(error).__name__}: {error}"})


def _in_child(action: Callable[[Path], dict[str, Any]], folder: Path) -> dict[str, Any]:
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, action, folder))
    child.start()
    sender.close()
    result: dict[str, Any] = receiver.recv() if receiver.poll(60) else {"crashed": "timeout"}
    child.join(10)
    assert "crashed" not in result, result
    return result


def _limit(size: int | None) -> None:
    soft = resource.RLIM_INFINITY if size is None else size
    resource.setrlimit(resource.RLIMIT_FSIZE, (soft, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))


def _attempt(run: Callable[[], object]) -> str:
    try:
        run()
    except StorageFullError as error:
        return str(error)
    return "succeeded"


def _big_document(sample_bytes: bytes) -> bytes:
    document = json.loads(sample_bytes)
    document["couple"]["code"] = "C-BIG"
    for day in document["intensive"]["days"]:
        for block in day["blocks"]:
            for observation in block["observations"]:
                observation["note"] = "n" * 20_000
    return json.dumps(document).encode()


def _check_from_outside(folder: Path) -> dict[str, list[tuple[object, ...]]]:
    vault = open_without_migrating(folder)
    try:
        with vault.engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert connection.execute(text("PRAGMA cipher_integrity_check")).all() == []
        return table_rows(vault)
    finally:
        vault.lock()


def _without_audit(rows: dict[str, list[tuple[object, ...]]]) -> dict[str, Any]:
    return {table: content for table, content in rows.items() if table != "audit_event"}


def test_import_on_a_full_disk_fails_clearly_and_succeeds_once_space_is_back(
    vault: Vault, sample_bytes: bytes, tmp_path: Path
) -> None:
    """The import is refused with the disk-full sentence, all or nothing, then goes through."""
    import_intensive(vault, sample_bytes, actor="test")
    big = _big_document(sample_bytes)
    before = table_rows(vault)
    folder = vault.folder
    vault.lock()

    def action(folder: Path) -> dict[str, Any]:
        unlocked = vault_access.open_vault(folder, PASSPHRASE, throttle=UnlockThrottle())
        _limit(1_000_000)  # far above vault.db, far below what the import writes
        refused = _attempt(lambda: import_intensive(unlocked, big, actor="test"))
        _limit(None)
        retried = _attempt(lambda: import_intensive(unlocked, big, actor="test"))
        unlocked.lock()
        return {"refused": refused, "retried": retried}

    assert _in_child(action, folder) == {"refused": FULL, "retried": "succeeded"}
    after = _check_from_outside(folder)
    kept = after["observation"][: len(before["observation"])]
    assert kept == before["observation"]
    assert len(after["intensive"]) == 2  # the original and the retried import, nothing half-done


def test_cli_import_on_a_full_disk_prints_one_sentence_and_exits_7(
    vault: Vault, sample_bytes: bytes, tmp_path: Path
) -> None:
    """The real command: the disk-full sentence on stderr, exit 7, then exit 0 with space back."""
    source = tmp_path / "big.json"
    source.write_bytes(_big_document(sample_bytes))
    folder = vault.folder
    vault.lock()

    def action(folder: Path) -> dict[str, Any]:
        def run() -> tuple[int, str]:
            err = io.StringIO()
            status = main(
                ["--vault", str(folder), "import", str(source)],
                terminal=Terminal(io.StringIO(PASSPHRASE + "\n"), io.StringIO(), err),
                kdf=FAST_KDF,
            )
            return status, err.getvalue().strip()

        _limit(1_000_000)
        refused = run()
        _limit(None)
        return {"refused": refused, "retried": run()}

    result = _in_child(action, folder)
    assert result == {"refused": (7, FULL), "retried": (0, "")}
    assert len(_check_from_outside(folder)["intensive"]) == 1


def test_backup_on_a_full_disk_leaves_no_partial_file_and_works_once_space_is_back(
    vault: Vault, sample_bytes: bytes
) -> None:
    """Refused while copying the database and while writing the archive: nothing left behind."""
    import_intensive(vault, sample_bytes, actor="test")
    with vault.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    before = table_rows(vault)
    db_size = vault.db_path.stat().st_size
    folder = vault.folder
    vault.lock()

    def action(folder: Path) -> dict[str, Any]:
        unlocked = vault_access.open_vault(folder, PASSPHRASE, throttle=UnlockThrottle())
        target = backups.backups_folder(folder)
        report: dict[str, Any] = {}
        # Half the database: the SQLite copy fails. Just above it: the ZIP write fails.
        for phase, size in (("copy", db_size // 2), ("archive", db_size + 1024)):
            _limit(size)
            report[phase] = _attempt(lambda: backups.backup_now(unlocked))
            _limit(None)
            report[f"{phase}-leftovers"] = sorted(p.name for p in target.iterdir())
        made = backups.backup_now(unlocked)
        report["retried"] = backups.verify_backup_file(made.info.path, unlocked).verification
        unlocked.lock()
        return report

    result = _in_child(action, folder)
    assert result == {
        "copy": FULL,
        "copy-leftovers": [],
        "archive": FULL,
        "archive-leftovers": [],
        "retried": "full",
    }
    assert _without_audit(_check_from_outside(folder)) == _without_audit(before)
