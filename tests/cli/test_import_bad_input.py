"""Every rule of the exchange format refuses bad input whole, naming the JSON path."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Crucible
from tests.conftest import SAMPLE_PATH, folder_snapshot

Doc = dict[str, Any]
OBS = ("intensive", "days", 0, "blocks", 2, "observations", 17)


def _set(path: tuple[Any, ...], value: Any) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        target = doc
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return mutate


def _delete(path: tuple[Any, ...]) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        target = doc
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return mutate


def _run_backwards(doc: Doc) -> None:
    doc["format"] = "crucible.intensive/1.1"
    block = doc["intensive"]["days"][0]["blocks"][1]
    block["actual_start"] = "2026-11-02T13:00:00-05:00"
    block["actual_end"] = "2026-11-02T12:59:00-05:00"


BLOCK = ("intensive", "days", 0, "blocks", 1)
NOTE = ("intensive", "days", 0, "blocks", 0, "note")
CASES: list[tuple[str, Callable[[Doc], None], str]] = [
    ("format", _set(("format",), "crucible.intensive/2"), "format: "),
    ("code empty", _set(("couple", "code"), ""), "couple.code: must not be empty"),
    ("code long", _set(("couple", "code"), "C" * 33), "couple.code: must be at most 32"),
    (
        "three partners",
        lambda d: d["couple"]["partners"].append(d["couple"]["partners"][0]),
        "couple.partners: must list exactly two",
    ),
    ("partner key", _set(("couple", "partners", 1, "key"), "C"), "couple.partners[1].key:"),
    (
        "partner name empty",
        _set(("couple", "partners", 0, "name"), ""),
        "couple.partners[0].name: must not be empty",
    ),
    (
        "partner name long",
        _set(("couple", "partners", 0, "name"), "x" * 201),
        "couple.partners[0].name: must be at most 200",
    ),
    ("title missing", _delete(("intensive", "title")), "intensive.title: is missing"),
    ("title long", _set(("intensive", "title"), "t" * 201), "intensive.title: must be at most"),
    ("trainee type", _set(("intensive", "trainee"), 7), "intensive.trainee: expected a string"),
    ("no days", _set(("intensive", "days"), []), "intensive.days: must hold 1 to 7 days"),
    (
        "eight days",
        lambda d: d["intensive"]["days"].extend([d["intensive"]["days"][0]] * 6),
        "intensive.days: must hold 1 to 7 days",
    ),
    ("day order", _set(("intensive", "days", 1, "day"), 3), "intensive.days[1].day: must be 2"),
    ("bad date", _set(("intensive", "days", 0, "date"), "2026-13-02"), "intensive.days[0].date:"),
    (
        "block kind",
        _set((*BLOCK, "kind"), "couples"),
        "intensive.days[0].blocks[1].kind: 'couples' is not one of joint, individual-A",
    ),
    (
        "start without offset",
        _set((*BLOCK, "start"), "2026-11-02T12:30:00"),
        "intensive.days[0].blocks[1].start: '2026-11-02T12:30:00' has no UTC offset",
    ),
    (
        "end before start",
        _set((*BLOCK, "end"), "2026-11-02T12:00:00-05:00"),
        "intensive.days[0].blocks[1].end: must be after",
    ),
    (
        "run ending before it starts",
        _run_backwards,
        "intensive.days[0].blocks[1].actual_end: must not be before the block's actual_start",
    ),
    (
        "half signed",
        _set((*NOTE, "signed_by"), None),
        "intensive.days[0].blocks[0].note.signed_at: signed_at and signed_by must both",
    ),
    (
        "addendum missing reason",
        _delete((*NOTE, "addenda", 0, "reason")),
        "intensive.days[0].blocks[0].note.addenda[0].reason: is missing",
    ),
    (
        "section text type",
        _set((*NOTE, "sections", 2, "text"), ["x"]),
        "intensive.days[0].blocks[0].note.sections[2].text: expected a string",
    ),
    (
        "observation days away from its block",
        _set((*OBS, "at"), "2026-11-05T20:00:00-05:00"),
        "intensive.days[0].blocks[2].observations[17].at: is more than a day away from the block",
    ),
    (
        "partner",
        _set((*OBS, "partner"), "C"),
        "intensive.days[0].blocks[2].observations[17].partner: 'C' is not one of A, B",
    ),
    (
        "stance",
        _set((*OBS, "stance"), "one-upp"),
        "intensive.days[0].blocks[2].observations[17].stance: 'one-upp' is not one of "
        "one-up, same-as, one-down",
    ),
    (
        "boundary",
        _set((*OBS, "boundary"), "open"),
        "intensive.days[0].blocks[2].observations[17].boundary: 'open' is not one of",
    ),
    (
        "intensity 0",
        _set((*OBS, "intensity"), 0),
        "intensive.days[0].blocks[2].observations[17].intensity: "
        "must be a whole number from 1 to 5",
    ),
    ("intensity 6", _set((*OBS, "intensity"), 6), "observations[17].intensity: must be"),
    ("intensity text", _set((*OBS, "intensity"), "3"), "observations[17].intensity: must be"),
    ("intensity bool", _set((*OBS, "intensity"), True), "observations[17].intensity: must be"),
    (
        "strategy",
        _set((*OBS, "strategies"), ["sulking"]),
        "observations[17].strategies[0]: 'sulking' is not one of being-right",
    ),
    (
        "strategy repeated",
        _set((*OBS, "strategies"), ["withdrawal", "withdrawal"]),
        "observations[17].strategies[1]: 'withdrawal' is listed twice",
    ),
    ("quote type", _set((*OBS, "quote"), 5), "observations[17].quote: expected a string"),
    ("observation not object", _set(OBS, "one-up"), "observations[17]: expected an object"),
    (
        "days out of date order",
        _set(("intensive", "days", 1, "date"), "2026-11-02"),
        "intensive.days[1].date: 2026-11-02 must come after day 1's 2026-11-02",
    ),
    (
        "day date unrelated to its blocks",
        _set(("intensive", "days", 0, "date"), "2030-01-01"),
        "intensive.days[0].blocks[0].start: is on 2026-11-02, not on its day's date 2030-01-01",
    ),
    (
        "block a century long",
        _set((*BLOCK, "end"), "2126-11-02T12:30:00-05:00"),
        "intensive.days[0].blocks[1].end: is more than 24 hours after the block's start",
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_document_is_refused_whole(
    initialized: Crucible, tmp_path: Path, mutate: Callable[[Doc], None], expected: str
) -> None:
    """The message names the JSON path, the exit status is 2, and the vault is untouched."""
    document = copy.deepcopy(json.loads(SAMPLE_PATH.read_text("utf-8")))
    mutate(document)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document), "utf-8")
    before = folder_snapshot(initialized.folder)
    result = initialized("import", str(bad))
    assert result.status == 2
    assert expected in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert folder_snapshot(initialized.folder) == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xff\xfe{}", "not UTF-8 text"),
        (b'{"format": "crucible.intensive/1",', "not valid JSON"),
        (b"[1, 2]", "expected an object"),
        (b"[" * 100000, "nested too deeply"),
    ],
    ids=["not-utf8", "truncated", "not-object", "deep"],
)
def test_undecodable_files_are_refused(
    initialized: Crucible, tmp_path: Path, content: bytes, expected: str
) -> None:
    """Files that are not JSON objects get one sentence, exit 2, and change nothing."""
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    before = folder_snapshot(initialized.folder)
    result = initialized("import", str(bad))
    assert result.status == 2
    assert expected in result.err
    assert folder_snapshot(initialized.folder) == before


def test_unreadable_file_is_bad_input(initialized: Crucible, tmp_path: Path) -> None:
    """A path that is not there is a clear error, not a traceback."""
    result = initialized("import", str(tmp_path / "absent.json"))
    assert result.status == 2
    assert "cannot be read" in result.err


def test_couple_code_taken_by_other_partners_is_refused(
    initialized: Crucible, tmp_path: Path
) -> None:
    """Reusing a couple code for different people is refused; nothing is imported."""
    assert initialized("import", str(SAMPLE_PATH)).status == 0
    document = json.loads(SAMPLE_PATH.read_text("utf-8"))
    document["couple"]["partners"][0]["name"] = "Someone Else"
    other = tmp_path / "other.json"
    other.write_text(json.dumps(document), "utf-8")
    result = initialized("import", str(other))
    assert result.status == 2
    assert "couple.code" in result.err
    assert len(initialized("list").out.splitlines()) == 1
