"""The research tables' rows, codebook and data package, from domain objects alone."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from crucible.app.domain.block_span import effective_span
from crucible.app.domain.boris_project import SUBJECTS, boris_project, event_modifiers
from crucible.app.domain.flips import FlipDirection, find_flips
from crucible.app.domain.intensive import Block, Observation
from crucible.app.domain.research_codebook import (
    Pseudonyms,
    ResearchOptions,
    codebook_json,
    codebook_markdown,
    datapackage_json,
    tables,
    week_shift,
)
from crucible.app.domain.research_columns import observation_columns, strategy_column
from crucible.app.domain.research_table import (
    BlockPlace,
    block_span,
    csv_cell,
    csv_line,
    epoch_us,
    in_time_order,
    moment_of,
    observation_csv,
)
from crucible.app.domain.vocabulary import BlockKind, Boundary, PartnerKey, Stance, Strategy

ZONE = timezone(timedelta(hours=-5))
START = datetime(2026, 11, 2, 9, 0, tzinfo=ZONE)


def _obs(seconds: int, partner: str, stance: Stance, **kw: object) -> Observation:
    return Observation(
        at=START + timedelta(seconds=seconds),
        partner=PartnerKey(partner),
        stance=stance,
        **kw,  # type: ignore[arg-type]
    )


BLOCK = Block(
    title="Joint",
    kind=BlockKind.JOINT,
    start=START,
    end=START + timedelta(hours=1),
    observations=(
        _obs(10, "A", Stance.ONE_DOWN, strategies=(Strategy.WITHDRAWAL,)),
        _obs(20, "B", Stance.SAME_AS, boundary=Boundary.CONTAINED, quote="Dana said no"),
        _obs(40, "A", Stance.ONE_UP, strategies=(Strategy.BEING_RIGHT, Strategy.RETALIATION)),
        _obs(400, "A", Stance.ONE_DOWN, intensity=5),
    ),
)
PLACE = BlockPlace("I-x", "C-y", 1, 1, START - timedelta(hours=1))


def _csv(block: Block = BLOCK, window: int = 120, text: Callable[[str], str] | None = None) -> str:
    moments = in_time_order([moment_of(o) for o in block.observations])
    span = block_span(block, moments)
    assert span == effective_span(block)  # the streamed rule is the figures' rule
    return observation_csv(PLACE, span.start, moments, block.kind, flip_window_s=window, text=text)


def _rows(window: int = 120, text: bool = False) -> list[dict[str, str]]:
    """The block's rows as a CSV reader reads them back, by column name."""
    names = [c.name for c in observation_columns(text)]
    rows = list(csv.reader(io.StringIO(_csv(window=window, text=str.upper if text else None))))
    assert all(len(row) == len(names) for row in rows)
    return [dict(zip(names, row, strict=True)) for row in rows]


def _as_csv_writer_writes(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def test_strategy_columns_are_one_exactly_where_the_observation_has_the_strategy() -> None:
    rows = _rows()
    for row, obs in zip(rows, BLOCK.observations, strict=True):
        for strategy in Strategy:
            assert row[strategy_column(strategy)] == ("1" if strategy in obs.strategies else "0")


def test_times_are_seconds_from_the_block_and_from_the_intensive_origin() -> None:
    rows = _rows()
    assert [r["t_block_s"] for r in rows] == ["10.0", "20.0", "40.0", "400.0"]
    assert [r["t_intensive_s"] for r in rows] == ["3610.0", "3620.0", "3640.0", "4000.0"]
    assert [r["seq"] for r in rows] == ["1", "2", "3", "4"]


def test_flip_columns_follow_the_one_flip_rule_and_its_window() -> None:
    rows = _rows(window=120)
    assert [r["flip_starts"] for r in rows] == ["up", "", "", ""]
    assert [r["flip_ends"] for r in rows] == ["", "", "up", ""]
    flips = find_flips(BLOCK, 120)
    assert [f.direction for f in flips] == [FlipDirection.UP]
    wide = _rows(window=400)
    assert [r["flip_starts"] for r in wide] == ["up", "", "down", ""]
    assert [r["flip_ends"] for r in wide] == ["", "", "up", "down"]
    assert {r["flip_window_s"] for r in wide} == {"400"}


def test_an_early_observation_moves_the_span_start_as_the_figures_do() -> None:
    early = replace(BLOCK, observations=(_obs(-30, "B", Stance.ONE_UP), *BLOCK.observations))
    moments = in_time_order([moment_of(o) for o in early.observations])
    assert block_span(early, moments) == effective_span(early)
    assert block_span(early, moments).start == START - timedelta(seconds=30)
    shuffled = [moments[2], moments[0], moments[1], *moments[3:]]
    assert list(in_time_order(shuffled)) == moments


def test_missing_boundary_is_the_empty_field_and_text_only_when_asked() -> None:
    rows = _rows()
    assert [r["boundary"] for r in rows] == ["", "contained", "", ""]
    assert "quote" not in rows[0]
    assert _rows(text=True)[1]["quote"] == "DANA SAID NO"  # through the caller's redactor


TRICKY = ("plain", "a, b", 'she said "no"', "two\nlines", "", "ünïcode, ok", '"', "x")
LONE_CR = "cr\ronly"
"""Python 3.11's csv.writer leaves it unquoted, and its reader then refuses the file."""


def test_text_cells_come_out_as_csv_writer_writes_them() -> None:
    texts = iter(TRICKY * 4)
    written = _csv(text=lambda _value: next(texts))
    rows = list(csv.reader(io.StringIO(written)))
    cycled = TRICKY * 4
    assert [row[-5:] for row in rows] == [list(cycled[5 * i : 5 * i + 5]) for i in range(4)]
    assert written == _as_csv_writer_writes(rows)  # byte for byte


def test_a_csv_line_is_what_csv_writer_writes() -> None:
    cells = [*TRICKY, 3, 0, 1.5, 0.1, 1e-3, 3610.0]
    assert csv_line(cells) == _as_csv_writer_writes([cells])  # type: ignore[list-item]
    alone = [_as_csv_writer_writes([[text, "x"]]).removesuffix(",x\n") for text in TRICKY]
    assert [csv_cell(text) for text in TRICKY] == alone


def test_a_lone_carriage_return_is_quoted_and_reads_back() -> None:
    """RFC 4180 quotes a CR; the file then reads back with the csv module, CR kept."""
    line = csv_line(["a", LONE_CR, 1])
    assert line == 'a,"cr\ronly",1\n'
    assert list(csv.reader(io.StringIO(line, newline=""))) == [["a", LONE_CR, "1"]]


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 11, 2, 9, 0, 0, 500, tzinfo=ZONE),
        datetime(2026, 3, 8, 2, 59, 59, 999999, tzinfo=timezone(timedelta(hours=5, minutes=45))),
        datetime(1999, 12, 31, 23, 59, 59, 1, tzinfo=UTC),
        datetime(2038, 1, 19, 3, 14, 8, 123456, tzinfo=timezone(timedelta(hours=-9, minutes=-30))),
    ],
)
def test_epoch_microseconds_divide_to_the_timestamp_exactly(moment: datetime) -> None:
    assert epoch_us(moment) / 1_000_000 == moment.timestamp()
    assert epoch_us(moment) % 1_000_000 == moment.microsecond


