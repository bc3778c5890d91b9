"""`crucible list` without the ORM prints what the ORM path prints, byte for byte, and is audited.

The fast path (`app.store.raw_reader`) reads a current vault over a bare
keyed sqlcipher3 connection; the normal path (`vault_access.open_vault` and
`listing.list_intensives`) is what `crucible list` ran before, and still
runs when a migration or queued audit events need it. Real vaults, real
commands; `test_import_path.py` proves in a subprocess that the fast path
loads no SQLAlchemy, `tests/safety/test_busy_vault.py` that its unlock
event is queued while another process writes.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from crucible.app.cli.commands import listing_lines
from crucible.app.services import casebook, listing, vault_access
from crucible.app.services.audit_log import PENDING_FILE, verify
from crucible.app.services.intensive_exchange import import_intensive
from crucible.app.store.raw_reader import RawVaultReader
from tests.cli.conftest import Crucible
from tests.conftest import DATA, PASSPHRASE, SAMPLE_PATH

FIXTURE_0001 = DATA / "vaults" / "schema-0001"
FIXTURE_PASSPHRASE = "fixture passphrase 0001"
ACTOR = "test"


def _orm_output(folder: Path, passphrase: str = PASSPHRASE) -> str:
    """What `crucible list` printed before the fast path: the ORM's rows, the same formatting."""
    with vault_access.open_vault(folder, passphrase, actor=ACTOR) as vault:
        rows = listing.list_intensives(vault)
    return "".join(line + "\n" for line in listing_lines(rows))


def _fill(folder: Path, state: str) -> None:
    """Put the vault in `state`: empty, the sample, or archived and day-less intensives too."""
    if state == "empty":
        return
    with vault_access.open_vault(folder, PASSPHRASE, actor=ACTOR) as vault:
        first = import_intensive(vault, SAMPLE_PATH.read_bytes(), actor=ACTOR)
        if state == "sample":
            return
        second = import_intensive(vault, SAMPLE_PATH.read_bytes(), actor=ACTOR)  # same couple
        casebook.set_archived(vault, first, True, actor=ACTOR)
        (template, *_) = casebook.list_templates()
        couple = casebook.load_casebook(vault, include_archived=True)[0].id
        planned = casebook.create_intensive(
            vault,
            couple,
            template,
            first_date=date(2027, 3, 4),
            title="Follow-up, \u00e9t\u00e9 \u6f22\u5b57",
            clinician="Dr. Test",
            actor=ACTOR,
        )
        casebook.rename_intensive(
            vault, second, "Renamed: \u201cquoted\u201d \u0026 \u00fcn\u00efcode", actor=ACTOR
        )
        outline = next(
            i
            for c in casebook.load_casebook(vault, include_archived=True)
            for i in c.intensives
            if i.id == planned
        )
        for day in outline.days:  # an intensive without days lists its first date as "-"
            casebook.remove_day(vault, day.id, actor=ACTOR)


@pytest.mark.parametrize("state", ["empty", "sample", "archived-and-dayless"])
def test_the_fast_path_prints_the_orm_paths_bytes(initialized: Crucible, state: str) -> None:
    """Empty vault, the sample, archived and day-less intensives: the same bytes both ways."""
    _fill(initialized.folder, state)
    fast = initialized("list")
    assert fast.status == 0, fast.err
    assert fast.err == ""
    assert fast.out == _orm_output(initialized.folder)
    if state == "empty":
        assert fast.out == ""
    if state == "archived-and-dayless":
        lines = fast.out.splitlines()
        assert len(lines) == 3
        assert lines[2].split("\t")[2] == "-"


def test_the_raw_reader_returns_the_orm_rows(initialized: Crucible) -> None:
    """The raw query and the ORM query agree field by field (status and dates included)."""
    _fill(initialized.folder, "archived-and-dayless")
    with vault_access.open_vault(initialized.folder, PASSPHRASE, actor=ACTOR) as vault:
        orm_rows = listing.list_intensives(vault)
        key = type(vault.data_key)(vault.data_key.raw())  # a copy: the reader wipes its own
    with RawVaultReader(initialized.folder, key) as reader:
        assert reader.schema_is_current()
        assert reader.list_intensives() == orm_rows
    assert {row.status for row in orm_rows} == {"active", "archived"}


def test_the_fast_path_records_an_authenticated_unlock_in_the_chain(
    initialized: Crucible,
) -> None:
    """The unlock event is chained as the ORM would chain it: `check` verifies the whole trail."""
    _fill(initialized.folder, "sample")
    assert initialized("list").status == 0
    assert not (initialized.folder / PENDING_FILE).exists()
    trail = initialized("audit", "--json")
    events = json.loads(trail.out)
    listed = events[-2]  # the last one is the audit command's own unlock
    assert (listed["action"], listed["actor"]) == ("unlock", "crucible-cli")
    assert listed["detail"] == {"method": "passphrase"}
    assert listed["authenticated"] is True
    checked = initialized("check")
    assert checked.status == 0, checked.err
    with vault_access.open_vault(initialized.folder, PASSPHRASE, actor=ACTOR) as vault:
        assert verify(vault).ok


def test_queued_events_send_list_the_normal_way_which_appends_them(
    initialized: Crucible,
) -> None:
    """After a wrong passphrase the pending file waits: list flushes it, and prints the same."""
    _fill(initialized.folder, "sample")
    expected = initialized("list").out
    assert initialized("list", stdin="wrong passphrase\n").status == 3
    assert (initialized.folder / PENDING_FILE).exists()
    result = initialized("list")
    assert result.status == 0, result.err
    assert result.out == expected
    assert not (initialized.folder / PENDING_FILE).exists()
    events = json.loads(initialized("audit", "--json").out)
    assert [e["action"] for e in events[-4:]] == ["unlock", "failed-unlock", "unlock", "unlock"]


def test_a_vault_behind_the_schema_is_migrated_by_list_and_prints_the_same(
    tmp_path: Path,
) -> None:
    """A frozen revision-0001 vault: list migrates it (backup first); the next list is fast."""
    folder = tmp_path / "old"
    shutil.copytree(FIXTURE_0001, folder)
    crucible = Crucible(folder)
    migrated = crucible("list", stdin=FIXTURE_PASSPHRASE + "\n")
    assert migrated.status == 0, migrated.err
    assert migrated.out.startswith("1\t")
    assert list((folder / "backups").glob("*.crucible-backup"))  # the pre-migration backup
    again = crucible("list", stdin=FIXTURE_PASSPHRASE + "\n")
    assert again.out == migrated.out
    assert again.out == _orm_output(folder, FIXTURE_PASSPHRASE)


def test_a_wrong_passphrase_on_the_fast_path_is_still_throttled_and_audited(
    initialized: Crucible,
) -> None:
    """Exit 3, the backoff counts it, and the failure waits in the pending file."""
    first = initialized("list", stdin="wrong passphrase\n")
    second = initialized("list", stdin="wrong passphrase\n")
    assert (first.status, second.status) == (3, 3)
    assert len(initialized.waits) == 1  # the second attempt waited after the first failure
    assert (initialized.folder / PENDING_FILE).exists()


def test_a_missing_database_is_named_not_created(initialized: Crucible) -> None:
    """The raw reader never creates vault.db: the normal open's sentence and exit 5."""
    (initialized.folder / "vault.db").unlink()
    result = initialized("list")
    assert result.status == 5
    assert "vault.db" in result.err
    assert not (initialized.folder / "vault.db").exists()
