"""`crucible summary` on the sample agrees with a second, plainly written computation."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime
from typing import Any

import pytest

from tests.cli.conftest import Crucible
from tests.conftest import SAMPLE_PATH


def _plain_figures(days: list[dict[str, Any]], partner: str, window: int) -> dict[str, Any]:
    """Figures for one partner over the given days, computed the long way round."""
    stances: Counter[str] = Counter()
    strategies: Counter[str] = Counter()
    boundaries: Counter[str] = Counter()
    intensities: list[int] = []
    flips_up = flips_down = 0
    minutes: Counter[str] = Counter()
    for day in days:
        for block in day["blocks"]:
            mine = [o for o in block["observations"] if o["partner"] == partner]
            mine.sort(key=lambda o: datetime.fromisoformat(o["at"]))
            end = datetime.fromisoformat(block["end"])
            for index, o in enumerate(mine):
                stances[o["stance"]] += 1
                intensities.append(o["intensity"])
                strategies.update(o["strategies"])
                if o["boundary"]:
                    boundaries[o["boundary"]] += 1
                here = datetime.fromisoformat(o["at"])
                following = mine[index + 1] if index + 1 < len(mine) else None
                until = datetime.fromisoformat(following["at"]) if following else end
                minutes[o["stance"]] += (min(until, end) - here).total_seconds() / 60
                if following:
                    gap = (datetime.fromisoformat(following["at"]) - here).total_seconds()
                    pair = (o["stance"], following["stance"])
                    if gap <= window and pair == ("one-down", "one-up"):
                        flips_up += 1
                    if gap <= window and pair == ("one-up", "one-down"):
                        flips_down += 1
    return {
        "observations": sum(stances.values()),
        "one-up": stances["one-up"],
        "same-as": stances["same-as"],
        "one-down": stances["one-down"],
        "flips_up": flips_up,
        "flips_down": flips_down,
        "mean_intensity": round(sum(intensities) / len(intensities), 1),
        "stance_minutes": {k: minutes[k] for k in ("one-up", "same-as", "one-down")},
        "strategies": dict(strategies),
        "boundaries": dict(boundaries),
    }


def _assert_same(shown: dict[str, Any], expected: dict[str, Any]) -> None:
    """Equal figures; minutes are rounded to 0.1 in the output, so allow that rounding."""
    shown = _comparable(shown)
    shown_minutes = shown.pop("stance_minutes")
    expected = dict(expected)
    expected_minutes = expected.pop("stance_minutes")
    assert shown == expected
    for stance, value in expected_minutes.items():
        assert shown_minutes[stance] == pytest.approx(value, abs=0.05 + 1e-9)


def _comparable(figures: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "observations",
        "one-up",
        "same-as",
        "one-down",
        "flips_up",
        "flips_down",
        "mean_intensity",
    )
    result = {k: figures[k] for k in keys}
    result["stance_minutes"] = figures["stance_minutes"]
    result["strategies"] = {k: v for k, v in figures["strategies"].items() if v}
    result["boundaries"] = {k: v for k, v in figures["boundaries"].items() if v}
    return result


@pytest.mark.parametrize("window", [120, 30, 600])
def test_summary_json_matches_a_plain_computation(initialized: Crucible, window: int) -> None:
    """Per partner, per day and in total, every figure equals the long-hand result."""
    new_id = initialized("import", str(SAMPLE_PATH)).out.split()[-1]
    result = initialized("summary", new_id, "--json", "--flip-window", str(window))
    assert result.status == 0, result.err
    summary = json.loads(result.out)
    assert summary["intensive"] == int(new_id)
    assert summary["flip_window_s"] == window
    document = json.loads(SAMPLE_PATH.read_text("utf-8"))
    days = document["intensive"]["days"]
    for partner, person in zip("AB", document["couple"]["partners"], strict=True):
        shown = summary["partners"][partner]
        assert shown["label"] == person["name"]
        for day in days:
            expected = _plain_figures([day], partner, window)
            _assert_same(shown["days"][str(day["day"])], expected)
        _assert_same(shown["total"], _plain_figures(days, partner, window))


def test_summary_deidentified_and_as_table(initialized: Crucible) -> None:
    """--deidentify labels the partners by letter; the table names the figures."""
    new_id = initialized("import", str(SAMPLE_PATH)).out.split()[-1]
    result = initialized("summary", new_id, "--json", "--deidentify")
    assert "Dana" not in result.out
    assert "Okafor" not in result.out
    labels = [p["label"] for p in json.loads(result.out)["partners"].values()]
    assert labels == ["Partner A", "Partner B"]
    table = initialized("summary", new_id)
    assert table.status == 0
    assert "Flips up" in table.out
    assert "Dana Whitfield" in table.out


def test_summary_rejects_a_negative_window(initialized: Crucible) -> None:
    """A window outside 0-3600 s is bad input with exit 2."""
    new_id = initialized("import", str(SAMPLE_PATH)).out.split()[-1]
    result = initialized("summary", new_id, "--flip-window", "-5")
    assert result.status == 2
    assert "flip window" in result.err


EMPTY_DAY_PATH = SAMPLE_PATH.parent / "intensive-empty-day.json"


def _cells(table: str, partner: str, label: str) -> list[str]:
    section = table.split(f"Partner {partner}:")[1].split("\nPartner ")[0]
    line = next(x for x in section.splitlines() if x.startswith(label + "  "))
    return line[len(label) :].split()


def test_a_day_without_observations_is_na_in_the_table_and_json(initialized: Crucible) -> None:
    """Hand-worked case (see tests/domain/test_no_basis.py): Day 2 has nothing logged.

    Partner A on Day 1: 5 observations, same-as 2 of 5 = 40.0 %, one flip in
    1.5 joint hours = 0.67. Day 2 must read n/a, never 0.0 % or a -40.0 pp change.
    """
    new_id = initialized("import", str(EMPTY_DAY_PATH)).out.split()[-1]
    table = initialized("summary", new_id)
    assert table.status == 0, table.err
    assert _cells(table.out, "A", "Same-as share") == ["40.0%", "n/a", "40.0%", "n/a"]
    assert _cells(table.out, "A", "Flips per joint hour") == ["0.67", "n/a", "0.29", "n/a"]
    assert _cells(table.out, "A", "Observations") == ["5", "0", "5", "-5"]
    partner_a = table.out.split("Partner B:")[0]  # A has no real 0.0 % share on Day 1
    assert re.search(r"(?<![\d.])0\.0%", partner_a) is None
    assert " pp" not in table.out
    assert table.out.count("Day 2: no observations logged.") == 2

    result = initialized("summary", new_id, "--json")
    data = json.loads(result.out)["partners"]["A"]
    assert data["days"]["1"]["shares"]["same-as"] == 0.4
    assert data["days"]["1"]["flips_per_hour"] == 0.67
    assert data["days"]["2"]["shares"] == {"one-up": None, "same-as": None, "one-down": None}
    assert data["days"]["2"]["flips_per_hour"] is None
    assert data["days_without_observations"] == [2]
    assert data["change"]["same_as_share_change"] is None
    assert data["change"]["flips_per_hour_change"] is None
