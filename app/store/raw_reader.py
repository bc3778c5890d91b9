"""vault.db over a bare keyed sqlcipher3 connection, for `crucible list`, without SQLAlchemy.

Importing SQLAlchemy's ORM and the models costs about a second on a small
machine, and holds the GIL while Argon2id wants both cores: more than the
whole CLI latency budget (docs/performance.md, "CLI latency"). Listing needs
one query and the unlock's audit event, so this reader does just that, over
a connection keyed and set up by the same `key_connection` as the engine's.

It answers only for a vault whose schema is at this build's head: one that
needs a migration is opened the normal way (`app.services.vault_access`),
which migrates after a verified backup. The audit event is linked by
`app.store.audit_links`, the same code the ORM's `append_event` uses, and
written in a BEGIN IMMEDIATE that gives up at once while another process
writes (the caller then queues it, as every unlock does).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import sqlcipher3.dbapi2 as sqlcipher

from crucible.app.domain.audit_vocabulary import AuditAction, safe_detail
from crucible.app.domain.vault_layout import DB_NAME
from crucible.app.store import migrate
from crucible.app.store.audit_links import GENESIS, detail_text, keyed_link, payload
from crucible.app.store.derived_keys import audit_chain_key
from crucible.app.store.engine import WriteWaits, begin_immediate, is_damage, open_raw_connection
from crucible.app.store.errors import VaultReplacedError
from crucible.app.store.secrets import DataKey
from crucible.app.store.vault_folder import damaged, sqlite_failure

T = TypeVar("T")

LIST_SQL = """
SELECT intensive.id, couple.code,
       (SELECT min(day.date) FROM day WHERE day.intensive_id = intensive.id),
       intensive.title, intensive.status
FROM intensive JOIN couple ON couple.id = intensive.couple_id
WHERE intensive.staged_at IS NULL
ORDER BY intensive.id
"""
"""The raw twin of `app.store.intensives.list_intensives`; a test holds them to one output."""


@dataclass(frozen=True, slots=True)
class IntensiveListing:
    """One line of `crucible list`."""

    id: int
    couple_code: str
    first_date: date | None
    title: str
    status: str


class RawVaultReader:
    """An open keyed connection to vault.db; `close()` closes it and wipes the data key.

    It takes the data key over: a reader that fails to open wipes it too.

    Like `Vault`, it remembers which file vault.db was when opened, so an
    audit event that commits after the file was replaced raises
    `VaultReplacedError` instead of reporting success.
    """

    def __init__(self, folder: Path, data_key: DataKey) -> None:
        self.folder = folder
        self._data_key: DataKey | None = data_key
        db_path = folder / DB_NAME
        self._identity = _file_identity(db_path)
        self._connection: Any = None
        try:
            self._connection = self._storage_errors_named(
                lambda: open_raw_connection(db_path, data_key)
            )
        except BaseException:
            self.close()  # a reader that never opened still forgets the key
            raise

    @property
    def data_key(self) -> DataKey:
        """The data key (the vault id and the chain key derive from it); raises once closed."""
        if self._data_key is None:
            raise RuntimeError("the vault is locked")
        return self._data_key

    def release_key(self) -> DataKey:
        """Close the connection and hand the data key over (to open the vault the normal way)."""
        key = self.data_key
        self._data_key = None
        self.close()
        return key

    def schema_is_current(self) -> bool:
        """Whether the schema is at this build's head (else it must be opened to migrate)."""
        return self._revision() == migrate.known_head()

    def list_intensives(self) -> list[IntensiveListing]:
        """Every intensive with its couple code and first date, oldest first."""
        with self._reading() as cursor:
            rows = cursor.execute(LIST_SQL).fetchall()
        return [
            IntensiveListing(
                id=i,
                couple_code=code,
                first_date=None if first is None else date.fromisoformat(first),
                title=title,
                status=status,
            )
            for i, code, first, title, status in rows
        ]

    def append_audit_event(
        self,
        *,
        at: datetime,
        actor: str,
        action: AuditAction,
        detail: Mapping[str, object] | None = None,
    ) -> None:
        """Append one chained event in its own transaction, not waiting for another writer.

        The same rules as `app.store.audit.append_event` (the ORM's one write
        path): an `AuditAction` member, and a detail that passes `safe_detail`.

        Raises VaultBusyError at once while another process writes; the
        caller queues the event instead. `at` must carry its offset, as the
        ORM's `AwareDateTime` requires.
        """
        if at.tzinfo is None:
            raise ValueError("datetimes stored in the vault must carry an offset")
        if not isinstance(action, AuditAction):
            raise ValueError(f"audit actions are AuditAction members, not {type(action).__name__}")
        checked = safe_detail(detail)
        key = audit_chain_key(self.data_key)
        waits = WriteWaits()
        waits.try_only = True
        self._storage_errors_named(lambda: begin_immediate(self._connection, waits, self.folder))
        try:
            with self._reading() as cursor:
                prev = cursor.execute(
                    "SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1"
                ).fetchone()
                prev_hash = prev[0] if prev and prev[0] else GENESIS
                detail_json = detail_text(checked)
                link = keyed_link(key, payload(prev_hash, at, actor, action, None, detail_json))
                cursor.execute(
                    "INSERT INTO audit_event "
                    "(at, actor, action, intensive_id, detail_json, prev_hash, hash) "
                    "VALUES (?, ?, ?, NULL, ?, ?, ?)",
                    (at.isoformat(), actor, str(action), detail_json, prev_hash, link),
                )
            self._storage_errors_named(lambda: self._connection.execute("COMMIT"))
        except BaseException:
            with contextlib.suppress(sqlcipher.Error):  # the original error is the one to report
                self._connection.execute("ROLLBACK")
            raise
        if self._identity is not None and _file_identity(self.folder / DB_NAME) != self._identity:
            raise VaultReplacedError()

    def close(self) -> None:
        """Close the connection and wipe the data key (unless it was handed over)."""
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()
        if self._data_key is not None:
            self._data_key.wipe()
            self._data_key = None

    def __enter__(self) -> RawVaultReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"RawVaultReader({'closed' if self._connection is None else 'open'})"

    def _revision(self) -> str | None:
        with self._reading() as cursor:
            table = cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
            if table is None:
                return None
            rows = cursor.execute("SELECT version_num FROM alembic_version").fetchall()
        return str(rows[0][0]) if len(rows) == 1 else None  # several: not current, migrate says why

    @contextlib.contextmanager
    def _reading(self) -> Iterator[Any]:
        """A cursor whose driver errors read as the vault's plain-words errors."""
        if self._connection is None:
            raise RuntimeError("the vault is locked")
        cursor = self._connection.cursor()
        try:
            yield cursor
        except sqlcipher.DatabaseError as error:
            raise self._named(error) from None
        finally:
            cursor.close()

    def _storage_errors_named(self, action: Callable[[], T]) -> T:
        try:
            return action()
        except sqlcipher.DatabaseError as error:
            raise self._named(error) from None

    def _named(self, error: sqlcipher.DatabaseError) -> BaseException:
        """A full disk, a busy or unwritable vault or damage in plain words; else the error."""
        named = sqlite_failure(error, self.folder)
        if named is not None:
            return named
        return damaged(self.folder) if is_damage(error) else error


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


__all__ = ["LIST_SQL", "IntensiveListing", "RawVaultReader"]
