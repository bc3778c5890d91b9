"""The exchange format's minor version 1.1: what ran beside the plan; observations off the plan."""

from __future__ import annotations

import copy
import dataclasses
import json
from datetime import datetime
from typing import Any

import pytest

from crucible.app.domain.exchange import (
    FORMAT_V1,
    FORMAT_V1_1,
    FormatError,
    intensive_to_document,
    parse_intensive,
)
from crucible.app.domain.intensive import Intensive

from .builders import SAMPLE_PATH

FIRST = ("intensive", "days", 0, "blocks", 0)


def _sample() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SAMPLE_PATH.read_text(encoding="utf-8"))
    return document


def _at(document: dict[str, Any], path: tuple[str | int, ...]) -> Any:
    node: Any = document
    for step in path:
        node = node[step]
    return node


def _with_run(document: dict[str, Any], start: str | None, end: str | None) -> dict[str, Any]:
    """The document as 1.1, with a run on the first block and none recorded elsewhere."""
    changed = copy.deepcopy(document)
    changed["format"] = FORMAT_V1_1
    for raw_day in changed["intensive"]["days"]:
        for raw_block in raw_day["blocks"]:
            raw_block["actual_start"] = None
            raw_block["actual_end"] = None
    first = _at(changed, FIRST)
    first["actual_start"], first["actual_end"] = start, end
    return changed


def _first_block(intensive: Intensive) -> Any:
    return intensive.days[0].blocks[0]


def test_the_sample_is_version_1() -> None:
    """The shipped sample is a /1 document (so it stays readable by older builds)."""
    assert _sample()["format"] == FORMAT_V1 == "crucible.intensive/1"
    assert FORMAT_V1_1 == "crucible.intensive/1.1"


def test_a_version_1_document_reads_as_before_and_writes_back_as_1() -> None:
    """No run recorded anywhere: the plan is what ran, and the document comes back as /1."""
    document = _sample()
    intensive = parse_intensive(document)
    assert all(
        b.actual_start is None and b.actual_end is None for d in intensive.days for b in d.blocks
    )
    assert intensive_to_document(intensive) == document


def test_a_version_1_1_document_carries_the_run() -> None:
    """actual_start/actual_end are read per block and written back the same."""
    document = _with_run(_sample(), "2026-11-02T09:20:00-05:00", "2026-11-02T11:50:00-05:00")
    intensive = parse_intensive(document)
    block = _first_block(intensive)
    assert block.actual_start == datetime.fromisoformat("2026-11-02T09:20:00-05:00")
    assert block.actual_end == datetime.fromisoformat("2026-11-02T11:50:00-05:00")
    assert intensive_to_document(intensive) == document


def test_export_writes_1_1_only_when_a_run_is_recorded() -> None:
    """One block with a run makes the whole document 1.1, every block with both keys."""
    intensive = parse_intensive(_sample())
    assert "actual_start" not in json.dumps(intensive_to_document(intensive))
    started = dataclasses.replace(
        _first_block(intensive), actual_start=datetime.fromisoformat("2026-11-02T09:20:00-05:00")
    )
    day = dataclasses.replace(intensive.days[0], blocks=(started, *intensive.days[0].blocks[1:]))
    moved = dataclasses.replace(intensive, days=(day, *intensive.days[1:]))
    written = intensive_to_document(moved)
    assert written["format"] == FORMAT_V1_1
    blocks = [b for d in written["intensive"]["days"] for b in d["blocks"]]
    assert blocks[0]["actual_start"] == "2026-11-02T09:20:00-05:00"
    assert blocks[0]["actual_end"] is None
    assert all("actual_start" in b and "actual_end" in b for b in blocks)
    assert parse_intensive(written) == moved


def test_a_version_1_document_ignores_run_fields() -> None:
    """/1 has no run: the fields are not part of it and are not read."""
    document = _sample()
    _at(document, FIRST)["actual_start"] = "2026-11-02T09:20:00-05:00"
    assert _first_block(parse_intensive(document)).actual_start is None


@pytest.mark.parametrize("version", [FORMAT_V1, FORMAT_V1_1])
@pytest.mark.parametrize(
    "moment",
    [
        "2026-11-02T11:50:00-05:00",  # ran over
        "2026-11-02T08:40:00-05:00",  # started early
        "2026-11-02T00:41:00-05:00",  # the clock said 00:41
        "2026-11-03T00:41:00-05:00",  # past midnight
        "2026-11-01T23:10:00-05:00",  # the evening before
    ],
)
def test_observations_outside_the_plan_import(version: str, moment: str) -> None:
    """Within a day either side of the block's plan, an observation imports as logged."""
    document = _sample()
    document["format"] = version
    _at(document, (*FIRST, "observations"))[-1]["at"] = moment
    block = _first_block(parse_intensive(document))
    assert block.observations[-1].at == datetime.fromisoformat(moment)


@pytest.mark.parametrize(
    "moment",
    ["2026-11-04T00:00:00-05:00", "2026-10-31T23:59:59-05:00", "2027-11-02T10:00:00-05:00"],
)
def test_observations_beyond_the_margin_are_refused(moment: str) -> None:
    """More than a calendar day away from the plan: refused, naming the path and the rule."""
    document = _sample()
    _at(document, (*FIRST, "observations"))[3]["at"] = moment
    with pytest.raises(FormatError) as caught:
        parse_intensive(document)
    assert str(caught.value) == (
        "intensive.days[0].blocks[0].observations[3].at: is more than a day away from "
        "the block's planned and actual times"
    )


def test_a_run_widens_the_margin() -> None:
    """A block moved to two days later imports with its observations (the run says so)."""
    document = _with_run(_sample(), "2026-11-05T09:10:00-05:00", "2026-11-05T10:00:00-05:00")
    _at(document, (*FIRST, "observations"))[-1]["at"] = "2026-11-05T09:30:00-05:00"
    assert _first_block(parse_intensive(document)).actual_end is not None


def test_a_run_ending_before_it_starts_is_refused() -> None:
    """actual_end before actual_start is a clear error."""
    document = _with_run(_sample(), "2026-11-02T11:00:00-05:00", "2026-11-02T10:00:00-05:00")
    with pytest.raises(FormatError, match=r"blocks\[0\]\.actual_end: must not be before"):
        parse_intensive(document)


def test_a_run_without_offset_is_refused() -> None:
    """Like every time in the format, a run's times carry their UTC offset."""
    document = _with_run(_sample(), "2026-11-02T09:20:00", None)
    with pytest.raises(FormatError, match=r"blocks\[0\]\.actual_start: .* has no UTC offset"):
        parse_intensive(document)


def test_an_unknown_version_names_the_ones_read() -> None:
    """A /2 document is refused with the versions this build reads."""
    document = _sample()
    document["format"] = "crucible.intensive/2"
    with pytest.raises(FormatError) as caught:
        parse_intensive(document)
    assert str(caught.value) == (
        "format: 'crucible.intensive/2' is not 'crucible.intensive/1' or 'crucible.intensive/1.1'"
    )
