"""The strict schema of `pending-audit.json`: what an entry may hold, checked field by field.

The pending file lies outside the encrypted database, where anyone with the
user's account can write it, so nothing in it is taken on trust: an entry
is one of the three kinds recorded while locked, with exactly the fields
the app writes, a 16-hex id, a short one-line actor, an aware ISO time, the
detail keys of its kind with values from their sets, and the 32-hex id of
the vault it was recorded for (or null when that was not known). Anything
else is refused and only counted; its content never reaches the chain.

Times are checked at flush time (`within`): not in the future (by the
clock, give or take a few minutes), and not before this pending format
existed (`EARLIEST`). A vault's own creation time would be a tighter floor,
but clocks get set wrong and back again, and the floor only has to stop
entries that cannot be real; a plausible forged time cannot be told apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

FORMAT_V1 = "crucible.pending-audit/1"  # before entries named their vault
FORMAT = "crucible.pending-audit/2"
MAX_ACTOR = 80
MAX_TIME_TEXT = 40
MAX_COUNT = 1_000_000  # a header count beyond this is not a count the app wrote
CLOCK_TOLERANCE = timedelta(minutes=5)  # clocks get corrected; a few minutes are not forgery
EARLIEST = datetime(2026, 1, 1, tzinfo=UTC)  # no Crucible wrote a pending entry before this

_ID = re.compile(r"[0-9a-f]{16}")
_VAULT_ID = re.compile(r"[0-9a-f]{32}")
_LABEL = re.compile(r"[a-z][a-z0-9-]{0,19}")
_METHODS = frozenset({"passphrase", "recovery-code"})

Check = Callable[[object], bool]


def _one_of(values: frozenset[str]) -> Check:
    return lambda value: value in values


def is_label(value: object) -> bool:
    """Whether the value is a short lowercase label such as a backup reason."""
    return isinstance(value, str) and _LABEL.fullmatch(value) is not None


def _flag(value: object) -> bool:
    return isinstance(value, bool)


def _aware_time(value: object) -> bool:
    return parse_time(value) is not None


def _byte_size(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**50


# Each kind with the exact detail keys the app writes for it.
DETAIL_SCHEMA: Mapping[str, Mapping[str, Check]] = {
    "failed-unlock": {},
    "passphrase-changed": {"method": _one_of(_METHODS)},
    "restore": {
        "backup_created_at": _aware_time,
        "backup_reason": is_label,
        "method": _one_of(_METHODS),
        "kept_previous": _flag,
    },
    # Queued by reading commands while another process writes (services.deferred_audit).
    "unlock": {"method": _one_of(_METHODS)},
    "backup": {"reason": is_label, "size": _byte_size, "mirrored": _flag},
}
ENTRY_KEYS_V1 = frozenset({"id", "kind", "at", "actor", "detail"})
ENTRY_KEYS = ENTRY_KEYS_V1 | {"vault"}


@dataclass(frozen=True, slots=True)
class PendingEntry:
    """One event recorded while the vault was locked, as parsed."""

    id: str
    kind: str
    at: datetime
    actor: str
    detail: dict[str, object]
    vault: str | None  # the vault id it was recorded for; None when unknown

    def within(self, now: datetime) -> bool:
        """Whether its time lies between `EARLIEST` and now (give or take a few minutes)."""
        return EARLIEST <= self.at <= now + CLOCK_TOLERANCE

    def as_json(self) -> dict[str, Any]:
        """The entry as written to the file."""
        return {
            "id": self.id,
            "kind": self.kind,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "detail": self.detail,
            "vault": self.vault,
        }


@dataclass(frozen=True, slots=True)
class PendingDocument:
    """The entries that passed the schema, and the counts of those that did not fit."""

    events: tuple[PendingEntry, ...]
    dropped: int  # beyond the cap when written: only counted
    refused: int  # malformed or duplicated: only counted


def parse_time(value: object) -> datetime | None:
    """An aware datetime from ISO text, or None."""
    if not isinstance(value, str) or len(value) > MAX_TIME_TEXT:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def parse_entry(entry: object, *, versioned: bool) -> PendingEntry | None:
    """The entry if it matches the schema exactly, else None."""
    if not isinstance(entry, dict) or set(entry) != (ENTRY_KEYS if versioned else ENTRY_KEYS_V1):
        return None
    kind, actor, entry_id = entry["kind"], entry["actor"], entry["id"]
    vault, detail = entry.get("vault"), entry["detail"]
    moment = parse_time(entry["at"])
    schema = DETAIL_SCHEMA.get(kind) if isinstance(kind, str) else None
    if schema is None or moment is None or not isinstance(detail, dict):
        return None
    if not isinstance(entry_id, str) or _ID.fullmatch(entry_id) is None:
        return None
    if not isinstance(actor, str) or not 0 < len(actor) <= MAX_ACTOR or not actor.isprintable():
        return None
    if vault is not None and (not isinstance(vault, str) or _VAULT_ID.fullmatch(vault) is None):
        return None
    if set(detail) != set(schema) or not all(check(detail[k]) for k, check in schema.items()):
        return None
    return PendingEntry(entry_id, kind, moment, actor, dict(detail), vault)


def parse_document(document: object) -> PendingDocument | None:
    """The checked document; None when it is not a pending file at all."""
    if not isinstance(document, dict) or document.get("format") not in (FORMAT, FORMAT_V1):
        return None
    entries, dropped = document.get("events"), document.get("dropped", 0)
    refused = document.get("refused", 0)
    if not isinstance(entries, list) or not _count(dropped) or not _count(refused):
        return None
    events: list[PendingEntry] = []
    seen: set[str] = set()
    for raw in entries:
        parsed = parse_entry(raw, versioned=document["format"] == FORMAT)
        if parsed is None or parsed.id in seen:
            refused += 1
            continue
        seen.add(parsed.id)
        events.append(parsed)
    return PendingDocument(tuple(events), dropped, refused)


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT


__all__ = [
    "CLOCK_TOLERANCE",
    "EARLIEST",
    "FORMAT",
    "PendingDocument",
    "PendingEntry",
    "is_label",
    "parse_document",
    "parse_time",
]
