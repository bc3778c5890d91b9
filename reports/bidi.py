"""Right-to-left text for ReportLab: Arabic letter shaping and visual reordering.

ReportLab draws characters in the order it is given them, left to right, and
without ``uharfbuzz`` and ``rlbidi`` (not dependencies of Crucible) it neither
reorders right-to-left runs nor joins Arabic letters. A Hebrew or Arabic
name, or a note written in either language, would come out backwards and,
for Arabic, as a row of unjoined letters. This module does the two steps
itself, before the text reaches ReportLab:

* :func:`shape_arabic` replaces Arabic letters with their contextual forms
  (isolated, initial, medial, final; Presentation Forms A and B) and the
  lam-alef ligatures, which DejaVu Sans and Noto Sans Arabic carry as plain
  code points. Letters without presentation forms stay unjoined.
* :func:`visual_line` reorders one *line* into display order with a reduced
  form of the Unicode Bidirectional Algorithm (UAX #9): strong types, weak
  number rules W1-W7, neutral rules N1-N2, levels I1-I2, reordering L1-L2
  and bracket mirroring L4. Explicit embeddings and isolates are not
  modelled; LRM/RLM/ALM count as strong characters and are then dropped.
  That is exact for names and for ordinary mixed sentences.

Reordering is per line, as UAX #9 requires, so callers wrap first (in
logical order) and reorder each line afterwards.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Final

__all__ = ["base_is_rtl", "has_rtl", "paragraph_levels", "shape_arabic", "visual_line"]

# Arabic letter -> (first presentation form, number of forms). Forms are
# consecutive: isolated, final, then (dual-joining letters only) initial, medial.
_FORMS_B_COUNTS: Final = (
    ("\u0621", 1),
    *((chr(c), 2) for c in range(0x0622, 0x0626)),
    ("\u0626", 4),
    ("\u0627", 2),
    ("\u0628", 4),
    ("\u0629", 2),
    *((chr(c), 4) for c in range(0x062A, 0x062F)),
    *((chr(c), 2) for c in range(0x062F, 0x0633)),
    *((chr(c), 4) for c in range(0x0633, 0x063B)),
    *((chr(c), 4) for c in range(0x0641, 0x0648)),
    ("\u0648", 2),
    ("\u0649", 2),
    ("\u064a", 4),
)


def _forms_table() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    code = 0xFE80
    for letter, count in _FORMS_B_COUNTS:
        table[letter] = tuple(chr(code + i) for i in range(count))
        code += count
    # Persian and Urdu letters, from Presentation Forms A.
    for letter, first, count in (
        ("\u067e", 0xFB56, 4),
        ("\u0686", 0xFB7A, 4),
        ("\u0698", 0xFB8A, 2),
        ("\u06a9", 0xFB8E, 4),
        ("\u06af", 0xFB92, 4),
        ("\u06cc", 0xFBFC, 4),
    ):
        table[letter] = tuple(chr(first + i) for i in range(count))
    return table


_FORMS: Final = _forms_table()
_TATWEEL: Final = "\u0640"
_LAM: Final = "\u0644"
_LAM_ALEF: Final = {"\u0622": "\ufef5", "\u0623": "\ufef7", "\u0625": "\ufef9", "\u0627": "\ufefb"}
_MIRROR: Final = dict(zip("()[]{}<>«»‹›", ")(][}{><»«›‹", strict=True))
_STRONG_MARKS: Final = {"\u200e": "L", "\u200f": "R", "\u061c": "R"}


def has_rtl(text: str) -> bool:
    """Whether the text holds any right-to-left character (Hebrew, Arabic, ...)."""
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def base_is_rtl(text: str) -> bool:
    """Whether a paragraph reads right to left: its first strong character does (UAX #9 P2)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return False


def _is_transparent(char: str) -> bool:
    """Marks (harakat) do not break or take part in joining."""
    return unicodedata.category(char) in ("Mn", "Me") or char == "\u200c"


def _joins_forward(char: str) -> bool:
    """Whether a letter connects to the letter after it (dual-joining or tatweel)."""
    return char == _TATWEEL or len(_FORMS.get(char, ())) == 4


def _joins_back(char: str) -> bool:
    """Whether a letter can connect to the letter before it."""
    return char == _TATWEEL or len(_FORMS.get(char, ())) >= 2


def _neighbour(text: str, index: int, step: int) -> str:
    """The nearest non-transparent character before (-1) or after (+1) ``index``."""
    index += step
    while 0 <= index < len(text) and _is_transparent(text[index]):
        if text[index] == "\u200c":  # zero-width non-joiner: stops joining
            return ""
        index += step
    return text[index] if 0 <= index < len(text) else ""


def shape_arabic(text: str) -> str:
    """Replace Arabic letters with their contextual presentation forms, in logical order.

    Args:
        text: Any text; non-Arabic characters pass through.

    Returns:
        The text with joined Arabic letters (same logical order).
    """
    if not any("\u0600" <= c <= "\u06ff" for c in text):
        return text
    out: list[str] = []
    skip = False
    for i, char in enumerate(text):
        if skip:
            skip = False
            continue
        previous = _neighbour(text, i, -1)
        joined_before = bool(previous) and _joins_forward(previous)
        following = _neighbour(text, i, +1)
        if char == _LAM and following in _LAM_ALEF and text[i + 1 : i + 2] == following:
            ligature = _LAM_ALEF[following]
            out.append(chr(ord(ligature) + 1) if joined_before else ligature)
            skip = True
            continue
        forms = _FORMS.get(char)
        if forms is None:
            out.append(char)
            continue
        before = joined_before and len(forms) >= 2
        after = len(forms) == 4 and bool(following) and _joins_back(following)
        if before and after:
            out.append(forms[3])
        elif after:
            out.append(forms[2])
        elif before:
            out.append(forms[1])
        else:
            out.append(forms[0])
    return "".join(out)


def _classes(line: str, base_rtl: bool) -> list[str]:
    """Resolve each character to L, R, EN/AN (numbers) or N (neutral): rules W1-W7."""
    raw: list[str] = []
    for char in line:
        kind = _STRONG_MARKS.get(char) or unicodedata.bidirectional(char)
        if kind == "AL":
            kind = "R"
        elif kind == "NSM":
            kind = raw[-1] if raw else ("R" if base_rtl else "L")
        raw.append(kind)
    # W4/W5: separators between numbers and terminators next to numbers join them.
    for i, kind in enumerate(raw):
        between_numbers = 0 < i < len(raw) - 1 and raw[i - 1] == raw[i + 1] in ("EN", "AN")
        if kind in ("ES", "CS") and between_numbers:
            raw[i] = raw[i - 1]
    for i, kind in enumerate(raw):
        if kind == "ET" and (
            (i > 0 and raw[i - 1] == "EN") or (i + 1 < len(raw) and raw[i + 1] == "EN")
        ):
            raw[i] = "EN"
    # W7: European numbers after a left-to-right context are left-to-right.
    last_strong = "R" if base_rtl else "L"
    resolved: list[str] = []
    for kind in raw:
        if kind in ("L", "R"):
            last_strong = kind
            resolved.append(kind)
        elif kind == "EN":
            resolved.append("L" if last_strong == "L" else "EN")
        elif kind == "AN":
            resolved.append("AN")
        else:
            resolved.append("N")
    return resolved


def _levels(resolved: list[str], base_rtl: bool) -> list[int]:
    """Resolve neutrals (N1-N2) and assign embedding levels (I1-I2)."""
    base = 1 if base_rtl else 0
    direction = ["R" if k in ("EN", "AN") else k for k in resolved]
    i = 0
    while i < len(direction):
        if direction[i] != "N":
            i += 1
            continue
        j = i
        while j < len(direction) and direction[j] == "N":
            j += 1
        before = direction[i - 1] if i > 0 else ("R" if base_rtl else "L")
        after = direction[j] if j < len(direction) else ("R" if base_rtl else "L")
        fill = before if before == after else ("R" if base_rtl else "L")
        for k in range(i, j):
            direction[k] = fill
        i = j
    levels: list[int] = []
    for kind, resolved_kind in zip(direction, resolved, strict=True):
        if base == 0:
            level = 2 if resolved_kind in ("EN", "AN") else (1 if kind == "R" else 0)
        else:
            level = 2 if kind == "L" or resolved_kind in ("EN", "AN") else 1
        levels.append(level)
    return levels


def paragraph_levels(paragraph: str, base_rtl: bool) -> list[int]:
    """Embedding level of every character of a paragraph (rules W1-W7, N1-N2, I1-I2).

    Levels are resolved over the whole paragraph, before it is broken into
    lines, as UAX #9 requires: a number that wraps to the next line still
    belongs to the right-to-left sentence it was typed in.
    """
    return _levels(_classes(paragraph, base_rtl), base_rtl)


def visual_line(line: str, base_rtl: bool, levels: Sequence[int] | None = None) -> str:
    """Reorder one line from logical into display order (UAX #9, reduced; see module doc).

    Args:
        line: One line of text, in logical order, already shaped.
        base_rtl: The paragraph's direction (:func:`base_is_rtl` of the whole paragraph).
        levels: This line's slice of :func:`paragraph_levels`; resolved from the
            line alone when omitted (right for a line that is a whole paragraph).

    Returns:
        The characters in the order they should be drawn left to right, with
        brackets mirrored inside right-to-left runs and directional marks removed.
    """
    if not line or (not base_rtl and not has_rtl(line) and levels is None):
        return line
    levels = list(levels) if levels is not None else paragraph_levels(line, base_rtl)
    # L1: whitespace at the end of the line goes back to the paragraph level.
    base = 1 if base_rtl else 0
    end = len(line)
    while end > 0 and line[end - 1].isspace():
        end -= 1
        levels[end] = base
    chars = [_MIRROR.get(c, c) if level % 2 else c for c, level in zip(line, levels, strict=True)]
    order = list(range(len(chars)))
    top = max(levels)
    lowest_odd = min((lv for lv in levels if lv % 2), default=top + 1)
    for level in range(top, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    visual = [k for k in order if chars[k] not in _STRONG_MARKS]
    return "".join(chars[k] for k in _marks_after_base(visual, line, levels))


def _marks_after_base(visual: list[int], line: str, levels: list[int]) -> list[int]:
    """L3: in right-to-left runs, move combining marks back behind their base letter.

    Reversal puts a mark before its base; ReportLab draws a zero-width mark
    over the glyph drawn just before it, so the mark must follow the base.
    """
    out: list[int] = []
    pending: list[int] = []
    for k in visual:
        if levels[k] % 2 and unicodedata.category(line[k]) in ("Mn", "Me"):
            pending.append(k)
            continue
        out.append(k)
        if pending:
            out.extend(reversed(pending))  # back in their typed order
            pending = []
    out.extend(reversed(pending))
    return out
