"""Half an import is nobody's to see; a failed or interrupted one leaves no trace (issue 16).

An import writes in short transactions (decision 0031): its intensive is
staged first, its observations follow in batches, and one last transaction
publishes it. Here a real import runs on a thread of its own and is paused
between two batches by its `between_batches` hook, with part of it
committed; meanwhile every family of readers that lists, counts or searches
intensives is asked, and none returns it. The same readers find it once the
import is published, so each check can fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bench.common import big_document
from crucible.app.domain.search_query import SearchFilters
from crucible.app.services import casebook, hours, listing, research_export, search
from crucible.app.services.errors import InputError, NotFoundError
from crucible.app.services.integrity import full_check
from crucible.app.services.intensive_exchange import IMPORT_BATCH_ROWS, import_intensive
from crucible.app.services.vault_access import open_vault
from crucible.app.store.engine import open_raw_connection
from crucible.app.store.raw_reader import RawVaultReader
from crucible.app.store.vault import Vault, read_vault_key_file
from tests.conftest import PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]
CANARY_TITLE = "Quillfeather intensive"
CANARY_QUOTE = "Marmalade-lighthouse"
CANARY_BLOCK = "Tangerine rehearsal"
STAGED_CODE = "C-STAGED"
OBSERVATIONS = IMPORT_BATCH_ROWS * 3 + 17
TABLES = (
    "couple",
    "partner",
    "intensive",
    "day",
    "block",
    "observation",
    "block_note",
    "note_section",
    "note_revision",
)


def _document() -> bytes:
    document = big_document(OBSERVATIONS, note_chars=200)
    document["couple"]["code"] = STAGED_CODE
    document["intensive"]["title"] = CANARY_TITLE
    for day in document["intensive"]["days"]:
        for block in day["blocks"]:
            block["title"] = CANARY_BLOCK
            block["note"].update(signed_at=None, signed_by=None, addenda=[])
            for observation in block["observations"]:
                observation["quote"] = CANARY_QUOTE
    return json.dumps(document).encode()


class PausedImport:
    """A real import on its own thread, paused after its first batch of observations."""

    def __init__(self, vault: Vault, data: bytes, *, fail_with: BaseException | None = None):
        self.paused = threading.Event()
        self.resume = threading.Event()
        self.result: list[int | BaseException] = []
        self._calls = 0
        self._fail_with = fail_with
        self._thread = threading.Thread(target=self._run, args=(vault, data), daemon=True)

    def _hook(self) -> None:
        self._calls += 1
        if self._calls == 2:
            self.paused.set()
            assert self.resume.wait(30)
            if self._fail_with is not None:
                raise self._fail_with

    def _run(self, vault: Vault, data: bytes) -> None:
        try:
            self.result.append(
                import_intensive(vault, data, actor="test", between_batches=self._hook)
            )
        except BaseException as error:  # handed to the test through `finish`
            self.result.append(error)

    def start(self) -> PausedImport:
        self._thread.start()
        assert self.paused.wait(30), "the import never reached its pause"
        return self

    def finish(self) -> int | BaseException:
        self.resume.set()
        self._thread.join(60)
        (outcome,) = self.result
        return outcome


@pytest.fixture
def published(vault: Vault, sample_bytes: bytes) -> int:
    """The sample intensive, imported whole before anything else happens."""
    return import_intensive(vault, sample_bytes, actor="test")


@pytest.fixture
def paused(vault: Vault, published: int) -> Iterator[PausedImport]:
    running = PausedImport(vault, _document()).start()
    assert _count(vault, "observation WHERE quote = :q", q=CANARY_QUOTE) == IMPORT_BATCH_ROWS
    yield running
    if not running.result:
        running.finish()


def _count(vault: Vault, what: str, **params: Any) -> int:
    with vault.engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {what}"), params).scalar_one())


def _rows(vault: Vault) -> dict[str, int]:
    return {table: _count(vault, table) for table in TABLES}


def _visible_then_published(
    vault: Vault, paused: PausedImport, seen: Callable[[], object], published: object
) -> None:
    assert seen() != published
    new_id = paused.finish()
    assert isinstance(new_id, int), new_id
    assert seen() == published


# ------------------------------------------------------------------ one test per reader family


def test_the_navigator_lists_no_staged_intensive_or_couple(
    vault: Vault, published: int, paused: PausedImport
) -> None:
    def navigator() -> tuple[object, ...]:
        couples = casebook.load_couples(vault, include_archived=True)
        whole = casebook.load_casebook(vault, include_archived=True)
        return (
            sorted((c.code, tuple(i.id for i in c.intensives)) for c in couples),
            sorted((c.code, tuple(i.id for i in c.intensives)) for c in whole),
            casebook.intensives_with_block_titled(vault, "tangerine"),
        )

    assert navigator() == (
        [("C-0007", (published,))],
        [("C-0007", (published,))],
        [],
    )
    new_id = paused.finish()
    assert isinstance(new_id, int)
    assert navigator() == (
        [("C-0007", (published,)), (STAGED_CODE, (new_id,))],
        [("C-0007", (published,)), (STAGED_CODE, (new_id,))],
        [new_id],
    )


def test_crucible_list_shows_no_staged_intensive(
    vault: Vault, published: int, paused: PausedImport
) -> None:
    def listed() -> list[int]:
        orm = [row.id for row in listing.list_intensives(vault)]
        with RawVaultReader(vault.folder, type(vault.data_key)(vault.data_key.raw())) as reader:
            raw = [row.id for row in reader.list_intensives()]
        assert orm == raw
        return orm

    assert listed() == [published]
    new_id = paused.finish()
    assert listed() == [published, new_id]


def test_search_finds_nothing_of_a_staged_intensive(vault: Vault, paused: PausedImport) -> None:
    everything = SearchFilters(include_archived=True)

    def found() -> int:
        hits = [
            *search.search(vault, "Marmalade", everything),
            *search.search(vault, "Quillfeather", everything),
            *search.search(vault, "Tangerine", everything),
        ]
        return len(hits)

    assert found() == 0
    with pytest.raises(InputError, match="No couple has the code"):
        search.search(vault, "Marmalade", SearchFilters(couple_code=STAGED_CODE))
    paused.finish()
    assert found() > 0


def test_the_hours_count_no_block_of_a_staged_intensive(
    vault: Vault, published: int, paused: PausedImport
) -> None:
    def blocks() -> int:
        return len(hours.read_record(vault).blocks)

    before = _count(
        vault, "block JOIN day ON day.id = block.day_id WHERE day.intensive_id = :i", i=published
    )
    assert blocks() == before
    paused.finish()
    assert blocks() > before


def test_research_exports_leave_out_a_staged_intensive(
    vault: Vault, published: int, paused: PausedImport
) -> None:
    assert research_export.resolve_ids(vault, None) == [published]
    staged = _count(vault, "intensive") and max(
        row[0] for row in _select(vault, "SELECT id FROM intensive")
    )
    with pytest.raises(NotFoundError):
        research_export.resolve_ids(vault, [staged])
    paused.finish()
    assert research_export.resolve_ids(vault, None) == [published, staged]


def _select(vault: Vault, sql: str) -> list[Any]:
    with vault.engine.connect() as connection:
        return list(connection.execute(text(sql)))


def test_the_integrity_check_reports_nothing_while_an_import_is_staged(
    vault: Vault, paused: PausedImport
) -> None:
    check = full_check(vault)
    assert check.ok, check.problems
    paused.finish()


# ------------------------------------------------------------------ failures leave no trace


@pytest.mark.parametrize(
    "error",
    [InputError("The import was cancelled."), RuntimeError("a failure mid-way")],
    ids=["cancelled", "exception"],
)
def test_an_import_failing_mid_way_leaves_no_trace(
    vault: Vault, published: int, error: BaseException
) -> None:
    before = _rows(vault)
    running = PausedImport(vault, _document(), fail_with=error).start()
    assert _rows(vault) != before  # part of it is committed, staged
    outcome = running.finish()
    assert outcome is error  # the same error, raised as it was
    assert _rows(vault) == before
    assert _count(vault, "observation WHERE quote = :q", q=CANARY_QUOTE) == 0
    everything = SearchFilters(include_archived=True)
    assert search.search(vault, "Marmalade", everything) == []
    assert search.search(vault, "Quillfeather", everything) == []
    assert [row.id for row in listing.list_intensives(vault)] == [published]


def test_a_conflicting_couple_stages_nothing(vault: Vault, published: int) -> None:
    document = json.loads(_document())
    document["couple"]["code"] = "C-0007"  # the sample's code, other partners' names
    document["couple"]["partners"][0]["name"] = "Someone Else"
    before = _rows(vault)
    with pytest.raises(InputError, match=r"couple\.code"):
        import_intensive(vault, json.dumps(document).encode(), actor="test")
    assert _rows(vault) == before


CRASHING_CHILD = """
import os, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from crucible.app.services.intensive_exchange import import_intensive
from crucible.app.services.vault_access import open_vault
vault = open_vault(Path(sys.argv[2]), sys.argv[3], actor="test")
calls = []
def crash():
    calls.append(1)
    if len(calls) == 3:
        os._exit(0)  # no cleanup runs, as after a power cut
