"""The vault passphrase: the one rule for a new one, and the form the key derivation sees.

The rule is deliberately short, because the strength hint (in the app)
does the persuading: at least 8 characters that are not whitespace. Eight
spaces, or "abc" padded with spaces, are eight characters but no secret.
The app's setup and recovery pages, and `crucible init`, `passwd` and
`recover`, all ask `passphrase_problem`; the services refuse what it
refuses, so no entry point can skip it.

The same passphrase typed on two keyboards can arrive as different code
points: "é" as one (NFC, most keyboards) or as "e" plus a combining accent
(NFD, some input methods and pasted text). Key derivation therefore sees
the NFC form (`normalize_passphrase`); vaults whose key file was written
before normalisation still open with the raw string (see
`app.store.keyfile`).
"""

from __future__ import annotations

import unicodedata

MINIMUM_CHARACTERS = 8


def normalize_passphrase(passphrase: str) -> str:
    """The passphrase in Unicode NFC, the form every key file written from now on uses."""
    return unicodedata.normalize("NFC", passphrase)


def passphrase_problem(passphrase: str) -> str | None:
    """None if `passphrase` may become the vault's passphrase, else the sentence that says why."""
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in passphrase):
        return "The passphrase holds characters that are not text; type it again."
    shown = sum(1 for ch in normalize_passphrase(passphrase) if not ch.isspace())
    if shown < MINIMUM_CHARACTERS:
        return (
            f"A passphrase needs at least {MINIMUM_CHARACTERS} characters that are not "
            "spaces; four unrelated words work well."
        )
    return None


__all__ = ["MINIMUM_CHARACTERS", "normalize_passphrase", "passphrase_problem"]
