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

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlcipher3.dbapi2 as sqlcipher

from crucible.app.store.derived_keys import CHAIN_KEY_INFO, audit_chain_key
from crucible.app.store.errors import DamagedDatabaseError, VaultBusyError
from crucible.app.store.secrets import DataKey
from crucible.app.store.vault_folder import SQLITE_BUSY, damaged, sqlite_failure

if TYPE_CHECKING:
    from sqlalchemy import Engine

BUSY_TIMEOUT_MS = 5000
WRITE_OPTION = "crucible_write"  # execution option: this transaction will write (a WriteWaits)
TRY_ONLY_MS = 250  # an audit-only write gives up after this and queues its event instead
RETRY_STEP_MS = 1000


class WriteWaits:
    """How a write transaction waits for another process's to end (BEGIN IMMEDIATE).

    The default waits out SQLite's busy timeout (5 s) and then fails with
    `VaultBusyError`. A command on a terminal sets `on_wait` (told once,
    after `notice_after_s`, so it can say it is waiting) and a long
    `patience_s`. `try_only` is for writes whose only content is an audit
    event: they give up almost at once, and the caller queues the event.
    It is per thread, so an audit write on a background thread never makes
    a live-session write on the UI thread impatient.
    """

    def __init__(
        self,
        patience_s: float = BUSY_TIMEOUT_MS / 1000,
        notice_after_s: float = 1.0,
        on_wait: Callable[[], None] | None = None,
    ) -> None:
        self.patience_s = patience_s
        self.notice_after_s = notice_after_s
        self.on_wait = on_wait
        self._local = threading.local()

    @property
    def try_only(self) -> bool:
        """Whether writes on this thread give up at once when another process writes."""
        return bool(getattr(self._local, "try_only", False))

    @try_only.setter
    def try_only(self, value: bool) -> None:
        self._local.try_only = value


DEFAULT_WAITS = WriteWaits()

CONNECTION_SETTINGS = (
    "PRAGMA foreign_keys = ON",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA temp_store = MEMORY",
    "PRAGMA secure_delete = ON",
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
)
"""What every keyed connection sets after the key is proven (docs/architecture.md)."""


def key_connection(
    connection: Any,
    data_key: DataKey,
    folder: Path,
    settings: tuple[str, ...] = CONNECTION_SETTINGS,
) -> None:
    """Run the connection rules of docs/architecture.md, in their required order.

    The one definition of how a connection to vault.db is keyed and set up:
    the engine's connect hook, the raw connections of backups and the
    ORM-free reader of `crucible list` (`app.store.raw_reader`) all call it.
    A failure is named from `folder`'s point of view: a full disk or a
    folder that cannot be written is not a damaged database. `settings`
    are the pragmas run once the key is proven; only a read-only check of a
    backup's fresh copy leaves them out (they would write to the file).
    """
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
        except sqlcipher.DatabaseError as error:
            raise (sqlite_failure(error, folder) or damaged(folder)) from None
        for pragma in settings:
            try:
                cursor.execute(pragma)
            except sqlcipher.DatabaseError as error:
                failure = sqlite_failure(error, folder)
                if failure is None:
                    raise
                raise failure from None
    finally:
        cursor.close()


def begin_immediate(raw: Any, waits: WriteWaits, folder: Path) -> None:
    """BEGIN IMMEDIATE on a DB-API connection, waiting for another writer as `waits` says.

    Used by the engine's begin hook and by the raw reader's audit write.
    """
    if waits.try_only:
        budget_ms = TRY_ONLY_MS
    elif waits.on_wait is not None:
        budget_ms = int(min(waits.notice_after_s, waits.patience_s) * 1000)
    else:
        budget_ms = int(waits.patience_s * 1000)
    if budget_ms != BUSY_TIMEOUT_MS:
        raw.execute(f"PRAGMA busy_timeout = {budget_ms}")
    started, told = time.monotonic(), False
    try:
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlcipher.OperationalError as error:
                if not _is_busy(error):
                    failure = sqlite_failure(error, folder)
                    if failure is None:
                        raise
                    raise failure from None
            remaining = waits.patience_s - (time.monotonic() - started)
            if waits.try_only or remaining <= 0:
                raise VaultBusyError()
            if waits.on_wait is not None and not told:
                waits.on_wait()
                told = True
            raw.execute(f"PRAGMA busy_timeout = {int(min(RETRY_STEP_MS, remaining * 1000)) + 1}")
            budget_ms = -1  # the timeout changed: set it back below
    finally:
        if budget_ms != BUSY_TIMEOUT_MS:
            raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def _is_busy(error: BaseException) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF == SQLITE_BUSY
    return "database is locked" in str(error).lower()


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
        key_connection(dbapi_connection, data_key, db_path.parent)
        # The connection that can read the audit chain can also extend it:
        # app.store.audit finds the chain key here, and disposing the
        # engine at lock drops it with the connection.
        record.info[CHAIN_KEY_INFO] = audit_chain_key(data_key)

    @event.listens_for(engine, "begin")
    def begin_explicitly(connection: Any) -> None:
        # Writers take the write lock up front (BEGIN IMMEDIATE): a deferred
        # transaction that reads first and writes later cannot wait for
        # another writer in WAL mode, it fails at once with "database is
        # locked"; an immediate one waits as its WriteWaits say. Readers stay
        # deferred so long checks never hold up a live session's writes.
        waits = connection.get_execution_options().get(WRITE_OPTION)
        if waits:
            raw = connection.connection.dbapi_connection
            policy = waits if isinstance(waits, WriteWaits) else DEFAULT_WAITS
            begin_immediate(raw, policy, db_path.parent)
        else:
            connection.exec_driver_sql("BEGIN")

    # A full disk, a busy or read-only vault must read as such, not as a
    # driver error: raising here replaces SQLAlchemy's exception after it
    # has rolled the transaction back.
    @event.listens_for(engine, "handle_error")
    def storage_problems_in_plain_words(context: Any) -> None:
        error = sqlite_failure(context.original_exception, db_path.parent)
        if error is not None:
            raise error from context.original_exception

    return engine


def open_raw_connection(
    db_path: Path, data_key: DataKey, settings: tuple[str, ...] = CONNECTION_SETTINGS
) -> Any:
    """A bare keyed DB-API connection, for SQLite's online backup API."""
    connection = sqlcipher.connect(str(db_path), check_same_thread=False, isolation_level=None)
    try:
        key_connection(connection, data_key, db_path.parent, settings)
    except BaseException:
        connection.close()
        raise
    return connection


def open_checking_connection(db_path: Path, data_key: DataKey) -> Any:
    """A keyed read-only connection that never writes to the file, for checking a copy.

    A backup's copy is hashed and archived while it is checked; the usual
    settings (WAL above all) would change its header under the hash.
    `immutable` also spares the locks and the `-wal`/`-shm` files a WAL-headed
    file would otherwise get: right only for a file no one else opens, as
    the backup's own fresh copy is (never for vault.db).
    """
    uri = f"{db_path.resolve().as_uri()}?mode=ro&immutable=1"
    connection = sqlcipher.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
    try:
        key_connection(connection, data_key, db_path.parent, settings=())
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
