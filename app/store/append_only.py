"""The append-only triggers: their SQL, defined once, and the check that they are intact.

The migrations that create the triggers import their SQL from here (0001
the signed-note and audit triggers, 0004 those of the audit-chain keying
record), and `trigger_problems` compares the database's triggers with the
same text. Changing a statement here would change what an old migration
does: a new or different trigger needs a new revision and a new constant,
and the old constant stays as it is (a test pins 0001's text to the frozen
vault built by the original migration).

SQLite keeps a trigger's statement in `sqlite_master` as it was written, so
the comparison is exact: a trigger dropped, recreated with a weaker WHEN, or
added on a protected table is reported by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from sqlalchemy import Connection

from crucible.app.store.search_index import SEARCH_TRIGGERS

SIGNED = "RAISE(ABORT, 'signed notes cannot be changed; add an addendum')"
APPEND_ONLY = "RAISE(ABORT, 'the audit trail is append-only')"

# Created by revision 0001: the statements of the original migration, unchanged.
_INITIAL = (
    # A signed note's row may not change or go away (signing itself is the
    # one UPDATE allowed: it is made while signed_at is still NULL).
    f"""CREATE TRIGGER signed_note_no_update BEFORE UPDATE ON block_note
    WHEN OLD.signed_at IS NOT NULL BEGIN SELECT {SIGNED}; END""",
    f"""CREATE TRIGGER signed_note_no_delete BEFORE DELETE ON block_note
    WHEN OLD.signed_at IS NOT NULL BEGIN SELECT {SIGNED}; END""",
    f"""CREATE TRIGGER signed_section_no_insert BEFORE INSERT ON note_section
    WHEN (SELECT signed_at FROM block_note WHERE id = NEW.note_id) IS NOT NULL
    BEGIN SELECT {SIGNED}; END""",
    f"""CREATE TRIGGER signed_section_no_update BEFORE UPDATE ON note_section
    WHEN (SELECT signed_at FROM block_note WHERE id = OLD.note_id) IS NOT NULL
      OR (SELECT signed_at FROM block_note WHERE id = NEW.note_id) IS NOT NULL
    BEGIN SELECT {SIGNED}; END""",
    f"""CREATE TRIGGER signed_section_no_delete BEFORE DELETE ON note_section
    WHEN (SELECT signed_at FROM block_note WHERE id = OLD.note_id) IS NOT NULL
    BEGIN SELECT {SIGNED}; END""",
    f"""CREATE TRIGGER addendum_no_update BEFORE UPDATE ON addendum
    BEGIN SELECT {SIGNED}; END""",
    f"""CREATE TRIGGER addendum_no_delete BEFORE DELETE ON addendum
    WHEN (SELECT signed_at FROM block_note WHERE id = OLD.note_id) IS NOT NULL
    BEGIN SELECT {SIGNED}; END""",
    f"""CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_event
    BEGIN SELECT {APPEND_ONLY}; END""",
    f"""CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_event
    BEGIN SELECT {APPEND_ONLY}; END""",
)


def _by_name(statements: tuple[str, ...]) -> Mapping[str, str]:
    """Each statement under its trigger's name (the third word of CREATE TRIGGER name)."""
    return MappingProxyType({statement.split()[2]: statement for statement in statements})


INITIAL_TRIGGERS = _by_name(_INITIAL)

KEYING_RECORD = "RAISE(ABORT, 'the audit chain keying record is append-only')"

# Created by revision 0004: the record of where the audit chain became keyed.
KEYING_TRIGGERS = _by_name(
    (
        f"""CREATE TRIGGER audit_keying_no_update BEFORE UPDATE ON audit_keying
    BEGIN SELECT {KEYING_RECORD}; END""",
        f"""CREATE TRIGGER audit_keying_no_delete BEFORE DELETE ON audit_keying
    BEGIN SELECT {KEYING_RECORD}; END""",
    )
)

# Created by revision 0008: a review the supervisor opened is read-only once stored
# (its comments, coding layer and co-signature live in tables of their own).
REVIEW_TRIGGERS = _by_name(
    (
        """CREATE TRIGGER review_received_read_only BEFORE UPDATE ON review_received
    BEGIN SELECT RAISE(ABORT, 'a received review is read-only'); END""",
    )
)

# Created by revision 0006: the search index's AFTER triggers (app.store.search_index),
# checked here too, since two of them sit on protected tables.
EXPECTED_TRIGGERS: Mapping[str, str] = MappingProxyType(
    {**INITIAL_TRIGGERS, **KEYING_TRIGGERS, **SEARCH_TRIGGERS, **REVIEW_TRIGGERS}
)

# Tables whose rows the triggers protect: any other trigger on them is unexpected.
PROTECTED_TABLES = frozenset(
    {"block_note", "note_section", "addendum", "audit_event", "audit_keying", "review_received"}
)


def trigger_problems(connection: Connection) -> list[str]:
    """Each expected trigger missing or changed, and each unexpected one on a protected table."""
    present = {
        name: (table, sql)
        for name, table, sql in connection.exec_driver_sql(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"
        )
    }
    problems = []
    for name, expected in EXPECTED_TRIGGERS.items():
        if name not in present:
            problems.append(f"append-only trigger {name} is missing")
        elif present[name][1] != expected:
            problems.append(f"append-only trigger {name} was changed")
    for name, (table, _sql) in sorted(present.items()):
        if name not in EXPECTED_TRIGGERS and table in PROTECTED_TABLES:
            problems.append(f"unexpected trigger {name} on table {table}")
    return problems


__all__ = [
    "EXPECTED_TRIGGERS",
    "INITIAL_TRIGGERS",
    "KEYING_TRIGGERS",
    "REVIEW_TRIGGERS",
    "trigger_problems",
]
