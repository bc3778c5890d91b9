"""The data-safety facts the app remembers between runs: `data-safety.json` in the vault folder.

Two facts, neither of them client data: the folder backups are mirrored to
(an external drive, a synced folder) and the date of the last full
integrity check (run in the background once a day). They sit in the clear
beside `settings.json` so they can be read while the vault is locked, e.g.
to look for a backup in the mirror when the database does not open.

They are not declared in `app.services.settings`: the Settings dialog is
generated from those declarations and has no control for a folder path,
and the check date is bookkeeping, not something a user sets. A damaged or
missing file means "no mirror, never checked", never an error at unlock.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from app.domain.vault_layout import SAFETY_STATE_FILE as STATE_FILE

STATE_FORMAT = "crucible.data-safety/1"


@dataclass(frozen=True, slots=True)
class SafetyState:
    """Where backups are mirrored, and when the full integrity check last ran."""

    mirror_folder: Path | None = None
    last_full_check: date | None = None

    def with_mirror(self, folder: Path | None) -> SafetyState:
        """The same state with another mirror folder (None: no mirror)."""
        return replace(self, mirror_folder=folder)

    def with_full_check(self, day: date) -> SafetyState:
        """The same state with the full check done on `day`."""
        return replace(self, last_full_check=day)


def load_state(vault_folder: Path) -> SafetyState:
    """The stored state, or the empty one if the file is missing or unreadable."""
    try:
        document = json.loads((vault_folder / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return SafetyState()
    if not isinstance(document, dict) or document.get("format") != STATE_FORMAT:
        return SafetyState()
    mirror, checked = document.get("mirror_folder"), document.get("last_full_check")
    try:
        day = date.fromisoformat(checked) if isinstance(checked, str) else None
    except ValueError:
        day = None
    return SafetyState(Path(mirror) if isinstance(mirror, str) and mirror else None, day)


def save_state(vault_folder: Path, state: SafetyState) -> None:
    """Write the state owner-only and atomically (the services' file writer)."""
    from app.services.files import write_user_file

    document = {
        "format": STATE_FORMAT,
        "mirror_folder": str(state.mirror_folder) if state.mirror_folder else None,
        "last_full_check": state.last_full_check.isoformat() if state.last_full_check else None,
    }
    write_user_file(vault_folder / STATE_FILE, (json.dumps(document, indent=1) + "\n").encode())
