r"""Printing vault text on a terminal without letting it drive the terminal.

A title holding ESC [2J clears the screen; ESC ] 0 ; ... BEL retitles the
window; C1 code U+009B is a CSI on some terminals; a bidi override makes
the rest of the line read backwards; a line break forges a row of `crucible
list`. Import refuses all of these in one-line fields now, but older vaults
and untrusted backup manifests may still hold them, so every value the
command prints goes through one of these helpers: control characters come
out as visible escapes, like Python's repr (`\x1b`, `\n`, `\u202e`).
"""

from __future__ import annotations

import unicodedata

from crucible.app.domain.text_rules import BIDI_CONTROLS

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


def _needs_escape(ch: str) -> bool:
    return ch in BIDI_CONTROLS or unicodedata.category(ch) in _ESCAPED_CATEGORIES


def _escape(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: str) -> str:
    """One value on one line: every control character shown as an escape, tabs and breaks too."""
    if text.isprintable():  # the common case, in C
        return text
    return "".join(_escape(ch) if _needs_escape(ch) else ch for ch in text)


def lines_for_terminal(text: str) -> str:
    """Several lines of output (a table): the line breaks stay, everything else is escaped."""
    return "\n".join(for_terminal(line) for line in text.split("\n"))


def json_for_terminal(text: str) -> str:
    r"""JSON output with the characters `json.dumps(ensure_ascii=False)` leaves raw as \u escapes.

    In JSON text these characters can only sit inside strings, where a
    \uXXXX escape means the same character: the document parses to equal
    values, and the terminal sees only ASCII escapes.
    """
    if text.isprintable():
        return text
    return "".join(f"\\u{ord(ch):04x}" if ch != "\n" and _needs_escape(ch) else ch for ch in text)


__all__ = ["for_terminal", "json_for_terminal", "lines_for_terminal"]
