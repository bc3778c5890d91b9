"""Migrations: no drift, reversible, backed up first, and all-or-nothing (test 7)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from crucible.app.services import vault_access
from crucible.app.services.intensive_exchange import export_intensive, import_intensive
from crucible.app.store import migrate
from crucible.app.store.append_only import EXPECTED_TRIGGERS, INITIAL_TRIGGERS
from crucible.app.store.backup import verify_database_copy
from crucible.app.store.engine import make_engine
from crucible.app.store.vault import UnlockThrottle, Vault, read_vault_key_file
from tests.conftest import DATA, PASSPHRASE, SAMPLE_PATH

FIXTURE_0001 = DATA / "vaults" / "schema-0001"
FIXTURE_PASSPHRASE = "fixture passphrase 0001"
VERSIONS = Path(__file__).resolve().parents[2] / "db" / "migrations" / "versions"


def _open_0001_copy(folder: Path) -> Vault:
    """A copy of the frozen 0001 vault at `folder`, opened with its key and not migrated."""
    shutil.copytree(FIXTURE_0001, folder)
    key = read_vault_key_file(folder).unwrap_with_passphrase(FIXTURE_PASSPHRASE)
    return Vault(folder, make_engine(folder / "vault.db", key), key)


def _schema(vault: Vault) -> dict[str, list[str]]:
    with vault.engine.connect() as connection:
        inspector = inspect(connection)
        return {
            t: sorted(c["name"] for c in inspector.get_columns(t))
            for t in sorted(inspector.get_table_names())
        }


def _content(vault: Vault) -> dict[str, list[tuple[object, ...]]]:
    with vault.engine.connect() as connection:
        tables = [t for t in inspect(connection).get_table_names() if t != "alembic_version"]
        return {
            t: [tuple(r) for r in connection.execute(text(f'SELECT * FROM "{t}" ORDER BY 1'))]
            for t in tables
        }


def test_new_vault_is_at_head_without_drift(vault: Vault) -> None:
    """A created vault is at the head revision and the models match the migrations."""
    assert migrate.current_revision(vault.engine) == migrate.head_revision()
    migrate.check_no_drift(vault.engine)


def test_the_head_read_from_the_files_is_alembics_head() -> None:
    """The unlock's cheap head (revision files parsed, not imported) agrees with Alembic."""
    assert migrate.known_head() == migrate.head_revision()


def test_the_version_check_on_unlock_does_not_load_alembic(vault: Vault) -> None:
    """Opening a vault at head reads its revision with one SELECT; Alembic stays unloaded."""
    folder = vault.folder
    vault.lock()
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from crucible.app.store.vault import UnlockThrottle, unlock_vault\n"
        "vault = unlock_vault(Path(sys.argv[1]), sys.argv[2], throttle=UnlockThrottle())\n"
        "print(vault.is_locked, sorted({m.split('.')[0] for m in sys.modules} & {'alembic'}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(folder), PASSPHRASE], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "[]"]


def test_downgrade_then_upgrade_keeps_the_data(vault: Vault, sample_bytes: bytes) -> None:
    """Stepping back one revision and forward again leaves every intensive intact."""
    new_id = import_intensive(vault, sample_bytes, actor="test")
    before = export_intensive(vault, new_id, actor="test")
    migrate.downgrade(vault.engine, "0001")
    assert migrate.current_revision(vault.engine) == "0001"
    migrate.upgrade(vault.engine)
    assert export_intensive(vault, new_id, actor="test") == before
    with vault.engine.connect() as connection:
        triggers = connection.execute(
            text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
        ).scalar()
    assert triggers == len(EXPECTED_TRIGGERS)


def test_the_0001_trigger_text_is_what_the_original_migration_created(tmp_path: Path) -> None:
    """The shared trigger constants equal, byte for byte, those in the frozen 0001 vault."""
    frozen = _open_0001_copy(tmp_path / "old")
    try:
        with frozen.engine.connect() as connection:
            stored = dict(
                connection.exec_driver_sql(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                ).all()
            )
    finally:
        frozen.lock()
    assert stored == dict(INITIAL_TRIGGERS)


def test_keying_record_marks_the_last_unkeyed_event(tmp_path: Path) -> None:
    """Revision 0004 records the newest event already present; later events are keyed."""
    vault = _open_0001_copy(tmp_path / "old")
    try:
        with vault.engine.connect() as connection:
            newest = connection.exec_driver_sql("SELECT max(id) FROM audit_event").scalar()
        migrate.upgrade(vault.engine)
        with vault.engine.connect() as connection:
            recorded = connection.exec_driver_sql(
                "SELECT scheme, keyed_after FROM audit_keying"
            ).all()
    finally:
        vault.lock()
    assert newest
    assert recorded == [("hmac-sha256/1", newest)]


def test_stepping_back_over_the_run_columns_keeps_everything_else(
    vault: Vault, sample_bytes: bytes
) -> None:
    """One step back (below 0005) drops only the recorded runs; back up, it exports as /1."""
    document = json.loads(sample_bytes)
    plain = json.loads(sample_bytes)
    document["format"] = "crucible.intensive/1.1"
    for day in document["intensive"]["days"]:
        for block in day["blocks"]:
            block["actual_start"], block["actual_end"] = block["start"], None
    new_id = import_intensive(vault, json.dumps(document).encode(), actor="test")
    assert json.loads(export_intensive(vault, new_id, actor="test")) == document
    migrate.downgrade(vault.engine, "0004")
    assert "actual_start" not in _schema(vault)["block"]
    migrate.upgrade(vault.engine)
    assert json.loads(export_intensive(vault, new_id, actor="test")) == plain
    migrate.check_no_drift(vault.engine)


