"""`crucible check`: SQLite's and SQLCipher's integrity checks and the audit chain."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.store.audit import verify_chain
from app.store.vault import Vault


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
    try:
        with vault.session() as session:
            problems.extend(str(problem) for problem in verify_chain(session))
    except DBAPIError:
        problems.append("The audit trail could not be read; the database is damaged.")
    return problems
