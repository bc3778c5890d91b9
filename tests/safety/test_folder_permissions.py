"""Crucible changes the permissions only of folders it created (finding 10).

`init` and `restore` used to make any existing folder 0700 (a shared 1777
folder included), and a failed restore did so while saying nothing was
changed. Now an existing folder keeps its mode; one that holds other
things than a vault is refused; a folder Crucible creates is owner-only.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tests.cli.conftest import Crucible
from tests.conftest import PASSPHRASE

NOT_EMPTY = (
    "The folder is not empty and holds no Crucible vault; choose an empty folder or a new one."
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _folder_with_mode(path: Path, mode: int) -> Path:
    """A folder the user made, with permissions of their choosing (shared ones included)."""
    path.mkdir()
    os.chmod(path, mode)
    return path


def _backup(tmp_path: Path) -> Path:
    source = Crucible(tmp_path / "source")
    assert source("init").status == 0
    target = tmp_path / "backup.crucible-backup"
    assert source("backup", "-o", str(target)).status == 0
    return target


def test_init_in_an_existing_empty_folder_keeps_its_mode(tmp_path: Path) -> None:
    """A shared 1777 folder stays 1777; the vault's own files are owner-only."""
    folder = _folder_with_mode(tmp_path / "shared", 0o1777)
    result = Crucible(folder)("init")
    assert result.status == 0, result.err
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o1777
    assert _mode(folder / "vault.db") == 0o600
    assert _mode(folder / "vault.key") == 0o600


def test_init_in_a_new_folder_makes_it_owner_only(tmp_path: Path) -> None:
    """What Crucible creates, it protects."""
    folder = tmp_path / "new" / "vault"
    assert Crucible(folder)("init").status == 0
    assert _mode(folder) == 0o700


def test_init_refuses_a_folder_holding_other_things(tmp_path: Path) -> None:
    """A folder with someone's files in it is not turned into a vault, nor chmod'ed."""
    folder = _folder_with_mode(tmp_path / "documents", 0o755)
    (folder / "letter.txt").write_text("not a vault")
    result = Crucible(folder)("init")
    assert (result.status, result.err.strip()) == (2, NOT_EMPTY)
    assert _mode(folder) == 0o755
    assert sorted(p.name for p in folder.iterdir()) == ["letter.txt"]


def test_a_failed_restore_into_an_existing_folder_changes_nothing(tmp_path: Path) -> None:
    """Wrong secret: exit 3, and the folder is as it was: mode 0755, and empty."""
    backup = _backup(tmp_path)
    folder = _folder_with_mode(tmp_path / "target", 0o755)
    result = Crucible(folder)("restore", str(backup), stdin="not the passphrase\n")
    assert result.status == 3, result.err
    assert "nothing was changed" in result.err
    assert _mode(folder) == 0o755
    assert list(folder.iterdir()) == []


def test_a_restore_into_an_existing_empty_folder_keeps_its_mode(tmp_path: Path) -> None:
    """The restored vault opens; the folder's mode is the user's."""
    backup = _backup(tmp_path)
    folder = _folder_with_mode(tmp_path / "target", 0o755)
    result = Crucible(folder)("restore", str(backup), stdin=PASSPHRASE + "\n")
    assert result.status == 0, result.err
    assert _mode(folder) == 0o755
    assert Crucible(folder)("list").status == 0


def test_a_failed_restore_into_a_new_folder_leaves_no_folder(tmp_path: Path) -> None:
    """Crucible removes the folder it created for a restore that did not happen."""
    backup = _backup(tmp_path)
    folder = tmp_path / "new"
    result = Crucible(folder)("restore", str(backup), stdin="not the passphrase\n")
    assert result.status == 3
    assert not folder.exists()


def test_restore_refuses_a_folder_holding_other_things(tmp_path: Path) -> None:
    """Someone's documents folder is not filled with a vault."""
    backup = _backup(tmp_path)
    folder = _folder_with_mode(tmp_path / "documents", 0o755)
    (folder / "letter.txt").write_text("not a vault")
    result = Crucible(folder)("restore", str(backup), stdin=PASSPHRASE + "\n")
    assert (result.status, result.err.strip()) == (2, NOT_EMPTY)
    assert sorted(p.name for p in folder.iterdir()) == ["letter.txt"]
    assert _mode(folder) == 0o755


def test_restore_accepts_a_vault_folder_whose_vault_is_gone_but_backups_remain(
    tmp_path: Path,
) -> None:
    """The usual rescue: vault.db and vault.key lost, the backups folder still there."""
    crucible = Crucible(tmp_path / "vault")
    assert crucible("init").status == 0
    made = crucible("backup")
    assert made.status == 0, made.err
    for name in ("vault.db", "vault.key"):
        (crucible.folder / name).unlink()
    (backup,) = (crucible.folder / "backups").iterdir()
    result = crucible("restore", str(backup), stdin=PASSPHRASE + "\n")
    assert result.status == 0, result.err
    assert crucible("list").status == 0
