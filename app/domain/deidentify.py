"""De-identify an intensive: the couple becomes its code, the partners "Partner A" and "Partner B".

A supervision report leaves the practice, so the partners' names must not
survive anywhere in it: not in the partner records and not in any free text
the clinician typed (block titles, note sections, addenda, observation
fields, the trainee's reflections, the intensive's title). The clinician,
trainee and supervisor keep their names: they are not clients, and a
supervisor must know whose work they are reading.

Names are matched as whole words, case-insensitively, after Unicode NFC
normalisation of both the names and the text, full name first and then each
part of it, longest first, in one left-to-right pass so that an inserted
pseudonym is never matched again. "Whole word" is decided per character with
Unicode categories (letters, digits, combining marks and ``_`` are word
characters), not with ASCII word boundaries, so accented, Greek, Cyrillic, Hebrew,
Arabic and Devanagari names are handled alike. Scripts written without spaces
(Han, kana, Hangul, Thai, Lao, Khmer, Myanmar, Tibetan) have no word
boundaries, and Hebrew and Arabic attach one-letter prefixes ("and", "to")
to the name; the matcher accepts those cases too, because a leaked name is
worse than an odd-looking sentence.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from crucible.app.domain.intensive import (
    Addendum,
    Block,
    BlockNote,
    Couple,
    Day,
    Intensive,
    NoteSection,
    Observation,
    Partner,
)
from crucible.app.domain.vocabulary import PartnerKey

__all__ = [
    "SHARED_NAME_PLACEHOLDER",
    "deidentify_intensive",
    "name_parts",
    "name_redactor",
    "pseudonym",
]

SHARED_NAME_PLACEHOLDER = "[name]"
"""Stands in for a name part both partners share (a common surname), which
cannot honestly be attributed to either of them."""

_NO_SPACE_SCRIPTS = (
    "CJK",
    "HIRAGANA",
    "KATAKANA",
    "HANGUL",
    "THAI",
    "LAO",
    "KHMER",
    "MYANMAR",
    "TIBETAN",
    "IDEOGRAPHIC",
)
_HEBREW_PREFIXES = frozenset("ובכלמשה")
_ARABIC_PREFIXES = frozenset("وفبلك")
_APOSTROPHES = "'’"


def pseudonym(key: PartnerKey) -> str:
    """Return the name a de-identified report uses for a partner."""
    return f"Partner {key.value}"


def _is_word_char(char: str) -> bool:
    """Whether a character continues a word (letters, digits, marks, ``_``, ZWNJ/ZWJ)."""
    if char in "_\u200c\u200d":
        return True
    return unicodedata.category(char)[0] in "LNM"


def _needs_boundary(char: str) -> bool:
    """Whether a name edge in this character's script is delimited by spaces at all."""
    name = unicodedata.name(char, "")
    return not name.startswith(_NO_SPACE_SCRIPTS)


def name_parts(name: str) -> tuple[str, ...]:
    """Split a name into the parts that identify someone on their own.

    Whitespace separates parts; hyphenated and apostrophe-joined parts
    ("Mary-Jane", "O'Neil") also contribute their pieces. Punctuation at
    the edges ("J.", "(Sam)") is dropped. A single cased letter (an
    initial) is skipped: as a whole word it would also match ordinary words
    such as "a" and "I" and wreck the text, while alone it identifies no one.

    Args:
        name: A partner's name, any script.

    Returns:
        The distinct parts, longest first.
    """
    parts: set[str] = set()
    for raw in unicodedata.normalize("NFC", name).split():
        for piece in (raw, *re.split(r"[-‐'’]", raw)):
            trimmed = _strip_non_word(piece)
            if not trimmed:
                continue
            if len(trimmed) == 1 and trimmed.lower() != trimmed.upper():
                continue
            parts.add(trimmed)
    return tuple(sorted(parts, key=lambda p: (-len(p), p)))


def _strip_non_word(text: str) -> str:
    """Trim characters that are not word characters from both ends."""
    start, end = 0, len(text)
    while start < end and not _is_word_char(text[start]):
        start += 1
    while end > start and not _is_word_char(text[end - 1]):
        end -= 1
    return text[start:end]


@dataclass(frozen=True, slots=True)
class _Term:
    """One searchable spelling and what replaces it."""

    text: str
    replacement: str
    pattern: re.Pattern[str]


