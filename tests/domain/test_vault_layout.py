"""The vault folder's names are spelled once, and `vault_exists` answers for every layer."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from crucible.app.domain import vault_layout
from crucible.app.domain.vault_layout import (
    CREATING_MARKER,
    CRUCIBLE_NAMES,
    DB_NAME,
    KEY_NAME,
    vault_exists,
)
from crucible.app.services import instance
from crucible.app.store import vault as store_vault

ROOT = Path(__file__).resolve().parents[2]
LAYOUT = ROOT / "app" / "domain" / "vault_layout.py"
NAMES = {
    value
    for name, value in vars(vault_layout).items()
    if name.isupper() and isinstance(value, str) and value not in ("-wal", ".")
}


def test_vault_exists_follows_the_key_file_and_the_creation_marker(tmp_path: Path) -> None:
    assert not vault_exists(tmp_path)
    (tmp_path / DB_NAME).touch()
    (tmp_path / CREATING_MARKER).touch()
    assert not vault_exists(tmp_path)  # creation was cut short
    (tmp_path / KEY_NAME).touch()
    assert vault_exists(tmp_path)  # the key file is written last
    (tmp_path / KEY_NAME).unlink()
    (tmp_path / CREATING_MARKER).unlink()
    assert vault_exists(tmp_path)  # a vault that lost its key file is still a vault


def test_the_app_and_the_store_ask_the_same_function() -> None:
    assert store_vault.vault_exists is vault_exists
    assert instance.vault_present.__module__ == "crucible.app.services.instance"


def test_every_file_crucible_writes_is_a_known_name() -> None:
    assert {DB_NAME, KEY_NAME, vault_layout.SETTINGS_FILE, vault_layout.PENDING_FILE} <= (
        CRUCIBLE_NAMES
    )


def _spelled_names(source: str) -> set[str]:
    return {
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and node.value in NAMES
    }


@pytest.mark.parametrize(
    "path",
    sorted(p for p in (ROOT / "app").rglob("*.py") if p != LAYOUT),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_module_spells_a_layout_name_again(path: Path) -> None:
    """A string that is exactly a layout name; prose that mentions a file is fine."""
    assert _spelled_names(path.read_text(encoding="utf-8")) == set()


def test_the_scan_finds_a_name_spelled_again() -> None:
    assert _spelled_names('path = folder / "vault.key"\n') == {"vault.key"}


def test_the_layout_loads_no_database_code() -> None:
    """The first window reads it before SQLAlchemy may load."""
    code = (
        "import sys, crucible.app.domain.vault_layout, crucible.app.services.instance; "
        "print(any(m.split('.')[0] in ('sqlalchemy', 'sqlcipher3') for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == "False"
