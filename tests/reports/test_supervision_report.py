"""The supervision report: de-identified everywhere by default, identified only on request."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date

import pikepdf
import pypdf
import pypdfium2 as pdfium
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crucible.app.domain.analytics import FigureUnit, summarize_intensive
from crucible.app.domain.deidentify import deidentify_intensive
from crucible.app.domain.intensive import Couple, Intensive
from crucible.app.domain.summary_format import format_value
from crucible.app.domain.vocabulary import Stance
from crucible.reports import ReportOptions, build_supervision_report, default_file_name
from tests.reports.conftest import (
    CANARY_A,
    CANARY_B,
    CANARY_COUPLE_NAME,
    checked_metadata,
    decompressed_streams,
    ink,
    metadata_strings,
    page_texts,
    render_pages,
)

REPORT_DATE = date(2026, 11, 25)


def forbidden_words() -> list[str]:
    """Every partner name, name part and the couple's household name, in several spellings."""
    words = {CANARY_A, CANARY_B, CANARY_COUPLE_NAME}
    for name in (CANARY_A, CANARY_B, CANARY_COUPLE_NAME):
        for part in re.split(r"[\s-]+", name):
            if part.lower() != "household":
                words.add(part)
    return sorted(words)


def pdfium_text(pdf: bytes) -> str:
    """Text as a second, independent extractor sees it."""
    document = pdfium.PdfDocument(pdf)
    try:
        return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


@pytest.fixture(scope="module")
def deidentified_pdf(canary: Intensive) -> bytes:
    return build_supervision_report(canary, ReportOptions(report_date=REPORT_DATE))


@pytest.fixture(scope="module")
def identified_pdf(canary: Intensive) -> bytes:
    return build_supervision_report(canary, ReportOptions(report_date=REPORT_DATE, identified=True))


def test_no_partner_name_in_any_page_text(deidentified_pdf: bytes) -> None:
    """No canary name or name part appears in the text of any page (two extractors)."""
    texts = [*page_texts(deidentified_pdf), pdfium_text(deidentified_pdf)]
    for text in texts:
        folded = unicodedata.normalize("NFC", text).casefold()
        for word in forbidden_words():
            assert word.casefold() not in folded, word


def test_no_partner_name_in_metadata_or_raw_bytes(deidentified_pdf: bytes) -> None:
    """Metadata (info and XMP) and every decompressed stream are free of names too."""
    for value in metadata_strings(deidentified_pdf):
        for word in forbidden_words():
            assert word.casefold() not in value.casefold(), (word, value)
    raw = decompressed_streams(deidentified_pdf)
    for word in forbidden_words():
        for encoding in ("utf-8", "utf-16-be", "latin-1"):
            try:
                needle = word.encode(encoding)
            except UnicodeEncodeError:
                continue
            assert needle not in raw, (word, encoding)


def test_pseudonyms_code_and_clinicians_are_shown(deidentified_pdf: bytes) -> None:
    """Partners read Partner A/B, the couple C-0007; trainee and supervisor keep their names."""
    text = " ".join(" ".join(page_texts(deidentified_pdf)).split())
    assert "Partner A & Partner B (code C-0007)" in text
    assert "Partner A's jaw tightened when Partner B spoke" in text
    assert "Riley Mendez, trainee" in text
    assert "Supervisor: Dr. Morgan Ashe" in text


def test_sections_of_the_supervision_report(deidentified_pdf: bytes) -> None:
    """Reflections, supervisor's comments and signature lines follow the summary parts."""
    text = " ".join(" ".join(page_texts(deidentified_pdf)).split())
    order = [
        "Supervision report",
        "Partner profiles",
        "Timeline across the intensive",
        "First day and last day compared",
        "Block notes",
        "Trainee's reflections",
        "Supervisor's comments",
        "Signatures",
    ]
    positions = [text.index(heading) for heading in order]
    assert positions == sorted(positions)
    assert "I noticed my pull to rescue Partner A." in text
    assert "De-identified: the partners appear as Partner A and Partner B" in text


