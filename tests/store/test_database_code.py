"""What the early imports prepare for an unlock: the database code and the schema head."""

from __future__ import annotations

from crucible.app.store import migrate
from crucible.app.store.vault import load_database_code


def test_loading_the_database_code_reads_the_schema_head_once() -> None:
    """The unlock compares the vault's revision against the head; it is read beforehand.

    The desktop app loads the database code while the passphrase is typed;
    reading the revision files then took 10-20 ms off every unlock (issue 16).
    """
    migrate._head_of.cache_clear()
    load_database_code()
    assert migrate._head_of.cache_info().currsize == 1
    hits = migrate._head_of.cache_info().hits
    assert migrate.known_head() == migrate.head_revision()
    assert migrate._head_of.cache_info().hits == hits + 1  # answered from what was read
