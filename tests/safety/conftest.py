"""Fixtures for the data-safety tests: filled vaults and table dumps."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from crucible.app.store.engine import make_engine
from crucible.app.store.vault import Vault, read_vault_key_file
from tests.cli.conftest import Crucible, crucible, initialized  # noqa: F401 (fixtures)
from tests.conftest import PASSPHRASE

CANARY = "CANARYsafetyZx9"


@pytest.fixture
def open_tmp() -> Iterator[Path]:
    """A temp folder directly in the system temp folder, which any user can reach."""
    folder = Path(tempfile.mkdtemp(prefix="crucible-test-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def sample_copy(sample_bytes: bytes, tmp_path: Path) -> Path:
    """The sample intensive written to a file of its own in tmp_path, for `crucible import`."""
    document = tmp_path / "sample.json"
    document.write_bytes(sample_bytes)
    return document


def open_without_migrating(folder: Path, passphrase: str = PASSPHRASE) -> Vault:
    """Open a vault's files as they are: no migration, no audit event, nothing written."""
    key = read_vault_key_file(folder).unwrap_with_passphrase(passphrase)
    return Vault(folder, make_engine(folder / "vault.db", key), key)


def table_rows(vault: Vault) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in primary-key order, for row-for-row comparison."""
    with vault.engine.connect() as connection:
        tables = sorted(inspect(connection).get_table_names())
        return {
            table: [
                tuple(row)
                for row in connection.execute(text(f'SELECT * FROM "{table}" ORDER BY 1'))
            ]
            for table in tables
        }


def assert_same_content(
    restored: dict[str, list[tuple[object, ...]]], source: dict[str, list[tuple[object, ...]]]
) -> None:
    """Every table equal row for row; the source's audit trail may have grown since the backup."""
    assert restored.keys() == source.keys()
    for table, rows in restored.items():
        if table == "audit_event":
            assert rows == source[table][: len(rows)]
        else:
            assert rows == source[table], table


def scan_for(data: bytes, needles: list[str]) -> list[str]:
    """Which needles appear in the bytes, as UTF-8 or UTF-16."""
    return [
        needle
        for needle in needles
        for encoding in ("utf-8", "utf-16-le", "utf-16-be")
        if needle.encode(encoding) in data
    ]


__all__ = [
    "CANARY",
    "Crucible",
    "assert_same_content",
    "open_without_migrating",
    "scan_for",
    "table_rows",
]