def test_times_in_microseconds_round_as_the_timestamps_do() -> None:
    offsets = [0.0005, 10.0015, 10.0025, 59.9995, 61.123456, 3599.9994999]
    block = replace(
        BLOCK,
        observations=tuple(
            Observation(
                at=START + timedelta(seconds=s), partner=PartnerKey.A, stance=Stance.SAME_AS
            )
            for s in offsets
        ),
    )
    rows = list(csv.reader(io.StringIO(_csv(block))))
    start = effective_span(block).start.timestamp()
    expected = [repr(round((o.at.timestamp() - start) * 1000) / 1000) for o in block.observations]
    assert [row[6] for row in rows] == expected


def test_a_date_shift_is_whole_weeks() -> None:
    assert week_shift(3) == 21
    with pytest.raises(ValueError, match="1 to 104 weeks"):
        week_shift(0)
    with pytest.raises(ValueError, match="whole weeks"):
        ResearchOptions(shift_days=10)


def test_pseudonyms_are_stable_within_an_export_and_differ_between_exports() -> None:
    first, second = Pseudonyms(b"a" * 32), Pseudonyms(b"b" * 32)
    assert first.intensive(7) == first.intensive(7)
    assert first.intensive(7) != first.intensive(8)
    assert first.intensive(7) != second.intensive(7)
    assert first.couple("C-0007").startswith("C-")
    assert len(first.intensive(7)) == 12


def test_codebook_and_data_package_describe_exactly_the_csv_columns() -> None:
    options = ResearchOptions(with_text=True, identified=True)
    book = json.loads(codebook_json(options, "9.9.9"))
    package = json.loads(datapackage_json(options, "9.9.9"))
    markdown = codebook_markdown(options, "9.9.9").decode()
    assert book["crucible_version"] == "9.9.9"
    for resource in package["resources"]:
        columns = tables(options)[resource["path"]]
        assert [f["name"] for f in resource["schema"]["fields"]] == [c.name for c in columns]
        assert [c["name"] for c in book["tables"][resource["path"]]] == [c.name for c in columns]
        for column in columns:
            assert f"`{column.name}`" in markdown
    stance = next(f for f in package["resources"][0]["schema"]["fields"] if f["name"] == "stance")
    assert stance["constraints"]["enum"] == [s.value for s in Stance]
    assert "Flip window: 120 s" in markdown


def test_boris_project_has_two_subjects_three_point_events_and_every_observation() -> None:
    from crucible.app.domain.intensive import Couple, Day, Intensive, Partner

    intensive = Intensive(
        couple=Couple(
            "C-1", (Partner(PartnerKey.A, "Zephyrine"), Partner(PartnerKey.B, "Bartholomew"))
        ),
        title="t",
        clinician="c",
        days=(Day(1, START.date(), (BLOCK,)),),
    )
    project = boris_project(intensive, name="Crucible I-1", created=START)
    assert project["project_format_version"] == "7.0"
    assert [s["name"] for s in project["subjects_conf"].values()] == list(SUBJECTS.values())
    assert {b["type"] for b in project["behaviors_conf"].values()} == {"Point event"}
    assert [b["code"] for b in project["behaviors_conf"].values()] == [s.value for s in Stance]
    (observation,) = project["observations"].values()
    assert observation["type"] == "LIVE"
    assert observation["independent_variables"]["block kind"] == "joint"
    assert [e[1] for e in observation["events"]] == [
        "Partner A",
        "Partner B",
        "Partner A",
        "Partner A",
    ]
    text = json.dumps(project)
    assert "Zephyrine" not in text
    assert "Bartholomew" not in text
    assert event_modifiers(BLOCK.observations[2]) == "3|being-right,retaliation|None"
    assert event_modifiers(BLOCK.observations[1]) == "3|None|contained"
