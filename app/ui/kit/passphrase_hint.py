"""A plain-language hint about a passphrase's strength, shown while it is typed.

Rough on purpose: it rewards length and separate words, which is what makes
a passphrase both strong and rememberable, and names the common mistakes:
a passphrase from the lists of most-used passwords
(resources/common-passwords.txt, a few hundred of them, with trailing
digits and symbols ignored), common words, repeated characters. It warns;
only the rule in `app.domain.passphrase` refuses.
"""

from __future__ import annotations

import functools
import unicodedata

from crucible.app.domain.passphrase import passphrase_problem
from crucible.app.domain.resource_files import resource

COMMON_FILE = "common-passwords.txt"
_COMMON = ("password", "passwort", "123456", "qwerty", "letmein", "iloveyou", "crucible")
_TRAILING = "0123456789!@#$%^&*()-_=+.,?;:'\"~ "


@functools.cache
def common_passwords() -> frozenset[str]:
    """The list shipped in resources/, read once (package data, or beside the source tree)."""
    text = resource(COMMON_FILE).read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def is_common(passphrase: str) -> bool:
    """Whether the passphrase is a listed password, maybe with digits or symbols added."""
    lowered = unicodedata.normalize("NFC", passphrase).strip().lower()
    listed = common_passwords()
    return lowered in listed or lowered.rstrip(_TRAILING) in listed


def passphrase_hint(passphrase: str) -> tuple[int, str]:
    """A score 0-3 and one sentence: 0 too weak to accept, 3 strong."""
    text = passphrase.strip()
    problem = passphrase_problem(passphrase)  # the one rule, worded once (app.domain.passphrase)
    if problem:
        return 0, problem
    if is_common(passphrase):
        return 1, "Easy to guess: it is one of the most common passwords; choose your own words."
    lowered = text.lower()
    if any(word in lowered for word in _COMMON) or len(set(text)) <= 3:
        return 1, "Easy to guess: avoid common words and repeated characters."
    words = [w for w in text.replace("-", " ").split() if len(w) >= 3]
    if len(text) >= 20 or len(words) >= 4:
        return 3, "Strong: long and hard to guess. Make sure you can remember it."
    if len(text) >= 14 or len(words) >= 3:
        return 2, "Good: adding another word would make it stronger."
    return 1, "Weak: longer is stronger; try a few unrelated words."
