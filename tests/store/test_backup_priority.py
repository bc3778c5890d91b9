"""A backup's threads give way to the UI thread, and an interrupted wait leaves nothing (issue 16).

The copy and the archive run on a new thread at nice `BACKGROUND_NICE`,
the check beside them too; the caller's thread keeps its priority (an
unprivileged process could not raise it back). Ctrl+C while a command
waits stops the work between steps, with no file left.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

import crucible.app.store.backup as backup_module
from crucible.app.services.intensive_exchange import import_intensive
from crucible.app.store.backup import make_backup
from crucible.app.store.low_priority import BACKGROUND_NICE, run_at_low_priority
from crucible.app.store.vault import Vault

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="a per-thread nice value is Linux's"
)


def _nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def _backup(vault: Vault, folder: Path, progress: object = None) -> backup_module.BackupInfo:
    return make_backup(
        vault.db_path,
        vault.key_path,
        vault.data_key,
        folder,
        created_at=NOW,
        reason="manual",
        schema_revision=None,
        progress=progress,  # type: ignore[arg-type]
    )


@linux_only
def test_the_copy_and_the_check_run_at_low_priority_and_the_caller_keeps_its_own(
    vault: Vault, sample_bytes: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_intensive(vault, sample_bytes, actor="test")
    before = _nice()
    seen: dict[str, int] = {}
    real_check = backup_module.check_copy

    def check_noting_priority(*args: object) -> None:
        seen["check"] = _nice()
        real_check(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(backup_module, "check_copy", check_noting_priority)
    caller = threading.get_native_id()

    def progress(_done: int, _total: int) -> None:
        seen["copy"] = _nice()
        seen["copy on the caller's thread"] = int(threading.get_native_id() == caller)

    info = _backup(vault, tmp_path / "backups", progress)
    assert info.path.exists()
    assert seen["copy"] >= BACKGROUND_NICE
    assert seen["check"] >= BACKGROUND_NICE
    assert seen["copy on the caller's thread"] == 0
    assert _nice() == before


def test_an_interrupted_wait_stops_the_work_and_is_raised_to_the_caller() -> None:
    """The work sees `cancelled` once the waiting thread is interrupted; the wait ends after it."""
    assert threading.current_thread() is threading.main_thread()
    stopped: list[bool] = []

    def work(cancelled: threading.Event) -> str:
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl+C, delivered to the waiting main thread
        stopped.append(cancelled.wait(30))
        return "finished"

    with pytest.raises(KeyboardInterrupt):
        run_at_low_priority(work)
    assert stopped == [True]


def test_a_cancelled_backup_stops_between_steps_and_leaves_nothing(
    vault: Vault, sample_bytes: bytes, tmp_path: Path
) -> None:
    """Cancelled during the copy: the copy's callback stops it, and no file stays in the folder."""
    import_intensive(vault, sample_bytes, actor="test")
    folder = tmp_path / "backups"
    cancelled = threading.Event()
    cancelled.set()
    with pytest.raises(backup_module._Cancelled):
        backup_module._make_backup(
            vault.db_path,
            vault.key_path,
            vault.data_key,
            folder,
            created_at=NOW,
            reason="manual",
            schema_revision=None,
            file_name=None,
            progress=None,
            own_folder=True,
            cancelled=cancelled,
        )
    assert list(folder.iterdir()) == []
