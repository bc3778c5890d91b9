"""Fonts for the reports: embedded Unicode TrueType fonts and a per-character fallback.

Client names and quotes come in any script, and the PDF must show each
character rather than an empty box. The base font is DejaVu Sans (Latin,
Greek, Cyrillic, Hebrew, Arabic including its presentation forms); Noto
Sans Arabic and Noto Sans Hebrew fill rare gaps in those scripts, and a
subset of Symbola supplies monochrome emoji (ReportLab cannot draw colour
bitmap emoji). :func:`font_runs` splits text into runs, each in the first
font that has every glyph of the run; ReportLab's Paragraph switches fonts
per run with ``<font name=...>`` markup (:func:`markup`), and charts draw
one string per run (:func:`measure_runs`).

A character no bundled font covers (for example Han or Devanagari) is shown
as ``[U+XXXX]``: honest and legible, where the font's empty ``.notdef``
glyph would silently hide a letter of someone's name. Invisible format
characters nobody draws (variation selectors, joiners) are dropped.
See docs/fonts.md for coverage and licences.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from crucible.app.domain.resource_files import resource

__all__ = [
    "BODY_FONT",
    "BOLD_FONT",
    "CMAP_FIX_VERSIONS",
    "FontRun",
    "cmap_fix_applies",
    "font_runs",
    "has_glyph",
    "markup",
    "measure_runs",
    "register_fonts",
    "runs_width",
]

BODY_FONT = "CrucibleSans"
"""Regular text face (DejaVu Sans)."""
BOLD_FONT = "CrucibleSans-Bold"
"""Bold text face (DejaVu Sans Bold)."""

_FILES = {
    BODY_FONT: "DejaVuSans.ttf",
    BOLD_FONT: "DejaVuSans-Bold.ttf",
    "CrucibleArabic": "NotoSansArabic-Regular.ttf",
    "CrucibleHebrew": "NotoSansHebrew-Regular.ttf",
    "CrucibleSymbols": "SymbolaEmoji-Subset.ttf",
}
_FALLBACKS = ("CrucibleArabic", "CrucibleHebrew", "CrucibleSymbols")
_KEEP_WHEN_MISSING = "\n\t "


@dataclass(frozen=True, slots=True)
class FontRun:
    """A stretch of text drawn in one font."""

    font: str
    text: str


def _font_folder() -> Traversable:
    """The bundled fonts folder (see app.domain.resource_files)."""
    return resource("fonts")


def _to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """ReportLab's ToUnicode CMap, with code points above U+FFFF written as UTF-16.

    ReportLab 5 writes ``<%04X>``, so an emoji such as U+1F31F becomes the
    odd-length ``<1F31F>``, which readers reject: the emoji then cannot be
    searched, copied or read aloud. The PDF specification wants UTF-16BE,
    i.e. a surrogate pair (``<D83CDF1F>``).
    """
    lines = _ORIGINAL_CMAP(fontname, subset).split("\n")
    fixed: list[str] = []
    for line in lines:
        parts = line.split(" ")
        if len(parts) == 2 and parts[0].startswith("<") and len(parts[1]) > 6:
            code = int(parts[1][1:-1], 16)
            utf16 = chr(code).encode("utf-16-be").hex().upper()
            line = f"{parts[0]} <{utf16}>"
        fixed.append(line)
    return "\n".join(fixed)


_ORIGINAL_CMAP = ttfonts.makeToUnicodeCMap

# The CMap fix rewrites the text of ReportLab's CMap and replaces a module
# function ReportLab looks up at call time: both are internals. It was written
# against ReportLab 4.2 to 5.1, whose writer has the bug; a later release may
# fix it (the fix would then be wrong to apply) or change the format. So it is
# applied only in this range, and tests/reports/test_fonts.py fails when the
# installed ReportLab falls outside it while still having the bug, or inside
# it without the bug: widen or drop the range then, after checking the source.
CMAP_FIX_VERSIONS = ((4, 2), (5, 2))
"""ReportLab versions ``[low, high)`` whose ToUnicode CMap writer gets the fix."""


def cmap_fix_applies(version: str = reportlab.Version) -> bool:
    """Whether the CMap fix is for this ReportLab version (see CMAP_FIX_VERSIONS)."""
    parts = tuple(int(p) for p in version.split(".")[:2] if p.isdigit())
    low, high = CMAP_FIX_VERSIONS
    return low <= parts < high


@functools.cache
def register_fonts() -> None:
    """Register the bundled fonts with ReportLab once per process.

    The fonts ship as package data under ``resources/fonts`` and are read
    with :mod:`importlib.resources`, so an installed app finds them too.
    Registration also installs :func:`_to_unicode_cmap` in place of
    ReportLab's CMap writer, fixing text extraction of emoji (the only
    change is for code points above U+FFFF), on the ReportLab versions
    that need it (:data:`CMAP_FIX_VERSIONS`).
    """
    if cmap_fix_applies():
        ttfonts.makeToUnicodeCMap = _to_unicode_cmap
    folder = _font_folder()
    for name, file_name in _FILES.items():
        with resources.as_file(folder.joinpath(file_name)) as path:
            pdfmetrics.registerFont(TTFont(name, str(path)))
    # <b> inside a Paragraph in the body face switches to the bold face.
    for bold, italic, face in ((0, 0, BODY_FONT), (1, 0, BOLD_FONT), (0, 1, BODY_FONT)):
        addMapping(BODY_FONT, bold, italic, face)
    addMapping(BODY_FONT, 1, 1, BOLD_FONT)


@functools.cache
def _coverage(font: str) -> frozenset[int]:
    """Code points with a glyph in the font, read from its cmap."""
    register_fonts()
    face = pdfmetrics.getFont(font).face
    return frozenset(face.charToGlyph)


def has_glyph(font: str, char: str) -> bool:
    """Whether the registered font draws this character."""
    return ord(char) in _coverage(font)


def _chain(base: str) -> tuple[str, ...]:
    """Fonts to try, in order, for text whose style asks for ``base``."""
    if base == BOLD_FONT:
        return (BOLD_FONT, BODY_FONT, *_FALLBACKS)
    return (BODY_FONT, *_FALLBACKS) if base == BODY_FONT else (base, BODY_FONT, *_FALLBACKS)


@functools.lru_cache(maxsize=4096)
def _pick(char: str, base: str) -> str | None:
    """The first font in the chain that draws ``char``; None if none does."""
    for font in _chain(base):
        if has_glyph(font, char):
            return font
    return None


def _attaches(char: str) -> bool:
    """Marks and joiners belong with the preceding character's font."""
    return unicodedata.category(char) in ("Mn", "Me", "Mc") or char in "\u200d\ufe0e\ufe0f"


