"""The search index: filled on upgrade, kept by triggers, dropped on downgrade, inside vault.db."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sqlalchemy import text

from crucible.app.services import vault_access
from crucible.app.services.integrity import full_check
from crucible.app.services.intensive_exchange import import_intensive
from crucible.app.services.search import HitKind, search
from crucible.app.store import migrate
from crucible.app.store.append_only import trigger_problems
from crucible.app.store.search_index import INDEXED, SEARCH_TRIGGERS, fts_table
from crucible.app.store.vault import UnlockThrottle, Vault
from tests.conftest import SAMPLE_PATH
from tests.services.test_search import searchable_document

FIXTURE_0001 = Path(__file__).parents[1] / "data" / "vaults" / "schema-0001"
FIXTURE_PASSPHRASE = "fixture passphrase 0001"


def _indexed_rows(vault: Vault) -> dict[str, int]:
    with vault.engine.connect() as connection:
        return {
            table: connection.execute(
                text(f"SELECT count(*) FROM {fts_table(table)}_docsize")
            ).scalar_one()
            for table in INDEXED
        }


def _rows(vault: Vault) -> dict[str, int]:
    with vault.engine.connect() as connection:
        return {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in INDEXED
        }


def test_an_old_vault_gains_a_filled_index_on_upgrade(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    shutil.copytree(FIXTURE_0001, folder)
    vault = vault_access.open_vault(folder, FIXTURE_PASSPHRASE, throttle=UnlockThrottle())
    try:
        assert migrate.current_revision(vault.engine) == migrate.head_revision()
        counts = _indexed_rows(vault)
        assert counts == _rows(vault)
        assert counts["observation"] > 100
        sample = json.loads(SAMPLE_PATH.read_text("utf-8"))
        name = sample["couple"]["partners"][1]["name"]
        assert [h.kind for h in search(vault, name)] == [HitKind.PARTNER]
        assert search(vault, "feeling small ")[0].kind is HitKind.NOTE
        fts = fts_table("observation")
        with vault.engine.connect() as connection:  # FTS5's own check against the table
            connection.exec_driver_sql(
                f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)"
            )
    finally:
        vault.lock()


def test_downgrade_drops_the_index_and_upgrade_rebuilds_it(vault: Vault) -> None:
    import_intensive(vault, SAMPLE_PATH.read_bytes(), actor="test")
    migrate.downgrade(vault.engine, "0005")
    with vault.engine.connect() as connection:
        left = connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE name LIKE 'search%'"
        ).all()
    assert left == []
    migrate.upgrade(vault.engine)
    assert _indexed_rows(vault) == _rows(vault)
    migrate.check_no_drift(vault.engine)


def test_cascading_deletes_leave_no_stale_entries(vault: Vault) -> None:
    import_intensive(vault, json.dumps(searchable_document()).encode(), actor="test")
    with vault.write_connection() as connection:
        connection.exec_driver_sql("DELETE FROM block_note WHERE signed_at IS NULL")
        connection.exec_driver_sql("DELETE FROM observation WHERE id % 2 = 0")
    assert _indexed_rows(vault) == _rows(vault)
    assert search(vault, "父亲") == []
    with vault.engine.connect() as connection:
        for table in INDEXED:  # FTS5's own check against the content table
            fts = fts_table(table)
            connection.exec_driver_sql(
                f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)"
            )


def test_the_triggers_are_checked_like_the_append_only_ones(vault: Vault) -> None:
    assert full_check(vault).problems == []
    name = next(n for n in SEARCH_TRIGGERS if n.startswith("search_note_section"))
    with vault.write_connection() as connection:
        connection.exec_driver_sql(f"DROP TRIGGER {name}")
        assert trigger_problems(connection) == [f"append-only trigger {name} is missing"]


def test_the_index_adds_no_file_and_no_plaintext(vault: Vault) -> None:
    canary = "CANARYsearchZx9"
    document = searchable_document()
    document["intensive"]["days"][0]["blocks"][1]["note"]["sections"][0]["text"] = canary
    import_intensive(vault, json.dumps(document).encode(), actor="test")
    assert search(vault, canary.lower())[0].kind is HitKind.NOTE
    with vault.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    files = sorted(p.name for p in vault.folder.rglob("*") if p.is_file())
    assert not [f for f in files if "search" in f or "fts" in f]
    assert {f for f in files if f.startswith("vault.db")} <= {
        "vault.db",
        "vault.db-wal",
        "vault.db-shm",
    }
    for path in vault.folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for needle in (canary, canary.lower(), "canarysearchzx9"):
                for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                    assert needle.encode(encoding) not in data, path
            assert b"SQLite format 3" not in data
