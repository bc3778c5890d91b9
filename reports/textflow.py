"""User text to ReportLab flowables: escaped, font-fallback, right-to-left aware, bounded.

Every string a clinician typed goes through here before it reaches a
Paragraph, for four reasons:

* Markup safety: ``&``, ``<`` and ``>`` in a note must print, not be parsed.
* Glyphs: each run is set in a font that has it (:mod:`reports.fonts`).
* Direction: a paragraph containing Hebrew or Arabic is shaped, wrapped in
  logical order here (the available width is known), and each line is
  reordered for display (:mod:`reports.bidi`); its lines are joined with
  ``<br/>`` so ReportLab does not re-wrap them out of order.
* Size: a note may hold a megabyte of text. Paragraphs are split at blank
  lines and line breaks, and very long ones are cut at spaces into pieces
  of a few thousand characters, so ReportLab never lays out one enormous
  paragraph (splitting that across hundreds of pages is quadratic).
"""

from __future__ import annotations

import re

from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Spacer

from crucible.reports.bidi import base_is_rtl, has_rtl, shape_arabic, visual_line, visual_lines
from crucible.reports.fonts import BODY_FONT, markup, runs_width

__all__ = ["MAX_PIECE_CHARS", "inline", "text_flowables", "text_paragraph"]

MAX_PIECE_CHARS = 3000
"""Longest run of text handed to one Paragraph; longer text is cut at a space."""

_SAFETY = 0.97  # wrap a little short of the frame, so ReportLab never re-wraps


def inline(text: str, base: str = BODY_FONT) -> str:
    """Markup for a short one-line string (a name, a label, a sentence of the report's own).

    The whole string is treated as one line: shaped, reordered if it holds
    right-to-left text, escaped and given font switches. The line is read
    left to right, because these strings are English sentences of the
    report with names embedded ("דנה כהן: same-as share rose ..."); a
    right-to-left name inside still reads right to left.
    """
    flat = " ".join(text.split())
    if has_rtl(flat):
        flat = visual_line(shape_arabic(flat), False)
    return markup(flat, base)


def _pieces(text: str, limit: int = MAX_PIECE_CHARS) -> list[str]:
    """Cut a long line at whitespace into pieces of at most about ``limit`` characters."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    start = 0
    while len(text) - start > limit:
        cut = text.rfind(" ", start + limit // 2, start + limit)
        if cut <= start:
            cut = start + limit
        pieces.append(text[start:cut])
        start = cut + 1 if text[cut : cut + 1] == " " else cut
    pieces.append(text[start:])
    return pieces


def _wrap_logical(text: str, width: float, size: float, font: str) -> list[tuple[int, int]]:
    """Greedy word wrap in logical order; returns ``(start, end)`` of each line in ``text``.

    Words are measured in their fallback fonts. The space at a break is left
    out of both lines; a single word wider than the line is cut by characters.
    """
    lines: list[tuple[int, int]] = []
    start = 0
    end = 0  # end of the last word that fits on the current line
    for match in re.finditer(r"[^ ]+", text):
        if end > start and runs_width(text[start : match.end()], size, font) > width:
            lines.append((start, end))
            start = match.start()
        end = match.end()
    lines.append((start, max(end, start)))
    out: list[tuple[int, int]] = []
    for line_start, line_end in lines:
        while (
            line_end - line_start > 1 and runs_width(text[line_start:line_end], size, font) > width
        ):
            cut = line_end - 1
            while cut > line_start + 1 and runs_width(text[line_start:cut], size, font) > width:
                cut -= 1
            out.append((line_start, cut))
            line_start = cut
        out.append((line_start, line_end))
    return out


def text_paragraph(text: str, style: ParagraphStyle, width: float) -> Paragraph:
    """One paragraph of user text (no line breaks in it) as a Paragraph.

    Args:
        text: The text, in logical order.
        style: Its style; the font and size are used for wrapping RTL text.
        width: The width the paragraph will be laid out in, in points.
    """
    font = str(style.fontName)
    if not has_rtl(text):
        return Paragraph(markup(text, font), style)
    rtl = base_is_rtl(text)
    shaped = shape_arabic(text)
    lines = _wrap_logical(shaped, width * _SAFETY, float(style.fontSize), font)
    visual = visual_lines([shaped[a:b] for a, b in lines], rtl)
    body = "<br/>".join(markup(line, font) for line in visual)
    aligned = ParagraphStyle(
        f"{style.name}-{'rtl' if rtl else 'ltr'}",
        parent=style,
        alignment=TA_RIGHT if rtl else TA_LEFT,
    )
    return Paragraph(body, aligned)


def text_flowables(
    text: str, style: ParagraphStyle, width: float, gap: float = 4.0
) -> list[Flowable]:
    """Free text as flowables: one per line, a gap at blank lines, long lines cut.

    Args:
        text: Any amount of user text; a newline breaks the line, blank lines
            separate paragraphs.
        style: Paragraph style for the text.
        width: Available width in points (for right-to-left wrapping).
        gap: Space in points for each blank line.

    Returns:
        Flowables in order; empty for empty or blank text.
    """
    flowables: list[Flowable] = []
    blank_run = False
    for raw_line in re.split(r"\r\n|\r|\n|\u2028|\u2029", text.strip("\n")):
        line = raw_line.replace("\t", "    ").rstrip()
        if not line.strip():
            if flowables and not blank_run:
                flowables.append(Spacer(1, gap))
            blank_run = True
            continue
        blank_run = False
        flowables.extend(text_paragraph(piece, style, width) for piece in _pieces(line))
    return flowables
