"""Test 13: fuzzed backups, key files and import documents give a clear error and change nothing.

Three kinds of mutation, each on a valid file: raw byte edits and
truncations (what a bad disk or a half-copied file does), and structural
edits that keep the container valid so the mutation reaches the deeper
checks (a manifest, key file or database altered with the hashes
recomputed; a JSON document with one value replaced). Every outcome must be
either success on a still-valid input or a `VaultError` with one sentence,
and a refused input must leave the vault folder byte-identical.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crucible.app.services import backups
from crucible.app.services.errors import VaultError
from crucible.app.services.intensive_exchange import import_intensive
from crucible.app.store.vault import UnlockThrottle, Vault, unlock_vault
from tests.conftest import PASSPHRASE, folder_snapshot

FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the suite stays reproducible; bench/fuzz_inputs.py explores further
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def byte_edits(size: int) -> st.SearchStrategy[tuple[list[tuple[int, int]], int | None]]:
    """Up to 4 byte overwrites, biased towards the ZIP headers at both ends, maybe a truncation."""
    position = st.one_of(
        st.integers(0, min(size - 1, 600)),
        st.integers(max(0, size - 400), size - 1),
        st.integers(0, size - 1),
    )
    edits = st.lists(st.tuples(position, st.integers(0, 255)), min_size=1, max_size=4)
    return st.tuples(edits, st.none() | st.integers(0, size - 1))


def _mutate(data: bytes, edits: list[tuple[int, int]], cut: int | None) -> bytes:
    mutated = bytearray(data)
    for position, value in edits:
        mutated[position] = value
    return bytes(mutated[:cut] if cut is not None else mutated)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


def _replace(document: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = json.loads(json.dumps(document))
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new
    return copy


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def restore_setup(vault: Vault, sample_bytes: bytes, tmp_path: Path) -> dict[str, Any]:
    """A vault with data, a valid backup of it, and a pristine copy of the folder to reset from."""
    import_intensive(vault, sample_bytes, actor="test")
    backup = backups.backup_now(vault).info.path.read_bytes()
    folder = vault.folder
    vault.lock()
    shutil.rmtree(folder / "backups")
    pristine = tmp_path / "pristine"
    shutil.copytree(folder, pristine)
    with zipfile.ZipFile(io.BytesIO(backup)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    return {"folder": folder, "pristine": pristine, "backup": backup, "members": members}


def _try_restore(setup: dict[str, Any], data: bytes) -> None:
    """Restore fuzzed bytes: a clear error and an untouched folder, or a vault that opens."""
    folder: Path = setup["folder"]
    candidate = folder.parent / "fuzzed.crucible-backup"
    candidate.write_bytes(data)
    before = folder_snapshot(folder)
    error = _failure_of(lambda: backups.restore(candidate, folder, PASSPHRASE))
    if error is not None:
        assert str(error).endswith(".")
        assert "\n" not in str(error)
        assert folder_snapshot(folder) == before
        return
    unlock_vault(folder, PASSPHRASE, throttle=UnlockThrottle()).lock()  # a harmless edit
    shutil.rmtree(folder)
    shutil.copytree(setup["pristine"], folder)


def test_fuzzed_backup_bytes(restore_setup: dict[str, Any]) -> None:
    """Byte edits and truncations anywhere in a backup never crash a restore or touch the vault."""
    data = restore_setup["backup"]

    @FUZZ
    @given(byte_edits(len(data)))
    def run(mutation: tuple[list[tuple[int, int]], int | None]) -> None:
        _try_restore(restore_setup, _mutate(data, *mutation))

    run()


def test_fuzzed_backup_members_with_matching_hashes(restore_setup: dict[str, Any]) -> None:
    """A member altered and its hash recomputed still fails cleanly at the deeper checks."""
    members: dict[str, bytes] = restore_setup["members"]
    manifest = json.loads(members["manifest.json"])
    key_document = json.loads(members["vault.key"])

    @FUZZ
    @given(st.data())
    def run(data: st.DataObject) -> None:
        target = data.draw(st.sampled_from(["manifest.json", "vault.key", "vault.db"]))
        new = dict(members)
        if target == "manifest.json":
            path = data.draw(st.sampled_from(_paths(manifest)))
            new[target] = json.dumps(_replace(manifest, path, data.draw(json_values))).encode()
        else:
            if target == "vault.key" and data.draw(st.booleans()):
                path = data.draw(st.sampled_from(_paths(key_document)))
                altered = json.dumps(_replace(key_document, path, data.draw(json_values))).encode()
            else:
                edits = data.draw(byte_edits(len(members[target])))
                altered = _mutate(members[target], *edits)
            new[target] = altered
            forged = dict(manifest)
            forged[target] = {"sha256": hashlib.sha256(altered).hexdigest(), "size": len(altered)}
            new["manifest.json"] = json.dumps(forged).encode()
        _try_restore(restore_setup, _zip(new))

    run()


def test_fuzzed_key_files(vault: Vault, tmp_path: Path) -> None:
    """A damaged vault.key gives a key-file or wrong-secret error; vault.db is never touched."""
    folder = vault.folder
    vault.lock()
    original = (folder / "vault.key").read_bytes()
    document = json.loads(original)
    db_before = folder_snapshot(folder)["vault.db"]

    @FUZZ
    @given(st.data())
    def run(data: st.DataObject) -> None:
        if data.draw(st.booleans()):
            mutated = _mutate(original, *data.draw(byte_edits(len(original))))
        else:
            path = data.draw(st.sampled_from(_paths(document)))
            mutated = json.dumps(_replace(document, path, data.draw(json_values))).encode()
        (folder / "vault.key").write_bytes(mutated)
        throttle = UnlockThrottle(sleep=lambda _s: None)
        error = _failure_of(lambda: unlock_vault(folder, PASSPHRASE, throttle=throttle).lock())
        if error is not None:
            assert error.exit_status in (3, 4)
            assert folder_snapshot(folder)["vault.db"] == db_before
            assert not (folder / "vault.db-wal").exists()

    run()


def test_fuzzed_import_documents(vault: Vault, sample_bytes: bytes) -> None:
    """A damaged or altered document is refused whole with a one-sentence error; nothing written."""
    document = json.loads(sample_bytes)
    paths = _paths(document)
    with vault.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    @FUZZ
    @given(st.data())
    def run(data: st.DataObject) -> None:
        if data.draw(st.booleans()):
            payload = _mutate(sample_bytes, *data.draw(byte_edits(len(sample_bytes))))
        else:
            path = data.draw(st.sampled_from(paths))
            payload = json.dumps(_replace(document, path, data.draw(json_values))).encode()
        before, files = _stored(vault), folder_snapshot(vault.folder)
        error = _failure_of(lambda: import_intensive(vault, payload, actor="fuzz"))
        if error is not None:
            assert "\n" not in str(error)
            assert _stored(vault) == before
            assert folder_snapshot(vault.folder) == files

    run()


def _failure_of(action: Callable[[], object]) -> VaultError | None:
    """The clear error an action ended with, or None; any other exception fails the test."""
    try:
        action()
    except VaultError as error:
        return error
    return None


def _stored(vault: Vault) -> tuple[int, ...]:
    """Row counts of every table: what a refused import must leave as it was."""
    with vault.engine.connect() as connection:
        tables = [
            row[0]
            for row in connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return tuple(
            connection.exec_driver_sql(f'SELECT count(*) FROM "{table}"').scalar_one()
            for table in tables
        )
