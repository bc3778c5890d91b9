"""A day with nothing logged reads "n/a" in both PDFs, is named, and is never compared.

The hand-worked case is tests/data/intensive-empty-day.json (worked out in
tests/domain/test_no_basis.py): Partner A on Day 1 has same-as 2 of 5
(40.0 %) and one flip in 1.5 joint hours (0.67); Day 2 has nothing logged.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crucible.app.domain.exchange import parse_intensive
from crucible.app.domain.intensive import Intensive
from crucible.reports import ReportOptions, build_summary_report, build_supervision_report
from tests.reports.conftest import REPORT_DATE, page_texts

EMPTY_DAY = Path(__file__).resolve().parents[1] / "data" / "intensive-empty-day.json"


def flat(pdf: bytes) -> str:
    """All page text with whitespace collapsed, so table rows read as one line."""
    return " ".join(" ".join(page_texts(pdf)).split())


@pytest.fixture(scope="module")
def empty_day() -> Intensive:
    return parse_intensive(json.loads(EMPTY_DAY.read_text("utf-8")))


@pytest.mark.parametrize("kind", ["summary", "supervision"])
def test_day_without_observations_in_the_pdf(empty_day: Intensive, kind: str) -> None:
    """Profiles and comparison print n/a for Day 2; the headline names the day instead."""
    build = build_summary_report if kind == "summary" else build_supervision_report
    text = flat(build(empty_day, ReportOptions(report_date=REPORT_DATE)))
    label = "Ada Lindqvist" if kind == "summary" else "Partner A"
    assert f"{label}: Day 2: no observations logged. The days are not compared." in text
    assert "slowed" not in text
    assert "0.00 (" not in text  # no rate "to 0.00 (Day 1 to Day 2)"
    # Profile table: Day 1, Day 2, Total.
    assert "Same-as share 40.0% n/a 40.0%" in text
    assert "Flips per joint hour 0.67 n/a 0.29" in text
    # Comparison table: A's Day 1, Day 2, change, then B's.
    assert "Same-as share 40.0% n/a n/a 100.0% n/a n/a" in text
    assert "Flips per joint hour 0.67 n/a n/a 0.00 n/a n/a" in text
    assert " pp" not in text.split("First day and last day compared")[1].split("Change is")[0]
    assert text.count("Day 2: no observations logged.") >= 4  # 2 headlines, 2 profiles
