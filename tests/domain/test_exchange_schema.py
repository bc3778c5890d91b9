"""The published JSON Schema of the exchange format agrees with the code that reads and writes."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from crucible.app.domain.exchange import (
    FORMATS,
    FormatError,
    intensive_to_document,
    parse_intensive,
)
from crucible.app.domain.vocabulary import BlockKind, Boundary, Stance, Strategy

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "exchange-format.schema.json").read_text("utf-8"))
DEMO = ROOT / "resources" / "demo-intensive.json"
SAMPLE = ROOT / "tests" / "data" / "intensive-sample.json"
VALIDATOR = Draft202012Validator(SCHEMA)


def _load(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return document


def test_schema_is_a_valid_2020_12_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", [DEMO, SAMPLE], ids=["demo", "sample"])
def test_shipped_intensives_match_the_schema(path: Path) -> None:
    """The demo intensive in resources/ and the test sample are valid documents."""
    VALIDATOR.validate(_load(path))


def test_schema_versions_are_the_codes() -> None:
    """The versions the schema accepts are exactly those the reader reads; $id is the newest."""
    assert SCHEMA["properties"]["format"]["enum"] == list(FORMATS)
    assert SCHEMA["$id"] == FORMATS[-1]


@pytest.mark.parametrize(
    ("pointer", "vocabulary"),
    [
        (("observation", "stance"), Stance),
        (("observation", "boundary"), Boundary),
        (("block", "kind"), BlockKind),
    ],
)
def test_schema_vocabulary_is_the_codes(pointer: tuple[str, str], vocabulary: type[Any]) -> None:
    """Each word list in the schema is the domain's, in order (null for an optional one)."""
    definition, field = pointer
    allowed = SCHEMA["$defs"][definition]["properties"][field]["enum"]
    assert [v for v in allowed if v is not None] == [member.value for member in vocabulary]


def test_schema_strategies_are_the_codes() -> None:
    items = SCHEMA["$defs"]["observation"]["properties"]["strategies"]["items"]["enum"]
    assert items == [member.value for member in Strategy]


def test_what_the_code_writes_matches_the_schema() -> None:
    """Export output, version 1 and (with a recorded run) 1.1, is valid against the schema."""
    intensive = parse_intensive(_load(DEMO))
    written = intensive_to_document(intensive)
    VALIDATOR.validate(written)
    with_run = copy.deepcopy(written)
    with_run["format"] = FORMATS[-1]
    block = with_run["intensive"]["days"][0]["blocks"][0]
    block["actual_start"] = block["start"]
    block["actual_end"] = None
    again = intensive_to_document(parse_intensive(with_run))
    assert again["format"] == FORMATS[-1]
    VALIDATOR.validate(again)


def _broken(change: str) -> dict[str, Any]:
    document = _load(DEMO)
    observation = document["intensive"]["days"][0]["blocks"][0]["observations"][0]
    if change == "stance":
        observation["stance"] = "one-upp"
    elif change == "intensity":
        observation["intensity"] = True
    elif change == "format":
        document["format"] = "crucible.intensive/2"
    elif change == "partner-order":
        document["couple"]["partners"].reverse()
    elif change == "control-in-name":
        document["couple"]["partners"][0]["name"] = "Dana\u202eWhitfield"
    return document


@pytest.mark.parametrize(
    "change", ["stance", "intensity", "format", "partner-order", "control-in-name"]
)
def test_schema_and_code_refuse_the_same_shape_errors(change: str) -> None:
    """A document the schema refuses for its shape, the reader refuses too."""
    document = _broken(change)
    assert not VALIDATOR.is_valid(document)
    with pytest.raises(FormatError):
        parse_intensive(document)
