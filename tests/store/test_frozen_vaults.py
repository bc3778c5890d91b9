"""A vault made by an earlier release opens in this one, backed up first, with its data.

Every folder `tests/data/vaults/schema-NNNN/` is a vault frozen at revision
NNNN (tests/data/vaults/freeze_head.py makes the one for a new head). Each is
opened the way the app opens a clinician's vault: unlock, pre-migration
backup, upgrade, and the sample intensive must come back unchanged.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from crucible.app.domain.release import version
from crucible.app.services import audit_log, vault_access
from crucible.app.services.intensive_exchange import export_intensive
from crucible.app.store import migrate
from crucible.app.store.vault import UnlockThrottle
from tests.conftest import DATA, SAMPLE_PATH

VAULTS = DATA / "vaults"
FROZEN = sorted(p for p in VAULTS.glob("schema-*") if p.is_dir())


def _revision(frozen: Path) -> str:
    return frozen.name.removeprefix("schema-")


def _passphrase(frozen: Path) -> str:
    found = re.search(r"^Passphrase: (.+)$", (frozen / "README.txt").read_text("utf-8"), re.M)
    assert found, f"{frozen.name}/README.txt names no passphrase"
    return found.group(1)


def test_a_vault_is_frozen_at_this_builds_head() -> None:
    """Each schema change freezes its vault: `make freeze-vault` after adding a revision."""
    assert f"schema-{migrate.known_head()}" in [p.name for p in FROZEN], (
        "no frozen vault at the head revision; run `make freeze-vault` and commit it"
    )


@pytest.mark.parametrize("frozen", FROZEN, ids=[p.name for p in FROZEN])
def test_frozen_vault_opens_after_its_backup_with_its_data(frozen: Path, tmp_path: Path) -> None:
    """Unlocked by this build: backed up if behind, brought to head, the sample intact."""
    folder = tmp_path / "vault"
    shutil.copytree(frozen, folder)
    behind = _revision(frozen) != migrate.known_head()
    vault = vault_access.open_vault(folder, _passphrase(frozen), throttle=UnlockThrottle())
    try:
        assert migrate.current_revision(vault.engine) == migrate.known_head()
        exported = json.loads(export_intensive(vault, 1, actor="test"))
        assert exported == json.loads(SAMPLE_PATH.read_text("utf-8"))
        upgrades = audit_log.list_events(vault, action="schema-upgraded")
        assert audit_log.verify(vault).ok
    finally:
        vault.lock()
    backups = sorted((folder / "backups").glob("*pre-migration*")) if behind else []
    assert len(backups) == (1 if behind else 0)
    if behind:
        with zipfile.ZipFile(backups[0]) as archive:
            assert json.loads(archive.read("manifest.json"))["schema_revision"] == _revision(frozen)
        assert [event.detail for event in upgrades] == [
            {
                "from_revision": _revision(frozen),
                "to_revision": migrate.known_head(),
                "crucible": version(),
            }
        ]
    else:
        assert upgrades == []
