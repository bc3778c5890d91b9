"""Report layout: no heading ends a page, and signature lines follow the roles.

To force a heading to the foot of a page, the note just before it grows by
one-line paragraphs (12.5 pt each, the note style's leading). A first build
reads where the heading lands (pypdf's text positions); from that, the note
lengths that leave room for the heading but not for what follows it are
worked out, built, and read back: no page may end with a heading, and the
heading must open the next page with its content under it.
"""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pypdf
import pytest
from reportlab.lib.styles import ParagraphStyle

from crucible.app.domain.exchange import parse_intensive
from crucible.app.domain.intensive import BlockNote, Intensive, NoteSection
from crucible.reports import ReportOptions, build_summary_report, build_supervision_report
from crucible.reports.layout import HeadingsWithNext
from crucible.reports.styles import MARGIN, make_styles
from crucible.reports.summary_report import summary_story
from tests.reports.conftest import REPORT_DATE, page_texts

DATA = Path(__file__).resolve().parents[1] / "data"
OPTIONS = ReportOptions(report_date=REPORT_DATE)
DAY_2 = "Day 2 · Tuesday 3 November 2026"
REFLECTIONS = "Trainee's reflections"
SECTION = "What happened in the room"
HEADINGS = {
    "At a glance",
    "Partner profiles",
    "Share of observations in each stance",
    "Timeline across the intensive",
    "First day and last day compared",
    "Block notes",
    "Day 1 · Monday 2 November 2026",
    DAY_2,
    SECTION,
    "Moments logged with words",
    REFLECTIONS,
    "Supervisor's comments",
    "Signatures",
}
LINE = 12.5  # points per one-line paragraph of the note style


def _base() -> Intensive:
    """The hand-worked two-day intensive, supervised, with two paragraphs of reflections.

    Its observations carry no words, so no "moments" table sits between a
    day's note and the heading after it: the note's last line is right above.
    """
    intensive = parse_intensive(json.loads((DATA / "intensive-empty-day.json").read_text()))
    return replace(
        intensive,
        clinician="Riley Mendez",
        trainee="Riley Mendez",
        supervisor="Dr. Morgan Ashe",
        reflections="I noticed my pull to take sides early on. " * 8 + "\n\nThen I slowed down.",
    )


def _with_note_lines(intensive: Intensive, day: int, lines: int) -> Intensive:
    """The intensive with the given day's block note holding this many one-line paragraphs."""
    text = "\n".join(f"Line {n + 1} of the note, a plain sentence." for n in range(lines))
    note = BlockNote(sections=(NoteSection(SECTION, text),))
    days = tuple(
        replace(d, blocks=tuple(replace(b, note=note) for b in d.blocks)) if d.number == day else d
        for d in intensive.days
    )
    return replace(intensive, days=days)


def _build(day: int, lines: int) -> bytes:
    return build_supervision_report(_with_note_lines(_base(), day, lines), OPTIONS)


def _body_rows(pdf: bytes) -> list[list[str]]:
    """Text rows per page, the running header and footer (drawn last) cut off."""
    pages = []
    for text in page_texts(pdf):
        rows = [row.strip() for row in text.splitlines() if row.strip()]
        header = max(i for i, row in enumerate(rows) if row.startswith("Crucible · "))
        pages.append(rows[:header])
    return pages


def _baseline(pdf: bytes, text: str) -> float:
    """The y of the baseline of the first line containing `text`, in points from the bottom."""
    found: list[float] = []

    def visit(chunk: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text in chunk:
            found.append(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])

    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
        if found:
            return found[0]
    raise AssertionError(f"{text!r} not found")


def _lines_that_corner(heading: str, style: ParagraphStyle, day: int) -> list[int]:
    """Note lengths that leave room for the heading alone at the foot of its page.

    With one line of note, the heading's box bottom is its baseline minus
    (leading - font size); each further line lowers it by LINE. The heading
    alone fits until that bottom passes the frame's bottom margin; the two
    lengths just before are where, before the fix, it stood alone there.
    """
    bottom = _baseline(_build(day, 1), heading) - (style.leading - style.fontSize)
    last_fit = 1 + int((bottom - MARGIN) // LINE)
    return [last_fit - 1, last_fit]


def _is_heading(row: str) -> bool:
    return row in HEADINGS or row.startswith(("Partner A", "Partner B", "09:00–"))


@pytest.mark.parametrize(("heading", "level", "day"), [(DAY_2, "h2", 1), (REFLECTIONS, "h1", 2)])
def test_a_heading_pushed_to_the_foot_of_a_page_moves_with_its_content(
    heading: str, level: str, day: int
) -> None:
    """Where only the heading would fit, it opens the next page instead; no page ends with one."""
    for lines in _lines_that_corner(heading, getattr(make_styles(), level), day):
        pages = _body_rows(_build(day, lines))
        for number, rows in enumerate(pages, start=1):
            assert rows, f"page {number} is empty"
            assert not _is_heading(rows[-1]), f"{lines} lines: page {number} ends with {rows[-1]!r}"
        page = next(rows for rows in pages if heading in rows)
        assert page.index(heading) == 0, f"{lines} lines: {heading!r} does not open its page"
        assert not _is_heading(page[-1])


def test_headings_are_never_followed_by_bare_spacing() -> None:
    """The story gives every keep-with-next paragraph real content next, not a spacer.

    A Spacer or conditional page break after a heading would be what the
    heading keeps with, and the heading could again end a page.
    """
    from reportlab.platypus import CondPageBreak, PageBreak, Spacer

    from crucible.app.domain.analytics import summarize_intensive

    intensive = _with_note_lines(_base(), 1, 3)
    story = summary_story(
        intensive, summarize_intensive(intensive), OPTIONS, make_styles(), "Intensive summary"
    )
    kept = 0
    for flowable, following in itertools.pairwise(story):
        if flowable.getKeepWithNext():
            kept += 1
            assert not isinstance(following, (Spacer, CondPageBreak, PageBreak))
    assert kept > 10
    assert HeadingsWithNext.__mro__[1].__name__ == "KeepTogether"


def _signature_lines(pdf: bytes) -> list[str]:
    text = page_texts(pdf)[-1]
    block = text.split("Signatures", 1)[1]
    roles = ("Clinician", "Trainee", "Supervisor")
    return [row.strip() for row in block.splitlines() if row.strip().startswith(roles)]


@pytest.mark.parametrize(
    ("build", "supervised", "expected"),
    [
        (build_summary_report, True, ["Trainee: Riley Mendez", "Supervisor: Dr. Morgan Ashe"]),
        (build_supervision_report, True, ["Trainee: Riley Mendez", "Supervisor: Dr. Morgan Ashe"]),
        (build_summary_report, False, ["Clinician: Jordan Reyes, LMFT"]),
        (build_supervision_report, False, ["Clinician: Jordan Reyes, LMFT", "Supervisor"]),
    ],
)
def test_signature_lines_follow_the_roles(
    build: Callable[[Intensive, ReportOptions], bytes], supervised: bool, expected: list[str]
) -> None:
    """Supervised: trainee and supervisor, once each; unsupervised: the clinician alone.

    The supervision report of an unsupervised intensive adds a blank line for
    the supervisor it is written for.
    """
    if supervised:
        intensive = _base()
    else:
        intensive = replace(_base(), clinician="Jordan Reyes, LMFT", trainee=None, supervisor=None)
    lines = _signature_lines(build(intensive, OPTIONS))
    assert lines == expected