def _terms(partners: Iterable[Partner]) -> list[_Term]:
    """Build the search terms: full names first, then parts, longest first."""
    full: dict[str, tuple[str, str]] = {}
    parts: dict[str, tuple[str, str]] = {}
    for partner in partners:
        label = pseudonym(partner.key)
        whole = " ".join(unicodedata.normalize("NFC", partner.name).split())
        if whole:
            full.setdefault(whole.casefold(), (whole, label))
        for part in name_parts(partner.name):
            previous = parts.get(part.casefold())
            shared = previous is not None and previous[1] != label
            parts[part.casefold()] = (part, SHARED_NAME_PLACEHOLDER if shared else label)
    terms: list[_Term] = []
    for table in (full, parts):
        for folded in sorted(table, key=lambda s: (-len(s), s)):
            spelling, label = table[folded]
            # re.IGNORECASE folds one character at a time, so "Straße" and
            # "STRASSE" need both spellings; full names match across any
            # run of whitespace, as typed text wraps.
            variants = sorted({spelling, folded}, key=lambda s: (-len(s), s))
            body = "|".join(_spelling_pattern(variant) for variant in variants)
            terms.append(_Term(spelling, label, re.compile(f"(?:{body})", re.IGNORECASE)))
    return terms


def _left_ok(text: str, start: int, first: str) -> bool:
    """Whether a match starting at ``start`` begins a word (allowing RTL prefixes)."""
    if start == 0 or not _needs_boundary(first) or not _is_word_char(text[start - 1]):
        return True
    prefixes = _HEBREW_PREFIXES if "\u0590" <= first <= "\u05ff" else None
    if "\u0600" <= first <= "\u06ff":
        prefixes = _ARABIC_PREFIXES
    if prefixes is None:
        return False
    cursor = start
    while cursor > 0 and start - cursor < 2 and text[cursor - 1] in prefixes:
        cursor -= 1
    return cursor < start and (cursor == 0 or not _is_word_char(text[cursor - 1]))


def _right_ok(text: str, end: int, last: str) -> bool:
    """Whether a match ending at ``end`` ends a word."""
    return end >= len(text) or not _needs_boundary(last) or not _is_word_char(text[end])


def _possessive_end(text: str, end: int, matched: str) -> int:
    """Return where a bare possessive apostrophe after the name ends ("James' car").

    The apostrophe is consumed so that the caller can write "Partner A's
    car"; anything else (a closing quote, "Dana's") is left alone and
    ``end`` is returned unchanged.
    """
    if not (
        matched[-1:] in "sS"
        and text[end : end + 1] in tuple(_APOSTROPHES)
        and text[end + 1 : end + 2] == " "
        and text[end + 2 : end + 3].islower()
    ):
        return end
    # An opening single quote earlier on the line makes this apostrophe its
    # closing partner ('I like James' and ...), not a possessive.
    line_start = max(text.rfind("\n", 0, end) + 1, end - 200)
    if re.search(r"(?:^|\s)['‘]", text[line_start:end]):
        return end
    return end + 1


def _is_plural(text: str, end: int, matched: str) -> bool:
    """Whether an "s" right after a cased-script name makes it a plural ("the Whitfields")."""
    last = matched[-1]
    return (
        last.lower() != last.upper()
        and text[end : end + 1] in ("s", "S")
        and _right_ok(text, end + 1, last)
    )


def _join(left: str, right: str) -> str:
    """Pattern between two words of a full name: scripts without spaces may omit it."""
    if not _needs_boundary(left[-1]) and not _needs_boundary(right[0]):
        return r"\s*"
    return r"\s+"


def _spelling_pattern(spelling: str) -> str:
    """Regex for one spelling of a name, whitespace-tolerant between its words."""
    words = spelling.split(" ")
    pattern = _word_pattern(words[0])
    for left, right in itertools.pairwise(words):
        pattern += _join(left, right) + _word_pattern(right)
    return pattern


def _word_pattern(word: str) -> str:
    """Regex for one word; a letter that folds to several ("ß" to "ss") matches either form.

    Case-insensitive matching folds one character at a time, so "Ssß", the
    title case of "ßß", would otherwise slip past both "ßß" and "ssss".
    """
    pieces = []
    for char in word:
        folded = char.casefold()
        if len(folded) > 1:
            pieces.append(f"(?:{re.escape(char)}|{re.escape(folded)})")
        else:
            pieces.append(re.escape(char))
    return "".join(pieces)


