"""Run the real `crucible` command in-process, with its streams captured."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest

from crucible.app.cli import Terminal, main
from tests.conftest import FAST_KDF, PASSPHRASE


@dataclass
class Result:
    status: int
    out: str
    err: str


class Crucible:
    """`crucible --vault FOLDER ...` with stdin lines given per call.

    The unlock backoff's waits are recorded in `waits`, not slept.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.waits: list[float] = []

    def __call__(self, *args: str, stdin: str = PASSPHRASE + "\n") -> Result:
        out, err = io.StringIO(), io.StringIO()
        status = main(
            ["--vault", str(self.folder), *args],
            terminal=Terminal(io.StringIO(stdin), out, err, sleep=self.waits.append),
            kdf=FAST_KDF,
        )
        return Result(status, out.getvalue(), err.getvalue())


@pytest.fixture
def crucible(vault_folder: Path) -> Crucible:
    return Crucible(vault_folder)


@pytest.fixture
def initialized(crucible: Crucible) -> Crucible:
    result = crucible("init")
    assert result.status == 0, result.err
    return crucible
