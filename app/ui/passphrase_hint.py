"""A plain-language hint about a passphrase's strength, shown while it is typed.

Rough on purpose: it rewards length and separate words, which is what makes
a passphrase both strong and rememberable, and names the common mistakes.
"""

from __future__ import annotations

MINIMUM_LENGTH = 8
_COMMON = ("password", "passwort", "123456", "qwerty", "letmein", "iloveyou", "crucible")


def passphrase_hint(passphrase: str) -> tuple[int, str]:
    """A score 0-3 and one sentence: 0 too weak to accept, 3 strong."""
    text = passphrase.strip()
    if len(passphrase) < MINIMUM_LENGTH:
        return (
            0,
            f"Too short: use at least {MINIMUM_LENGTH} characters; four unrelated words work well.",
        )
    lowered = text.lower()
    if any(word in lowered for word in _COMMON) or len(set(text)) <= 3:
        return 1, "Easy to guess: avoid common words and repeated characters."
    words = [w for w in text.replace("-", " ").split() if len(w) >= 3]
    if len(text) >= 20 or len(words) >= 4:
        return 3, "Strong: long and hard to guess. Make sure you can remember it."
    if len(text) >= 14 or len(words) >= 3:
        return 2, "Good: adding another word would make it stronger."
    return 1, "Weak: longer is stronger; try a few unrelated words."