import_intensive(vault, Path(sys.argv[4]).read_bytes(), actor="test", between_batches=crash)
raise SystemExit("the import finished; it should have been cut short")
"""


def test_a_crash_mid_import_leaves_a_staged_intensive_that_the_next_unlock_removes(
    vault: Vault, published: int, tmp_path: Path
) -> None:
    folder = vault.folder
    before = _rows(vault)
    vault.lock()
    document = tmp_path / "big.json"
    document.write_bytes(_document())
    done = subprocess.run(
        [sys.executable, "-c", CRASHING_CHILD, str(ROOT), str(folder), PASSPHRASE, str(document)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr

    key = read_vault_key_file(folder).unwrap_with_passphrase(PASSPHRASE)
    raw = open_raw_connection(folder / "vault.db", key)
    try:
        staged = raw.execute("SELECT count(*) FROM intensive WHERE staged_at IS NOT NULL")
        assert staged.fetchone()[0] == 1
        left = raw.execute("SELECT count(*) FROM observation WHERE quote = ?", (CANARY_QUOTE,))
        assert left.fetchone()[0] == 2 * IMPORT_BATCH_ROWS
    finally:
        raw.close()
        key.wipe()

    reopened = open_vault(folder, PASSPHRASE, actor="test")
    try:
        assert _rows(reopened) == before
        assert _count(reopened, "observation WHERE quote = :q", q=CANARY_QUOTE) == 0
        assert full_check(reopened).ok
    finally:
        reopened.lock()


def test_an_unlock_keeps_staged_rows_while_another_process_has_the_vault(
    vault: Vault, published: int
) -> None:
    """Another process holding the vault may be importing: its staged rows are not leftovers."""
    running = PausedImport(vault, _document()).start()
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.path.insert(0, sys.argv[1]);"
            "from pathlib import Path;"
            "from crucible.app.services.vault_access import open_vault;"
            "v = open_vault(Path(sys.argv[2]), sys.argv[3], actor='test'); v.lock()",
            str(ROOT),
            str(vault.folder),
            PASSPHRASE,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ},
    )
    assert child.returncode == 0, child.stderr
    outcome = running.finish()
    assert isinstance(outcome, int), outcome
    assert [row.id for row in listing.list_intensives(vault)] == [published, outcome]
    assert _count(vault, "observation WHERE quote = :q", q=CANARY_QUOTE) == OBSERVATIONS


def test_a_staged_intensive_cannot_be_read_or_exported_by_its_id(
    vault: Vault, paused: PausedImport, tmp_path: Path
) -> None:
    from crucible.app.services.boris_export import export_boris
    from crucible.app.services.intensive_exchange import export_intensive, get_intensive

    staged = max(row[0] for row in _select(vault, "SELECT id FROM intensive"))
    with pytest.raises(NotFoundError):
        get_intensive(vault, staged)
    with pytest.raises(NotFoundError):  # the block open's outline, read as plain rows
        get_intensive(vault, staged, observations_of=(), notes=False)
    with pytest.raises(NotFoundError):
        export_intensive(vault, staged, actor="test")
    with pytest.raises(NotFoundError):
        export_boris(vault, staged, tmp_path / "staged.boris", actor="test")
    assert not (tmp_path / "staged.boris").exists()
    paused.finish()
    assert get_intensive(vault, staged).title == CANARY_TITLE
    assert get_intensive(vault, staged, observations_of=(), notes=False).title == CANARY_TITLE
