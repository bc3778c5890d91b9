"""The vocabulary of the audit trail: action names, and what an event's detail may hold.

It lives below the store so that the one write path, `app.store.audit.append_event`,
can take an `AuditAction` and run `safe_detail` itself: no caller can write an
event with a made-up action name or with client text in its detail.
`app.services.audit_log` and `pending_audit` re-export what callers use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum

MAX_DETAIL_TEXT = 80
SYSTEM_ACTOR = "crucible"
# The detail every event from the pending file carries: nothing vouches for it.
PROVENANCE_KEY = "provenance"
LOCKED_PROVENANCE = "recorded while locked, not authenticated"


class AuditAction(StrEnum):
    """The names of audited actions, as stored in the chain."""

    VAULT_CREATED = "vault-created"
    UNLOCK = "unlock"
    FAILED_UNLOCK = "failed-unlock"
    IMPORT = "import"
    EXPORT_JSON = "export-json"
    EXPORT_REPORT = "export-report"
    EXPORT_RESEARCH = "export-research"
    EXPORT_BORIS = "export-boris"
    NOTE_SIGNED = "sign"
    SIGNATURE_IMPORTED = "signature-imported"
    ADDENDUM = "addendum"
    BACKUP = "backup"
    RESTORE = "restore"
    PASSPHRASE_CHANGED = "passphrase-changed"  # noqa: S105 (an action name)
    SETTINGS_CHANGED = "settings-changed"
    PROFILE_SAVED = "profile-saved"
    PENDING_LOST = "pending-audit-lost"
    PENDING_REFUSED = "pending-audit-refused"
    # Casebook edits (app.services.casebook).
    COUPLE_CREATED = "couple-created"
    COUPLE_EDITED = "couple-edited"
    INTENSIVE_CREATED = "intensive-created"
    INTENSIVE_SUPERVISION = "intensive-supervision"
    INTENSIVE_RENAMED = "intensive-renamed"
    INTENSIVE_ARCHIVED = "intensive-archived"
    INTENSIVE_ACTIVE = "intensive-active"
    INTENSIVE_DELETED = "intensive-deleted"
    DAY_ADDED = "day-added"
    DAY_REMOVED = "day-removed"
    DAY_MOVED = "day-moved"
    DAY_REDATED = "day-redated"
    BLOCK_ADDED = "block-added"
    BLOCK_EDITED = "block-edited"
    BLOCK_MOVED = "block-moved"
    BLOCK_REMOVED = "block-removed"
    # The trainee's hours log (detail: ids, minutes and kinds; never a name).
    HOURS_ENTRY_ADDED = "hours-entry-added"
    HOURS_ENTRY_REMOVED = "hours-entry-removed"
    HOURS_BLOCK_MARKED = "hours-block-marked"
    HOURS_TARGET_SET = "hours-target-set"
    EXPORT_HOURS = "export-hours"
    # The supervision loop (issue 13; detail: ids, counts, positions; never a name or text).
    IDENTITY_CREATED = "identity-created"
    CARD_EXPORTED = "card-exported"
    CARD_IMPORTED = "card-imported"
    CARD_REMOVED = "card-removed"
    CARD_LINKED = "card-linked"
    REVIEW_SENT = "review-sent"
    REVIEW_OPENED = "review-opened"
    REVIEW_COMMENTED = "review-commented"
    REVIEW_CODED = "review-coded"
    REVIEW_COSIGNED = "review-cosigned"
    REVIEW_RETURNED = "review-returned"
    REVIEW_RETURN_OPENED = "review-return-opened"


# Events that record a signed note's content hash (detail `block`, `content_hash`).
ANCHORING_ACTIONS = frozenset({AuditAction.NOTE_SIGNED, AuditAction.SIGNATURE_IMPORTED})

# The actions that happen while the database cannot be written.
PENDING_KINDS = frozenset(
    {
        AuditAction.FAILED_UNLOCK,
        AuditAction.PASSPHRASE_CHANGED,
        AuditAction.RESTORE,
        # Queued by reading commands while another process writes (services.deferred_audit).
        AuditAction.UNLOCK,
        AuditAction.BACKUP,
    }
)


class ChainBreak(Enum):
    """How the hash chain can fail to verify; worded once, by `chain_problem_sentence`."""

    NOT_FOLLOWING = "does not follow the event before it"
    CHANGED = "was changed after it was written"
    UNKEYED_LINK = "has an unkeyed link in the keyed chain"
    KEYING_RECORD_MISSING = "the record of where its keyed links begin is missing"
    UNREADABLE = "could not be read; the database is damaged"


@dataclass(frozen=True, slots=True)
class ChainProblem:
    """Where the chain breaks (an event id, or None for the trail as a whole) and how.

    Structured so the audit window can mark the broken rows by id and the
    command can print them, each wording them with `chain_problem_sentence`,
    instead of parsing ids back out of English.
    """

    event_id: int | None
    kind: ChainBreak


def chain_problem_sentence(problem: ChainProblem) -> str:
    """The problem in words, without repeating the entry's content."""
    if problem.kind is ChainBreak.UNREADABLE:
        return "The audit trail could not be read; the database is damaged."
    if problem.event_id is None:
        return f"audit trail: {problem.kind.value}"
    return f"audit event {problem.event_id}: {problem.kind.value}"


def safe_detail(detail: Mapping[str, object] | None) -> dict[str, object]:
    """The detail, checked to hold only flags, numbers and short labels.

    Raises ValueError (a programming error, not a user error) for anything
    that could carry client text or a secret.
    """
    checked: dict[str, object] = {}
    for key, value in (detail or {}).items():
        if not isinstance(key, str) or len(key) > 40:
            raise ValueError("audit detail keys are short strings")
        if isinstance(value, str):
            if len(value) > MAX_DETAIL_TEXT or "\n" in value:
                raise ValueError(f"audit detail {key!r} is too long to be a label")
        elif value is not None and not isinstance(value, bool | int | float):
            raise ValueError(f"audit detail {key!r} must be a flag, a number or a label")
        checked[key] = value
    return checked


__all__ = [
    "ANCHORING_ACTIONS",
    "LOCKED_PROVENANCE",
    "MAX_DETAIL_TEXT",
    "PENDING_KINDS",
    "PROVENANCE_KEY",
    "SYSTEM_ACTOR",
    "AuditAction",
    "ChainBreak",
    "ChainProblem",
    "chain_problem_sentence",
    "safe_detail",
]
