"""A restore killed at any step leaves a vault that opens (finding 12).

The backup comes from another vault (another data key, another
passphrase): the case where a database beside the wrong key file opens
with nothing. A forked child runs the real `crucible restore` and kills
itself with SIGKILL just before its N-th file operation (rename, link or
unlink), for N = 1, 2, ... until a run completes. After each kill the next
command must find exactly one of the two vaults, whole, with its own
passphrase, and no temp file left behind.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crucible.app.cli import Terminal, main
from tests.cli.conftest import Crucible
from tests.conftest import FAST_KDF, PASSPHRASE, SAMPLE_PATH
from tests.safety.conftest import open_without_migrating
from tests.safety.processes import in_child

BACKUP_PASSPHRASE = "the other vault's passphrase"
FILE_OPERATIONS = ("replace", "rename", "link", "unlink")


def _vault_with(folder: Path, couple_code: str, passphrase: str, tmp_path: Path) -> Crucible:
    crucible = Crucible(folder)
    assert crucible("init", stdin=passphrase + "\n").status == 0
    document = json.loads(SAMPLE_PATH.read_text("utf-8"))
    document["couple"]["code"] = couple_code
    source = tmp_path / f"{couple_code}.json"
    source.write_text(json.dumps(document), "utf-8")
    assert crucible("import", str(source), stdin=passphrase + "\n").status == 0
    return crucible


def _restore_killed_at(step: int, folder: Path, backup: Path) -> Callable[[], Any]:
    def run() -> str:
        count = 0

        def killing(original: Callable[..., Any]) -> Callable[..., Any]:
            def operation(*args: Any, **kwargs: Any) -> Any:
                nonlocal count
                count += 1
                if count == step:
                    os.kill(os.getpid(), signal.SIGKILL)
                return original(*args, **kwargs)

            return operation

        for name in FILE_OPERATIONS:
            setattr(os, name, killing(getattr(os, name)))
        status = main(
            ["--vault", str(folder), "restore", str(backup)],
            terminal=Terminal(io.StringIO(BACKUP_PASSPHRASE + "\n"), io.StringIO(), io.StringIO()),
            kdf=FAST_KDF,
        )
        return f"completed with status {status} after {count} file operations"

    return run


def _killed(run: Callable[[], Any]) -> bool:
    try:
        in_child(run, timeout=60)
    except AssertionError as error:
        if "died" in str(error):
            return True  # no report: the kill
        raise
    return False


def _opens(folder: Path, passphrase: str) -> str | None:
    """The couple code the vault lists with `passphrase`, or None if it does not open."""
    result = Crucible(folder)("list", stdin=passphrase + "\n")
    if result.status != 0:
        return None
    return result.out.split("\t")[1]


def test_a_restore_killed_at_any_step_leaves_one_whole_vault(tmp_path: Path) -> None:
    """Before the commit point the old vault, after it the restored one; never neither."""
    original = _vault_with(tmp_path / "original", "C-OLD", PASSPHRASE, tmp_path)
    other = _vault_with(tmp_path / "other", "C-NEW", BACKUP_PASSPHRASE, tmp_path)
    backup = tmp_path / "other.crucible-backup"
    assert other("backup", "-o", str(backup), stdin=BACKUP_PASSPHRASE + "\n").status == 0

    outcomes = []
    for step in range(1, 80):
        folder = tmp_path / f"crash-{step}"
        shutil.copytree(original.folder, folder)
        if not _killed(_restore_killed_at(step, folder, backup)):
            break
        old, new = _opens(folder, PASSPHRASE), _opens(folder, BACKUP_PASSPHRASE)
        assert (old, new) in (("C-OLD", None), (None, "C-NEW")), (step, old, new)
        leftovers = [p.name for p in folder.iterdir() if p.name.startswith(".restore-")]
        assert leftovers == [], (step, leftovers)
        assert not (folder / "restore-journal.json").exists()
        if new is not None:
            (kept,) = folder.glob("replaced-*")
            assert _opens_as_is(kept) == "C-OLD", step
        outcomes.append("old" if old else "new")
    else:
        raise AssertionError("the restore never completed")
    assert step > 5  # the restore really was cut at each of its steps
    assert "old" in outcomes
    assert "new" in outcomes


def _opens_as_is(folder: Path) -> str | None:
    vault = open_without_migrating(folder, PASSPHRASE)
    try:
        with vault.engine.connect() as connection:
            row = connection.exec_driver_sql("SELECT code FROM couple").fetchone()
        return None if row is None else str(row[0])
    finally:
        vault.lock()


def test_a_damaged_vault_without_backups_does_not_point_to_a_backups_folder(
    tmp_path: Path,
) -> None:
    """The damage sentence names a backups folder only when there is one with a backup in it."""
    crucible = Crucible(tmp_path / "vault")
    assert crucible("init").status == 0
    db = crucible.folder / "vault.db"
    data = bytearray(db.read_bytes())
    data[100:200] = os.urandom(100)  # page 1, past SQLCipher's salt
    db.write_bytes(bytes(data))
    result = crucible("list")
    assert result.status == 5
    assert "backups folder" not in result.err
    assert "restore" in result.err


def test_init_after_a_restore_into_a_new_folder_was_cut_finishes_the_restore(
    tmp_path: Path,
) -> None:
    """Killed after its commit point, before any file was in place: `init` finds the vault."""
    other = _vault_with(tmp_path / "other", "C-NEW", BACKUP_PASSPHRASE, tmp_path)
    backup = tmp_path / "other.crucible-backup"
    assert other("backup", "-o", str(backup), stdin=BACKUP_PASSPHRASE + "\n").status == 0
    for step in range(1, 40):
        folder = tmp_path / f"new-{step}"
        assert _killed(_restore_killed_at(step, folder, backup)), "the restore never got that far"
        if (folder / "restore-journal.json").exists() and not (folder / "vault.db").exists():
            break
        shutil.rmtree(folder, ignore_errors=True)
    result = Crucible(folder)("init", stdin="a passphrase for a new vault\n")
    assert (result.status, result.err.strip()) == (2, "A vault already exists in that folder.")
    assert _opens(folder, BACKUP_PASSPHRASE) == "C-NEW"
