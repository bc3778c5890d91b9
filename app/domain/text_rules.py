"""What a one-line field may hold: a couple code, a name, a title.

These fields end up on one line of a terminal (`crucible list`), a window
title, a table cell and a PDF heading. A line break there splits a row; an
escape sequence (ESC [2J) clears or recolours the clinician's terminal; a
bidi override (U+202E) makes a name read backwards. So one-line fields
refuse:

- control characters (Unicode category Cc: C0, DEL and C1, tab included),
- the line and paragraph separators U+2028 and U+2029,
- the bidi embedding, override and isolate controls (U+202A-U+202E,
  U+2066-U+2069); the plain direction marks (U+200E, U+200F, U+061C)
  and the joiners (U+200C, U+200D) stay allowed: right-to-left names,
  Indic scripts and emoji need them,
- unpaired surrogates, which are not text at all and cannot be stored.

Multi-line fields (notes, quotes, reflections) keep their line breaks and
tabs; only unpaired surrogates are refused there.
"""

from __future__ import annotations

import re
import unicodedata

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKING = frozenset({"Cc", "Zl", "Zp"})


_SURROGATE = re.compile("[\ud800-\udfff]")


def unpaired_surrogate(text: str) -> str | None:
    r"""The first unpaired surrogate in `text` (from a JSON escape like \ud800), if any.

    Answered in C, not by a loop over characters: every text field of an
    import passes here (a million and more for a big document).
    """
    if text.isascii():  # the common case
        return None
    found = _SURROGATE.search(text)
    return None if found is None else found.group()


def text_problem(text: str) -> str | None:
    """Why `text` cannot be stored as any text field, or None; the phrase follows a field name."""
    bad = unpaired_surrogate(text)
    if bad is not None:
        return f"is not valid text (an unpaired surrogate, U+{ord(bad):04X})"
    return None


def line_problem(text: str) -> str | None:
    """Why `text` cannot be a one-line field, or None; the phrase follows a field name.

    Example: ``f"The couple code {problem}."`` or ``f"couple.code: {problem}"``.
    """
    surrogate = text_problem(text)
    if surrogate is not None:
        return surrogate
    for ch in text:
        if ch in BIDI_CONTROLS:
            return f"must not contain a text-direction control (U+{ord(ch):04X})"
        if unicodedata.category(ch) in _LINE_BREAKING:
            return (
                "must not contain a control character such as a line break, a tab or "
                f"an escape code (U+{ord(ch):04X})"
            )
    return None


def is_blank(text: str) -> bool:
    """Whether `text` is empty or only whitespace (a code of spaces names nothing)."""
    return not text.strip()


__all__ = ["BIDI_CONTROLS", "is_blank", "line_problem", "text_problem", "unpaired_surrogate"]
