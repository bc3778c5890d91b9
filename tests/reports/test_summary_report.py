"""The intensive summary: real figures, headings, notes, metadata and ink on every page."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import numpy
import pypdf
import pypdfium2 as pdfium
import pytest

from crucible.app.domain.analytics import FigureUnit, summarize_intensive
from crucible.app.domain.intensive import Intensive, NoteSection
from crucible.app.domain.summary_format import format_value
from crucible.app.domain.vocabulary import PartnerKey, Stance, Strategy
from crucible.reports import ReportOptions, build_summary_report, default_file_name
from crucible.reports.charts import TIMELINE_HEIGHT
from crucible.reports.notes import note_content_hash
from tests.reports.conftest import (
    checked_metadata,
    ink,
    metadata_strings,
    page_texts,
    render_pages,
)


def flat(pdf: bytes) -> str:
    """All page text with whitespace collapsed, so table rows read as one line."""
    return " ".join(" ".join(page_texts(pdf)).split())


@pytest.fixture(scope="module")
def summary_pdf(sample: Intensive) -> bytes:
    return build_summary_report(sample, ReportOptions(report_date=date(2026, 11, 25)))


def test_headings_and_cover_facts_are_present(summary_pdf: bytes, sample: Intensive) -> None:
    """Cover (couple, dates, clinician) and every section heading are in the text."""
    text = flat(summary_pdf)
    for heading in (
        "Intensive summary",
        "At a glance",
        "Partner profiles",
        "Timeline across the intensive",
        "First day and last day compared",
        "Block notes",
        "Signatures",
    ):
        assert heading in text
    assert "Dana Whitfield & Sam Okafor (code C-0007)" in text
    assert "Mon 2 Nov 2026 – Tue 3 Nov 2026 (2 days)" in text
    assert sample.clinician in text
    assert "Clinician: Jordan Reyes, LMFT" in text


def test_figures_match_the_analytics(summary_pdf: bytes, sample: Intensive) -> None:
    """Each partner's shares, flips and intensities by day are printed as the analytics say."""
    text = flat(summary_pdf)
    summary = summarize_intensive(sample)
    for partner in summary.partners.values():
        columns = [*partner.days.values(), partner.total]
        same_as = " ".join(
            format_value(f.shares[Stance.SAME_AS], FigureUnit.SHARE) for f in columns
        )
        assert f"Same-as share {same_as}" in text
        flips = " ".join(str(f.flips_up) for f in columns)
        assert f"Flips up (shame to grandiosity) {flips}" in text
        rate = " ".join(format_value(f.flips_per_hour, FigureUnit.RATE) for f in columns)
        assert f"Flips per joint hour {rate}" in text
        mean = " ".join(format_value(f.mean_intensity, FigureUnit.INTENSITY) for f in columns)
        assert f"Mean intensity {mean}" in text
        retaliation = " ".join(str(f.strategies[Strategy.RETALIATION]) for f in columns)
        assert f"Retaliation {retaliation}" in text


def test_headline_says_in_words_whether_same_as_grew(summary_pdf: bytes, sample: Intensive) -> None:
    """The day-over-day headline names the same-as share on the first and last day."""
    text = flat(summary_pdf)
    summary = summarize_intensive(sample)
    for key in PartnerKey:
        partner = summary.partners[key]
        first, last = partner.days[1], partner.days[2]
        before = format_value(first.shares[Stance.SAME_AS], FigureUnit.SHARE)
        after = format_value(last.shares[Stance.SAME_AS], FigureUnit.SHARE)
        verb = "rose" if last.shares[Stance.SAME_AS] > first.shares[Stance.SAME_AS] else "fell"
        assert f"{partner.label}: same-as share {verb} from {before} to {after}" in text
        assert partner.change is not None


def test_notes_show_signature_status_and_addenda(summary_pdf: bytes, sample: Intensive) -> None:
    """Signed notes name signer, time and hash; drafts say so; addenda keep reason and text."""
    text = flat(summary_pdf)
    signed = sample.days[0].blocks[0]
    digest = note_content_hash(signed.note)[:16]
    assert f"Signed by Jordan Reyes, LMFT on Mon 2 Nov 2026, 12:30, content hash {digest}…" in text
    assert "Unsigned draft" in text
    assert "Addendum, Tue 3 Nov 2026, 11:30, by Jordan Reyes, LMFT. Reason: late detail" in text
    assert "Partner B added context the next morning." in text
    titles = [b.title for d in sample.days for b in d.blocks]
    positions = [text.index(t) for t in titles]
    assert positions == sorted(positions), "block notes are in day and block order"


def test_metadata_names_the_code_not_the_partners(summary_pdf: bytes) -> None:
    """Title, author, subject, keywords and creator are set; no partner name in them."""
    meta = checked_metadata(
        summary_pdf, title="Crucible intensive summary — C-0007", author="Jordan Reyes, LMFT"
    )
    assert "C-0007" in str(meta.subject)
    assert "C-0007" in str(meta.get("/Keywords"))
    assert not any("Dana" in s or "Okafor" in s for s in metadata_strings(summary_pdf))


