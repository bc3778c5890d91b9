"""Other processes on the same vault, and commands run as an ordinary user.

`Holder` is a second Crucible process (forked, so no interpreter start-up)
that opens the vault the way every command does and keeps it until told to
let go: optionally inside a write transaction, as a long import would.
`as_ordinary_user` runs a function in a forked child without root's
privilege of ignoring permission bits: the tests run as root in CI
containers, where a chmod'ed folder would otherwise stop nothing.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from tests.conftest import PASSPHRASE

ORDINARY_UID = 4242  # any unused id: root may become it without an account


class Holder:
    """Another process that has the vault open (and, with `write`, a write transaction).

    `mode` is "open" (unlocked through the services, as a command does),
    "write" (open and inside BEGIN IMMEDIATE), or "shared"/"exclusive" (only
    the vault's lock, as a window or a restore would hold it).
    """

    def __init__(self, folder: Path, mode: str = "open", *, release_after: float = 120.0) -> None:
        self.folder = folder
        self.mode = mode
        self.release_after = release_after
        context = multiprocessing.get_context("fork")
        self._to_child, self._from_parent = context.Pipe()
        self._process = context.Process(target=self._run, daemon=True)

    def __enter__(self) -> Holder:
        self._process.start()
        if not self._to_child.poll(30):
            raise AssertionError("the holder process did not start")
        message = self._to_child.recv()
        if message != "holding":
            raise AssertionError(f"the holder process failed: {message}")
        return self

    def release(self) -> None:
        """Let go of the vault and wait for the process to end."""
        if self._process.is_alive():
            self._to_child.send("release")
        self._process.join(60)

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.release()
        if self._process.is_alive():
            self._process.kill()

    @property
    def exitcode(self) -> int | None:
        """The holder's exit status once it has ended."""
        return self._process.exitcode

    def _run(self) -> None:
        try:
            self._hold()
        except BaseException as error:  # report, never hang the parent
            self._from_parent.send(f"{type(error).__name__}: {error}")
            os._exit(1)
        os._exit(0)

    def _hold(self) -> None:
        from crucible.app.services import vault_access

        if self.mode in ("shared", "exclusive"):
            from crucible.app.store import vault_lock

            take = vault_lock.shared if self.mode == "shared" else vault_lock.exclusive
            with take(self.folder):
                self._wait()
            return
        vault = vault_access.open_vault(
            self.folder, PASSPHRASE, throttle=vault_access.UnlockThrottle()
        )
        try:
            if self.mode == "write":
                with vault.write_connection():
                    self._wait()
            else:
                self._wait()
        finally:
            vault.lock()

    def _wait(self) -> None:
        self._from_parent.send("holding")
        self._from_parent.poll(self.release_after)


def as_ordinary_user(tree: Path, run: Callable[[], Any], *, timeout: float = 60) -> Any:
    """Run `run` in a forked child as a user without root's privileges; return its result.

    `tree` must be reachable by that user (the `open_tmp` fixture is). When the tests
    run as root, the files below `tree` are given to an
    unused user id first, and the child becomes that user, so permission
    bits apply to it as they would to a clinician. The child's result comes
    back through a pipe; an exception in the child fails the test.
    """
    if os.geteuid() == 0:
        for path in (tree, *tree.rglob("*")):
            os.lchown(path, ORDINARY_UID, ORDINARY_UID)
    return in_child(lambda: _drop_root_and_run(run), timeout=timeout)


def _drop_root_and_run(run: Callable[[], Any]) -> Any:
    if os.geteuid() == 0:
        os.setgroups([])
        os.setgid(ORDINARY_UID)
        os.setuid(ORDINARY_UID)
    return run()


def in_child(run: Callable[[], Any], *, timeout: float = 60) -> Any:
    """Run `run` in a forked child (which a hang cannot take down with the suite)."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def child() -> None:
        signal.alarm(int(timeout))
        try:
            sender.send(("ok", run()))
        except BaseException as error:
            sender.send(("crashed", f"{type(error).__name__}: {error}"))

    process = context.Process(target=child)
    process.start()
    sender.close()
    try:
        outcome = receiver.recv() if receiver.poll(timeout + 5) else ("crashed", "timeout")
    except EOFError:
        outcome = ("crashed", "the child died without a word")
    process.join(10)
    assert outcome[0] == "ok", outcome[1]
    return outcome[1]


def wait_for(condition: Callable[[], bool], timeout: float = 30, what: str = "condition") -> None:
    """Poll until `condition` holds; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)
