"""Fonts, fallback, right-to-left order and Arabic shaping: names in any script print correctly."""

from __future__ import annotations

import io
import itertools
import unicodedata
from dataclasses import replace
from datetime import date
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
import reportlab
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import ttfonts
from reportlab.platypus import Paragraph

import crucible.reports.fonts as fonts_module
from crucible.app.domain.intensive import Intensive, NoteSection
from crucible.reports import ReportOptions, build_summary_report, build_supervision_report
from crucible.reports.bidi import base_is_rtl, shape_arabic, visual_line, visual_lines
from crucible.reports.fonts import (
    BODY_FONT,
    BOLD_FONT,
    cmap_fix_applies,
    font_runs,
    has_glyph,
    markup,
    register_fonts,
)
from crucible.reports.textflow import text_flowables
from tests.reports.conftest import page_texts, with_names

FONTS = Path(__file__).resolve().parents[2] / "resources" / "fonts"
HEBREW = "דנה כהן"
ARABIC = "سارة أحمد"
NAMES = {
    "greek": "Ελένη Παπαδοπούλου",
    "cyrillic": "Анна Павлова",
    "accented": "José Álvarez-Núñez",
    "emoji": "Zoë 🌟 Star",
}


def test_bundled_fonts_and_licences_are_there_and_small() -> None:
    """Every font ships with its licence, and the payload stays under 3 MB."""
    fonts = sorted(FONTS.glob("*.ttf"))
    assert {f.name for f in fonts} >= {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf"}
    assert sum(f.stat().st_size for f in fonts) < 3 * 1024 * 1024
    licences = {f.name for f in FONTS.glob("LICENSE*")}
    assert {"LICENSE-DejaVu.txt", "LICENSE-Noto-OFL.txt", "LICENSE-Symbola.txt"} <= licences


def test_registration_is_idempotent() -> None:
    """Registering twice is harmless (the builders call it every time)."""
    register_fonts()
    register_fonts()
    assert has_glyph(BODY_FONT, "A")


@pytest.mark.parametrize(
    "sample",
    [*NAMES.values(), HEBREW, shape_arabic(ARABIC), "שָׁלוֹם", "پژوهش گروه"],
)
def test_covered_scripts_need_no_placeholder(sample: str) -> None:
    """Latin, Greek, Cyrillic, Hebrew (with points), Arabic, Persian and emoji all have glyphs."""
    runs = font_runs(shape_arabic(sample))
    assert "".join(r.text for r in runs) == shape_arabic(sample)
    assert "[U+" not in "".join(r.text for r in runs)


def test_emoji_falls_back_to_the_symbol_font() -> None:
    """An emoji DejaVu lacks is set in the symbol font, in its own run."""
    runs = font_runs("Zoë 🌟 Star")
    assert [r.font for r in runs] == [BODY_FONT, "CrucibleSymbols", BODY_FONT]
    assert runs[1].text == "🌟"


def test_bold_text_falls_back_to_regular_then_symbols() -> None:
    """Bold headings keep bold where it exists and fall back glyph by glyph."""
    runs = font_runs("Partner A 🌟", BOLD_FONT)
    assert runs[0].font == BOLD_FONT
    assert runs[-1].font == "CrucibleSymbols"


def test_uncovered_characters_become_visible_code_points() -> None:
    """A Han name does not turn into empty boxes: each character is named by code point."""
    text = "".join(r.text for r in font_runs("李明"))
    assert text == "[U+674E][U+660E]"


def test_markup_escapes_user_text() -> None:
    """&, < and > are escaped so that user text never becomes markup."""
    assert markup("a < b & c > d") == "a &lt; b &amp; c &gt; d"
    assert markup("<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=120))
def test_any_text_makes_a_valid_paragraph(text: str) -> None:
    """Arbitrary Unicode, markup characters included, lays out without an error."""
    style = ParagraphStyle("t", fontName=BODY_FONT, fontSize=9, leading=12)
    for flowable in text_flowables(text, style, 300):
        flowable.wrap(300, 1000)
    Paragraph(markup(text), style).wrap(300, 1000)


# ------------------------------------------------------------------ bidi and shaping


def test_arabic_letters_take_contextual_forms() -> None:
    """سارة أحمد: initial, final and isolated forms; lam-alef becomes one ligature."""
    assert shape_arabic("سارة") == "\ufeb3\ufe8e\ufead\ufe93"
    assert shape_arabic("أحمد") == "\ufe83\ufea3\ufee4\ufeaa"
    assert shape_arabic("سلام") == "\ufeb3\ufefc\ufee1"
    assert unicodedata.normalize("NFKC", shape_arabic(ARABIC)) == ARABIC


@pytest.mark.parametrize(
    ("logical", "visual"),
    [
        ("Dana and דנה כהן met", "Dana and ןהכ הנד met"),
        ("שלום (דנה) 123 abc!", "!abc 123 (הנד) םולש"),
        ("Sam said: אני 25 שנים.", "Sam said: םינש 25 ינא."),
        ("plain text", "plain text"),
    ],
)
def test_visual_order_of_mixed_lines(logical: str, visual: str) -> None:
    """Right-to-left runs are reversed, numbers keep their order, brackets mirror."""
    assert visual_line(logical, base_is_rtl(logical)) == visual


def test_arabic_shaping_keeps_harakat_and_joins_only_lam_alef() -> None:
    """Vowel marks typed by the clinician survive; the word ligature Allah has no glyph, so no."""
    shaped = shape_arabic("مُحَمَّد")
    assert all(mark in shaped for mark in "\u064f\u064e\u0651")
    assert "\ufdf2" not in shape_arabic("الله")
    assert "\ufefb" in shape_arabic("لا")


@pytest.mark.parametrize(
    ("logical", "visual"),
    [
        ("חדר 12 with Dana", "with Dana 12 רדח"),
        ("Room 12: דנה 3 פעמים, then Sam 4", "Room 12: םימעפ 3 הנד, then Sam 4"),
        ("Note: 10:30-11:45 (דנה)", "Note: 10:30-11:45 (הנד)"),
    ],
)
def test_mixed_line_with_numbers(logical: str, visual: str) -> None:
    """Numbers keep their digit order beside either script, in either paragraph direction."""
    assert visual_line(logical, base_is_rtl(logical)) == visual


def test_levels_are_resolved_over_the_paragraph_not_the_line() -> None:
    """A number wrapped onto the next line still belongs to the Hebrew sentence before it."""
    first, second = "Note: דנה בשעה", "10:30 הלכה"
    assert visual_lines([first, second], False) == ["Note: העשב הנד", "הכלה 10:30"]
    # Reordered alone, the line would read left to right from the number.
    assert visual_line(second, False) == "10:30 הכלה"


@pytest.mark.parametrize(
    ("logical", "visual"),
    [
        ("שָׁלוֹם", "םוֹלשָׁ"),
        ("a וֹ", "a וֹ"),
        ("e\u0301ש", "e\u0301ש"),
        ("ש\u0301 a", "a ש\u0301"),
        ("مُحَمَّد", None),
    ],
)
def test_marks_follow_their_base_letter(logical: str, visual: str | None) -> None:
    """Hebrew points and Arabic harakat stay after their letter once the word is reversed."""
    shaped = shape_arabic(logical)
    drawn = visual_line(shaped, base_is_rtl(logical))
    if visual is not None:
        assert drawn == visual
    for index, char in enumerate(drawn):
        if unicodedata.category(char) == "Mn":
            base = next(c for c in reversed(drawn[:index]) if unicodedata.category(c) != "Mn")
            assert (unicodedata.bidirectional(base) == "L") == (base == "e"), (drawn, index)


def _drawn_x(pdf: bytes, logical: str) -> list[float]:
    """Left edge of each character of ``logical``, in logical order, where it is first drawn.

    pdfium's text layer runs the bidi algorithm and maps presentation forms
    back to letters, so it finds a right-to-left name in its typed order;
    the character boxes then tell where each letter was actually drawn.
    """
    document = pdfium.PdfDocument(pdf)
    try:
        for index in range(len(document)):
            textpage = document[index].get_textpage()
            found = textpage.search(logical).get_next()
            if found is not None:
                start, count = found
                return [textpage.get_charbox(start + i)[0] for i in range(count)]
    finally:
        document.close()
    raise AssertionError(f"{logical!r} not found")


@pytest.fixture(scope="module")
def rtl_pdf(sample: Intensive) -> bytes:
    renamed = with_names(sample, HEBREW, ARABIC)
    block = renamed.days[0].blocks[0]
    note = replace(
        block.note,
        sections=(NoteSection("Names", f"Today {HEBREW} met {ARABIC} and {NAMES['emoji']}."),),
    )
    day = replace(renamed.days[0], blocks=(replace(block, note=note),))
    return build_summary_report(replace(renamed, days=(day, *renamed.days[1:])), ReportOptions())


def _reads_right_to_left(xs: list[float]) -> bool:
    """Letters in typed order stand ever further left (spaces are skipped by pdfium)."""
    return all(a > b for a, b in itertools.pairwise(xs))


def test_hebrew_name_is_drawn_right_to_left(rtl_pdf: bytes) -> None:
    """The first letter of the Hebrew name is drawn rightmost, the last leftmost."""
    xs = _drawn_x(rtl_pdf, HEBREW)
    assert _reads_right_to_left([x for x, c in zip(xs, HEBREW, strict=True) if c != " "])
    # pypdf undoes the reordering too: the name extracts as typed.
    assert HEBREW in " ".join(page_texts(rtl_pdf))


def test_arabic_name_is_shaped_and_drawn_right_to_left(rtl_pdf: bytes) -> None:
    """The Arabic name is drawn in joined forms, right to left."""
    xs = _drawn_x(rtl_pdf, ARABIC)
    assert _reads_right_to_left([x for x, c in zip(xs, ARABIC, strict=True) if c != " "])
    text = " ".join(page_texts(rtl_pdf))
    assert ARABIC in unicodedata.normalize("NFKC", text)
    # Drawn as presentation forms (joined letters), not as bare letters.
    assert shape_arabic("سارة") in text
    assert "سارة" not in text


def test_emoji_extracts_as_the_emoji(rtl_pdf: bytes) -> None:
    """An emoji outside the BMP is searchable: its ToUnicode entry is a surrogate pair."""
    assert NAMES["emoji"] in " ".join(page_texts(rtl_pdf))


def test_other_scripts_extract_as_typed(sample: Intensive) -> None:
    """Greek, Cyrillic, accented Latin and emoji names survive into the extracted text."""
    for name in NAMES.values():
        pdf = build_summary_report(with_names(sample, name, "Sam Okafor"), ReportOptions())
        text = unicodedata.normalize("NFC", " ".join(page_texts(pdf)))
        assert name in text, name
        assert "[U+" not in text


def test_emoji_font_is_embedded_when_used(rtl_pdf: bytes) -> None:
    """The symbol font is embedded (as a subset) only because an emoji needed it."""
    with pikepdf.open(io.BytesIO(rtl_pdf)) as pdf:
        names = {
            str(font.get("/BaseFont", ""))
            for page in pdf.pages
            for font in (page.Resources.get("/Font") or {}).values()
        }
    assert any("Symbola" in n or "Symbols" in n or "Crucible" in n for n in names)


def test_supervision_report_with_names_in_every_script(sample: Intensive) -> None:
    """De-identifying names in any script works end to end; none survives in the text."""
    for name in [*NAMES.values(), HEBREW, ARABIC]:
        pdf = build_supervision_report(
            with_names(sample, name, "Sam Okafor"), ReportOptions(report_date=date(2026, 1, 1))
        )
        text = unicodedata.normalize("NFKC", " ".join(page_texts(pdf)))
        for part in name.split():
            if part != "🌟":
                assert part not in text, part
                assert part[::-1] not in text, part


def test_unassigned_code_points_survive_reordering() -> None:
    """A character without a bidi class keeps its place; the report names it [U+XXXX]."""
    unassigned = "\U0009191d"
    assert visual_line(f"a{unassigned} דנה", False) == f"a{unassigned} הנד"
    assert visual_line(f"דנה {unassigned}", True) == f"{unassigned} הנד"


def test_explicit_embedding_in_a_note_is_honoured() -> None:
    """A note pasted with a right-to-left embedding (U+202B ... U+202C) reads as written."""
    note = "he wrote \u202bשלום abc 12\u202c today"
    assert visual_line(note, False) == "he wrote abc 12 םולש today"


def _original_cmap_is_broken() -> bool:
    """Whether the installed ReportLab writes U+1F31F as the odd-length ``<1F31F>``."""
    original = fonts_module._ORIGINAL_CMAP("F", [0x41, 0x1F31F])
    return "<1F31F>" in original


def test_cmap_fix_range_matches_the_installed_reportlab() -> None:
    """The fix is applied exactly when the installed ReportLab still has the bug it fixes."""
    assert cmap_fix_applies() == _original_cmap_is_broken(), (
        f"ReportLab {reportlab.Version}: update CMAP_FIX_VERSIONS in reports/fonts.py"
    )
    register_fonts()
    installed = ttfonts.makeToUnicodeCMap is fonts_module._to_unicode_cmap
    assert installed == cmap_fix_applies()


@pytest.mark.parametrize(
    ("version", "applies"),
    [("4.1.9", False), ("4.2.0", True), ("5.1.0", True), ("5.1.7", True), ("5.2.0", False)],
)
def test_cmap_fix_version_range(version: str, applies: bool) -> None:
    """The guard reads major.minor and holds the range it names."""
    assert cmap_fix_applies(version) is applies