def test_every_page_has_ink_and_header_footer(summary_pdf: bytes) -> None:
    """No page is blank; every page carries the code, the date, Confidential and Page N of M."""
    texts = page_texts(summary_pdf)
    for number, (image, text) in enumerate(zip(render_pages(summary_pdf), texts, strict=True), 1):
        assert ink(image, (0.05, 0.1, 0.95, 0.9)) > 0.01, f"page {number} is blank"
        assert "C-0007" in text
        assert "Report date 25 Nov 2026" in text
        assert "Confidential" in text
        assert f"Page {number} of {len(texts)}" in text


def test_timeline_region_is_drawn_in_stance_colours(summary_pdf: bytes) -> None:
    """Below the timeline heading there is a chart: ink, the stance colours and red flip rings."""
    document = pdfium.PdfDocument(summary_pdf)
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            found = textpage.search("Timeline across the intensive").get_next()
            if found is None:
                continue
            _, top_of_heading = textpage.get_charbox(found[0])[1], textpage.get_charbox(found[0])[3]
            height = page.get_height()
            scale = 1.0
            image = page.render(scale=scale).to_pil().convert("RGB")
            top = int((height - top_of_heading) * scale) + 40
            bottom = min(image.height, top + int(TIMELINE_HEIGHT * scale))
            region = image.crop((0, top, image.width, bottom))
            break
        else:
            pytest.fail("no timeline page")
    finally:
        document.close()
    pixels = numpy.asarray(region, dtype=numpy.int32).reshape(-1, 3)
    assert (pixels.min(axis=1) < 235).mean() > 0.08

    def near(colour: tuple[int, int, int]) -> int:
        return int((numpy.abs(pixels - numpy.array(colour)).sum(axis=1) < 60).sum())

    assert near((0xE0, 0x8E, 0x2B)) > 50  # one-up amber
    assert near((0x3A, 0x9D, 0x7A)) > 50  # same-as green
    assert near((0x4A, 0x6F, 0xB5)) > 50  # one-down blue
    assert near((0xD6, 0x28, 0x28)) > 20  # flip rings


def test_a4_and_letter_paper(sample: Intensive) -> None:
    """The paper option sets the page size (Letter by default)."""
    for paper, size in (("letter", (612, 792)), ("a4", (595, 842))):
        pdf = build_summary_report(sample, ReportOptions(paper=paper, report_date=date(2026, 1, 1)))  # type: ignore[arg-type]
        box = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == size


def test_single_day_intensive_says_there_is_no_comparison(sample: Intensive) -> None:
    """One day: no change table, and the report says why."""
    one_day = replace(sample, days=sample.days[:1])
    text = flat(build_summary_report(one_day, ReportOptions(report_date=date(2026, 11, 25))))
    assert "Single-day intensive: no day-over-day comparison." in text
    assert "single-day intensive: no day-over-day comparison" in text  # per-partner headline


def test_partner_without_observations_and_empty_notes(sample: Intensive) -> None:
    """A partner never observed gets an empty lane and n/a shares; empty notes are labelled."""
    day = sample.days[0]
    blocks = tuple(
        replace(
            b,
            observations=tuple(o for o in b.observations if o.partner is PartnerKey.A),
            note=replace(b.note, sections=(), signed_at=None, signed_by=None, addenda=()),
        )
        for b in day.blocks
    )
    quiet = replace(sample, days=(replace(day, blocks=blocks),))
    pdf = build_summary_report(quiet, ReportOptions(report_date=date(2026, 11, 25)))
    text = flat(pdf)
    assert "No observations of this partner" in text
    assert "Same-as share n/a n/a" in text
    assert "No note was written for this block." in text
    assert all(ink(page) > 0.01 for page in render_pages(pdf))


def test_markup_characters_in_user_text_print_literally(sample: Intensive) -> None:
    """&, < and > typed into a note are escaped, never parsed as Paragraph markup."""
    block = sample.days[0].blocks[0]
    nasty = 'She said <b>"never"</b> & left; <font name="x">a < b > c</font> &amp; <br/>'
    note = replace(block.note, sections=(NoteSection("Quote & <context>", nasty),))
    day = replace(sample.days[0], blocks=(replace(block, note=note),))
    text = flat(build_summary_report(replace(sample, days=(day,)), ReportOptions()))
    assert " ".join(nasty.split()) in text
    assert "Quote & <context>" in text


def test_a_megabyte_note_builds_and_keeps_its_end(sample: Intensive) -> None:
    """A 1 MB note (one enormous paragraph and many lines) is laid out to its last word."""
    block = sample.days[0].blocks[0]
    huge = ("Long line about the session & its <details>. " * 14000) + "\n\n"
    huge += "\n".join(f"line {i} of the second part" for i in range(16000)) + "\nTHE-VERY-END"
    assert len(huge) > 1_000_000
    note = replace(block.note, sections=(NoteSection("Everything", huge),))
    day = replace(sample.days[0], blocks=(replace(block, note=note),))
    pdf = build_summary_report(replace(sample, days=(day,)), ReportOptions())
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) > 100
    assert any("THE-VERY-END" in (page.extract_text() or "") for page in pages[-3:])


def test_default_file_name_for_the_summary(sample: Intensive) -> None:
    """The identified summary's file name carries the surnames; it is still a safe name."""
    name = default_file_name(sample, "summary", True, date(2026, 11, 25))
    assert name == "C-0007-Whitfield-Okafor-summary-2026-11-25.pdf"
