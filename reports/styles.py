"""Paper, colours and paragraph styles shared by every report.

One place for the look, so the summary and the supervision report (and the
charts inside them) use the same stance colours a clinician learns once:
warm amber for one-up, calm green for same-as, blue for one-down, and red
only for flips.
"""

from __future__ import annotations

from typing import Final, Literal

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from crucible.app.domain.vocabulary import STANCE_SHORT, Stance
from crucible.reports.fonts import BODY_FONT, BOLD_FONT, register_fonts

__all__ = [
    "FLIP_COLOUR",
    "GRID_COLOUR",
    "HEADER_FILL",
    "INK",
    "MARGIN",
    "MUTED",
    "PAPER",
    "RULE",
    "STANCE_COLOURS",
    "STANCE_SHORT",
    "TINT",
    "Styles",
    "make_styles",
]

Paper = Literal["letter", "a4"]

PAPER: Final[dict[str, tuple[float, float]]] = {"letter": LETTER, "a4": A4}
MARGIN: Final = 18 * mm
INK: Final = colors.HexColor("#1F2933")
MUTED: Final = colors.HexColor("#616E7C")
RULE: Final = colors.HexColor("#CBD2D9")
TINT: Final = colors.HexColor("#F0F4F8")
GRID_COLOUR: Final = colors.HexColor("#E4E7EB")
FLIP_COLOUR: Final = colors.HexColor("#D62828")
HEADER_FILL: Final = colors.HexColor("#334E68")
STANCE_COLOURS: Final = {
    Stance.ONE_UP: colors.HexColor("#E08E2B"),
    Stance.SAME_AS: colors.HexColor("#3A9D7A"),
    Stance.ONE_DOWN: colors.HexColor("#4A6FB5"),
}


class Styles:
    """The paragraph styles of a report, built once per document.

    Every heading style (and the status line under a block's heading) has
    ``keepWithNext``: :mod:`reports.layout` keeps such paragraphs on the
    same page as the start of what follows them, so no heading is ever left
    alone at the foot of a page. Follow a heading with its content, not with
    a Spacer or a conditional page break (use the style's spaceAfter).
    """

    def __init__(self) -> None:
        register_fonts()
        base = ParagraphStyle(
            "Body", fontName=BODY_FONT, fontSize=9.5, leading=13, textColor=INK, spaceAfter=0
        )
        self.body = base
        self.note = ParagraphStyle("Note", parent=base, fontSize=9, leading=12.5)
        self.small = ParagraphStyle("Small", parent=base, fontSize=8, leading=10.5, textColor=MUTED)
        self.cell = ParagraphStyle("Cell", parent=base, fontSize=8.5, leading=11)
        self.cell_bold = ParagraphStyle("CellBold", parent=self.cell, fontName=BOLD_FONT)
        self.cell_head = ParagraphStyle(
            "CellHead", parent=self.cell, fontName=BOLD_FONT, textColor=colors.white
        )
        self.cell_head_right = ParagraphStyle(
            "CellHeadRight", parent=self.cell_head, alignment=TA_RIGHT
        )
        self.cell_head_centre = ParagraphStyle(
            "CellHeadCentre", parent=self.cell_head, alignment=TA_CENTER
        )
        self.title = ParagraphStyle(
            "Title",
            parent=base,
            fontName=BOLD_FONT,
            fontSize=22,
            leading=27,
            spaceAfter=6,
            keepWithNext=1,
        )
        self.subtitle = ParagraphStyle(
            "Subtitle",
            parent=base,
            fontSize=12.5,
            leading=16,
            textColor=MUTED,
            spaceAfter=14,
            keepWithNext=1,
        )
        self.h1 = ParagraphStyle(
            "H1",
            parent=base,
            fontName=BOLD_FONT,
            fontSize=15,
            leading=19,
            spaceBefore=14,
            spaceAfter=8,
            keepWithNext=1,
        )
        self.h2 = ParagraphStyle(
            "H2",
            parent=base,
            fontName=BOLD_FONT,
            fontSize=12,
            leading=15,
            spaceBefore=10,
            spaceAfter=5,
            keepWithNext=1,
        )
        self.h3 = ParagraphStyle(
            "H3",
            parent=base,
            fontName=BOLD_FONT,
            fontSize=10,
            leading=13,
            spaceBefore=7,
            spaceAfter=3,
            keepWithNext=1,
        )
        self.note_heading = ParagraphStyle(
            "NoteHeading", parent=self.cell_bold, keepWithNext=1
        )  # a section title inside a block note
        self.headline = ParagraphStyle(
            "Headline", parent=base, fontSize=10.5, leading=15, leftIndent=10, bulletIndent=0
        )
        self.status = ParagraphStyle(
            "Status",
            parent=base,
            fontSize=8.5,
            leading=11,
            textColor=MUTED,
            spaceAfter=3,
            keepWithNext=1,
        )


def make_styles() -> Styles:
    """Return the report styles (fonts registered)."""
    return Styles()
