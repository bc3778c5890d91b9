r"""Finding 9: control characters never reach the terminal.

Import refuses them in one-line fields, naming the JSON path; and whatever
an older vault already holds is printed escaped (`\x1b`), never raw.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Crucible
from tests.conftest import FAST_KDF, PASSPHRASE, SAMPLE_PATH, folder_snapshot

BLOCK = ("intensive", "days", 0, "blocks", 0)
ONE_LINE_FIELDS = [
    (("couple", "code"), "couple.code"),
    (("couple", "partners", 0, "name"), "couple.partners[0].name"),
    (("couple", "partners", 1, "pronouns"), "couple.partners[1].pronouns"),
    (("intensive", "title"), "intensive.title"),
    (("intensive", "clinician"), "intensive.clinician"),
    (("intensive", "trainee"), "intensive.trainee"),
    (("intensive", "supervisor"), "intensive.supervisor"),
    ((*BLOCK, "title"), "intensive.days[0].blocks[0].title"),
    (
        (*BLOCK, "note", "sections", 0, "title"),
        "intensive.days[0].blocks[0].note.sections[0].title",
    ),
    ((*BLOCK, "note", "signed_by"), "intensive.days[0].blocks[0].note.signed_by"),
]
NASTY = ["Title\n\r\x1b[2J", "C\x1b[31m-7", "tab\there", "\x9b31m", "x\u2028y", "Dana\u202e"]


def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SAMPLE_PATH.read_text("utf-8"))
    document["intensive"]["trainee"] = "Robin Trainee"
    document["intensive"]["supervisor"] = "Dr. Alex Moss"
    return document


def _set(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value


def _write(tmp_path: Path, document: dict[str, Any]) -> Path:
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(document), "utf-8")
    return path


@pytest.mark.parametrize(("path", "where"), ONE_LINE_FIELDS, ids=[f[1] for f in ONE_LINE_FIELDS])
def test_import_refuses_control_characters_in_one_line_fields(
    initialized: Crucible, tmp_path: Path, path: tuple[Any, ...], where: str
) -> None:
    """Each nasty value is refused with the field's JSON path; the vault is untouched."""
    before = folder_snapshot(initialized.folder)
    for value in NASTY:
        document = _document()
        _set(document, path, value)
        result = initialized("import", str(_write(tmp_path, document)))
        assert result.status == 2, (value, result.err)
        assert result.err.startswith(f"{where}: must not contain"), result.err
        assert "\x1b" not in result.err
        assert len(result.err.splitlines()) == 1
    assert folder_snapshot(initialized.folder) == before


def test_notes_keep_their_line_breaks_and_tabs(initialized: Crucible, tmp_path: Path) -> None:
    """Multi-line fields are text a clinician types: newlines and tabs are fine there."""
    document = _document()
    _set(document, (*BLOCK, "note", "sections", 0, "text"), "line one\n\tindented\r\nthree")
    _set(document, ("intensive", "reflections"), "a\nb")
    assert initialized("import", str(_write(tmp_path, document))).status == 0


def test_a_code_of_spaces_is_refused(initialized: Crucible, tmp_path: Path) -> None:
    """A code of only spaces names nothing; names and titles likewise."""
    for path, where in (
        (("couple", "code"), "couple.code"),
        (("couple", "partners", 0, "name"), "couple.partners[0].name"),
        (("intensive", "title"), "intensive.title"),
    ):
        document = _document()
        _set(document, path, "   ")
        result = initialized("import", str(_write(tmp_path, document)))
        assert result.status == 2
        assert result.err.startswith(f"{where}: must not be only spaces"), result.err


# ---------------------------------------------------------------- output from older vaults


@pytest.fixture
def older_vault(crucible: Crucible) -> Crucible:
    """A vault written before the rule: control characters in a title, a code and an actor."""
    from crucible.app.services.audit_log import AuditAction, record
    from crucible.app.services.intensive_exchange import parse_document
    from crucible.app.services.vault_access import new_vault
    from crucible.app.store.intensives import add_intensive

    intensive = parse_document(SAMPLE_PATH.read_bytes())
    couple = dataclasses.replace(
        intensive.couple,
        code="C\x1b[31m-7",
        partners=(
            dataclasses.replace(intensive.couple.partners[0], name="Dana\x1b]0;owned\x07"),
            intensive.couple.partners[1],
        ),
    )
    intensive = dataclasses.replace(intensive, couple=couple, title="Title\n\r\x1b[2J\u202e")
    vault, _code = new_vault(crucible.folder, PASSPHRASE, kdf=FAST_KDF)
    with vault:
        with vault.write_session() as session:
            add_intensive(session, intensive, intensive.days[0].blocks[0].start)
        record(vault, AuditAction.NOTE_SIGNED, actor="Jordan\x1b[2J\x9b")
    return crucible


def _assert_clean(text: str) -> None:
    for raw in ("\x1b", "\r", "\x07", "\x9b", "\u202e"):
        assert raw not in text, repr(text)


def test_list_prints_control_characters_escaped(older_vault: Crucible) -> None:
    """One line per intensive, whatever the title holds; the escapes are visible."""
    result = older_vault("list")
    assert result.status == 0, result.err
    _assert_clean(result.out)
    assert result.out.splitlines() == ["1\tC\\x1b[31m-7\t2026-11-02\tTitle\\n\\r\\x1b[2J\\u202e"]


def test_audit_prints_control_characters_escaped(older_vault: Crucible) -> None:
    r"""The actor column is escaped in the table; --json stays valid JSON with \u escapes."""
    result = older_vault("audit")
    assert result.status == 0, result.err
    _assert_clean(result.out)
    assert "Jordan\\x1b[2J\\x9b" in result.out
    as_json = older_vault("audit", "--json")
    _assert_clean(as_json.out)
    assert any(e["actor"] == "Jordan\x1b[2J\x9b" for e in json.loads(as_json.out))


def test_summary_prints_control_characters_escaped(older_vault: Crucible) -> None:
    """The table and the JSON both keep the terminal safe; the JSON still parses back."""
    table = older_vault("summary", "1")
    assert table.status == 0, table.err
    _assert_clean(table.out)
    assert "Dana\\x1b]0;owned\\x07" in table.out
    as_json = older_vault("summary", "1", "--json")
    _assert_clean(as_json.out)
    assert json.loads(as_json.out)["partners"]["A"]["label"] == "Dana\x1b]0;owned\x07"


def test_export_json_to_the_terminal_is_escaped_but_equal(older_vault: Crucible) -> None:
    """The document on stdout parses to the same values, with nothing raw in the bytes."""
    result = older_vault("export-json", "1")
    assert result.status == 0, result.err
    _assert_clean(result.out)
    assert json.loads(result.out)["intensive"]["title"] == "Title\n\r\x1b[2J\u202e"
