"""Finding 2: no `-o` can write into the vault's folder, and no file is replaced without --force."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Crucible
from tests.conftest import SAMPLE_PATH, folder_snapshot


@pytest.fixture
def imported(initialized: Crucible) -> Crucible:
    assert initialized("import", str(SAMPLE_PATH)).status == 0
    return initialized


def _exports(target: str) -> list[tuple[str, ...]]:
    return [
        ("report", "1", "-o", target),
        ("export-json", "1", "-o", target),
        ("export-csv", "1", "-o", target),
        ("export-boris", "1", "-o", target),
        ("backup", "-o", target),
    ]


@pytest.mark.parametrize("name", ["vault.db", "vault.key", "new-file.pdf", "backups/x.zip", ""])
def test_no_export_writes_inside_the_vault_folder(imported: Crucible, name: str) -> None:
    """The database, the key file, a new file or the folder itself: refused, exit 2, untouched."""
    target = str(imported.folder / name) if name else str(imported.folder)
    before = folder_snapshot(imported.folder)
    for args in _exports(target):
        result = imported(*args)
        assert result.status == 2, (args, result.err)
        assert "vault's folder" in result.err, result.err
        assert len(result.err.strip().splitlines()) == 1
        assert folder_snapshot(imported.folder) == before, args
    assert imported("list").status == 0


def test_a_symlink_into_the_vault_folder_is_refused(imported: Crucible, tmp_path: Path) -> None:
    """Resolving symlinks: a link to vault.key or to the folder counts as inside."""
    (tmp_path / "innocent.json").symlink_to(imported.folder / "vault.key")
    (tmp_path / "elsewhere").symlink_to(imported.folder, target_is_directory=True)
    before = folder_snapshot(imported.folder)
    for target in (tmp_path / "innocent.json", tmp_path / "elsewhere" / "out.json"):
        for args in _exports(str(target)):
            result = imported(*args, "--force") if args[0] != "backup" else imported(*args)
            assert result.status == 2, (args, result.err)
            assert "vault's folder" in result.err
    assert folder_snapshot(imported.folder) == before


def test_an_existing_file_needs_force(imported: Crucible, tmp_path: Path) -> None:
    """report and export-json refuse to replace a file unless --force says so."""
    for args, name in ((("report", "1"), "old.pdf"), (("export-json", "1"), "old.json")):
        existing = tmp_path / name
        existing.write_bytes(b"keep me")
        result = imported(*args, "-o", str(existing))
        assert result.status == 2, result.err
        assert "already exists" in result.err
        assert "--force" in result.err
        assert existing.read_bytes() == b"keep me"
        assert imported(*args, "-o", str(existing), "--force").status == 0
        assert existing.read_bytes() != b"keep me"


def test_report_into_a_folder_refuses_an_existing_default_name(
    imported: Crucible, tmp_path: Path
) -> None:
    """`-o FOLDER` applies the same rule to the file name it picks."""
    assert imported("report", "1", "-o", str(tmp_path)).status == 0
    (written,) = tmp_path.glob("*.pdf")
    result = imported("report", "1", "-o", str(tmp_path))
    assert result.status == 2
    assert written.name in result.err
    assert imported("report", "1", "-o", str(tmp_path), "--force").status == 0


def test_refused_before_the_passphrase_is_asked(imported: Crucible) -> None:
    """A bad output path is bad input: refused without reading a secret from stdin."""
    result = imported("export-json", "1", "-o", str(imported.folder / "vault.key"), stdin="")
    assert result.status == 2
    assert "vault's folder" in result.err