def font_runs(text: str, base: str = BODY_FONT) -> list[FontRun]:
    """Split text into runs, each drawn in the first font that has its glyphs.

    Args:
        text: Display-ready text (already shaped and in visual order).
        base: The font the surrounding style uses.

    Returns:
        Runs in order; uncovered characters become ``[U+XXXX]`` in the base
        font, and invisible formatting characters nobody draws are dropped.
    """
    register_fonts()
    runs: list[FontRun] = []
    current_font = base
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            runs.append(FontRun(current_font, "".join(buffer)))
            buffer.clear()

    for char in text:
        if char in _KEEP_WHEN_MISSING:
            # Spaces stay in the current run if its font has them (fewer font
            # switches); the emoji subset has no space, so they go back to base.
            keep = buffer and has_glyph(current_font, char)
            font: str | None = current_font if keep else base
        elif _attaches(char) and buffer and has_glyph(current_font, char):
            font = current_font
        else:
            font = _pick(char, base)
        if font is None:
            if unicodedata.category(char) in ("Cf", "Mn", "Me", "Cc", "Cs", "Co", "Cn", "Zl"):
                continue
            font, char = base, f"[U+{ord(char):04X}]"
        if font != current_font:
            flush()
            current_font = font
        buffer.append(char)
    flush()
    return runs


def markup(text: str, base: str = BODY_FONT) -> str:
    """Paragraph markup for display-ready text: XML-escaped, with font switches.

    Every character of user text is escaped (``&``, ``<``, ``>``), so a note
    containing "<b>" or "&" prints literally and cannot break the markup.
    """
    parts: list[str] = []
    for run in font_runs(text, base):
        escaped = escape(run.text, {'"': "&quot;"})
        parts.append(escaped if run.font == base else f'<font name="{run.font}">{escaped}</font>')
    return "".join(parts)


def measure_runs(text: str, size: float, base: str = BODY_FONT) -> list[tuple[FontRun, float]]:
    """Runs with their drawn widths at ``size`` points, for charts that place strings."""
    return [
        (run, pdfmetrics.stringWidth(run.text, run.font, size)) for run in font_runs(text, base)
    ]


def runs_width(text: str, size: float, base: str = BODY_FONT) -> float:
    """Width of display-ready text at ``size`` points, across font switches."""
    return sum(width for _, width in measure_runs(text, size, base))