def test_figures_are_those_of_the_deidentified_summary(
    deidentified_pdf: bytes, canary: Intensive
) -> None:
    """The headline and the tables use summarize_intensive(deidentify=True) on the copy."""
    text = " ".join(" ".join(page_texts(deidentified_pdf)).split())
    summary = summarize_intensive(deidentify_intensive(canary), deidentify=True)
    for partner in summary.partners.values():
        first, last = partner.days[1], partner.days[2]
        before = format_value(first.shares[Stance.SAME_AS], FigureUnit.SHARE)
        after = format_value(last.shares[Stance.SAME_AS], FigureUnit.SHARE)
        assert f"{partner.label}: same-as share rose from {before} to {after}" in text
        totals = [*partner.days.values(), partner.total]
        row = " ".join(str(f.observations) for f in totals)
        assert f"Observations {row}" in text


def test_metadata_of_the_deidentified_report(deidentified_pdf: bytes) -> None:
    """Title names the code; author is the trainee; keywords say de-identified."""
    meta = checked_metadata(
        deidentified_pdf,
        title="Crucible supervision report — C-0007",
        author="Riley Mendez, trainee",
    )
    assert "de-identified" in str(meta.get("/Keywords"))
    with pikepdf.open(io.BytesIO(deidentified_pdf)) as doc:
        assert str(doc.docinfo["/Title"]) == "Crucible supervision report — C-0007"


def test_identified_report_names_the_partners(identified_pdf: bytes) -> None:
    """identified=True turns de-identification off: names are in the text and charts."""
    text = " ".join(" ".join(page_texts(identified_pdf)).split())
    assert f"{CANARY_A} & {CANARY_B}" in text
    assert f"Partner A: {CANARY_A}" in text
    assert "Zephyrine's jaw tightened" in text
    keywords = str(pypdf.PdfReader(io.BytesIO(identified_pdf)).metadata.get("/Keywords"))  # type: ignore[union-attr]
    assert "identified" in keywords
    assert "de-identified" not in keywords


def test_every_page_has_ink(deidentified_pdf: bytes) -> None:
    """No page of the supervision report is blank, the comment page included."""
    pages = render_pages(deidentified_pdf)
    assert len(pages) > 5
    for number, image in enumerate(pages, 1):
        assert ink(image, (0.05, 0.1, 0.95, 0.9)) > 0.01, f"page {number} is blank"


def test_default_file_names() -> None:
    """De-identified names carry the code only; identified ones add surnames; both are safe."""
    intensive = _named("C-0007", "Dana Whitfield", "Sam Okafor")
    assert (
        default_file_name(intensive, "supervision", False, REPORT_DATE)
        == "C-0007-supervision-2026-11-25.pdf"
    )
    identified = default_file_name(intensive, "supervision", True, REPORT_DATE)
    assert identified == "C-0007-Whitfield-Okafor-supervision-2026-11-25.pdf"
    unsafe = _named("../C:7\\<x>\x00", "Ana de la Cruz", "Li / Wei")
    assert (
        default_file_name(unsafe, "summary", False, REPORT_DATE) == "C-7-x-summary-2026-11-25.pdf"
    )


_SAFE = re.compile(r"^[\w.-]+\.pdf$")


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=1, max_size=32), st.text(max_size=40), st.text(max_size=40), st.booleans())
def test_file_names_are_always_safe(code: str, name_a: str, name_b: str, identified: bool) -> None:
    """Any code or name gives a name without separators, control characters or leading dots."""
    name = default_file_name(_named(code, name_a, name_b), "supervision", identified, REPORT_DATE)
    assert _SAFE.match(name), name
    assert not name.startswith(".")
    assert len(name) <= 130
    if not identified:
        for part in (name_a + " " + name_b).split():
            if len(part) > 3 and part not in code:
                assert part not in name


def _named(code: str, name_a: str, name_b: str) -> Intensive:
    from dataclasses import replace

    from tests.reports.conftest import load_intensive

    base = load_intensive(
        {
            "format": "crucible.intensive/1",
            "couple": {
                "code": "C",
                "partners": [{"key": "A", "name": "A"}, {"key": "B", "name": "B"}],
            },
            "intensive": {
                "title": "t",
                "clinician": "c",
                "days": [{"day": 1, "date": "2026-11-02", "blocks": []}],
            },
        }
    )
    a, b = base.couple.partners
    return replace(base, couple=Couple(code, (replace(a, name=name_a), replace(b, name=name_b))))
