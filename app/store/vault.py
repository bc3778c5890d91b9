"""Creating, unlocking and locking a vault folder (vault.db + vault.key).

Unlocking checks the three failures apart, in this order, so each gets its
own message: a key file that does not parse (damaged), a secret that does not
unwrap the data key (wrong), and a keyed database whose pages do not
authenticate (damaged database). A wrong passphrase never opens vault.db, so
it cannot create a -wal file or touch an mtime.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from crucible.app.domain.foreground import Foreground
from crucible.app.domain.vault_layout import CREATING_MARKER, DB_NAME, KEY_NAME, vault_exists
from crucible.app.domain.vault_layout import SIDE_SUFFIXES as SIDE_FILES
from crucible.app.store import migrate, vault_lock
from crucible.app.store.engine import TRY_ONLY_MS, WRITE_OPTION, WriteWaits
from crucible.app.store.errors import (
    DamagedDatabaseError,
    KeyFileError,
    NoVaultError,
    VaultExistsError,
    VaultInUseError,
    VaultReplacedError,
    WriterBusyError,
    WrongSecretError,
)
from crucible.app.store.files import fsync_dir
from crucible.app.store.hardening import disable_core_dumps
from crucible.app.store.keyfile import (
    KdfParams,
    KeyFile,
    calibrate,
    new_recovery_code,
    read_key_file,
    write_key_file,
)
from crucible.app.store.secrets import DataKey
from crucible.app.store.throttle import Attempts, clear_attempts, read_attempts, record_failure
from crucible.app.store.vault_folder import damaged, prepare_vault_folder, sqlite_failure

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

GIVE_WAY_S = 0.5
"""The longest a long write pauses between its transactions for the writers waiting."""


class UnlockThrottle:
    """Slows repeated failed unlocks: each failure doubles the wait before the next try.

    Argon2id already costs ~0.7 s a guess; this adds a growing pause for
    someone guessing at the keyboard of an unattended laptop, or a script
    running `crucible` in a loop. Given the vault's folder, the count and
    the time of the last failure live in unlock-attempts.json beside the
    vault (`app.store.throttle`), so they survive a restart and carry from
    one process to the next; the wait is what remains of 1, 2, 4 ... s
    (up to the cap) since the last failure, so someone who took a moment
    to retype waits for nothing. Sleep and clock are injected for tests.
    """

    def __init__(
        self,
        sleep: Callable[[float], None] = time.sleep,
        cap_s: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._sleep = sleep
        self._cap_s = cap_s
        self._clock = clock
        self.failures = 0  # of the folder last tried, for tests and the status line
        self._memory: dict[Path | None, Attempts] = {}  # per folder, in case the file is lost

    def _known(self, folder: Path | None) -> Attempts:
        """The failures so far: this process's or the file's, whichever says more."""
        remembered = self._memory.get(folder, Attempts())
        if folder is None:
            return remembered
        recorded = read_attempts(folder)
        return recorded if recorded.failures > remembered.failures else remembered

    def before_attempt(self, folder: Path | None = None) -> None:
        """Wait 0 s before a first try, then what remains of 1, 2, 4 ... s up to the cap."""
        known = self._known(folder)
        if not known.failures:
            return
        delay = min(self._cap_s, 2.0 ** (known.failures - 1))
        elapsed = self._clock() - known.last_failure
        wait = delay if elapsed < 0 else delay - elapsed  # a clock set back waits in full
        if wait > 0:
            self._sleep(wait)

    def record(self, success: bool, folder: Path | None = None) -> None:
        """Count a failure, or reset after success (in the file too, given the folder)."""
        if success:
            self._memory.pop(folder, None)
            self.failures = 0
            if folder is not None:
                clear_attempts(folder)
            return
        now = Attempts(self._known(folder).failures + 1, self._clock())
        self._memory[folder] = now
        self.failures = now.failures
        if folder is not None:
            record_failure(folder, now.last_failure, now.failures)


DEFAULT_THROTTLE = UnlockThrottle()


class Vault:
    """An unlocked vault: the engine and a session factory, until `lock()`.

    It holds the vault's lock shared (`hold`, given back at `lock()`), and
    remembers which file vault.db was when opened: a write that commits
    after the file was replaced (by something that ignored the lock) raises
    `VaultReplacedError` instead of reporting a success that is not in the
    vault. `write_waits` says how writes wait for another process's.

    Within the process, every write transaction first takes the vault's one
    writer lock (`writing()`): threads queue on it in Python instead of
    spinning in SQLite's busy handler, and a caller that must not wait (a
    live key on the UI thread) can ask whether the writer is free and queue
    its write instead (`writing(wait=False)`). A long write made of many
    short transactions (an import) calls `give_way()` between them, so the
    threads waiting for the writer (a queued live key) go first.
    """

    def __init__(
        self,
        folder: Path,
        engine: Engine,
        data_key: DataKey,
        *,
        hold: vault_lock.Hold | None = None,
    ) -> None:
        from sqlalchemy.orm import sessionmaker

        self.folder = folder
        self._engine: Engine | None = engine
        self._data_key: DataKey | None = data_key
        self._hold = hold
        self._db_path = str(folder / DB_NAME)
        self._identity = _file_identity(self._db_path)
        self.write_waits = WriteWaits()
        self._writer = threading.RLock()  # re-entrant: a write may call a helper that writes
        self._waiters = threading.Condition()  # guards and announces `_waiting`
        self._waiting = 0  # threads blocked in `writing()` for the writer lock
        self.foreground = Foreground()
        """The clinician's input, which long work here steps aside for (decision 0032)."""
        self._sessions: sessionmaker[Session] | None = sessionmaker(engine, expire_on_commit=False)
        self._write_sessions: sessionmaker[Session] | None = sessionmaker(
            engine.execution_options(**{WRITE_OPTION: self.write_waits}), expire_on_commit=False
        )

    @property
    def db_path(self) -> Path:
        """Path of vault.db."""
        return self.folder / DB_NAME

    @property
    def key_path(self) -> Path:
        """Path of vault.key."""
        return self.folder / KEY_NAME

    @property
    def engine(self) -> Engine:
        """The engine; raises once locked."""
        if self._engine is None:
            raise RuntimeError("the vault is locked")
        return self._engine

    @property
    def data_key(self) -> DataKey:
        """The data key, for backups and rewrapping; raises once locked."""
        if self._data_key is None:
            raise RuntimeError("the vault is locked")
        return self._data_key

    @property
    def is_locked(self) -> bool:
        """Whether `lock()` has run."""
        return self._engine is None

    def session(self) -> Session:
        """A new ORM session: the caller opens one per user action or task."""
        if self._sessions is None:
            raise RuntimeError("the vault is locked")
        return self._sessions()

    @contextlib.contextmanager
    def writing(self, *, wait: bool = True) -> Iterator[None]:
        """Hold the process's one writer lock for the block (write transactions take it).

        With `wait`, a thread waits as long as `write_waits` lets a write wait
        for another process (5 s by default; an audit-only write a quarter
        second), then raises `WriterBusyError`. Without it, a held lock raises
        at once: the caller queues its write rather than stall the UI thread.
        """
        acquired = self._writer.acquire(blocking=False)
        if not acquired and wait:
            try_only = self.write_waits.try_only
            acquired = self._wait_for_writer(
                TRY_ONLY_MS / 1000 if try_only else self.write_waits.patience_s
            )
        if not acquired:
            raise WriterBusyError()
        try:
            yield
        finally:
            self._writer.release()

    def _wait_for_writer(self, timeout_s: float) -> bool:
        """Block for the writer lock, counted as waiting (what `give_way` looks at)."""
        with self._waiters:
            self._waiting += 1
        try:
            return self._writer.acquire(timeout=timeout_s)
        finally:
            with self._waiters:
                self._waiting -= 1
                self._waiters.notify_all()

    @property
    def writers_waiting(self) -> int:
        """How many threads of this process are blocked waiting for the writer lock now."""
        with self._waiters:
            return self._waiting

    def give_way(self, timeout_s: float = GIVE_WAY_S) -> bool:
        """Between two transactions of a long write: let the waiting writers have the lock first.

        Python's lock is not fair: a thread that releases it and takes it
        again at once usually wins over one already waiting, so an import's
        next chunk would keep a queued live key waiting to the end. Called
        without the writer held, this returns once no thread is waiting for
        it (each has taken it, so the caller's next transaction queues
        behind theirs), or after `timeout_s`; whether anyone was waiting.
        """
        with self._waiters:
            if not self._waiting:
                return False
            self._waiters.wait_for(lambda: not self._waiting, timeout_s)
            return True

    @property
    def writer_busy(self) -> bool:
        """Whether another thread of this process holds the writer lock right now (a hint)."""
        if self._writer.acquire(blocking=False):
            self._writer.release()
            return False
        return True

    @contextlib.contextmanager
    def write_session(self, *, wait: bool = True) -> Iterator[Session]:
        """A session in a write transaction (BEGIN IMMEDIATE), committed on success."""
        if self._write_sessions is None:
            raise RuntimeError("the vault is locked")
        with self.writing(wait=wait), self._write_sessions() as session, session.begin():
            yield session
        self.ensure_in_place()

    @contextlib.contextmanager
    def write_connection(self, *, wait: bool = True) -> Iterator[Connection]:
        """A Core connection in a write transaction, for hot paths that skip the ORM."""
        writing = self.engine.execution_options(**{WRITE_OPTION: self.write_waits})
        with self.writing(wait=wait), writing.begin() as connection:
            yield connection
        self.ensure_in_place()

    @contextlib.contextmanager
    def staging_connection(self) -> Iterator[Connection]:
        """A write transaction whose commit waits for no fsync, for rows nobody reads yet.

        An import's staged chunks (decision 0031): with `synchronous=NORMAL`
        in WAL mode a commit is atomic but becomes durable only at the next
        synced commit, which is the import's publishing one (the WAL is
        written in order, so its fsync covers every chunk before it). A
        crash before that loses staged rows only, which the next unlock
        removes anyway. The fsync was most of each chunk's time holding
        the writer. The connection goes back to the pool synced again.
        """
        writing = self.engine.execution_options(**{WRITE_OPTION: self.write_waits})
        with self.writing(), writing.connect() as connection:
            raw = connection.connection.dbapi_connection
            assert raw is not None
            raw.execute("PRAGMA synchronous = NORMAL")
            try:
                with connection.begin():
                    yield connection
            finally:
                try:
                    raw.execute("PRAGMA synchronous = FULL")
                except BaseException:
                    connection.invalidate()  # never back to the pool unsynced
                    raise
        self.ensure_in_place()

    @contextlib.contextmanager
    def writes_without_waiting(self) -> Iterator[None]:
        """Within the block, a write finding another process's under way raises VaultBusyError.

        For writes that only record an audit event: the caller queues the
        event instead, so reading never waits for a long import.
        """
        before = self.write_waits.try_only
        self.write_waits.try_only = True
        try:
            yield
        finally:
            self.write_waits.try_only = before

    def ensure_in_place(self) -> None:
        """Raise VaultReplacedError if vault.db is no longer the file this vault opened."""
        if self._identity is not None and _file_identity(self._db_path) != self._identity:
            raise VaultReplacedError()

    def lock(self) -> None:
        """Close every connection, forget the key, and give back the hold on the lock file."""
        if self._data_key is not None:
            log.info("vault locked")
        if self._engine is not None:
            self._engine.dispose()
        if self._data_key is not None:
            self._data_key.wipe()
        self._engine = None
        self._data_key = None
        self._sessions = None
        self._write_sessions = None
        if self._hold is not None:
            self._hold.release()
            self._hold = None

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.lock()

    def __repr__(self) -> str:
        state = "locked" if self.is_locked else "unlocked"
        return f"Vault({state})"


