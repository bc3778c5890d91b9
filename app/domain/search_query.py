"""What a clinician types into search, turned into a safe FTS5 query (pure Python).

The rules (docs/decisions/0018-search-index.md):

- words are ANDed; each is sent as a quoted FTS5 string, so `AND`, `OR`,
  `NEAR`, `title:`, `*`, `^`, brackets and any other punctuation typed by
  the user are text, never syntax;
- "double-quoted phrases" stay phrases (an unclosed quote runs to the end);
- a leading `-` excludes a word or a phrase (`-"not this"`), as FTS5 `NOT`;
- the last word or phrase, when the text does not end in a space, is a
  prefix (`"fath"*`), so results come while typing; excluded terms never are,
  nor a last word of one letter (`f*` would merge the index entries of
  every word starting with f, the slowest query there is, to find nothing
  the clinician means);
- text with no positive term (empty, only punctuation, only exclusions)
  gives None: there is nothing to look for.

A query holding Chinese or Japanese characters cannot use the word index
(unicode61 keeps a run of such characters as one token); `has_cjk` tells the
store to look for each term as a substring instead.

Also here: the filters and the hit of a search, plain values shared by the
store, the service and the UI.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

MATCH_START = "\x02"  # snippets wrap matched words in these; the UI highlights, the CLI brackets
MATCH_END = "\x03"


@dataclass(frozen=True, slots=True)
class Term:
    """One word or phrase of a query, as typed (without its quotes or `-`)."""

    text: str
    phrase: bool = False
    prefix: bool = False
    excluded: bool = False


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A parsed query with at least one positive term."""

    terms: tuple[Term, ...]

    @property
    def included(self) -> tuple[Term, ...]:
        """The terms to look for."""
        return tuple(term for term in self.terms if not term.excluded)

    @property
    def excluded(self) -> tuple[Term, ...]:
        """The terms a hit must not hold."""
        return tuple(term for term in self.terms if term.excluded)

    @property
    def has_cjk(self) -> bool:
        """Whether any term holds a character the word index cannot split (Han, kana)."""
        return any(is_cjk(ch) for term in self.terms for ch in term.text)

    def match_expression(self) -> str:
        """The FTS5 MATCH expression: quoted strings only, joined by AND and NOT."""
        positive = " AND ".join(_quoted(term) for term in self.included)
        expression = f"({positive})"
        for term in self.excluded:
            expression += f" NOT {_quoted(term)}"
        return expression


def _quoted(term: Term) -> str:
    quoted = '"' + term.text.replace('"', '""') + '"'
    return quoted + "*" if term.prefix else quoted


def is_cjk(ch: str) -> bool:
    """Han ideographs, kana and CJK punctuation-free symbols written without spaces."""
    code = ord(ch)
    return (
        0x3040 <= code <= 0x30FF  # hiragana, katakana
        or 0x3400 <= code <= 0x4DBF  # CJK extension A
        or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0x20000 <= code <= 0x3FFFF  # extensions B and later
    )


def _has_word(text: str) -> bool:
    """Whether the text holds a letter or a digit: something the tokenizer keeps."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def _clean(text: str) -> str:
    """Control characters, lone surrogates and unassigned code points become spaces."""
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Cs", "Cn") else ch for ch in text)


def _split(text: str) -> list[tuple[str, bool, bool]]:
    """(text, phrase, excluded) for each word or quoted phrase, in order."""
    pieces: list[tuple[str, bool, bool]] = []
    index, length = 0, len(text)
    while index < length:
        if text[index].isspace():
            index += 1
            continue
        excluded = False
        if text[index] == "-" and index + 1 < length and not text[index + 1].isspace():
            excluded = True
            index += 1
        if text[index] == '"':
            close = text.find('"', index + 1)
            end = length if close < 0 else close
            pieces.append((text[index + 1 : end], True, excluded))
            index = end + 1
            continue
        start = index
        while index < length and not text[index].isspace() and text[index] != '"':
            index += 1
        pieces.append((text[start:index], False, excluded))
    return pieces


MIN_PREFIX_CHARS = 2


def _long_enough(piece: str) -> bool:
    """Whether the last word of a piece is long enough to be looked for as a prefix."""
    words = piece.split()
    return bool(words) and len(words[-1]) >= MIN_PREFIX_CHARS


def parse_query(typed: str) -> SearchQuery | None:
    """Parse what was typed; None when there is nothing to search for."""
    text = _clean(typed)
    still_typing = bool(text) and not text[-1].isspace() and not _ends_closed_phrase(text)
    terms: list[Term] = []
    pieces = _split(text)
    for position, (piece, phrase, excluded) in enumerate(pieces):
        if not _has_word(piece):
            continue
        last = position == len(pieces) - 1
        prefix = last and still_typing and not excluded and _long_enough(piece)
        terms.append(Term(" ".join(piece.split()), phrase, prefix, excluded))
    if not any(not term.excluded for term in terms):
        return None
    return SearchQuery(tuple(terms))


def _ends_closed_phrase(text: str) -> bool:
    """Whether the text ends with the closing quote of a phrase (an even count of quotes)."""
    return text.endswith('"') and text.count('"') % 2 == 0


def match_expression(typed: str) -> str | None:
    """The FTS5 MATCH expression for what was typed, or None when there is nothing to find."""
    query = parse_query(typed)
    return None if query is None else query.match_expression()


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """What narrows a search; the defaults narrow nothing but archived intensives."""

    couple_code: str | None = None
    date_from: date | None = None  # the intensive's day dates (the block's day) on or after
    date_to: date | None = None
    partner: str | None = None  # "A" or "B": observations of that partner only
    stance: str | None = None  # a Stance value: observations only
    signed: bool | None = None  # note sections (and, if True, addenda) of signed/draft notes
    include_archived: bool = False


class HitKind(StrEnum):
    """Where a hit was found."""

    NOTE = "note"
    ADDENDUM = "addendum"
    REFLECTIONS = "reflections"
    OBSERVATION = "observation"
    BLOCK_TITLE = "block-title"
    COUPLE = "couple"
    PARTNER = "partner"
    INTENSIVE_TITLE = "intensive-title"


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One place a query matched, with enough context to show and open it."""

    kind: HitKind
    intensive_id: int
    intensive_title: str
    couple_code: str
    day_number: int | None  # 1-based day of the intensive, where the hit is inside a block
    block_id: int | None
    block_title: str | None
    partner: str | None  # "A"/"B" for an observation or a partner's name
    observation_id: int | None
    section_title: str | None  # for a note section
    field: str  # which column matched: "quote", "text", "reason", "title", ...
    snippet: str  # matched words wrapped in MATCH_START / MATCH_END
    rank: float  # bm25: lower is better


__all__ = [
    "MATCH_END",
    "MATCH_START",
    "HitKind",
    "SearchFilters",
    "SearchHit",
    "SearchQuery",
    "Term",
    "is_cjk",
    "match_expression",
    "parse_query",
]
