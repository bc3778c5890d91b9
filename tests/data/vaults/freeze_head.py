"""Freeze a vault at this build's head schema into tests/data/vaults/schema-<head>/.

Run once per schema change, after the new revision is in `db/migrations/versions/`:

    .venv/bin/python tests/data/vaults/freeze_head.py      (or: make freeze-vault)

It makes a real vault with the tests' fast key profile, imports the sample
intensive (tests/data/intensive-sample.json) as id 1, locks it and keeps the
database and key file with a README naming the passphrase and recovery code.
tests/store/test_frozen_vaults.py then opens every frozen vault with the
current build, as a clinician's vault from that release would be opened. An
existing folder is never overwritten: frozen vaults are never edited.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent
KEPT = ("vault.db", "vault.key")


def passphrase_for(revision: str) -> str:
    """The frozen vault's passphrase; written in its README too."""
    return f"fixture passphrase {revision}"


def freeze(target_root: Path = HERE) -> Path:
    """Make schema-<head>/ under `target_root`; returns it. Refuses to replace one."""
    sys.path.insert(0, str(ROOT))
    from crucible.app.services.intensive_exchange import import_intensive
    from crucible.app.services.vault_access import new_vault
    from crucible.app.store.migrate import known_head
    from tests.conftest import FAST_KDF, SAMPLE_PATH

    head = known_head()
    target = target_root / f"schema-{head}"
    if target.exists():
        raise SystemExit(f"{target} exists already; frozen vaults are never replaced.")
    passphrase = passphrase_for(head)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "vault"
        vault, code = new_vault(folder, passphrase, kdf=FAST_KDF)
        try:
            intensive_id = import_intensive(vault, SAMPLE_PATH.read_bytes(), actor="fixture")
            assert intensive_id == 1
        finally:
            vault.lock()
        leftovers = [p.name for p in folder.iterdir() if p.name.startswith("vault.db-")]
        if leftovers:
            raise SystemExit(f"the locked vault left {leftovers}; not frozen")
        target.mkdir()
        for name in KEPT:
            shutil.copy2(folder / name, target / name)
    (target / "README.txt").write_text(
        f"Frozen vault at schema revision {head} (fast test KDF).\n"
        f"Passphrase: {passphrase}\n"
        f"Recovery code: {code}\n"
        "Holds the sample intensive as id 1. Never edit; tests copy it.\n"
        "Made by tests/data/vaults/freeze_head.py.\n",
        encoding="utf-8",
    )
    return target


if __name__ == "__main__":
    print(freeze())