def _file_identity(path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def create_vault(
    folder: Path, passphrase: str, *, kdf: KdfParams | None = None
) -> tuple[Vault, str]:
    """Create a new vault and return it unlocked, with its recovery code (shown once).

    `kdf` is for tests' fast profile; the app always calibrates. The key file
    is written last, so an interrupted creation leaves no vault, only a
    key-less database file that the next creation clears away.
    """
    marker = folder / CREATING_MARKER
    if (folder / KEY_NAME).exists():
        raise VaultExistsError()
    if vault_exists(folder):
        raise VaultExistsError(
            "The folder holds a vault database without its key file; "
            "restore a backup there or choose another folder."
        )
    # The marker says "an interrupted creation may leave files here"; only
    # with it present are leftover files cleared. An existing folder keeps
    # its mode; one holding anything but a vault's files is refused.
    prepare_vault_folder(folder)
    marker.touch(mode=0o600)
    for suffix in ("", *SIDE_FILES):
        with contextlib.suppress(FileNotFoundError):
            (folder / (DB_NAME + suffix)).unlink()
    # SQLite gives -wal and -shm files the database file's mode, so creating
    # vault.db owner-only before SQLite opens it keeps all three private.
    os.close(os.open(folder / DB_NAME, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    params = kdf or calibrate()
    data_key = DataKey.generate()
    recovery_code = new_recovery_code()
    key_file = KeyFile.wrap(data_key, passphrase, recovery_code, params)
    vault = _open_engine(folder, data_key)
    try:
        migrate.upgrade(vault.engine)
        write_key_file(vault.key_path, key_file)
    except BaseException:
        vault.lock()
        raise
    with contextlib.suppress(FileNotFoundError):
        marker.unlink()
    fsync_dir(folder)
    disable_core_dumps()
    return vault, recovery_code


def read_vault_key_file(folder: Path) -> KeyFile:
    """The parsed key file of an existing vault."""
    if not (folder / KEY_NAME).exists() and not (folder / DB_NAME).exists():
        raise NoVaultError()
    return read_key_file(folder / KEY_NAME)


def unlock_vault(
    folder: Path,
    passphrase: str,
    *,
    throttle: UnlockThrottle = DEFAULT_THROTTLE,
    before_migration: Callable[[Vault], None] | None = None,
    migration_progress: Callable[[int, int], None] | None = None,
) -> Vault:
    """Unlock with the passphrase; see `open_with_key` for what follows."""
    key_file = read_vault_key_file(folder)
    throttle.before_attempt(folder)
    try:
        data_key = _unwrap_while_loading(key_file, passphrase)
    except WrongSecretError:
        throttle.record(success=False, folder=folder)
        raise
    throttle.record(success=True, folder=folder)
    return open_with_key(
        folder,
        data_key,
        before_migration=before_migration,
        migration_progress=migration_progress,
    )


DATABASE_CODE = (
    "sqlalchemy.orm",
    "sqlalchemy.dialects.sqlite.pysqlite",
    "crucible.app.store.engine",
    "crucible.app.store.models",
    "crucible.app.store.audit",
)
"""What opening a vault needs loaded (the engine, its dialect, the models, the audit chain)."""


def load_database_code() -> None:
    """Import the engine and the ORM models, configure the mappers, read the schema head: once.

    SQLAlchemy configures mappers at the first query, which would otherwise
    cost the first audit event of every unlock a tenth of a second or more.
    Idempotent: the desktop app calls it early, while the unlock screen
    waits for the passphrase, and the unlock calls it again (at once done).
    """
    for module in DATABASE_CODE:
        importlib.import_module(module)
    from sqlalchemy.orm import configure_mappers

    configure_mappers()
    migrate.known_head()  # read once per process; every unlock compares the vault against it


def _unwrap_while_loading(key_file: KeyFile, passphrase: str) -> DataKey:
    """Derive the key on a worker thread while this thread imports the database code.

    Argon2id is one C call that releases the GIL and keeps one core busy for
    most of a second; SQLAlchemy and the models take about half a second to
    import and configure. Side by side on two cores an unlock costs the longer of the two,
    not their sum (on one core, no more than before). The worker touches only
    the parsed key file and the passphrase, so no import runs on it, and it
    is joined before anything else happens: wrong passphrases and damaged
    keys raise exactly as before.
    """
    outcome: list[DataKey | BaseException] = []

    def derive() -> None:
        try:
            outcome.append(key_file.unwrap_with_passphrase(passphrase))
        except BaseException as error:  # handed to the caller below, as if raised here
            outcome.append(error)

    worker = threading.Thread(target=derive, name="crucible-key-derivation", daemon=True)
    worker.start()
    try:
        load_database_code()
    finally:
        worker.join()
    (result,) = outcome
    if isinstance(result, BaseException):
        raise result
    return result


def unlock_with_recovery_code(
    folder: Path, code: str, *, throttle: UnlockThrottle = DEFAULT_THROTTLE
) -> Vault:
    """Unlock with the recovery code (the caller then sets a new passphrase)."""
    key_file = read_vault_key_file(folder)
    throttle.before_attempt(folder)
    try:
        data_key = key_file.unwrap_with_recovery_code(code)
    except WrongSecretError:
        throttle.record(success=False, folder=folder)
        raise
    throttle.record(success=True, folder=folder)
    return open_with_key(folder, data_key)


def open_with_key(
    folder: Path,
    data_key: DataKey,
    *,
    before_migration: Callable[[Vault], None] | None = None,
    migration_progress: Callable[[int, int], None] | None = None,
) -> Vault:
    """Open vault.db with the data key and bring its schema to head.

    `before_migration` runs only when the schema is behind: the app passes the
    verified pre-migration backup there. `migration_progress(done, total)`
    follows the revisions as they apply (see `migrate.upgrade`).
    """
    if not (folder / DB_NAME).exists():
        raise DamagedDatabaseError(
            "The vault's database (vault.db) is missing; restore the newest backup."
        )
    vault = _open_engine(folder, data_key)
    with _locked_if_it_fails(vault, folder):
        if migrate.needs_upgrade(vault.engine):
            # A schema change under another process's feet is refused: the
            # migration needs the vault alone (this process's hold upgrades).
            with vault_lock.exclusive(folder):
                if before_migration is not None:
                    before_migration(vault)
                migrate.upgrade(vault.engine, progress=migration_progress)
        _remove_staged_leftovers(vault, folder)
    disable_core_dumps()
    return vault


def _remove_staged_leftovers(vault: Vault, folder: Path) -> None:
    """Remove what an import interrupted by a crash staged (decision 0031).

    Only while no other process has the vault open: one that does may be
    importing right now, and its staged rows are not leftovers. They are
    then removed at a later unlock; until then no reader shows them.
    """
    from crucible.app.store import staged_import

    with vault.engine.connect() as connection:
        if not staged_import.anything_staged(connection):
            return
    try:
        alone = vault_lock.exclusive(folder)
    except VaultInUseError:
        log.info("staged intensives kept for a later unlock: another process has the vault")
        return
    with alone:
        staged_import.remove_leftovers(vault)


@contextlib.contextmanager
def _locked_if_it_fails(vault: Vault, folder: Path) -> Iterator[None]:
    """Lock the half-opened vault on any failure; name SQLite's from outside, else "damaged"."""
    from sqlalchemy.exc import DBAPIError

    try:
        yield
    except DBAPIError as error:
        vault.lock()
        raise (sqlite_failure(error, folder) or damaged(folder)) from error
    except BaseException:
        vault.lock()
        raise


def _open_engine(folder: Path, data_key: DataKey) -> Vault:
    from crucible.app.store.engine import make_engine

    hold = vault_lock.shared(folder)
    try:
        engine = make_engine(folder / DB_NAME, data_key)
    except BaseException:
        hold.release()
        raise
    vault = Vault(folder, engine, data_key, hold=hold)
    with _locked_if_it_fails(vault, folder), engine.connect():
        pass
    return vault


def change_passphrase(
    folder: Path, current: str, new: str, *, kdf: KdfParams | None = None
) -> None:
    """Rewrap the data key under a new passphrase; vault.db is not touched.

    The new wrap uses parameters calibrated afresh with the current ones as a
    floor, so weaker stored parameters are raised and none is ever lowered
    (`kdf`, the tests' profile, is used as given).
    """
    disable_core_dumps()  # the data key is about to be in memory
    key_file = read_vault_key_file(folder)
    data_key = key_file.unwrap_with_passphrase(current)
    _rewrap(folder, key_file, data_key, new, kdf)


def recover_with_code(folder: Path, code: str, new: str, *, kdf: KdfParams | None = None) -> None:
    """Set a new passphrase using the recovery code; the recovery code stays valid."""
    disable_core_dumps()  # the data key is about to be in memory
    key_file = read_vault_key_file(folder)
    data_key = key_file.unwrap_with_recovery_code(code)
    _rewrap(folder, key_file, data_key, new, kdf)


def _rewrap(
    folder: Path, key_file: KeyFile, data_key: DataKey, new: str, kdf: KdfParams | None
) -> None:
    """Write the key file with a new passphrase wrap, then forget the data key."""
    try:
        params = kdf or calibrate(floor=key_file.kdf)
        write_key_file(folder / KEY_NAME, key_file.rewrap_passphrase(data_key, new, params))
    finally:
        data_key.wipe()


__all__ = [
    "KeyFileError",
    "UnlockThrottle",
    "Vault",
    "change_passphrase",
    "create_vault",
    "open_with_key",
    "recover_with_code",
    "unlock_vault",
    "unlock_with_recovery_code",
    "vault_exists",
]
