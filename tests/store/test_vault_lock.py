"""The vault's lock file: shared among users of the vault, exclusive for whoever replaces it.

Real processes (forked) hold the lock; this process asks for it. Within a
process the holds nest: an exclusive hold taken while the process already
holds a shared one upgrades it in place and gives it back on release.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from crucible.app.store import vault_lock
from crucible.app.store.errors import VaultInUseError
from tests.safety.processes import Holder, in_child


def _can_take(folder: Path, kind: str) -> bool:
    """Whether another process could take the lock `kind` right now (without waiting)."""

    def probe() -> bool:
        take = vault_lock.shared if kind == "shared" else vault_lock.exclusive
        try:
            with take(folder, wait_s=0):
                return True
        except VaultInUseError:
            return False

    return bool(in_child(probe))


def test_shared_holders_coexist_and_keep_exclusive_out(tmp_path: Path) -> None:
    """Two users of a vault at once are fine; a restore while either is there is not."""
    with Holder(tmp_path, "shared"), vault_lock.shared(tmp_path):
        assert _can_take(tmp_path, "shared")
        assert not _can_take(tmp_path, "exclusive")
    assert _can_take(tmp_path, "exclusive")


def test_an_exclusive_holder_keeps_everyone_out(tmp_path: Path) -> None:
    """While a restore holds the vault, neither a command nor another restore gets in."""
    with vault_lock.exclusive(tmp_path):
        assert not _can_take(tmp_path, "shared")
        assert not _can_take(tmp_path, "exclusive")
    assert _can_take(tmp_path, "exclusive")


def test_exclusive_is_refused_with_the_sentence(tmp_path: Path) -> None:
    """The refusal is the in-use error, whose sentence and exit status the CLI prints."""
    with Holder(tmp_path, "shared"), pytest.raises(VaultInUseError) as caught:
        vault_lock.exclusive(tmp_path, wait_s=0)
    assert str(caught.value) == "Crucible is using this vault in another window or command."
    assert caught.value.exit_status == 6


def test_holds_nest_within_a_process_and_upgrade_in_place(tmp_path: Path) -> None:
    """Shared, then exclusive on top, then back to shared: the process never lets go between."""
    outer = vault_lock.shared(tmp_path)
    inner = vault_lock.exclusive(tmp_path)
    assert not _can_take(tmp_path, "shared")
    inner.release()
    assert _can_take(tmp_path, "shared")
    assert not _can_take(tmp_path, "exclusive")
    outer.release()
    assert _can_take(tmp_path, "exclusive")


def test_an_upgrade_refused_keeps_the_shared_hold(tmp_path: Path) -> None:
    """A failed exclusive request (another user present) leaves this process's shared hold."""
    with vault_lock.shared(tmp_path):
        with Holder(tmp_path, "shared"), pytest.raises(VaultInUseError):
            vault_lock.exclusive(tmp_path, wait_s=0)
        assert not _can_take(tmp_path, "exclusive")


def test_a_forked_child_does_not_inherit_the_parents_holds(tmp_path: Path) -> None:
    """The child's bookkeeping starts empty: it must take the lock itself, and is refused."""
    with vault_lock.exclusive(tmp_path):
        context = multiprocessing.get_context("fork")
        queue = context.SimpleQueue()

        def child() -> None:
            try:
                vault_lock.shared(tmp_path, wait_s=0)
                queue.put("got in")
            except VaultInUseError:
                queue.put("refused")
            os._exit(0)

        process = context.Process(target=child)
        process.start()
        process.join(30)
        assert queue.get() == "refused"


def test_the_lock_file_is_owner_only_and_outlives_the_holds(tmp_path: Path) -> None:
    """vault.lock is 0600 and stays (removing a lock file others may have open is a race)."""
    with vault_lock.shared(tmp_path):
        pass
    path = tmp_path / "vault.lock"
    assert path.exists()
    assert path.stat().st_mode & 0o777 == 0o600
    assert in_child(lambda: vault_lock.held_by_this_process(tmp_path)) is False
