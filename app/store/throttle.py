"""unlock-attempts.json: how many unlocks failed in a row, and when the last one did.

The unlock backoff (`app.store.vault.UnlockThrottle`) reads and writes this
file beside the vault, so the count survives a restart of the app and
carries from one `crucible` command to the next: a script that loops over
guesses pays the same growing wait as someone at the keyboard.

It protects against casual guessing only. The file is outside the encrypted
database, so anyone who can write the vault's folder can delete or edit it
and reset the count; two commands started at the same moment both read the
old count. What stops a determined attacker is the passphrase itself and
Argon2id's cost per guess. The file holds a count and a time, never
anything typed; it is written owner-only and atomically, and a success
removes it.

Format::

    {"format": "crucible.unlock-attempts/1", "failures": 3, "last_failure": 1767225600.0}
"""

from __future__ import annotations

import contextlib
import json
import math
from dataclasses import dataclass
from pathlib import Path

from crucible.app.domain.vault_layout import ATTEMPTS_FILE
from crucible.app.store.errors import VaultError
from crucible.app.store.files import write_atomically

ATTEMPTS_FORMAT = "crucible.unlock-attempts/1"
MAX_FAILURES = 1_000_000  # far beyond the cap's reach; bounds what a damaged file can say


@dataclass(frozen=True, slots=True)
class Attempts:
    """Failed unlocks in a row, and the wall-clock time (epoch seconds) of the last one."""

    failures: int = 0
    last_failure: float = 0.0


def read_attempts(folder: Path) -> Attempts:
    """The recorded attempts; none if the file is absent, unreadable or not of this format."""
    try:
        document = json.loads((folder / ATTEMPTS_FILE).read_bytes().decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return Attempts()
    if not isinstance(document, dict) or document.get("format") != ATTEMPTS_FORMAT:
        return Attempts()
    failures, last = document.get("failures"), document.get("last_failure")
    if (
        not isinstance(failures, int)
        or isinstance(failures, bool)
        or not isinstance(last, int | float)
        or isinstance(last, bool)
        or not math.isfinite(last)
    ):
        return Attempts()
    return Attempts(max(0, min(failures, MAX_FAILURES)), float(last))


def record_failure(folder: Path, now: float, failures: int) -> None:
    """Write `failures` failed attempts, the last at `now`; a folder that refuses is ignored.

    Ignoring a write failure is deliberate: the wrong-passphrase message must
    reach the user even on a read-only or full disk.
    """
    document = {"format": ATTEMPTS_FORMAT, "failures": failures, "last_failure": now}
    with contextlib.suppress(OSError, VaultError):
        write_atomically(folder / ATTEMPTS_FILE, (json.dumps(document) + "\n").encode("ascii"))


def clear_attempts(folder: Path) -> None:
    """Forget the failures after a successful unlock."""
    with contextlib.suppress(OSError):
        (folder / ATTEMPTS_FILE).unlink(missing_ok=True)


__all__ = [
    "ATTEMPTS_FILE",
    "Attempts",
    "clear_attempts",
    "read_attempts",
    "record_failure",
]
