"""Writing into a pipe whose reader has gone (`crucible summary 1 | head -1`) ends quietly.

A real `python -m crucible` subprocess on a real vault (created with the fast test
key profile, which the key file then carries), its stdout a pipe that the
test closes early, as `head` does. Nothing may reach stderr, and the status
is 0 or the shell's 141 (128 + SIGPIPE).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import Crucible
from tests.conftest import PASSPHRASE, SAMPLE_PATH

ROOT = Path(__file__).resolve().parents[2]


def _run_with_early_close(folder: Path, *args: str) -> tuple[int, bytes]:
    """Run `python -m crucible --vault FOLDER ARGS` with its stdout closed by the reader at once.

    Closing before the first byte makes the broken pipe certain: a reader that
    reads a line first races the writer, which may have finished already.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("CRUCIBLE_DEBUG", "CRUCIBLE_VAULT")}
    process = subprocess.Popen(
        [sys.executable, "-m", "crucible", "--vault", str(folder), *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdin.write(f"{PASSPHRASE}\n".encode())
    process.stdin.close()
    process.stdout.close()  # the reader has gone, as `head -1` has after its line
    err = process.stderr.read()
    process.stderr.close()
    return process.wait(timeout=60), err


@pytest.fixture
def imported(initialized: Crucible) -> tuple[Path, str]:
    result = initialized("import", str(SAMPLE_PATH))
    assert result.status == 0, result.err
    return initialized.folder, result.out.split()[-1]


def test_summary_into_a_closed_pipe_is_quiet(imported: tuple[Path, str]) -> None:
    """`crucible summary ID` with the reader gone before any output: empty stderr."""
    folder, new_id = imported
    status, err = _run_with_early_close(folder, "summary", new_id)
    assert err == b""
    assert status in (0, 141)


@pytest.mark.parametrize("args", [("list",), ("audit",)])
def test_other_commands_into_a_closed_pipe_are_quiet(
    imported: tuple[Path, str], args: tuple[str, ...]
) -> None:
    """The rule is the command's, not one verb's: list and audit end quietly too."""
    folder, _ = imported
    status, err = _run_with_early_close(folder, *args)
    assert err == b""
    assert status in (0, 141)
