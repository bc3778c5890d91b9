"""The SQLAlchemy engine on SQLCipher, with the key given by a connect hook.

The `sqlite+pysqlcipher` URL form would put the secret in the URL (and so in
reprs and logs); instead the URL is plain `sqlite+pysqlite` with the
sqlcipher3 module, and the first connect hook keys each new connection.

Pool choice: a QueuePool of a few connections. Keying a connection is cheap
(a raw key skips SQLCipher's PBKDF2) but not free, and committing an
observation must stay under a millisecond, so connections are reused. The
process has one writer by construction (the services serialize writes);
extra pooled connections serve background reads such as integrity checks.
Disposing the engine at lock closes every one of them.

SQLAlchemy is imported inside :func:`make_engine`, not at the top: importing
this module (for its constants, or for the raw connection of backups) must
not cost the half second SQLAlchemy takes to load, which an unlock spends
beside the key derivation instead (see :mod:`app.store.vault`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlcipher3.dbapi2 as sqlcipher

from app.store.derived_keys import CHAIN_KEY_INFO, audit_chain_key
from app.store.errors import DamagedDatabaseError
from app.store.files import sqlite_storage_error
from app.store.secrets import DataKey

if TYPE_CHECKING:
    from sqlalchemy import Engine

BUSY_TIMEOUT_MS = 5000
WRITE_OPTION = "crucible_write"  # execution option: this transaction will write


def _key_connection(connection: Any, data_key: DataKey) -> None:
    """Run the connection rules of docs/architecture.md, in their required order."""
    cursor = connection.cursor()
    try:
        cursor.execute(data_key.sqlcipher_pragma())
        version = cursor.execute("PRAGMA cipher_version").fetchone()
        if not version or not version[0]:
            raise DamagedDatabaseError(
                "The database driver is not SQLCipher; refusing to open the vault."
            )
        try:
            cursor.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher.DatabaseError:
            raise DamagedDatabaseError() from None
        for pragma in (
            "PRAGMA foreign_keys = ON",
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = FULL",
            "PRAGMA temp_store = MEMORY",
            "PRAGMA secure_delete = ON",
            f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
        ):
            cursor.execute(pragma)
    finally:
        cursor.close()


def make_engine(db_path: Path, data_key: DataKey, *, pool_size: int = 2) -> Engine:
    """Create the engine for `vault.db`; the key reaches SQLCipher only through the hook.

    Transactions follow the pysqlite recipe from SQLAlchemy's SQLite dialect
    docs: the driver's own transaction handling is switched off and every
    transaction starts with an explicit BEGIN, so DDL is transactional and a
    failed migration rolls back whole.
    """
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import QueuePool

    engine = create_engine(
        "sqlite+pysqlite:///" + str(db_path),
        module=sqlcipher,
        poolclass=QueuePool,
        pool_size=pool_size,
        max_overflow=2,
        connect_args={"check_same_thread": False, "isolation_level": None},
        hide_parameters=True,
    )

    # insert=True: this hook must run before SQLAlchemy's own first-connect
    # work, which reads the database and would fail on an unkeyed connection.
    @event.listens_for(engine, "connect", insert=True)
    def key_on_connect(dbapi_connection: Any, record: Any) -> None:
        _key_connection(dbapi_connection, data_key)
        # The connection that can read the audit chain can also extend it:
        # app.store.audit finds the chain key here, and disposing the
        # engine at lock drops it with the connection.
        record.info[CHAIN_KEY_INFO] = audit_chain_key(data_key)

    @event.listens_for(engine, "begin")
    def begin_explicitly(connection: Any) -> None:
        # Writers take the write lock up front (BEGIN IMMEDIATE): a deferred
        # transaction that reads first and writes later cannot wait for
        # another writer in WAL mode, it fails at once with "database is
        # locked"; an immediate one waits out the busy timeout. Readers stay
        # deferred so long checks never hold up a live session's writes.
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    # A full disk must read as such, not as a driver error: raising here
    # replaces SQLAlchemy's exception after it has rolled the transaction back.
    @event.listens_for(engine, "handle_error")
    def storage_full_in_plain_words(context: Any) -> None:
        error = sqlite_storage_error(context.original_exception, db_path.parent)
        if error is not None:
            raise error from context.original_exception

    return engine


def open_raw_connection(db_path: Path, data_key: DataKey) -> Any:
    """A bare keyed DB-API connection, for SQLite's online backup API."""
    connection = sqlcipher.connect(str(db_path), check_same_thread=False, isolation_level=None)
    try:
        _key_connection(connection, data_key)
    except BaseException:
        connection.close()
        raise
    return connection


def is_damage(error: BaseException) -> bool:
    """Whether a driver error means the file does not authenticate (not a logic error)."""
    text = str(getattr(error, "orig", error)).lower()
    return any(
        marker in text
        for marker in ("file is not a database", "malformed", "hmac", "disk i/o error", "corrupt")
    )


DisposeHook = Callable[[], None]
