"""Passphrase change and recovery rewrap only the key file, atomically (test 10)."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from pathlib import Path

import pytest

from crucible.app.services.vault_access import reset_passphrase_with_code, set_new_passphrase
from crucible.app.store.errors import WrongSecretError
from crucible.app.store.keyfile import read_key_file
from crucible.app.store.vault import (
    UnlockThrottle,
    Vault,
    change_passphrase,
    unlock_vault,
    unlock_with_recovery_code,
)
from tests.conftest import FAST_KDF, PASSPHRASE


def _unlocks(folder: Path, passphrase: str) -> bool:
    try:
        unlock_vault(folder, passphrase, throttle=UnlockThrottle(sleep=lambda _: None)).lock()
    except WrongSecretError:
        return False
    return True


def test_change_leaves_the_database_untouched(new_vault: tuple[Vault, str]) -> None:
    """vault.db keeps its bytes and mtime; the old passphrase fails, new one and code work."""
    vault, code = new_vault
    vault.lock()
    db = vault.db_path
    before = (db.read_bytes(), db.stat().st_mtime_ns)
    set_new_passphrase(vault.folder, PASSPHRASE, "second passphrase", kdf=FAST_KDF)
    assert (db.read_bytes(), db.stat().st_mtime_ns) == before
    assert not _unlocks(vault.folder, PASSPHRASE)
    assert _unlocks(vault.folder, "second passphrase")
    reset_passphrase_with_code(vault.folder, code, "third passphrase", kdf=FAST_KDF)
    assert _unlocks(vault.folder, "third passphrase")
    assert not _unlocks(vault.folder, "second passphrase")
    assert read_key_file(vault.key_path).kdf == FAST_KDF


def test_change_needs_the_current_passphrase(new_vault: tuple[Vault, str]) -> None:
    """A wrong current passphrase changes nothing."""
    vault, _ = new_vault
    vault.lock()
    before = vault.key_path.read_bytes()
    with pytest.raises(WrongSecretError):
        set_new_passphrase(vault.folder, "not it", "new one here", kdf=FAST_KDF)
    assert vault.key_path.read_bytes() == before


def _flip_flop(folder: str) -> None:
    first, second = PASSPHRASE, "the other passphrase"
    while True:
        change_passphrase(Path(folder), first, second, kdf=FAST_KDF)
        first, second = second, first


def test_kill_during_change_leaves_one_passphrase_working(new_vault: tuple[Vault, str]) -> None:
    """Killed at random moments mid-rewrap, the key file always opens with old or new."""
    vault, code = new_vault
    vault.lock()
    context = multiprocessing.get_context("fork")
    rng = random.Random(99)
    for _ in range(20):
        child = context.Process(target=_flip_flop, args=(str(vault.folder),))
        child.start()
        time.sleep(rng.uniform(0.0, 0.05))
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        assert _unlocks(vault.folder, PASSPHRASE) or _unlocks(vault.folder, "the other passphrase")
    unlock_with_recovery_code(vault.folder, code, throttle=UnlockThrottle()).lock()
