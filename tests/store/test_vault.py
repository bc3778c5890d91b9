"""Unlocking tells wrong passphrase, damaged key file and damaged database apart (tests 2-4)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from crucible.app.services.integrity import full_check
from crucible.app.services.intensive_exchange import get_intensive, import_intensive
from crucible.app.store.errors import DamagedDatabaseError, KeyFileError, WrongSecretError
from crucible.app.store.throttle import ATTEMPTS_FILE
from crucible.app.store.vault import UnlockThrottle, Vault, unlock_vault
from tests.conftest import PASSPHRASE, folder_snapshot


def _fill(vault: Vault, sample_bytes: bytes) -> int:
    new_id = import_intensive(vault, sample_bytes, actor="test")
    with vault.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return new_id


def test_files_are_owner_only(vault: Vault) -> None:
    """Folder 0700, vault.db and vault.key 0600 (test 15)."""
    assert stat.S_IMODE(vault.folder.stat().st_mode) == 0o700
    for path in vault.folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_connection_pragmas_are_in_force(vault: Vault) -> None:
    """Every pooled connection runs with the pragmas the connection rules require."""
    expected = {
        "foreign_keys": 1,
        "journal_mode": "wal",
        "synchronous": 2,
        "temp_store": 2,
        "secure_delete": 1,
    }
    with vault.engine.connect() as connection:
        for pragma, value in expected.items():
            assert connection.execute(text(f"PRAGMA {pragma}")).scalar() == value, pragma
        assert connection.execute(text("PRAGMA cipher_version")).scalar()


def test_wrong_passphrase_touches_nothing(
    new_vault: tuple[Vault, str], no_throttle: UnlockThrottle
) -> None:
    """Files byte-identical with the same mtimes, no -wal or -journal appears (test 3).

    The one file a failure writes is the backoff's count, unlock-attempts.json.
    """
    vault, _ = new_vault
    vault.lock()
    before = folder_snapshot(vault.folder)
    for _ in range(3):
        with pytest.raises(WrongSecretError):
            unlock_vault(vault.folder, "wrong passphrase", throttle=no_throttle)
    after = folder_snapshot(vault.folder)
    assert after.pop(ATTEMPTS_FILE)
    assert after == before
    assert not any(p.name.endswith(("-wal", "-journal", "-shm")) for p in vault.folder.iterdir())


def test_repeated_failures_slow_down(
    new_vault: tuple[Vault, str], no_throttle: UnlockThrottle
) -> None:
    """Each failure doubles the wait before the next try; success resets it."""
    vault, _ = new_vault
    vault.lock()
    for _ in range(4):
        with pytest.raises(WrongSecretError):
            unlock_vault(vault.folder, "nope", throttle=no_throttle)
    unlock_vault(vault.folder, PASSPHRASE, throttle=no_throttle).lock()
    assert no_throttle.waits == [1.0, 2.0, 4.0, 4.0 * 2]  # type: ignore[attr-defined]
    assert no_throttle.failures == 0


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_text(""),
        lambda p: p.write_text('{"format": "crucible.vault-key/1"}'),
        lambda p: p.write_bytes(p.read_bytes()[:-40]),
        lambda p: p.unlink(),
    ],
    ids=["empty", "fields-missing", "truncated", "missing"],
)
def test_damaged_key_file_is_its_own_error(new_vault: tuple[Vault, str], damage) -> None:
    """A key file that does not parse says so, distinct from a wrong passphrase (test 4)."""
    vault, _ = new_vault
    vault.lock()
    damage(vault.key_path)
    with pytest.raises(KeyFileError) as caught:
        unlock_vault(vault.folder, PASSPHRASE, throttle=UnlockThrottle(sleep=lambda _: None))
    assert "key file" in str(caught.value)
    assert not isinstance(caught.value, WrongSecretError)


def _flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x10
    path.write_bytes(bytes(data))


def _offsets(size: int, page: int = 4096) -> list[int]:
    pages = size // page
    middle = (pages // 2) * page
    last = (pages - 1) * page
    return [
        0,
        7,
        15,
        16,
        100,
        1000,
        page - 1,
        middle + 5,
        middle + 2000,
        middle + page - 20,
        last + 3,
        last + 3000,
        size - 1,
    ]


def test_bit_flips_are_caught_and_nothing_wrong_is_shown(
    new_vault: tuple[Vault, str], sample_bytes: bytes, tmp_path: Path
) -> None:
    """A flipped bit fails the open or the checks name it; no wrong data is shown (test 2)."""
    vault, _ = new_vault
    new_id = _fill(vault, sample_bytes)
    original = get_intensive(vault, new_id)
    vault.lock()
    pristine = vault.db_path.read_bytes()
    assert len(pristine) > 8 * 4096
    throttle = UnlockThrottle(sleep=lambda _: None)
    for offset in _offsets(len(pristine)):
        vault.db_path.write_bytes(pristine)
        _flip(vault.db_path, offset)
        tampered = vault.db_path.read_bytes()
        try:
            opened = unlock_vault(vault.folder, PASSPHRASE, throttle=throttle)
        except DamagedDatabaseError:
            assert vault.db_path.read_bytes() == tampered, f"written after failed open @{offset}"
            continue
        try:
            problems = full_check(opened).problems
            try:
                shown = get_intensive(opened, new_id)
            except DBAPIError:
                shown = None
            assert problems, f"bit flip at {offset} went unnoticed"
            assert shown is None or shown == original, f"wrong data shown after flip at {offset}"
        finally:
            opened.lock()
        assert vault.db_path.read_bytes() == tampered, f"database rewritten after flip @{offset}"


def test_lock_disposes_the_engine_and_wipes_the_key(vault: Vault) -> None:
    """After lock no connection stays open on vault.db and the key is gone."""
    key = vault.data_key
    with vault.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    vault.lock()
    assert vault.is_locked
    with pytest.raises(ValueError, match="wiped"):
        key.raw()
    open_files = {
        os.path.realpath(f"/proc/self/fd/{fd}")
        for fd in os.listdir("/proc/self/fd")
        if os.path.exists(f"/proc/self/fd/{fd}")
    }
    assert not any(str(vault.folder) in name for name in open_files)
    with pytest.raises(RuntimeError, match="locked"):
        vault.session()
    assert "locked" in repr(vault)


def test_core_dumps_are_off_while_unlocked(vault_folder: Path) -> None:
    """Unlocking sets RLIMIT_CORE to 0 and makes the process non-dumpable (test 15)."""
    script = f"""
import resource, sys
sys.path.insert(0, {str(Path.cwd())!r})
from crucible.app.store.keyfile import KdfParams
from crucible.app.store.vault import create_vault
from pathlib import Path
vault, _ = create_vault(Path({str(vault_folder)!r}), 'pw', kdf=KdfParams(1024, 1))
print(resource.getrlimit(resource.RLIMIT_CORE))
import ctypes; libc = ctypes.CDLL(None); print(libc.prctl(3, 0, 0, 0, 0))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    lines = result.stdout.split("\n")
    assert lines[0] == "(0, 0)"
    assert lines[1] == "0"  # PR_GET_DUMPABLE
