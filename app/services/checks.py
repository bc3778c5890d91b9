"""`crucible check`: SQLite's and SQLCipher's checks, then the tamper-evidence checks.

The tamper-evidence checks assume the database opened (so whoever changed
it held the data key) and ask whether it still says what was written: every
append-only trigger in place with its expected SQL, every signed note's
hash recomputed and compared with the stored one and with the one in the
audit trail, and the keyed audit chain recomputed. What they can and cannot
reveal is in docs/tamper-evidence.md.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.services.audit_log import ANCHORING_ACTIONS
from app.store.append_only import trigger_problems
from app.store.audit import verify_chain
from app.store.signatures import signature_problems
from app.store.vault import Vault

UNREADABLE = "The {what} could not be read; the database is damaged."


def trigger_check(vault: Vault) -> list[str]:
    """Every append-only trigger present with its expected SQL, and no stranger on those tables."""
    try:
        with vault.engine.connect() as connection:
            return trigger_problems(connection)
    except DBAPIError:
        return [UNREADABLE.format(what="database schema")]


def signature_check(vault: Vault) -> list[str]:
    """Every signed note's text against its stored hash, and that hash against the trail's."""
    try:
        with vault.session() as session:
            return signature_problems(session, ANCHORING_ACTIONS)
    except DBAPIError:
        return [UNREADABLE.format(what="signed notes")]


def check_vault(vault: Vault) -> list[str]:
    """Every problem found, one sentence each; an empty list means all is well."""
    problems: list[str] = []
    try:
        with vault.engine.connect() as connection:
            integrity = [row[0] for row in connection.execute(text("PRAGMA integrity_check"))]
            if integrity != ["ok"]:
                problems.extend(f"integrity_check: {line}" for line in integrity)
            cipher = [row[0] for row in connection.execute(text("PRAGMA cipher_integrity_check"))]
            problems.extend(f"cipher_integrity_check: {line}" for line in cipher)
    except DBAPIError:
        problems.append("The database could not be read to the end; it is damaged.")
        return problems
    problems.extend(trigger_check(vault))
    problems.extend(signature_check(vault))
    try:
        with vault.session() as session:
            problems.extend(str(problem) for problem in verify_chain(session))
    except DBAPIError:
        problems.append(UNREADABLE.format(what="audit trail"))
    return problems
