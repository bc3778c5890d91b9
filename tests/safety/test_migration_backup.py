"""Test 7's second half: the backup made before a failing migration verifies and restores."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from crucible.app.services import backups, vault_access
from crucible.app.services.intensive_exchange import import_intensive
from crucible.app.store import migrate
from crucible.app.store.vault import UnlockThrottle, Vault
from tests.conftest import PASSPHRASE
from tests.safety.conftest import assert_same_content, open_without_migrating, table_rows
from tests.store.test_migrations import failing_migration  # noqa: F401 (fixture)


def test_pre_migration_backup_is_verified_and_restores_the_data_as_it_was(
    vault: Vault,
    sample_bytes: bytes,
    failing_migration: None,  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
) -> None:
    """After a migration fails part-way, the backup made first checks fully and restores whole."""
    import_intensive(vault, sample_bytes, actor="test")
    before = table_rows(vault)
    revision = migrate.current_revision(vault.engine)
    folder = vault.folder
    vault.lock()
    with pytest.raises(RuntimeError, match="injected failure"):
        vault_access.open_vault(folder, PASSPHRASE, throttle=UnlockThrottle())

    (backup,) = backups.list_backups(backups.backups_folder(folder), check_hashes=True)
    assert backup.reason == "pre-migration"
    assert backup.schema_revision == revision
    assert backup.verification is backups.Verification.HASHES
    inspected = open_without_migrating(folder)
    try:
        assert_same_content(table_rows(inspected), before)  # the failed migration left no trace
        full = backups.list_backups(backups.backups_folder(folder), vault=inspected)
        assert [b.verification for b in full] == [backups.Verification.FULL]
    finally:
        inspected.lock()

    restored = tmp_path / "restored"
    outcome = backups.restore(backup.path, restored, PASSPHRASE)
    assert outcome.manifest.reason == "pre-migration"
    reopened = open_without_migrating(restored)
    try:
        assert migrate.current_revision(reopened.engine) == revision
        assert table_rows(reopened) == before  # made before the unlock event: exactly equal
    finally:
        reopened.lock()
    with zipfile.ZipFile(backup.path) as archive:
        assert json.loads(archive.read("manifest.json"))["schema_revision"] == revision