def name_redactor(partners: Iterable[Partner]) -> Callable[[str], str]:
    """Build a function that replaces the partners' names in free text.

    Args:
        partners: The couple's partners; each is replaced by its pseudonym.

    Returns:
        A pure function from text to de-identified text (NFC-normalised).
    """
    terms = _terms(partners)
    if not terms:
        return lambda text: unicodedata.normalize("NFC", text)
    scanner = re.compile("|".join(f"(?:{t.pattern.pattern})" for t in terms), re.IGNORECASE)

    def match_at(text: str, start: int) -> tuple[int, str] | None:
        for term in terms:
            found = term.pattern.match(text, start)
            if found is None:
                continue
            end = found.end()
            if not _left_ok(text, start, text[start]):
                continue
            if _right_ok(text, end, text[end - 1]):
                possessive_end = _possessive_end(text, end, found.group())
                if possessive_end > end:
                    return possessive_end, f"{term.replacement}{text[end]}s"
                return end, term.replacement
            if _is_plural(text, end, found.group()):
                # "the Whitfields": the plural names the same people.
                return end + 1, f"{term.replacement}{text[end]}"
        return None

    def redact(text: str) -> str:
        if not text:  # most observation fields are empty
            return text
        text = unicodedata.normalize("NFC", text)
        out: list[str] = []
        position = 0
        search_from = 0
        while (candidate := scanner.search(text, search_from)) is not None:
            start = candidate.start()
            hit = match_at(text, start)
            if hit is None:
                search_from = start + 1
                continue
            end, replacement = hit
            out.append(text[position:start])
            out.append(replacement)
            position = search_from = end
        out.append(text[position:])
        return "".join(out)

    return redact


def _observation(obs: Observation, redact: Callable[[str], str]) -> Observation:
    """Redact every free-text field of an observation (the same object back if none changes)."""
    fields = (obs.trigger, obs.quote, obs.intervention, obs.response, obs.note)
    trigger, quote, intervention, response, note = redacted = tuple(redact(f) for f in fields)
    if redacted == fields:  # most observations carry no text: no copy (bench/review_package.py)
        return obs
    return replace(
        obs,
        trigger=trigger,
        quote=quote,
        intervention=intervention,
        response=response,
        note=note,
    )


def _note(note: BlockNote, redact: Callable[[str], str]) -> BlockNote:
    """Redact section titles and texts and the addenda; signers keep their names."""
    return replace(
        note,
        sections=tuple(NoteSection(redact(s.title), redact(s.text)) for s in note.sections),
        addenda=tuple(
            Addendum(at=a.at, by=a.by, reason=redact(a.reason), text=redact(a.text))
            for a in note.addenda
        ),
    )


def _block(block: Block, redact: Callable[[str], str]) -> Block:
    """Redact a block's title, note and observations."""
    return replace(
        block,
        title=redact(block.title),
        note=_note(block.note, redact),
        observations=tuple(_observation(o, redact) for o in block.observations),
    )


def deidentify_intensive(intensive: Intensive) -> Intensive:
    """Return a copy of the intensive in which neither partner can be named.

    The partners become "Partner A" and "Partner B" (pronouns and colours
    stay: they do not identify anyone and the report uses them), the couple
    keeps only its code, and every free-text field is passed through
    :func:`name_redactor`. Figures computed from the copy equal those of
    the original, because times, stances and tags are untouched.

    Args:
        intensive: The identified intensive.

    Returns:
        The de-identified copy.
    """
    redact = name_redactor(intensive.couple.partners)
    partner_a, partner_b = (replace(p, name=pseudonym(p.key)) for p in intensive.couple.partners)
    couple = Couple(code=intensive.couple.code, partners=(partner_a, partner_b))
    days = tuple(
        Day(number=d.number, date=d.date, blocks=tuple(_block(b, redact) for b in d.blocks))
        for d in intensive.days
    )
    return replace(
        intensive,
        couple=couple,
        title=redact(intensive.title),
        reflections=redact(intensive.reflections),
        days=days,
    )
