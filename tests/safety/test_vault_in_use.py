"""A vault in use by one process is never replaced or re-keyed by another (finding 1).

Every process that opens the vault holds a shared lock on `vault.lock`;
restore, passwd, recover and migrations need it exclusively and refuse
with one sentence (exit 6) while anyone else has the vault. The long write
of the finding is a real `crucible import` subprocess; the second shell's
commands run in-process through `app.cli.main`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.common import big_document
from crucible.app.services import vault_access
from crucible.app.services.intensive_exchange import import_intensive
from crucible.app.store import migrate
from crucible.app.store.vault import UnlockThrottle, Vault
from tests.cli.conftest import Crucible
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.safety.conftest import open_without_migrating
from tests.safety.processes import Holder, wait_for
from tests.store.test_migrations import FIXTURE_0001, FIXTURE_PASSPHRASE

ROOT = Path(__file__).parents[2]
IN_USE = "Crucible is using this vault in another window or command."
EXIT_IN_USE = 6
NEW_PASSPHRASE = "a brand new passphrase"


def _import_process(folder: Path, document: Path) -> subprocess.Popen[str]:
    secret = document.with_suffix(".stdin")
    secret.write_text(PASSPHRASE + "\n", "utf-8")
    with secret.open("rb") as stdin:
        return subprocess.Popen(
            [sys.executable, "-m", "crucible", "--vault", str(folder), "import", str(document)],
            cwd=ROOT,
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


def test_restore_is_refused_while_an_import_runs_and_the_import_lands_in_the_vault(
    initialized: Crucible, tmp_path: Path
) -> None:
    """The finding's two shells: restore says the vault is in use; the import's data stays."""
    folder = initialized.folder
    backup = tmp_path / "before.crucible-backup"
    assert initialized("backup", "-o", str(backup)).status == 0
    document = tmp_path / "big.json"
    document.write_text(json.dumps(big_document(3000, note_chars=200)), "utf-8")

    importer = _import_process(folder, document)
    # The importer has opened the database once SQLite's log appears beside it.
    wait_for(lambda: (folder / "vault.db-wal").exists(), what="the import to open the vault")
    restore = initialized("restore", str(backup))
    out, err = importer.communicate(timeout=120)

    assert (restore.status, restore.err.strip()) == (EXIT_IN_USE, IN_USE)
    assert importer.returncode == 0, err
    assert out.splitlines()[-1] == "1"
    assert initialized("list").out.count("\n") == 1  # the imported intensive, in the vault
    assert not list(folder.glob("replaced-*"))


@pytest.mark.parametrize(
    ("command", "stdin"),
    [
        ("passwd", f"{PASSPHRASE}\n{NEW_PASSPHRASE}\n"),
        ("recover", "{code}\n" + NEW_PASSPHRASE + "\n"),
    ],
)
def test_passwd_and_recover_are_refused_while_another_process_has_the_vault_open(
    vault_folder: Path, command: str, stdin: str
) -> None:
    """The key file is not rewritten under a process that has the vault unlocked."""
    vault, code = vault_access.new_vault(vault_folder, PASSPHRASE, kdf=FAST_KDF)
    vault.lock()
    key_before = (vault_folder / "vault.key").read_bytes()
    with Holder(vault_folder, "open"):
        result = Crucible(vault_folder)(command, stdin=stdin.format(code=code))
    assert (result.status, result.err.strip()) == (EXIT_IN_USE, IN_USE)
    assert (vault_folder / "vault.key").read_bytes() == key_before
    after = Crucible(vault_folder)(command, stdin=stdin.format(code=code))
    assert after.status == 0, after.err


def test_a_migration_is_refused_while_another_process_has_the_vault(tmp_path: Path) -> None:
    """An old vault is not upgraded under another process's feet; no backup is made for it."""
    folder = tmp_path / "old"
    shutil.copytree(FIXTURE_0001, folder)
    revision = _revision(folder)
    with Holder(folder, "shared"):
        result = Crucible(folder)("list", stdin=FIXTURE_PASSPHRASE + "\n")
    assert (result.status, result.err.strip()) == (EXIT_IN_USE, IN_USE)
    assert _revision(folder) == revision
    assert not (folder / "backups").exists()
    upgraded = Crucible(folder)("list", stdin=FIXTURE_PASSPHRASE + "\n")
    assert upgraded.status == 0, upgraded.err
    assert _revision(folder) == migrate.head_revision()


def _revision(folder: Path) -> str | None:
    vault = open_without_migrating(folder, FIXTURE_PASSPHRASE)
    try:
        return migrate.current_revision(vault.engine)
    finally:
        vault.lock()


def test_a_command_waits_for_a_short_exclusive_holder_then_proceeds(
    initialized: Crucible,
) -> None:
    """`list` during a passphrase change waits the change out instead of failing."""
    with Holder(initialized.folder, "exclusive", release_after=0.5):
        started = time.monotonic()
        result = initialized("list")
    assert result.status == 0, result.err
    assert time.monotonic() - started < 5


def test_a_command_gives_up_on_a_long_exclusive_holder_with_the_sentence(
    initialized: Crucible,
) -> None:
    """A restore that keeps the vault past the wait: the in-use sentence, not a hang."""
    with Holder(initialized.folder, "exclusive"):
        result = initialized("list")
    assert (result.status, result.err.strip()) == (EXIT_IN_USE, IN_USE)


def test_a_write_into_a_vault_replaced_under_it_fails_loudly(
    vault: Vault, sample_bytes: bytes, tmp_path: Path
) -> None:
    """If something swaps vault.db anyway (an older Crucible's restore), the write says so."""
    from crucible.app.services.errors import VaultReplacedError

    stranger = tmp_path / "other"
    other, _code = vault_access.new_vault(stranger, PASSPHRASE, kdf=FAST_KDF)
    other.lock()
    os.replace(stranger / "vault.db", vault.db_path)
    with pytest.raises(VaultReplacedError) as caught:
        import_intensive(vault, sample_bytes, actor="test")
    assert "replaced" in str(caught.value)
    assert caught.value.exit_status == EXIT_IN_USE


def test_the_lock_is_released_at_lock_so_a_restore_can_follow(vault: Vault, tmp_path: Path) -> None:
    """Locking a vault gives its shared hold back; an exclusive holder elsewhere then gets in."""
    with pytest.raises(AssertionError, match="failed"), Holder(vault.folder, "exclusive"):
        pass
    vault.lock()
    with Holder(vault.folder, "exclusive") as holder:
        holder.release()
    assert holder.exitcode == 0
    reopened = vault_access.open_vault(vault.folder, PASSPHRASE, throttle=UnlockThrottle())
    reopened.lock()
