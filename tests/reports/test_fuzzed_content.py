"""Whatever a valid document holds, both reports build a valid PDF (or a clear error)."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import pypdf
from hypothesis import HealthCheck, given, settings

from bench.common import big_document
from crucible.app.domain.exchange import parse_intensive
from crucible.reports import ReportOptions, build_summary_report, build_supervision_report
from tests.strategies import documents

OPTIONS = ReportOptions(report_date=date(2026, 11, 25))


def _pages(pdf: bytes) -> int:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() or "" for page in reader.pages)
    assert "Confidential" in text
    return len(reader.pages)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_any_valid_document_gives_valid_pdfs(document: dict[str, Any]) -> None:
    """Any Unicode in every text field, empty blocks, one to three days: both PDFs read back."""
    intensive = parse_intensive(json.loads(json.dumps(document)))
    assert _pages(build_summary_report(intensive, OPTIONS)) >= 2
    assert _pages(build_supervision_report(intensive, OPTIONS)) >= 2


def test_five_thousand_observations_build() -> None:
    """A heavily logged intensive still builds, with every page readable."""
    intensive = parse_intensive(big_document(5000, note_chars=400))
    assert _pages(build_summary_report(intensive, OPTIONS)) >= 5
