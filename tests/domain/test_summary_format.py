"""The summary as JSON-ready data and as a plain-text table."""

from __future__ import annotations

import json
import re

import pytest

from crucible.app.domain.analytics import FigureUnit, summarize_intensive
from crucible.app.domain.intensive import Intensive
from crucible.app.domain.summary_format import (
    format_difference,
    format_value,
    rounded,
    summary_as_json,
    summary_as_table,
)
from crucible.app.domain.vocabulary import Boundary, Stance, Strategy

from .builders import DOWN, NAMES, SAME, UP, A, B, block, day, intensive, load_intensive, obs

DAY_2 = 86400


def _two_days() -> Intensive:
    return intensive(
        day(
            1,
            block(
                obs(0, A, DOWN, 4, Boundary.WALLED_OFF, (Strategy.WITHDRAWAL,)),
                obs(30, A, UP, 2),
                obs(45, B, SAME),
                end=1200,
            ),
        ),
        day(2, block(obs(DAY_2, A, SAME, 1), start=DAY_2, end=DAY_2 + 600)),
    )


def test_json_has_the_agreed_shape() -> None:
    """Top-level keys, partners A and B, days keyed by string, figures at the documented keys."""
    data = summary_as_json(summarize_intensive(_two_days()))
    assert data["intensive"] == 7
    assert data["flip_window_s"] == 120
    partners = data["partners"]
    assert isinstance(partners, dict)
    assert list(partners) == ["A", "B"]
    a = partners["A"]
    assert a["label"] == NAMES[0]
    assert list(a["days"]) == ["1", "2"]
    day1 = a["days"]["1"]
    assert (day1["observations"], day1["one-up"], day1["same-as"], day1["one-down"]) == (2, 1, 0, 1)
    assert (day1["flips_up"], day1["flips_down"]) == (1, 0)
    assert day1["mean_intensity"] == 3.0
    assert day1["stance_minutes"] == {"one-up": 19.5, "same-as": 0.0, "one-down": 0.5}
    assert day1["strategies"]["withdrawal"] == 1
    assert set(day1["strategies"]) == {s.value for s in Strategy}
    assert day1["boundaries"] == {"walled-off": 1, "boundaryless": 0, "contained": 0}
    assert set(a["total"]) >= set(day1)


def test_json_is_serializable_and_rounded() -> None:
    """The dict dumps to JSON as is, with shares to three decimals and minutes to one."""
    data = summary_as_json(summarize_intensive(_two_days()))
    text = json.dumps(data)
    day1 = json.loads(text)["partners"]["A"]["days"]["1"]
    assert day1["shares"] == {"one-up": 0.5, "same-as": 0.0, "one-down": 0.5}
    assert day1["stance_time_shares"]["one-up"] == 0.975
    assert day1["mean_intensity_by_stance"]["same-as"] is None


def test_json_change_rows_and_headlines() -> None:
    """The change holds both headline figures and every figure's first, last and difference."""
    data = summary_as_json(summarize_intensive(_two_days()))
    change = data["partners"]["A"]["change"]  # type: ignore[index]
    assert change["first_day"] == 1
    assert change["last_day"] == 2
    assert change["same_as_share_change"] == 1.0
    assert change["flips_per_hour_change"] == -3.0
    assert change["figures"]["observations"] == {"first": 2, "last": 1, "difference": -1}
    assert change["figures"]["mean_intensity.one-up"]["difference"] is None


def test_one_day_change_is_null() -> None:
    """A one-day intensive has a null change in JSON and no change column in the table."""
    summary = summarize_intensive(intensive(day(1, block(obs(0, A, UP)))))
    assert summary_as_json(summary)["partners"]["A"]["change"] is None  # type: ignore[index]
    table = summary_as_table(summary)
    assert "Change" not in table
    assert "one day only" in table


def test_table_has_day_total_and_change_columns() -> None:
    """Each partner's table has Day 1, Day 2, Total and Change columns, and a row per figure."""
    table = summary_as_table(summarize_intensive(_two_days()))
    assert table.startswith("Intensive summary #7 (flip window 120 s)")
    header = next(line for line in table.splitlines() if line.startswith("Figure"))
    for column in ("Day 1", "Day 2", "Total", "Change (Day 2 - Day 1)"):
        assert column in header
    observations = next(line for line in table.splitlines() if line.startswith("Observations"))
    assert observations.split() == ["Observations", "2", "1", "3", "-1"]
    same_share = next(line for line in table.splitlines() if line.startswith("Same-as share "))
    assert same_share.split()[-2:] == ["+100.0", "pp"]
    assert f"Partner A: {NAMES[0]}" in table


def test_deidentified_outputs_contain_no_names() -> None:
    """A de-identified summary's JSON and table never show the partners' names."""
    summary = summarize_intensive(load_intensive(), deidentify=True)
    text = json.dumps(summary_as_json(summary)) + summary_as_table(summary)
    for name in ("Dana", "Whitfield", "Sam", "Okafor"):
        assert re.search(rf"\b{name}\b", text) is None
    assert "Partner B" in text


def test_sample_json_matches_the_summary() -> None:
    """On the sample, JSON counts equal the summary's counts for every partner and day."""
    summary = summarize_intensive(load_intensive())
    data = json.loads(json.dumps(summary_as_json(summary)))
    for key, partner in summary.partners.items():
        for number, figures in partner.days.items():
            raw = data["partners"][key.value]["days"][str(number)]
            assert raw["observations"] == figures.observations
            for stance in Stance:
                assert raw[stance.value] == figures.counts[stance]
            assert raw["stance_minutes"]["one-up"] == pytest.approx(
                figures.stance_minutes[UP], abs=0.05
            )


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (None, FigureUnit.MINUTES, "n/a"),
        (0.5278, FigureUnit.SHARE, "52.8%"),
        (80.46, FigureUnit.MINUTES, "80.5"),
        (3.0, FigureUnit.COUNT, "3"),
        (4.256, FigureUnit.RATE, "4.26"),
    ],
)
def test_format_value(value: float | None, unit: FigureUnit, expected: str) -> None:
    """Cells show shares as percentages, counts as integers, None as n/a."""
    assert format_value(value, unit) == expected


def test_differences_are_signed_and_never_minus_zero() -> None:
    """Differences carry a sign, shares in points, and a tiny negative rounds to plus zero."""
    assert format_difference(-2, FigureUnit.COUNT) == "-2"
    assert format_difference(0.1666, FigureUnit.SHARE) == "+16.7 pp"
    assert format_difference(-0.00001, FigureUnit.MINUTES) == "+0.0"
    assert format_difference(-0.0001, FigureUnit.SHARE) == "+0.0 pp"
    assert format_difference(0.7, FigureUnit.RATE) == "+0.70"
    assert format_difference(None, FigureUnit.RATE) == "n/a"
    assert str(rounded(-0.04, FigureUnit.MINUTES)) == "0.0"
