"""The output-path rule on its own: what counts as inside the vault's folder."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crucible.app.services.emergency_kit import save_emergency_kit
from crucible.app.services.errors import InputError
from crucible.app.services.files import check_output_path, is_inside_vault


def test_inside_means_the_folder_itself_anything_below_it_and_other_spellings(
    tmp_path: Path,
) -> None:
    """`..` detours and symlinked folders count; a sibling with a similar name does not."""
    vault = tmp_path / "vault"
    (vault / "backups").mkdir(parents=True)
    (tmp_path / "link").symlink_to(vault, target_is_directory=True)
    inside = [
        vault,
        vault / "vault.key",
        vault / "backups" / "new" / "deeper.pdf",
        tmp_path / "other" / ".." / "vault" / "x.json",
        tmp_path / "link" / "x.json",
    ]
    outside = [tmp_path / "vault-exports" / "x.pdf", tmp_path / "x.pdf", tmp_path]
    assert [is_inside_vault(vault, p) for p in inside] == [True] * len(inside)
    assert [is_inside_vault(vault, p) for p in outside] == [False] * len(outside)


def test_existing_files_need_force(tmp_path: Path) -> None:
    """The sentence names the file and the way out; force lets it through."""
    existing = tmp_path / "old.pdf"
    existing.write_bytes(b"x")
    with pytest.raises(InputError, match=r"'old.pdf' already exists.*--force"):
        check_output_path(tmp_path / "vault", existing, force=False)
    assert check_output_path(tmp_path / "vault", existing, force=True) == existing


def test_the_emergency_kit_is_not_saved_beside_the_vault(tmp_path: Path) -> None:
    """A recovery code next to the vault it opens protects nothing."""
    vault = tmp_path / "vault"
    vault.mkdir()
    with pytest.raises(InputError, match="vault's folder"):
        save_emergency_kit(
            vault / "kit.pdf", "AAAA-BBBB", clinician="J", vault_folder=vault, made=date.today()
        )
    assert not (vault / "kit.pdf").exists()
