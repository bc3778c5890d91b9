"""The n/a rule: a figure with no basis is None, is never compared, and its day is named.

The hand-worked case (tests/data/intensive-empty-day.json): Day 1 is one
joint block of 90 minutes, Day 2 one joint block of 120 minutes with nothing
logged. Partner A on Day 1, by hand:

* 09:00 one-down (2), 09:01 one-up (4), 09:30 same-as (3), 10:00 same-as (3),
  10:10 one-down (1): 5 observations, shares 20 % / 40 % / 40 %;
* one flip up (one-down to one-up in 60 s), so 1 flip in 1.5 joint hours: 0.67;
* minutes: one-up 09:01-09:30 = 29, same-as 09:30-10:10 = 40, one-down
  1 + 20 = 21, covering all 90;
* mean intensity 13 / 5 = 2.6.

Partner B on Day 1: two same-as observations (100 %), no flips, 0.00 flips per
joint hour (a real zero: B was observed in the joint block).
"""

from __future__ import annotations

import json

from crucible.app.domain.analytics import figure_values, partner_figures, summarize_intensive
from crucible.app.domain.summary_format import (
    day_notes,
    partner_headline,
    summary_as_json,
    summary_as_table,
)
from crucible.app.domain.vocabulary import BlockKind

from .builders import DOWN, SAME, SAMPLE_PATH, UP, A, B, block, load_intensive, obs

EMPTY_DAY = SAMPLE_PATH.parent / "intensive-empty-day.json"


def _row(table: str, label: str, partner: str) -> list[str]:
    """The cells of one row of one partner's table, split on runs of spaces."""
    section = table.split(f"Partner {partner}:")[1].split("\nPartner ")[0]
    line = next(x for x in section.splitlines() if x.startswith(label + "  "))
    return [cell.strip() for cell in line[len(label) :].split("  ") if cell.strip()]


def test_figures_without_basis_are_none() -> None:
    """Nothing logged: every figure about the partner's stances is None; schedule facts stay."""
    figures = partner_figures([block(obs(0, B, UP), end=1800)], A)
    values = {v.name: v.value for v in figure_values(figures)}
    assert values["observations"] == 0
    assert values["joint_minutes"] == 30.0
    others = {k: v for k, v in values.items() if k not in ("observations", "joint_minutes")}
    assert set(others.values()) == {None}


def test_flips_per_hour_needs_the_partner_observed_in_a_joint_block() -> None:
    """Observed only in an individual session: the joint rate has no basis; observed: 0 is real."""
    joint = block(obs(0, B, SAME), end=3600)
    alone = block(
        obs(4000, A, DOWN), obs(4030, A, UP), start=4000, end=5800, kind=BlockKind.INDIVIDUAL_A
    )
    assert partner_figures([joint, alone], A).flips_per_hour is None
    assert partner_figures([joint, alone], B).flips_per_hour == 0.0


def test_hand_worked_day_without_observations() -> None:
    """Day 2 is n/a everywhere, never compared; Day 1 keeps its hand-worked figures."""
    summary = summarize_intensive(load_intensive(EMPTY_DAY))
    a = summary.partners[A]
    day1 = {v.name: v.value for v in figure_values(a.days[1])}
    assert day1["share.same-as"] == 0.4
    assert round(day1["flips_per_hour"] or 0, 2) == 0.67
    assert day1["minutes.one-up"] == 29.0
    day2 = {v.name: v.value for v in figure_values(a.days[2])}
    assert day2["share.same-as"] is None
    assert day2["flips_per_hour"] is None
    assert day2["count.one-up"] is None
    assert day2["joint_minutes"] == 120.0
    change = a.change
    assert change is not None
    assert change.same_as_share_change is None
    assert change.flips_per_hour_change is None
    assert change.row("observations").difference == -5
    assert change.row("joint_minutes").difference == 30.0
    compared = {r.name for r in change.rows if r.difference is not None}
    assert compared == {"observations", "joint_minutes"}
    assert day_notes(a) == ["Day 2: no observations logged."]


def test_hand_worked_table_says_na_and_names_the_day() -> None:
    """The table shows n/a for Day 2 and its change, and says the day had nothing logged."""
    table = summary_as_table(summarize_intensive(load_intensive(EMPTY_DAY)))
    assert _row(table, "Same-as share", "A") == ["40.0%", "n/a", "40.0%", "n/a"]
    assert _row(table, "One-up", "A") == ["1", "n/a", "1", "n/a"]
    assert _row(table, "Flips per joint hour", "A") == ["0.67", "n/a", "0.29", "n/a"]
    assert _row(table, "Flips per joint hour", "B") == ["0.00", "n/a", "0.00", "n/a"]
    assert _row(table, "Observations", "A") == ["5", "0", "5", "-5"]
    assert _row(table, "Joint minutes", "A") == ["90.0", "120.0", "210.0", "+30.0"]
    assert " pp" not in table.split("Partner A:")[1].split("Partner B:")[0]
    assert table.count("Day 2: no observations logged.") == 2


def test_hand_worked_json_has_nulls_and_the_empty_days() -> None:
    """JSON: null for figures without basis, null changes, and the empty days listed."""
    data = json.loads(json.dumps(summary_as_json(summarize_intensive(load_intensive(EMPTY_DAY)))))
    a = data["partners"]["A"]
    day2 = a["days"]["2"]
    assert day2["observations"] == 0
    assert day2["shares"] == {"one-up": None, "same-as": None, "one-down": None}
    assert day2["one-up"] is None
    assert day2["flips_per_hour"] is None
    assert day2["joint_minutes"] == 120.0
    assert a["days"]["1"]["shares"] == {"one-up": 0.2, "same-as": 0.4, "one-down": 0.4}
    assert a["change"]["same_as_share_change"] is None
    assert a["change"]["flips_per_hour_change"] is None
    assert a["change"]["figures"]["share.same-as"]["difference"] is None
    assert a["days_without_observations"] == [2]


def test_headline_names_the_empty_day_and_compares_nothing() -> None:
    """The sentence a reader sees first names the day; no "slowed" or "fell" from nothing."""
    summary = summarize_intensive(load_intensive(EMPTY_DAY))
    for partner in summary.partners.values():
        lines = partner_headline(partner)
        assert any("Day 2: no observations logged" in line for line in lines)
        text = " ".join(lines)
        for word in ("slowed", "sped up", "rose", "fell", "0.00"):
            assert word not in text
