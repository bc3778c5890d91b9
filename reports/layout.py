"""The page frame every report shares: header, "Confidential" footer with "Page N of M", metadata.

"Page N of M" needs the page count before any page is final, so the canvas
keeps each page's state and draws the header and footer on all of them when
the document is saved (the standard ReportLab numbered-canvas technique).
The PDF is built into memory and returned as bytes: nothing touches disk, so
an unencrypted copy of clinical text never exists as a file.

Headings never stand alone at the foot of a page. Heading styles carry
ReportLab's ``keepWithNext`` (:mod:`reports.styles`), and the document groups
each run of such paragraphs with the flowable after it into
:class:`HeadingsWithNext`: one mechanism for every heading of every report.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.pdfgen import canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, KeepTogether, PageTemplate
from reportlab.platypus.doctemplate import FrameBreak

from crucible.app.domain.release import version
from crucible.reports.fonts import BODY_FONT, BOLD_FONT, register_fonts
from crucible.reports.styles import MARGIN, MUTED, PAPER, RULE

__all__ = ["DocumentMeta", "HeadingsWithNext", "frame_width", "render_pdf"]

_HEADER_GAP = 10.0
_FUZZ = 1e-6


class HeadingsWithNext(KeepTogether):  # type: ignore[misc]
    """Headings and the flowable after them: the headings go where that flowable can start.

    ReportLab builds one of these for every run of ``keepWithNext`` flowables
    plus the flowable that follows (the document's ``keepTogetherClass``).
    Unlike a plain KeepTogether, the whole group need not fit on the page:
    the headings need only the *start* of what follows under them (the first
    lines of a paragraph, the header and first row of a table). So a long
    table or note still begins right under its heading, and a heading never
    ends a page. At the top of a frame nothing better is possible and the
    content flows as it is.
    """

    def split(self, aW: float, aH: float) -> list[Flowable]:
        """Lay the group out here if its start fits, else move it whole to the next frame."""
        content = list(self._content)
        frame = getattr(self, "_frame", None)
        at_top = bool(frame is not None and getattr(frame, "_atTop", False))
        if at_top or self._start_fits(content, aW, aH):
            return content
        return [FrameBreak(), *content]

    def _start_fits(self, content: list[Flowable], aW: float, aH: float) -> bool:
        """Whether the headings and the first piece of the last flowable fit in ``aH``.

        Spaces follow the frame's rule: between two flowables, the larger of
        the first's spaceAfter and the second's spaceBefore (the frame has
        already taken the group's own spaceBefore out of ``aH``).
        """
        *heads, following = content
        used, after = 0.0, 0.0
        for index, head in enumerate(heads):
            _, height = head.wrapOn(self.canv, aW, aH)
            gap = max(after, head.getSpaceBefore()) if index else 0.0
            used += gap + height
            after = head.getSpaceAfter()
        room = aH - used - max(after, following.getSpaceBefore())
        if room <= 0:
            return False
        _, height = following.wrapOn(self.canv, aW, room)
        if height <= room + _FUZZ:
            return True
        pieces = following.splitOn(self.canv, aW, room)
        if not pieces or isinstance(pieces[0], KeepTogether):
            return False  # cannot start here (or would only move itself on)
        _, first = pieces[0].wrapOn(self.canv, aW, room)
        return bool(0 < first <= room + _FUZZ)


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    """What the page frame and the PDF's document information show.

    Attributes:
        title: PDF title, e.g. "Crucible intensive summary — C-0007".
        author: PDF author (the clinician, or the trainee).
        subject: PDF subject line.
        keywords: PDF keywords.
        header_left: Left of the running header (report kind and couple code).
        report_date: Printed at the right of the header.
    """

    title: str
    author: str
    subject: str
    keywords: tuple[str, ...]
    header_left: str
    report_date: date


def frame_width(paper: str) -> float:
    """Width of the text frame on this paper, for charts and right-to-left wrapping."""
    return float(PAPER[paper][0] - 2 * MARGIN)


def _canvas_class(meta: DocumentMeta) -> type[Any]:
    """A canvas class that stamps this document's header and footer on every page."""

    class NumberedCanvas(canvas.Canvas):  # type: ignore[misc]
        """Defers page output until the total page count is known."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._stamp(number, total)
                super().showPage()
            super().save()

        def _stamp(self, number: int, total: int) -> None:
            width, height = self._pagesize
            top = height - MARGIN + _HEADER_GAP
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN, top - 4, width - MARGIN, top - 4)
            self.line(MARGIN, MARGIN - 12, width - MARGIN, MARGIN - 12)
            self.setFillColor(MUTED)
            self.setFont(BODY_FONT, 8)
            self.drawString(MARGIN, top, meta.header_left)
            self.drawRightString(width - MARGIN, top, f"Report date {meta.report_date:%d %b %Y}")
            self.setFont(BOLD_FONT, 8)
            self.drawString(MARGIN, MARGIN - 24, "Confidential")
            self.setFont(BODY_FONT, 8)
            self.drawString(
                MARGIN + 58, MARGIN - 24, "· protected health information; do not forward"
            )
            self.drawRightString(width - MARGIN, MARGIN - 24, f"Page {number} of {total}")
            self.restoreState()

    return NumberedCanvas


def render_pdf(story: Sequence[Flowable], meta: DocumentMeta, paper: str) -> bytes:
    """Lay out the story on the shared page frame and return the PDF bytes.

    Args:
        story: The flowables, in order.
        meta: Header text and document information.
        paper: ``"letter"`` or ``"a4"``.
    """
    register_fonts()
    buffer = io.BytesIO()
    page_w, page_h = PAPER[paper]
    doc = BaseDocTemplate(
        buffer,
        pagesize=(page_w, page_h),
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 8,
        bottomMargin=MARGIN,
        title=meta.title,
        author=meta.author,
        subject=meta.subject,
        keywords=list(meta.keywords),
        creator=f"Crucible {version()}",  # which release made it, for every report
        producer="Crucible (ReportLab)",
        keepTogetherClass=HeadingsWithNext,
    )
    frame = Frame(
        doc.leftMargin,
        doc.bottomMargin,
        doc.width,
        doc.height,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(list(story), canvasmaker=_canvas_class(meta))
    return buffer.getvalue()