def test_frozen_0001_vault_upgrades_with_its_data(tmp_path: Path) -> None:
    """The vault frozen at revision 0001 opens, is backed up, upgrades and keeps the sample."""
    folder = tmp_path / "old"
    shutil.copytree(FIXTURE_0001, folder)
    heard: list[str] = []
    vault = vault_access.open_vault(
        folder, FIXTURE_PASSPHRASE, throttle=UnlockThrottle(), progress=heard.append
    )
    try:
        assert migrate.current_revision(vault.engine) == migrate.head_revision()
        # 0002 .. head, one step each (counted from the files: 0009 came before 0008 was merged)
        steps = len(list(VERSIONS.glob("*_0*.py"))) - 1
        assert heard == [
            vault_access.UPDATE_BACKUP,
            *(vault_access.update_step(done, steps) for done in range(steps + 1)),
        ]
        assert heard[1].startswith(
            f"Updating the vault for this version of Crucible: step 1 of {steps} "
        )
        exported = json.loads(export_intensive(vault, 1, actor="test"))
        assert exported == json.loads(SAMPLE_PATH.read_text("utf-8"))
        backups = list((folder / "backups").iterdir())
        assert len(backups) == 1
        assert "pre-migration" in backups[0].name
    finally:
        vault.lock()


def test_pre_migration_backup_is_verified_and_restorable(tmp_path: Path) -> None:
    """The backup holds an encrypted database at the old revision and the key file."""
    folder = tmp_path / "old"
    shutil.copytree(FIXTURE_0001, folder)
    vault_access.open_vault(folder, FIXTURE_PASSPHRASE, throttle=UnlockThrottle()).lock()
    backup = next((folder / "backups").iterdir())
    assert backup.stat().st_mode & 0o777 == 0o600
    restored = tmp_path / "restored"
    restored.mkdir()
    with zipfile.ZipFile(backup) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        archive.extract("vault.db", restored)
        archive.extract("vault.key", restored)
    assert manifest["schema_revision"] == "0001"
    assert not (restored / "vault.db").read_bytes().startswith(b"SQLite format 3")
    vault = vault_access.open_vault(restored, FIXTURE_PASSPHRASE, throttle=UnlockThrottle())
    try:
        verify_database_copy(restored / "vault.db", vault.data_key)
        assert json.loads(export_intensive(vault, 1, actor="t")) == json.loads(
            SAMPLE_PATH.read_text("utf-8")
        )
    finally:
        vault.lock()


FAILING_REVISION = '''
"""A migration that fails half-way, for the test."""
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
    with op.batch_alter_table("observation") as batch:
        batch.add_column(sa.Column("extra", sa.Integer, nullable=True))
    op.execute("UPDATE observation SET intensity = 5")
    raise RuntimeError("injected failure part-way")


def downgrade() -> None:
    pass
'''


@pytest.fixture
def failing_migration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the app at a copy of the migrations with a failing revision on top.

    Returns the real head, the revision the failed upgrade must leave in place.
    """
    copy = tmp_path / "migrations"
    shutil.copytree(
        Path(migrate.__file__).parents[2] / "db" / "migrations",
        copy,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    real_head = migrate.head_revision()
    (copy / "versions" / "2099_01_01_9999_fails.py").write_text(
        FAILING_REVISION.format(head=real_head)
    )
    # Both Alembic and the cheap head check of every unlock read this location.
    monkeypatch.setattr(migrate, "migrations_location", lambda: copy)
    return real_head


def test_failed_migration_leaves_schema_and_data_as_they_were(
    vault: Vault, sample_bytes: bytes, failing_migration: str
) -> None:
    """A migration failing part-way rolls back whole; a verified backup was made first."""
    import_intensive(vault, sample_bytes, actor="test")
    schema, content = _schema(vault), _content(vault)
    assert migrate.current_revision(vault.engine) == failing_migration
    folder = vault.folder
    vault.lock()
    with pytest.raises(RuntimeError, match="injected failure"):
        vault_access.open_vault(folder, "correct horse battery staple", throttle=UnlockThrottle())
    key = read_vault_key_file(folder).unwrap_with_passphrase("correct horse battery staple")
    inspected = Vault(folder, make_engine(folder / "vault.db", key), key)
    try:
        assert _schema(inspected) == schema
        assert _content(inspected) == content
        assert migrate.current_revision(inspected.engine) == failing_migration
    finally:
        inspected.lock()
    backups = list((folder / "backups").iterdir())
    assert len(backups) == 1


def test_profile_roles_step_back_and_forth(vault: Vault) -> None:
    """0003 adds the supervisor role and "complete"; stepping back turns a supervisor clinician."""
    from crucible.app.domain.vocabulary import Role
    from crucible.app.services.profile import ClinicianProfile, get_profile, save_profile

    save_profile(vault, ClinicianProfile("Morgan Hale", "PhD", Role.SUPERVISOR))
    migrate.downgrade(vault.engine, "0002")
    with vault.engine.connect() as connection:
        role = connection.execute(text("SELECT role FROM clinician_profile")).scalar()
    assert role == "clinician"
    migrate.upgrade(vault.engine)
    assert get_profile(vault) == ClinicianProfile("Morgan Hale", "PhD", Role.CLINICIAN, None, True)
