"""Right-to-left text for ReportLab: Arabic letter shaping and visual reordering, by libraries.

ReportLab draws characters in the order it is given them, left to right. Its
own right-to-left support needs ``rlbidi``, which is not on PyPI, so a Hebrew
or Arabic name would come out backwards and, for Arabic, as unjoined letters.
Two libraries do the work before the text reaches ReportLab (decision 0015):

* :func:`shape_arabic` is ``arabic-reshaper``: contextual forms (Presentation
  Forms A and B, which DejaVu Sans and Noto Sans Arabic carry as plain code
  points), configured to keep the harakat and to join only lam-alef, the one
  ligature every bundled font draws.
* :func:`visual_lines` is ``python-bidi``'s UAX #9 implementation in Python
  (``bidi.algorithm``): it resolves levels over a whole paragraph and reorders
  each line of it, mirroring brackets. Its faster Rust ``get_display`` does
  neither (one paragraph is one line, brackets are not mirrored), so it cannot
  be used here. One rule both leave out, L3, is kept below: a combining mark
  must follow its base letter, or ReportLab sets it over the wrong glyph.

Reordering is per line, as UAX #9 requires, so callers wrap first (in logical
order) and reorder the lines of a paragraph together afterwards.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Final

from arabic_reshaper import ArabicReshaper
from arabic_reshaper.ligatures import LIGATURES
from bidi import get_base_level
from bidi.algorithm import get_display

__all__ = ["base_is_rtl", "has_rtl", "shape_arabic", "visual_line", "visual_lines"]

_RESHAPER: Final = ArabicReshaper(
    configuration={
        # Harakat are part of what the clinician typed; they print over their letter.
        "delete_harakat": False,
        "support_ligatures": True,
        # Word ligatures (Allah, Salam, ...) have no glyph in DejaVu or Noto Sans
        # Arabic and would print as [U+FDF2]; lam-alef is in both.
        **{name: "LAM WITH ALEF" in name for name, _ in LIGATURES},
    }
)
_RTL_CLASSES: Final = ("R", "AL")
_LINE_BREAK: Final = "\n"


def has_rtl(text: str) -> bool:
    """Whether the text holds any right-to-left character (Hebrew, Arabic, ...)."""
    return any(unicodedata.bidirectional(c) in _RTL_CLASSES for c in text)


def base_is_rtl(text: str) -> bool:
    """Whether a paragraph reads right to left: its first strong character does (UAX #9 P2)."""
    return bool(text) and get_base_level(text) == 1


def shape_arabic(text: str) -> str:
    """Replace Arabic letters with their contextual presentation forms, in logical order."""
    if not any("\u0600" <= c <= "\u06ff" for c in text):
        return text
    return str(_RESHAPER.reshape(text))


def visual_lines(lines: Sequence[str], base_rtl: bool) -> list[str]:
    """Reorder the lines of one paragraph from logical into display order (UAX #9).

    Args:
        lines: The paragraph's lines, in logical order, already shaped; none
            holds a line feed.
        base_rtl: The paragraph's direction (:func:`base_is_rtl` of the whole paragraph).

    Returns:
        One string per line, in the order its characters should be drawn left
        to right. Levels are resolved over the whole paragraph, so a number
        wrapped onto the next line still belongs to the sentence it was typed in.
    """
    joined = _LINE_BREAK.join(lines)
    if not base_rtl and not has_rtl(joined):
        return list(lines)
    stand_ins = _stand_ins_for_unassigned(joined)
    for char, stand_in in stand_ins.items():
        joined = joined.replace(char, stand_in)
    visual = str(get_display(joined, base_dir="R" if base_rtl else "L"))
    for char, stand_in in stand_ins.items():
        visual = visual.replace(stand_in, char)
    return [_marks_after_base(line) for line in visual.split(_LINE_BREAK)]


def _stand_ins_for_unassigned(text: str) -> dict[str, str]:
    """A left-to-right private-use character for each unassigned code point in ``text``.

    python-bidi's algorithm stops on an assertion for a character without a
    bidi class (an unassigned code point, which the report shows as
    ``[U+XXXX]``). UAX #9 gives those class L, as private-use characters
    have, so each is swapped for a distinct one not in the text and back.
    """
    unassigned = sorted({c for c in text if not unicodedata.bidirectional(c)})
    if not unassigned:
        return {}
    free = (chr(code) for code in range(0xF0000, 0xFFFFE) if chr(code) not in text)
    return dict(zip(unassigned, free, strict=False))


def visual_line(line: str, base_rtl: bool) -> str:
    """One line that is a whole paragraph, in display order (see :func:`visual_lines`)."""
    return visual_lines([line], base_rtl)[0]


def _is_mark(char: str) -> bool:
    return unicodedata.category(char) in ("Mn", "Me")


def _rtl_script(mark: str) -> bool:
    """Hebrew points and Arabic harakat (and their presentation-form blocks)."""
    return "\u0590" <= mark <= "\u08ff" or "\ufb1d" <= mark <= "\ufefc"


def _marks_after_base(visual: str) -> str:
    """L3: in right-to-left runs, move combining marks back behind their base letter.

    Reversal puts a mark before its base; ReportLab draws a zero-width mark
    over the glyph drawn just before it, so the mark must follow the base. A
    mark run stands reversed when a right-to-left letter follows it and the
    marks are Hebrew or Arabic (only ever on such letters), or no
    left-to-right letter (their own base, unreversed) precedes them.
    """
    out: list[str] = []
    i = 0
    while i < len(visual):
        if not _is_mark(visual[i]):
            out.append(visual[i])
            i += 1
            continue
        j = i
        while j < len(visual) and _is_mark(visual[j]):
            j += 1
        marks = visual[i:j]
        before = unicodedata.bidirectional(visual[i - 1]) if i else ""
        after = unicodedata.bidirectional(visual[j]) if j < len(visual) else ""
        if after in _RTL_CLASSES and (_rtl_script(marks[0]) or before != "L"):
            out.extend((visual[j], marks[::-1]))  # back in their typed order
            i = j + 1
        else:
            out.append(marks)
            i = j
    return "".join(out)
