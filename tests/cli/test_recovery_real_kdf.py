"""The user test's sequence on the real calibration path: init, passwd, recover, unlock.

Every other test passes the fast test profile, which hid that a recalibrated
passphrase wrap used to break the recovery code. This one lets `crucible`
calibrate as it does for a therapist (a few seconds per step).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from crucible.app.cli import Terminal, main
from crucible.app.store.keyfile import KdfParams, read_key_file

CODE_LINE = re.compile(r"^\s+([0-9A-Z]{4}(?:-[0-9A-Z]{4}){7})$", re.MULTILINE)


def _crucible(folder: Path, *args: str, stdin: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(["--vault", str(folder), *args], terminal=Terminal(io.StringIO(stdin), out, err))
    return status, out.getvalue(), err.getvalue()


def _at_least(params: KdfParams, previous: KdfParams) -> bool:
    return (
        params.memory_kib >= previous.memory_kib
        and params.time_cost >= previous.time_cost
        and params.parallelism >= previous.parallelism
    )


@pytest.mark.slow
def test_original_recovery_code_works_after_passwd_with_real_calibration(
    vault_folder: Path,
) -> None:
    """init -> passwd -> recover with the code printed at init -> unlock with the new one."""
    status, out, err = _crucible(vault_folder, "init", stdin="first passphrase\n")
    assert status == 0, err
    match = CODE_LINE.search(out)
    assert match is not None
    code = match.group(1)
    created = read_key_file(vault_folder / "vault.key").kdf
    assert created.meets_floor()

    status, _, err = _crucible(
        vault_folder, "passwd", stdin="first passphrase\nsecond passphrase\n"
    )
    assert status == 0, err
    changed = read_key_file(vault_folder / "vault.key").kdf
    assert _at_least(changed, created)

    status, _, err = _crucible(vault_folder, "recover", stdin=f"{code}\nthird passphrase\n")
    assert status == 0, err
    assert _at_least(read_key_file(vault_folder / "vault.key").kdf, changed)

    status, _, err = _crucible(vault_folder, "list", stdin="third passphrase\n")
    assert status == 0, err
