"""Targets: the shipped presets, claimable hours under ratios, running totals and the outputs."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from crucible.app.domain.hours import (
    ContactKind,
    ContactPiece,
    ObservableData,
    SupervisionEntry,
    SupervisionFormat,
)
from crucible.app.domain.hours_log import hours_as_csv, hours_as_json, hours_log, hours_text
from crucible.app.domain.hours_targets import (
    CustomTarget,
    Measure,
    PresetError,
    Ratio,
    RatioPeriod,
    Target,
    claimable,
    find_preset,
    parse_presets,
    preset_as_json,
    preset_from,
    shipped_presets,
)

REL, IND = ContactKind.RELATIONAL, ContactKind.INDIVIDUAL


def piece(on: date, minutes: int, kind: ContactKind = REL, code: str = "C-1") -> ContactPiece:
    return ContactPiece(on, minutes, kind, code, block_id=7, intensive_id=3)


def sup(
    on: date,
    minutes: int,
    fmt: SupervisionFormat = SupervisionFormat.INDIVIDUAL,
    observable: ObservableData = ObservableData.NONE,
) -> SupervisionEntry:
    return SupervisionEntry(on, minutes, fmt, observable, supervisor="Dr Q")


def test_the_shipped_presets_parse_and_name_their_sources() -> None:
    presets = shipped_presets()
    ids = [preset.id for preset in presets]
    assert ids == ["coamfte-500", "programme-300", "montana-lmft", "california-weekly"]
    coamfte = find_preset(presets, "coamfte-500")
    assert [(c.hours, c.measure) for c in coamfte.categories] == [
        (500, Measure.CONTACT_TOTAL),
        (250, Measure.CONTACT_RELATIONAL),
        (100, Measure.SUPERVISION_TOTAL),
        (50, Measure.SUPERVISION_OBSERVABLE),
    ]
    montana = find_preset(presets, "montana-lmft")
    assert montana.ratio == Ratio(20, RatioPeriod.PERIOD)
    assert [(c.hours, c.measure) for c in montana.categories] == [  # ARM 24.219.704
        (1000, Measure.CONTACT_TOTAL),
        (500, Measure.CONTACT_RELATIONAL),
        (200, Measure.SUPERVISION_TOTAL),
        (150, Measure.SUPERVISION_INDIVIDUAL),
        (100, Measure.SUPERVISION_OBSERVABLE),
    ]
    assert all(preset.source for preset in presets)


def test_an_unknown_preset_is_one_sentence_naming_the_known_ones() -> None:
    with pytest.raises(PresetError, match=r"no hours target preset 'oregon'.*coamfte-500.*custom"):
        find_preset(shipped_presets(), "oregon")


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        '{"format": "other"}',
        '{"format": "crucible.hours-presets/1", "presets": [{"id": "x"}]}',
        '{"format": "crucible.hours-presets/1", "presets": [{"id": "custom", "name": "n"}]}',
        '{"format": "crucible.hours-presets/1", "presets": [{"id": "x", "name": "n",'
        ' "categories": [{"id": "c", "label": "l", "hours": -1, "counts": "contact_total"}]}]}',
    ],
)
def test_bad_preset_documents_are_refused(text: str) -> None:
    with pytest.raises(PresetError):
        parse_presets(text)


def test_a_custom_target_round_trips_through_its_json() -> None:
    custom = CustomTarget({Measure.CONTACT_TOTAL: 40}, Ratio(5, RatioPeriod.WEEK)).preset()
    assert preset_from(preset_as_json(custom)) == custom


def test_a_period_ratio_caps_the_claimable_contact() -> None:
    # 20:1 over the period; 25 h contact (15 relational, 10 individual), 1 h supervision:
    # claimable 20 h = 15 h relational + 5 h individual.
    pieces = [piece(date(2026, 11, 2), 15 * 60), piece(date(2026, 11, 3), 10 * 60, IND)]
    claim = claimable(pieces, [sup(date(2026, 11, 4), 60)], Ratio(20, RatioPeriod.PERIOD))
    assert (claim.relational, claim.individual, claim.total) == (900, 300, 1200)


def test_a_weekly_ratio_caps_each_week_by_its_own_supervision() -> None:
    # 5:1 per week. Week of 2 Nov: 8 h contact, 1 h supervision -> 5 h claimable.
    # Week of 9 Nov: 3 h contact, 1 h supervision -> 3 h. Week of 16 Nov: 2 h, none -> 0.
    # Total 8 h (not 11 h, and not 10 h as a period ratio would give).
    pieces = [
        piece(date(2026, 11, 2), 8 * 60),
        piece(date(2026, 11, 10), 3 * 60, IND),
        piece(date(2026, 11, 16), 2 * 60),
    ]
    supervision = [sup(date(2026, 11, 6), 60), sup(date(2026, 11, 12), 60)]
    assert claimable(pieces, supervision, Ratio(5, RatioPeriod.WEEK)).total == 8 * 60
    assert claimable(pieces, supervision, Ratio(5, RatioPeriod.PERIOD)).total == 10 * 60
    assert claimable(pieces, supervision, None).total == 13 * 60


def test_running_totals_toward_a_target_week_by_week() -> None:
    # COAMFTE-500 from 1 Oct. Before the period (20 Oct): 100 min relational, 60 supervision.
    # Week of 2 Nov: 180 relational + 90 individual; 60 supervision with video.
    # Week of 9 Nov: 150 relational; 120 group supervision, no observable data.
    target = Target(find_preset(shipped_presets(), "coamfte-500"), starts=date(2026, 10, 1))
    pieces = [
        piece(date(2026, 10, 20), 100),
        piece(date(2026, 11, 2), 180),
        piece(date(2026, 11, 3), 90, IND),
        piece(date(2026, 11, 9), 150),
    ]
    supervision = [
        sup(date(2026, 10, 21), 60),
        sup(date(2026, 11, 6), 60, observable=ObservableData.VIDEO),
        sup(date(2026, 11, 13), 120, SupervisionFormat.GROUP),
    ]
    log = hours_log(pieces, supervision, target, date(2026, 11, 1), date(2026, 11, 30))
    assert (log.contact.relational, log.contact.individual, log.contact.total) == (330, 90, 420)
    assert (log.supervision.individual, log.supervision.group, log.supervision.total) == (
        60,
        120,
        180,
    )
    assert log.supervision.observable == 60
    assert [row.starts for row in log.weeks] == [date(2026, 11, 2), date(2026, 11, 9)]
    first, second = ([item.claimable for item in row.running] for row in log.weeks)
    assert first == [100 + 180 + 90, 100 + 180, 60 + 60, 60]  # 370, 280, 120, 60
    assert second == [370 + 150, 280 + 150, 120 + 120, 60]  # 520, 430, 240, 60
    assert [item.required for item in log.progress] == [30000, 15000, 6000, 3000]
    assert [item.claimable for item in log.progress] == second


def test_a_target_range_leaves_out_hours_before_it() -> None:
    target = Target(find_preset(shipped_presets(), "programme-300"), starts=date(2026, 11, 3))
    log = hours_log([piece(date(2026, 11, 2), 60), piece(date(2026, 11, 4), 45)], [], target)
    assert log.contact.total == 105  # the period holds both
    assert [item.logged for item in log.progress] == [45]  # the target only the second


def test_json_and_csv_agree() -> None:
    target = Target(find_preset(shipped_presets(), "montana-lmft"))
    pieces = [piece(date(2026, 11, 2), 200), piece(date(2026, 11, 3), 70, IND, code="=cmd")]
    supervision = [
        sup(date(2026, 11, 4), 10, observable=ObservableData.AUDIO),
        sup(date(2026, 11, 5), 5, SupervisionFormat.GROUP),
    ]
    log = hours_log(pieces, supervision, target)
    data = hours_as_json(log)
    assert data["contact_minutes"] == {"relational": 200, "individual": 70, "total": 270}
    assert data["supervision_minutes"] == {
        "individual": 10,
        "group": 5,
        "observable": 10,
        "total": 15,
    }
    # 20:1 over the period: 15 min supervision allows 300 min; all 270 claimable.
    assert data["claimable_contact_minutes"]["total"] == 270
    rows = list(csv.DictReader(io.StringIO(hours_as_csv(log))))
    by_category: dict[str, int] = {}
    for row in rows:
        key = f"{row['entry'].split('-')[0]}:{row['category']}"
        by_category[key] = by_category.get(key, 0) + int(row["minutes"])
    assert by_category == {
        "contact:relational": 200,
        "contact:individual": 70,
        "supervision:individual": 10,
        "supervision:group": 5,
    }
    observable = sum(int(r["minutes"]) for r in rows if r["observable"] not in ("", "none"))
    assert observable == data["supervision_minutes"]["observable"]
    assert "'=cmd" in {row["couple_code"] for row in rows}  # never a formula in a spreadsheet


def test_hours_text() -> None:
    assert hours_text(0) == "0:00"
    assert hours_text(605) == "10:05"


SET_WEEK = RatioPeriod.SETTING_WEEK


def at(setting: str, on: date, minutes: int, kind: ContactKind = REL) -> ContactPiece:
    return ContactPiece(on, minutes, kind, "C-1", setting=setting)


def sup_at(
    setting: str,
    on: date,
    minutes: int,
    fmt: SupervisionFormat = SupervisionFormat.INDIVIDUAL,
) -> SupervisionEntry:
    return SupervisionEntry(on, minutes, fmt, ObservableData.NONE, setting=setting)


def test_california_counts_two_group_hours_as_one_unit_in_each_setting() -> None:
    california = find_preset(shipped_presets(), "california-weekly")
    assert california.ratio == Ratio(5, SET_WEEK, group_hours_per_unit=2)


def test_two_group_hours_make_one_supervision_unit() -> None:
    # 5:1 per week. 12 h contact; 1 h individual + 2 h group supervision.
    # One unit per group hour: 3 units -> 15 h allowed, all 12 h claimable.
    # Two group hours per unit: 1 + 1 = 2 units -> 10 h claimable.
    pieces = [piece(date(2026, 11, 2), 12 * 60)]
    supervision = [
        sup(date(2026, 11, 3), 60),
        sup(date(2026, 11, 4), 120, SupervisionFormat.GROUP),
    ]
    assert claimable(pieces, supervision, Ratio(5, RatioPeriod.WEEK)).total == 12 * 60
    assert claimable(pieces, supervision, Ratio(5, RatioPeriod.WEEK, 2)).total == 10 * 60
    assert claimable(pieces, supervision, Ratio(5, RatioPeriod.PERIOD, 2)).total == 10 * 60
    # 90 min of group alone: 45 unit-minutes x 5 = 225 minutes (3:45).
    group_only = [sup(date(2026, 11, 4), 90, SupervisionFormat.GROUP)]
    assert claimable(pieces, group_only, Ratio(5, RatioPeriod.WEEK, 2)).total == 225


def test_without_settings_named_the_setting_rule_is_the_weekly_rule() -> None:
    pieces = [
        piece(date(2026, 11, 2), 8 * 60),
        piece(date(2026, 11, 10), 3 * 60, IND),
        piece(date(2026, 11, 16), 2 * 60),
    ]
    supervision = [sup(date(2026, 11, 6), 60), sup(date(2026, 11, 12), 60)]
    weekly = claimable(pieces, supervision, Ratio(5, RatioPeriod.WEEK))
    assert claimable(pieces, supervision, Ratio(5, SET_WEEK)) == weekly
    assert weekly.total == 8 * 60


def _three_settings() -> tuple[list[ContactPiece], list[SupervisionEntry]]:
    """One week (2-8 Nov), California's rule: 5 contact h per unit, 2 group h per unit.

    - University clinic: 6 h relational; 1 h individual supervision naming it
      -> 5 h claimable there, 1 h relational left over.
    - Intensives (Crucible): 4 h relational + 1 h individual; 1 h group naming it
      (spelled in lower case) = 0.5 unit -> 2.5 h, relational first; 1.5 h
      relational and 1 h individual left over.
    - No setting named: 30 min individual; nothing names it -> 30 min left over.
    - Private practice: 1 h individual supervision, but no contact there this
      week: it allows nothing anywhere else.
    - 30 min individual supervision naming no setting: 0.5 unit -> 2.5 h from
      what is left, relational first: all 2.5 h relational (1 + 1.5).
    Claimable: relational 5 + 2.5 + 2.5 = 10 h, individual 0; logged 11.5 h.
    """
    pieces = [
        at("University clinic", date(2026, 11, 2), 6 * 60),
        at("Intensives (Crucible)", date(2026, 11, 3), 4 * 60),
        at("Intensives (Crucible)", date(2026, 11, 3), 60, IND),
        at("", date(2026, 11, 5), 30, IND),
    ]
    supervision = [
        sup_at("University  clinic", date(2026, 11, 4), 60),  # spaces do not make a new one
        sup_at("intensives (crucible)", date(2026, 11, 5), 60, SupervisionFormat.GROUP),
        sup_at("Private practice", date(2026, 11, 6), 60),
        sup_at("", date(2026, 11, 6), 30),
    ]
    return pieces, supervision


def test_each_setting_claims_against_its_own_supervision_and_the_unnamed_pool_once() -> None:
    pieces, supervision = _three_settings()
    claim = claimable(pieces, supervision, Ratio(5, SET_WEEK, 2))
    assert (claim.relational, claim.individual) == (10 * 60, 0)
    # The weekly rule, blind to settings: (1 + 0.5 + 1 + 0.5) units x 5 = 15 h >= 11.5 h logged.
    assert claimable(pieces, supervision, Ratio(5, RatioPeriod.WEEK, 2)).total == 11 * 60 + 30
    # Counted toward every setting instead of once, the unnamed 30 minutes would give
    # 2.5 h to each of the three settings with contact: it does not.


def test_the_log_and_its_running_totals_use_the_setting_rule() -> None:
    pieces, supervision = _three_settings()
    preset = CustomTarget({Measure.CONTACT_TOTAL: 100}, Ratio(5, SET_WEEK, 2)).preset()
    log = hours_log(pieces, supervision, Target(preset))
    assert (log.contact.total, log.claimable.total) == (11 * 60 + 30, 10 * 60)
    assert [row.claimable.total for row in log.weeks] == [10 * 60]
    assert [item.claimable for item in log.progress] == [10 * 60]
    assert [item.claimable for item in log.weeks[0].running] == [10 * 60]
    # Up to Wednesday 4 Nov: the clinic (6 h, 1 unit) and the intensives (5 h, no supervision
    # naming them yet): 5 h claimable.
    midweek = hours_log(pieces, supervision, Target(preset), date_to=date(2026, 11, 4))
    assert [item.claimable for item in midweek.progress] == [5 * 60]
    rows = list(csv.DictReader(io.StringIO(hours_as_csv(log))))
    assert list(rows[0])[-1] == "setting"  # appended: the older columns keep their places
    assert [r["setting"] for r in rows if r["entry"] == "supervision"] == [
        "University  clinic",
        "intensives (crucible)",
        "Private practice",
        "",
    ]


@pytest.mark.parametrize("per_unit", [0.5, 11, "2"])
def test_a_group_unit_out_of_range_is_refused(per_unit: object) -> None:
    item = {
        "id": "x",
        "name": "n",
        "ratio": {
            "contact_hours_per_supervision_hour": 5,
            "per": "setting-week",
            "group_hours_per_unit": per_unit,
        },
    }
    with pytest.raises(PresetError):
        preset_from(item)


def test_a_custom_target_with_a_group_unit_round_trips() -> None:
    custom = CustomTarget({Measure.CONTACT_TOTAL: 40}, Ratio(5, SET_WEEK, 2)).preset()
    assert preset_from(preset_as_json(custom)) == custom
    older = preset_as_json(custom)
    del older["ratio"]["group_hours_per_unit"]  # stored before the field existed
    assert preset_from(older).ratio == Ratio(5, SET_WEEK, 1)
