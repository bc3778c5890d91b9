"""`crucible search`: lines with [brackets], --json, filters, and one-sentence refusals."""

from __future__ import annotations

import json

import pytest

from crucible.app.cli import search_command
from crucible.app.domain import search_query
from tests.cli.conftest import Crucible
from tests.services.test_search import searchable_document


@pytest.fixture
def loaded(initialized: Crucible) -> Crucible:
    source = initialized.folder.parent / "doc.json"
    source.write_text(json.dumps(searchable_document()), "utf-8")
    assert initialized("import", str(source)).status == 0
    other = initialized.folder.parent / "other.json"
    other.write_text(json.dumps(searchable_document("C-0099", other=True)), "utf-8")
    assert initialized("import", str(other)).status == 0
    return initialized


def test_lines(loaded: Crucible) -> None:
    result = loaded("search", "invisible", "--couple", "C-ZOE")
    assert result.status == 0, result.err
    (line,) = result.out.splitlines()
    assert line.split("\t") == [
        "1",
        "C-ZOE",
        "day 1 · Joint: the kestrel hour",
        "observation/quote",
        "I always feel [invisible]",
    ]
    assert loaded("search", "zoe bronte").out.split("\t")[3:] == [
        "partner/name",
        "[Zoë] [Brontë]\n",
    ]


def test_json_and_filters(loaded: Crucible) -> None:
    result = loaded("search", "father", "--json")
    assert result.status == 0, result.err
    rows = json.loads(result.out)
    assert {row["intensive_id"] for row in rows} == {1, 2}
    assert rows[0]["kind"] == "note"
    assert "[father]" in rows[0]["snippet"]
    assert set(rows[0]) >= {"day", "block_id", "block_title", "field", "rank", "couple_code"}
    only = json.loads(loaded("search", "father", "--json", "--couple", "C-0099").out)
    assert {row["intensive_id"] for row in only} == {2}
    dated = json.loads(loaded("search", "father", "--json", "--from", "2027-01-01").out)
    assert {row["intensive_id"] for row in dated} == {2}
    before = json.loads(loaded("search", "father", "--json", "--to", "2026-12-31").out)
    assert {row["intensive_id"] for row in before} == {1}
    assert len(json.loads(loaded("search", "partner", "--json", "--limit", "3").out)) == 3
    assert json.loads(loaded("search", "?!", "--json").out) == []


def test_archived(loaded: Crucible) -> None:
    from crucible.app.services.casebook import set_archived
    from crucible.app.services.vault_access import open_vault
    from crucible.app.store.vault import UnlockThrottle
    from tests.conftest import PASSPHRASE

    vault = open_vault(loaded.folder, PASSPHRASE, throttle=UnlockThrottle())
    try:
        set_archived(vault, 2, True, actor="test")
    finally:
        vault.lock()
    assert {line.split("\t")[0] for line in loaded("search", "father").out.splitlines()} == {"1"}
    archived = loaded("search", "father", "--archived").out.splitlines()
    assert {line.split("\t")[0] for line in archived} == {"1", "2"}


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--from", "2026-13-01"), "is not a date"),
        (("--to", "yesterday"), "is not a date"),
        (("--limit", "0"), "the limit must be from 1 to 1000"),
        (("--limit", "many"), "is not a whole number"),
        (("--couple", "NOPE"), "No couple has the code 'NOPE'."),
        (("--from", "2027-01-02", "--to", "2027-01-01"), "is after the last"),
    ],
)
def test_bad_input(loaded: Crucible, args: tuple[str, ...], words: str) -> None:
    result = loaded("search", "father", *args)
    assert result.status == 2
    assert words in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert result.out == ""


def test_search_records_only_the_unlock(loaded: Crucible) -> None:
    before = json.loads(loaded("audit", "--json").out)
    assert loaded("search", "father").status == 0
    after = json.loads(loaded("audit", "--json").out)
    new = [event["action"] for event in after[len(before) :]]
    assert new == [before[-1]["action"], before[-1]["action"]]  # the two unlocks: audit, search


def test_the_markers_agree() -> None:
    assert (search_command.MATCH_START, search_command.MATCH_END) == (
        search_query.MATCH_START,
        search_query.MATCH_END,
    )


def test_partner_stance_and_note_filters(loaded: Crucible) -> None:
    """--partner and --stance keep observations only; --signed and --drafts pick notes."""

    def found(*args: str) -> list[dict[str, object]]:
        result = loaded("search", *args, "--json", "--couple", "C-ZOE")
        assert result.status == 0, result.err
        rows: list[dict[str, object]] = json.loads(result.out)
        return rows

    assert [row["partner"] for row in found("invisible", "--partner", "A")] == ["A"]
    assert found("invisible", "--partner", "B") == []
    assert [row["field"] for row in found("mortgage", "--stance", "one-down")] == ["trigger"]
    assert found("mortgage", "--stance", "one-up") == []
    assert {row["kind"] for row in found("father", "--signed")} == {"note"}
    assert found("father", "--drafts") == []
    refused = loaded("search", "father", "--signed", "--drafts")
    assert refused.status != 0
    assert "Traceback" not in refused.err
