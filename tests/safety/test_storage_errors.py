"""A full disk, a read-only folder, an unreadable file: each named, none called damage (3, 13).

Each case runs the real commands (in-process `app.cli.main`) in a forked
child: the full disk is a file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored),
permissions are enforced by running the child as an ordinary user (root
ignores permission bits), and an unreadable database is one replaced by a
folder or a FIFO. Only when none of these explains a failure is the
database called damaged.
"""

from __future__ import annotations

import io
import os
import resource
import signal
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crucible.app.cli import Terminal, main
from crucible.app.services.intensive_exchange import import_intensive
from crucible.app.services.vault_access import new_vault
from tests.conftest import FAST_KDF, PASSPHRASE, SAMPLE_PATH
from tests.safety.processes import as_ordinary_user, in_child

COMMANDS = (["list"], ["check"], ["audit"], ["summary", "1"], ["backup"])
FULL = (7, "The disk is full; nothing was changed. Free some space and try again.")
NOT_WRITABLE = (
    8,
    "Crucible cannot write in the vault's folder; check its permissions and try again.",
)
DB_READ_ONLY = (
    8,
    "The vault's database (vault.db) is read-only; make it writable again "
    "(for example chmod 600) and try again.",
)
DB_UNREADABLE = (
    9,
    "The vault's database (vault.db) cannot be read; check that it is a file you may read.",
)
KEY_UNREADABLE = (
    9,
    "The vault's key file (vault.key) cannot be read; check that it is a file you may read.",
)


def _vault(folder: Path) -> Path:
    vault, _code = new_vault(folder, PASSPHRASE, kdf=FAST_KDF)
    import_intensive(vault, SAMPLE_PATH.read_bytes(), actor="test")
    vault.lock()
    return folder


def _run(folder: Path, *args: str) -> tuple[int, str]:
    err = io.StringIO()
    status = main(
        ["--vault", str(folder), *args],
        terminal=Terminal(io.StringIO(PASSPHRASE + "\n"), io.StringIO(), err),
        kdf=FAST_KDF,
    )
    return status, err.getvalue().strip()


def _each_command(folder: Path, prepare: Callable[[], None] = lambda: None) -> Callable[[], Any]:
    def run() -> dict[str, tuple[int, str]]:
        prepare()
        return {" ".join(command): _run(folder, *command) for command in COMMANDS}

    return run


def _load_commands() -> None:
    # Imported before forking, so a child that cannot read the source tree still runs them.
    import crucible.app.cli.commands
    import crucible.app.cli.safety_commands
    import crucible.app.domain.summary_format
    import crucible.app.services.summary  # noqa: F401


def _expect(outcome: tuple[int, str]) -> dict[str, tuple[int, str]]:
    return {" ".join(command): outcome for command in COMMANDS}


def test_a_full_disk_is_reported_as_a_full_disk_by_every_command(tmp_path: Path) -> None:
    """Not "damaged" (exit 5), and never exit 1, which `check` keeps for what it finds."""
    folder = _vault(tmp_path / "vault")
    _load_commands()

    def full() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    assert in_child(_each_command(folder, full)) == _expect(FULL)


def test_a_folder_that_cannot_be_written_is_named_as_such(open_tmp: Path) -> None:
    """A folder made read-only (0500): every command says so, and the vault is fine after."""
    folder = _vault(open_tmp / "vault")
    _load_commands()
    os.chmod(folder, 0o500)
    assert as_ordinary_user(open_tmp, _each_command(folder)) == _expect(NOT_WRITABLE)
    os.chmod(folder, 0o700)
    assert as_ordinary_user(open_tmp, lambda: _run(folder, "list"))[0] == 0


def test_a_database_file_that_cannot_be_read_is_named_as_such(open_tmp: Path) -> None:
    """vault.db at 0000 for its owner: unreadable, not damaged."""
    folder = _vault(open_tmp / "vault")
    _load_commands()
    os.chmod(folder / "vault.db", 0)
    assert as_ordinary_user(open_tmp, _each_command(folder)) == _expect(DB_UNREADABLE)


def test_a_key_file_that_cannot_be_read_is_named_as_such(open_tmp: Path) -> None:
    """vault.key at 0000: unreadable (exit 9), not "damaged or missing" (exit 4)."""
    folder = _vault(open_tmp / "vault")
    _load_commands()
    os.chmod(folder / "vault.key", 0)
    assert as_ordinary_user(open_tmp, _each_command(folder)) == _expect(KEY_UNREADABLE)


@pytest.mark.parametrize("replacement", ["folder", "fifo"])
def test_a_database_that_is_not_a_file_is_unreadable_not_damaged(
    tmp_path: Path, replacement: str
) -> None:
    """A folder or a FIFO where vault.db should be: the sentence, never a hang or "damaged"."""
    folder = _vault(tmp_path / "vault")
    _load_commands()
    (folder / "vault.db").unlink()
    if replacement == "folder":
        (folder / "vault.db").mkdir()
    else:
        os.mkfifo(folder / "vault.db")
    assert in_child(_each_command(folder), timeout=30) == _expect(DB_UNREADABLE)


def test_a_read_only_database_is_explained_and_leaves_no_read_only_side_files(
    open_tmp: Path,
) -> None:
    """Finding 13: a moment of vault.db at 0400 is explained, and breaks nothing afterwards."""
    folder = _vault(open_tmp / "vault")
    _load_commands()
    os.chmod(folder / "vault.db", 0o400)
    assert as_ordinary_user(open_tmp, lambda: _run(folder, "list")) == DB_READ_ONLY
    assert not (folder / "vault.db-wal").exists()
    assert not (folder / "vault.db-shm").exists()
    os.chmod(folder / "vault.db", 0o600)
    assert as_ordinary_user(open_tmp, lambda: _run(folder, "list"))[0] == 0


def test_read_only_side_files_left_by_an_earlier_run_are_repaired(open_tmp: Path) -> None:
    """-wal and -shm at 0400 (SQLite copies vault.db's mode): made 0600 again, command works."""
    folder = _vault(open_tmp / "vault")
    _load_commands()
    # What a run against a read-only vault.db left: SQLite gives its side files the
    # database's mode, so they stay 0400 after vault.db is writable again.
    for name in ("vault.db-wal", "vault.db-shm"):
        os.close(os.open(folder / name, os.O_CREAT | os.O_WRONLY, 0o400))
        os.chmod(folder / name, 0o400)

    assert as_ordinary_user(open_tmp, lambda: _run(folder, "list"))[0] == 0
    for name in ("vault.db-wal", "vault.db-shm"):
        path = folder / name
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
