"""The unlock backoff kept beside the vault: what it counts, how long it waits, what it forgives."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from crucible.app.store.errors import WrongSecretError
from crucible.app.store.throttle import ATTEMPTS_FILE, read_attempts
from crucible.app.store.vault import UnlockThrottle, Vault, unlock_vault
from tests.conftest import PASSPHRASE


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def _fail(folder: Path, throttle: UnlockThrottle) -> None:
    with pytest.raises(WrongSecretError):
        unlock_vault(folder, "wrong passphrase", throttle=throttle)


def test_a_new_process_sees_the_count_and_waits_only_what_remains(
    new_vault: tuple[Vault, str],
) -> None:
    """Three failures mean 4 s before the next try; 3 s later, 1 s remains."""
    vault, _ = new_vault
    vault.lock()
    clock, waits = Clock(), []
    for _ in range(3):
        _fail(vault.folder, UnlockThrottle(sleep=waits.append, clock=clock))
    assert waits == [1.0, 2.0]
    clock.now += 3
    unlock_vault(vault.folder, PASSPHRASE, throttle=UnlockThrottle(sleep=waits.append, clock=clock))
    assert waits == [1.0, 2.0, 1.0]
    assert not (vault.folder / ATTEMPTS_FILE).exists()


def test_the_wait_is_capped_and_a_clock_set_back_waits_in_full(
    new_vault: tuple[Vault, str],
) -> None:
    """Twenty failures still wait 30 s at most; a last failure "in the future" is not forgiven."""
    vault, _ = new_vault
    vault.lock()
    path = vault.folder / ATTEMPTS_FILE
    document = {"format": "crucible.unlock-attempts/1", "failures": 20, "last_failure": 2e6}
    path.write_text(json.dumps(document))
    waits: list[float] = []
    _fail(vault.folder, UnlockThrottle(sleep=waits.append, clock=Clock()))
    assert waits == [30.0]
    assert read_attempts(vault.folder).failures == 21
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{",
        b"[]",
        b'{"format": "x", "failures": 5, "last_failure": 1}',
        b'{"format": "crucible.unlock-attempts/1", "failures": "5", "last_failure": 1}',
        b'{"format": "crucible.unlock-attempts/1", "failures": 5, "last_failure": NaN}',
    ],
    ids=["empty", "truncated", "list", "other-format", "text-count", "nan"],
)
def test_a_damaged_file_counts_as_no_failures(new_vault: tuple[Vault, str], content: bytes) -> None:
    """It is a convenience, not a lock: damage neither blocks the vault nor crashes the unlock."""
    vault, _ = new_vault
    vault.lock()
    (vault.folder / ATTEMPTS_FILE).write_bytes(content)
    waits: list[float] = []
    unlock_vault(vault.folder, PASSPHRASE, throttle=UnlockThrottle(sleep=waits.append)).lock()
    assert waits == []


def test_a_count_that_cannot_be_written_still_says_wrong_passphrase(
    new_vault: tuple[Vault, str],
) -> None:
    """A folder squatting the file's name: still "wrong passphrase", and the right one opens."""
    vault, _ = new_vault
    vault.lock()
    (vault.folder / ATTEMPTS_FILE).mkdir()
    _fail(vault.folder, UnlockThrottle(sleep=lambda _s: None))
    unlock_vault(vault.folder, PASSPHRASE, throttle=UnlockThrottle(sleep=lambda _s: None)).lock()
