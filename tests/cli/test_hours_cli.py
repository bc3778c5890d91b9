"""`crucible hours` on a real vault: totals, entries, refusals, and JSON = CSV = PDF."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.cli.conftest import Crucible
from tests.reports.conftest import metadata_strings, page_texts

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo-intensive.json"
# The demo intensive (C-0007, 2-3 Nov 2026): joint 150 + 120 + 150 + 120 + 75 = 615 minutes,
# individual 60 + 60 = 120; every block has observations, so each counts its plan..last mark.
DEMO_RELATIONAL, DEMO_INDIVIDUAL = 615, 120


@pytest.fixture
def loaded(initialized: Crucible) -> Crucible:
    assert initialized("import", str(DEMO)).status == 0
    return initialized


def hours_json(crucible: Crucible, *args: str) -> dict[str, object]:
    result = crucible("hours", "--json", *args)
    assert result.status == 0, result.err
    data: dict[str, object] = json.loads(result.out)
    return data


def test_contact_from_the_record(loaded: Crucible) -> None:
    data = hours_json(loaded)
    assert data["contact_minutes"] == {
        "relational": DEMO_RELATIONAL,
        "individual": DEMO_INDIVIDUAL,
        "total": DEMO_RELATIONAL + DEMO_INDIVIDUAL,
    }
    assert data["supervision_minutes"] == {"individual": 0, "group": 0, "observable": 0, "total": 0}
    only_day_two = hours_json(loaded, "--from", "2026-11-03", "--to", "2026-11-03")
    assert only_day_two["contact_minutes"] == {"relational": 345, "individual": 0, "total": 345}


def test_the_same_intensive_imported_twice_counts_once(loaded: Crucible) -> None:
    assert loaded("import", str(DEMO)).status == 0  # same couple, same times: a full overlap
    data = hours_json(loaded)
    assert data["contact_minutes"]["total"] == DEMO_RELATIONAL + DEMO_INDIVIDUAL  # type: ignore[index]


def test_entries_add_up_and_json_csv_and_pdf_agree(loaded: Crucible, tmp_path: Path) -> None:
    steps = [
        ("add-supervision", "--date", "2026-11-04", "--minutes", "60", "--format", "individual",
         "--observable", "video", "--supervisor", "Dr Q", "--intensive", "1"),
        ("add-supervision", "--date", "2026-11-06", "--minutes", "90", "--format", "group"),
        ("add-contact", "--date", "2026-11-05", "--minutes", "50", "--kind", "individual",
         "--couple", "F-2"),
        ("add-contact", "--date", "2026-11-03", "--minutes", "45", "--kind", "relational",
         "--start", "18:00"),
    ]  # fmt: skip
    for step in steps:
        result = loaded("hours", *step)
        assert result.status == 0, result.err
    data = hours_json(loaded)
    assert data["contact_minutes"] == {"relational": 660, "individual": 170, "total": 830}
    assert data["supervision_minutes"] == {
        "individual": 60,
        "group": 90,
        "observable": 60,
        "total": 150,
    }
    rows = list(csv.DictReader(io.StringIO(loaded("hours", "--csv").out)))
    contact = sum(int(r["minutes"]) for r in rows if r["entry"].startswith("contact"))
    supervision = sum(int(r["minutes"]) for r in rows if r["entry"] == "supervision")
    assert (contact, supervision) == (830, 150)
    assert {r["couple_code"] for r in rows} == {"C-0007", "F-2", ""}

    pdf_path = tmp_path / "hours.pdf"
    assert loaded("hours", "report", "-o", str(pdf_path)).status == 0
    pdf = pdf_path.read_bytes()
    text = "\n".join(page_texts(pdf))
    # The totals table: each category with its minutes and hours:minutes.
    for label, minutes in [
        ("Contact: relational", 660),
        ("Contact: individual", 170),
        ("Contact: total", 830),
        ("Supervision: individual", 60),
        ("Supervision: group", 90),
        ("Supervision: with observable data", 60),
        ("Supervision: total", 150),
    ]:
        hours = f"{minutes // 60}:{minutes % 60:02d}"
        assert re.search(rf"{re.escape(label)}\s+{minutes}\s+{hours}", text), label
    # One entry line per CSV row, and the running total toward the 500-hour target.
    assert text.count("Contact (block)") == sum(r["entry"] == "contact-block" for r in rows)
    assert re.search(r"Direct client contact\s+500:00\s+13:50\s+13:50", text)
    assert "Trainee" in text
    assert "Supervisor" in text
    assert "Date" in text
    # De-identified: the demo's partner names appear nowhere, not even in the metadata.
    names = [p["name"] for p in json.loads(DEMO.read_text("utf-8"))["couple"]["partners"]]
    for name in names:
        assert name not in text
        assert all(name not in value for value in metadata_strings(pdf))


def _future() -> str:
    return (date.today() + timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("add-contact", "--date", "2026-11-05", "--minutes", "-5", "--kind", "individual"),
         "more than 0"),
        (("add-contact", "--date", "2026-11-05", "--minutes", "1441", "--kind", "individual"),
         "at most 1440"),
        (("add-supervision", "--date", "FUTURE", "--minutes", "60", "--format", "group"),
         "in the future"),
        (("add-contact", "--date", "2026-11-02", "--minutes", "30", "--kind", "relational",
          "--start", "10:00"), "overlaps block 1 of intensive 1"),
        (("add-contact", "--date", "2026-11-03", "--minutes", "30", "--kind", "relational",
          "--couple", "C-0007"), "already counted"),
        (("target", "oregon"), "no hours target preset 'oregon'"),
        (("--from", "2026-11-05", "--to", "2026-11-01"), "starts (2026-11-05) after it ends"),
        (("add-contact", "--date", "2026-11-05", "--minutes", "ten", "--kind", "individual"),
         "not a whole number"),
    ],
)  # fmt: skip
def test_bad_input_is_one_sentence_and_stores_nothing(
    loaded: Crucible, args: tuple[str, ...], words: str
) -> None:
    before = loaded("hours", "--csv").out
    args = tuple(_future() if arg == "FUTURE" else arg for arg in args)
    result = loaded("hours", *args)
    assert result.status == 2
    assert words in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err
    assert loaded("hours", "--csv").out == before


def test_choosing_a_target_changes_the_progress_and_the_ratio(loaded: Crucible) -> None:
    assert loaded("hours", "target", "montana-lmft", "--from", "2026-11-01").status == 0
    assert loaded("hours", "add-supervision", "--date", "2026-11-04", "--minutes", "30",
                  "--format", "individual").status == 0  # fmt: skip
    data = hours_json(loaded)
    target = data["target"]
    assert isinstance(target, dict)
    assert target["preset"] == "montana-lmft"
    # 20:1 over the period: 30 min of supervision allow 600 of the 735 minutes of contact,
    # relational first: 600 relational, 0 individual.
    assert data["claimable_contact_minutes"] == {"relational": 600, "individual": 0, "total": 600}
    contact = next(c for c in target["categories"] if c["category"] == "contact")
    assert (contact["logged_minutes"], contact["claimable_minutes"]) == (735, 600)


def test_the_table_names_the_target(loaded: Crucible) -> None:
    result = loaded("hours")
    assert result.status == 0, result.err
    assert "Contact      relational 10:15  individual 2:00  total 12:15" in result.out
    assert "Direct client contact: 12:15 of 500:00 claimable (2%)" in result.out


@pytest.fixture
def with_other_block(initialized: Crucible, tmp_path: Path) -> Crucible:
    """The demo plus, on its second day, a break (16:00-16:15) and an "other" block that ran."""
    document = json.loads(DEMO.read_text("utf-8"))
    document["format"] = "crucible.intensive/1.1"
    document["intensive"]["days"][1]["blocks"] += [
        {"title": "Stretch", "kind": "break",
         "start": "2026-11-03T16:00:00-05:00", "end": "2026-11-03T16:15:00-05:00",
         "actual_start": "2026-11-03T16:00:00-05:00", "actual_end": "2026-11-03T16:15:00-05:00"},
        {"title": "Psychoeducation", "kind": "other",
         "start": "2026-11-03T16:15:00-05:00", "end": "2026-11-03T17:00:00-05:00",
         "actual_start": "2026-11-03T16:15:00-05:00", "actual_end": "2026-11-03T17:00:00-05:00"},
    ]  # fmt: skip
    path = tmp_path / "with-other.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert initialized("import", str(path)).status == 0
    return initialized


def test_an_other_block_is_listed_until_marked_and_counts_once_marked(
    with_other_block: Crucible,
) -> None:
    crucible = with_other_block
    data = hours_json(crucible)
    assert data["contact_minutes"]["total"] == DEMO_RELATIONAL + DEMO_INDIVIDUAL  # type: ignore[index]
    undecided = data["other_blocks_not_counted"]
    assert isinstance(undecided, list)
    assert [(b["date"], b["minutes"], b["couple_code"]) for b in undecided] == [
        ("2026-11-03", 45, "C-0007")
    ]
    other = undecided[0]["block_id"]
    plain = crucible("hours").out
    assert f"block {other} (intensive 1, C-0007) 2026-11-03 16:15-17:00, 45 min" in plain
    assert "crucible hours mark BLOCK_ID" in plain

    result = crucible("hours", "mark", str(other), "--as", "individual")
    assert (result.status, result.out.strip()) == (
        0,
        f"Block {other} now counts as individual contact.",
    )
    data = hours_json(crucible)
    assert data["contact_minutes"] == {
        "relational": DEMO_RELATIONAL,
        "individual": DEMO_INDIVIDUAL + 45,
        "total": DEMO_RELATIONAL + DEMO_INDIVIDUAL + 45,
    }
    assert data["other_blocks_not_counted"] == []
    assert "crucible hours mark" not in crucible("hours").out

    assert crucible("hours", "mark", str(other), "--as", "relational").status == 0
    assert hours_json(crucible)["contact_minutes"]["relational"] == DEMO_RELATIONAL + 45  # type: ignore[index]
    assert crucible("hours", "mark", str(other), "--as", "not-contact").status == 0
    data = hours_json(crucible)
    assert data["contact_minutes"]["total"] == DEMO_RELATIONAL + DEMO_INDIVIDUAL  # type: ignore[index]
    assert [b["block_id"] for b in data["other_blocks_not_counted"]] == [other]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("block", "words"),
    [
        ("99999", "There is no block with id 99999"),
        ("BREAK", "is a break block; break and homework never count as contact"),
        ("1", "counts as relational contact by its kind already"),
    ],
)
def test_marking_a_block_that_cannot_be_marked_is_one_sentence_and_stores_nothing(
    with_other_block: Crucible, block: str, words: str
) -> None:
    crucible = with_other_block
    other = hours_json(crucible)["other_blocks_not_counted"][0]["block_id"]  # type: ignore[index]
    block = str(other - 1) if block == "BREAK" else block
    before = crucible("hours", "--csv").out
    result = crucible("hours", "mark", block, "--as", "relational")
    assert result.status == 2
    assert words in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err
    assert crucible("hours", "--csv").out == before
    assert crucible("hours", "mark", "1", "--as", "maybe").status == 2  # argparse's choices


def test_settings_are_stored_and_california_claims_within_each_setting(
    loaded: Crucible, tmp_path: Path
) -> None:
    steps = [
        ("add-contact", "--date", "2026-11-05", "--minutes", "120", "--kind", "individual",
         "--setting", "University clinic"),
        ("add-supervision", "--date", "2026-11-04", "--minutes", "60", "--format", "individual",
         "--setting", "University clinic"),
        ("add-supervision", "--date", "2026-11-06", "--minutes", "120", "--format", "group",
         "--setting", "Intensives (Crucible)"),
        ("add-supervision", "--date", "2026-11-06", "--minutes", "30", "--format", "individual"),
        ("target", "california-weekly"),
    ]  # fmt: skip
    for step in steps:
        result = loaded("hours", *step)
        assert result.status == 0, result.err
    # Week of 2 Nov, 5 contact hours per unit, two group hours a unit, in each setting:
    # - University clinic: 120 min individual against 60 min individual -> all 120 claimable;
    # - the demo's blocks (Intensives (Crucible)): 615 relational + 120 individual against
    #   120 min group = 1 unit -> 300 relational; 315 relational and 120 individual left;
    # - 30 min naming no setting: half a unit -> 150 more of what is left, relational first.
    # Claimable: relational 300 + 150 = 450, individual 120.
    data = hours_json(loaded)
    assert data["contact_minutes"]["total"] == DEMO_RELATIONAL + DEMO_INDIVIDUAL + 120  # type: ignore[index]
    assert data["claimable_contact_minutes"] == {"relational": 450, "individual": 120, "total": 570}
    rows = list(csv.DictReader(io.StringIO(loaded("hours", "--csv").out)))
    assert list(rows[0])[-1] == "setting"
    settings = {(r["entry"], r["date"], r["setting"]) for r in rows}
    assert ("contact-manual", "2026-11-05", "University clinic") in settings
    assert ("contact-block", "2026-11-02", "Intensives (Crucible)") in settings
    assert ("supervision", "2026-11-06", "") in settings
    pdf_path = tmp_path / "hours.pdf"
    assert loaded("hours", "report", "-o", str(pdf_path)).status == 0
    text = "\n".join(page_texts(pdf_path.read_bytes()))
    assert "Setting" in text
    assert "University clinic" in text
    assert "(an hour individual or 2 hours in a group) in each week, within each setting" in (
        " ".join(text.split())
    )


@pytest.mark.parametrize(
    ("setting", "words"),
    [("x" * 81, "at most 80 characters, not 81"), ("Clinic\x1b[2J", "control character")],
)
@pytest.mark.parametrize("verb", ["add-contact", "add-supervision"])
def test_a_bad_setting_is_one_sentence_and_stores_nothing(
    loaded: Crucible, verb: str, setting: str, words: str
) -> None:
    kind = ("--kind", "individual") if verb == "add-contact" else ("--format", "group")
    before = loaded("hours", "--csv").out
    result = loaded(
        "hours", verb, "--date", "2026-11-20", "--minutes", "30", *kind, "--setting", setting
    )
    assert result.status == 2
    assert words in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert loaded("hours", "--csv").out == before


def test_the_intensives_setting_named_in_the_help_is_the_one_blocks_count_under() -> None:
    from crucible.app.cli import hours_command
    from crucible.app.domain.hours import INTENSIVES_SETTING

    assert hours_command.INTENSIVES_SETTING == INTENSIVES_SETTING
