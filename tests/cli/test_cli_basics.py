"""The `crucible` command end to end on real vault folders."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from tests.cli.conftest import Crucible
from tests.conftest import PASSPHRASE, SAMPLE_PATH, folder_snapshot


def _import_sample(crucible: Crucible) -> int:
    result = crucible("import", str(SAMPLE_PATH))
    assert result.status == 0, result.err
    return int(result.out.strip().splitlines()[-1])


def test_init_prints_a_grouped_recovery_code_once(crucible: Crucible) -> None:
    """init creates an owner-only vault and prints a 160-bit code in eight groups."""
    result = crucible("init")
    assert result.status == 0
    code_lines = [line.strip() for line in result.out.splitlines() if line.count("-") == 7]
    assert len(code_lines) == 1
    assert all(len(group) == 4 for group in code_lines[0].split("-"))
    assert stat.S_IMODE(crucible.folder.stat().st_mode) == 0o700
    for name in ("vault.db", "vault.key"):
        assert stat.S_IMODE((crucible.folder / name).stat().st_mode) == 0o600


def test_init_refuses_an_existing_vault(initialized: Crucible) -> None:
    """A second init must not overwrite the vault."""
    before = folder_snapshot(initialized.folder)
    result = initialized("init")
    assert result.status == 2
    assert "already exists" in result.err
    assert folder_snapshot(initialized.folder) == before


def test_import_prints_the_new_id_last_and_list_shows_it(initialized: Crucible) -> None:
    """import ends with the id; list shows id, couple code, first date and title."""
    new_id = _import_sample(initialized)
    listed = initialized("list")
    assert listed.status == 0
    assert listed.out.splitlines() == [f"{new_id}\tC-0007\t2026-11-02\tTwo-day intensive"]


def test_export_json_round_trips_the_sample_exactly(initialized: Crucible, tmp_path: Path) -> None:
    """Import then export-json gives back a document equal to the sample."""
    new_id = _import_sample(initialized)
    out = tmp_path / "out.json"
    assert initialized("export-json", str(new_id), "-o", str(out)).status == 0
    assert json.loads(out.read_text("utf-8")) == json.loads(SAMPLE_PATH.read_text("utf-8"))
    to_stdout = initialized("export-json", str(new_id))
    assert json.loads(to_stdout.out) == json.loads(SAMPLE_PATH.read_text("utf-8"))


def test_export_of_an_unknown_id_is_bad_input(initialized: Crucible) -> None:
    """An id that names nothing exits 2 with a sentence naming the id."""
    result = initialized("export-json", "42")
    assert result.status == 2
    assert "no intensive with id 42" in result.err


def test_wrong_passphrase_exits_3(initialized: Crucible) -> None:
    """A wrong passphrase is its own failure, status 3."""
    result = initialized("list", stdin="not the passphrase\n")
    assert result.status == 3
    assert result.err.strip() == "The passphrase is not correct."


def test_commands_on_a_missing_vault_say_so(crucible: Crucible) -> None:
    """Without a vault, commands point at init instead of failing obscurely."""
    result = crucible("list")
    assert result.status == 2
    assert "crucible init" in result.err


def test_damaged_key_file_exits_4(initialized: Crucible) -> None:
    """A key file that does not parse is status 4 with its own message."""
    (initialized.folder / "vault.key").write_text("{ not json")
    result = initialized("list")
    assert result.status == 4
    assert "key file" in result.err


def test_missing_key_file_exits_4(initialized: Crucible) -> None:
    """A missing key file beside an existing database is status 4."""
    (initialized.folder / "vault.key").unlink()
    result = initialized("list")
    assert result.status == 4
    assert "missing" in result.err


def test_damaged_database_exits_5(initialized: Crucible) -> None:
    """A database whose first page does not authenticate is status 5 and points at backups."""
    db = initialized.folder / "vault.db"
    data = bytearray(db.read_bytes())
    data[100] ^= 0x01
    db.write_bytes(bytes(data))
    result = initialized("list")
    assert result.status == 5
    assert "backup" in result.err


def test_passwd_then_recover(initialized: Crucible) -> None:
    """passwd changes the passphrase; recover sets a new one from the recovery code."""
    init_out = initialized.folder.parent / "unused"
    del init_out
    assert initialized("passwd", stdin=f"{PASSPHRASE}\nnew passphrase 1\n").status == 0
    assert initialized("list").status == 3
    assert initialized("list", stdin="new passphrase 1\n").status == 0


def test_recover_with_the_code_printed_at_init(crucible: Crucible) -> None:
    """The code init printed unlocks and sets a new passphrase; a wrong code exits 3."""
    out = crucible("init").out
    code = next(line.strip() for line in out.splitlines() if line.count("-") == 7)
    assert crucible("recover", stdin="AAAA-BBBB\nwhatever new one\n").status == 3
    result = crucible("recover", stdin=f"{code.lower()}\nbrand new phrase\n")
    assert result.status == 0, result.err
    assert crucible("list", stdin="brand new phrase\n").status == 0
    assert crucible("list").status == 3


def test_check_passes_on_a_healthy_vault(initialized: Crucible) -> None:
    """check exits 0 when integrity, cipher integrity and the audit chain are fine."""
    _import_sample(initialized)
    result = initialized("check")
    assert result.status == 0, result.err


def test_usage_errors_exit_2_with_one_sentence(crucible: Crucible) -> None:
    """Unknown commands and missing arguments are one sentence, status 2, no traceback."""
    for args in (("frobnicate",), ("export-json",), ("export-json", "x")):
        result = crucible(*args)
        assert result.status == 2
        assert "Traceback" not in result.err
        assert len(result.err.strip().splitlines()) == 1
