"""Crucible's log: a rotating file in the vault folder that cannot hold client text.

Why a log at all: an unexpected error used to reach the clinician as one
sentence and then vanish; the log keeps what happened (which job, how long,
which line of code failed) for a bug report.

Why "cannot", not "should not": everything in a vault is protected health
information, and a log sits unencrypted on disk. Reviewing every call for
what it might print does not scale, so the log is PHI-free by construction,
enforced here at the one handler every record passes through:

- A record's message is kept only if it is a string constant of the code
  that logged it (the filter looks for it in the caller's code object), so
  `log.info(f"opened {name}")` or `log.info(note.text)` writes a placeholder.
  Records of other libraries (SQLAlchemy, Alembic, Qt) keep their logger
  name and level only: their messages may quote SQL parameters or paths.
- A record's arguments must be of a type that cannot carry text: numbers,
  booleans, enum members (by name), UUIDs, dates and durations, paths
  inside the vault folder, and functions or classes (by qualified name, so
  a background job is named by the code it runs). Anything else, every
  `str` included, is replaced by `<withheld str>`.
- A traceback is written as the exception's type and one `file:line in
  function` per frame: never the exception's message (a KeyError quotes the
  missing key, which may be a client's name) and never any variable.

The file is `logs/crucible.log` in the vault folder (folder 0700, files
0600), rotated at 1 MB with five old files kept. Records wait in memory
until the folder holds a vault, so `crucible init ~/Documents`, which is
refused, leaves nothing there. The GUI and the CLI append to the same file;
a rotation by one while the other writes may put a few lines in `.1`.
"""

from __future__ import annotations

import collections
import contextlib
import datetime
import enum
import functools
import io
import logging
import os
import re
import sys
import threading
import types
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePath
from typing import Any

from crucible.app.domain.vault_layout import KEY_NAME
from crucible.app.domain.vault_layout import LOGS_FOLDER as LOG_FOLDER

LOG_NAME = "crucible.log"
MAX_BYTES = 1_000_000
KEPT_FILES = 5
BUFFERED_RECORDS = 500
APP_LOGGER = "crucible.app"
WITHHELD_MESSAGE = "<message withheld: not a constant of the code that logged it>"
LIBRARY_MESSAGE = "<message of a library withheld>"
LINE_FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"
_MAX_CHAIN = 5
_FRAMES_SEARCHED = 40
# The folder holding the `app` package: frames are named relative to it.
_ROOT = Path(__file__).resolve().parents[__name__.count(".") - 1]
_CODE_TYPES = (
    types.FunctionType,
    types.MethodType,
    types.BuiltinFunctionType,
    types.BuiltinMethodType,
    type,
)
_PLAIN_TYPES = (
    bool,
    int,
    float,
    datetime.date,
    datetime.time,
    datetime.timedelta,
)


# ------------------------------------------------------------------ values


class Version(tuple[int, ...]):
    """A version number made of integers only, so that it may be logged like a count."""

    def __new__(cls, parts: Iterable[int]) -> Version:
        """Refuse (ValueError) any part that is not a whole number."""
        return super().__new__(cls, (int(part) for part in parts))

    @classmethod
    def of(cls, text: str) -> Version:
        """The numbers of a version string ("6.8.0.2", "3.11.9+"); its other characters go."""
        return cls(int(number) for number in re.findall(r"\d+", text)[:4])

    def __str__(self) -> str:
        return ".".join(str(part) for part in self)


# ------------------------------------------------------------------ tracebacks


def frame_place(filename: str) -> str:
    """A frame's file relative to the app or to site-packages: no home folder in a log."""
    path = Path(filename)
    try:
        return path.resolve().relative_to(_ROOT).as_posix()
    except (ValueError, OSError):
        parts = path.parts
        if "site-packages" in parts:
            return "/".join(parts[parts.index("site-packages") + 1 :])
        return path.name


def type_name(kind: type[BaseException]) -> str:
    """`KeyError` for built-ins, `module.Class` otherwise."""
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


def client_free_traceback(error: BaseException) -> str:
    """Type, then "file, line, function" per frame, for the error and what caused it."""
    import traceback

    lines: list[str] = []
    current: BaseException | None = error
    for depth in range(_MAX_CHAIN):
        if current is None:
            break
        if depth:
            lines.append("which happened while handling:")
        lines.append(type_name(type(current)))
        for frame in traceback.extract_tb(current.__traceback__):
            place = frame_place(frame.filename)
            lines.append(f'  File "{place}", line {frame.lineno}, in {frame.name}')
        current = current.__cause__ or current.__context__
    return "\n".join(lines)


# ------------------------------------------------------------------ the filter


class PhiFreeFilter(logging.Filter):
    """Rewrites every record so that only constants, safe values and code places remain.

    It renders the message itself (and clears `args`), so no handler after
    it can format a withheld value, and a format error cannot print the
    arguments to stderr the way `logging.Handler.handleError` would.
    """

    def __init__(self, vault_folder: Path) -> None:
        super().__init__()
        self._folder = _resolved(vault_folder)

    def filter(self, record: logging.LogRecord) -> bool:
        """Sanitize `record` in place; never drops it."""
        if getattr(record, "_crucible_clean", False):
            return True
        ours = record.name == APP_LOGGER or record.name.startswith(APP_LOGGER + ".")
        if not ours:
            message = LIBRARY_MESSAGE
        elif not isinstance(record.msg, str) or not _written_in_code(record):
            message = WITHHELD_MESSAGE
        else:
            message = self._render(record.msg, record.args)
        record.msg, record.args = message, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = client_free_traceback(record.exc_info[1])
        elif record.exc_info:
            record.exc_text = None
        record.exc_info = None
        record.stack_info = None
        setattr(record, "_crucible_clean", True)  # noqa: B010 (LogRecord declares no such field)
        return True

    def _render(self, template: str, args: Any) -> str:
        if not args:
            return template
        if isinstance(args, Mapping):
            safe: Any = {key: self.safe_value(value) for key, value in args.items()}
        else:
            safe = tuple(self.safe_value(value) for value in args)
        try:
            rendered: str = template % safe
            return rendered
        except (TypeError, ValueError, KeyError):
            shown = safe.values() if isinstance(safe, dict) else safe
            return f"{template} [arguments: {', '.join(str(v) for v in shown)}]"

    def safe_value(self, value: Any) -> Any:
        """The value itself if its type cannot carry text; its safe name; or a placeholder."""
        if value is None or isinstance(value, _PLAIN_TYPES):
            return value
        uuid = sys.modules.get("uuid")  # not imported for this: no UUID exists without it
        if uuid is not None and isinstance(value, uuid.UUID):
            return value
        if isinstance(value, Version):
            return str(value)
        if isinstance(value, enum.Enum):
            return f"{type(value).__name__}.{value.name}"
        if isinstance(value, functools.partial):
            return self.safe_value(value.func)
        if isinstance(value, _CODE_TYPES):
            return _code_name(value)
        if isinstance(value, PurePath):
            return str(value) if self._inside_vault(value) else "<withheld path>"
        return f"<withheld {type(value).__name__}>"

    def _inside_vault(self, path: PurePath) -> bool:
        resolved = _resolved(Path(path))
        return resolved == self._folder or self._folder in resolved.parents


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return Path(os.path.abspath(path))


def _code_name(value: Any) -> str:
    target = getattr(value, "__func__", value)
    module = getattr(target, "__module__", None) or "?"
    name = getattr(target, "__qualname__", None) or type(target).__name__
    return f"{module}.{name}"


def _written_in_code(record: logging.LogRecord) -> bool:
    """Whether the message is a string constant of the code at the record's file and line.

    Filters run on the logging caller's own stack, so the caller's frame is
    still there to ask. A message built at run time (an f-string, a
    variable holding client text) is a new object, not one of the constants.
    """
    frame: types.FrameType | None = sys._getframe(1)
    for _ in range(_FRAMES_SEARCHED):
        if frame is None:
            return False
        code = frame.f_code
        if code.co_filename == record.pathname and frame.f_lineno == record.lineno:
            return any(constant is record.msg for constant in code.co_consts)
        frame = frame.f_back
    return False


# ------------------------------------------------------------------ the file


class _PrivateRotatingFile:
    """Opens `logging.handlers.RotatingFileHandler` (imported only now) with 0600 files."""

    @staticmethod
    def open(path: Path) -> logging.Handler:
        from logging.handlers import RotatingFileHandler

        class PrivateRotatingFileHandler(RotatingFileHandler):
            def _open(self) -> io.TextIOWrapper:
                descriptor = os.open(
                    self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600
                )
                os.fchmod(descriptor, 0o600)  # an older file keeps no wider mode
                return open(descriptor, "a", encoding="utf-8")

            def handleError(self, record: logging.LogRecord) -> None:
                # Not the default, which prints the line to stderr: the failure
                # goes up to VaultLogHandler, which says once that logging stopped.
                raise  # called inside the handler's `except`

        return PrivateRotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=KEPT_FILES, encoding="utf-8", delay=True
        )


class VaultLogHandler(logging.Handler):
    """Writes sanitized records to the vault folder's log once that folder holds a vault.

    Until then the lines wait in memory (the last `BUFFERED_RECORDS`): the
    folder may not exist yet (first run), or may be someone's documents
    folder that `crucible init` is about to refuse. `hold` keeps them there
    until `stop_holding()` (or the first error), so opening the file and
    importing `logging.handlers` stay off the path to the first window.
    """

    def __init__(self, vault_folder: Path, *, hold: bool = False) -> None:
        super().__init__(logging.INFO)
        self.folder = vault_folder
        self._held = hold
        self.addFilter(PhiFreeFilter(vault_folder))
        self.setFormatter(logging.Formatter(LINE_FORMAT))
        self._waiting: collections.deque[str] = collections.deque(maxlen=BUFFERED_RECORDS)
        self._file: logging.Handler | None = None
        self._file_lock = threading.Lock()
        self.failures = 0

    @property
    def path(self) -> Path:
        """Where the log is (or will be) written."""
        return log_path(self.folder)

    def emit(self, record: logging.LogRecord) -> None:
        """Write the record's sanitized line, or keep it until the file may be opened."""
        try:
            line = self.format(record)
            with self._file_lock:
                self._waiting.append(line)
                if record.levelno >= logging.ERROR:
                    self._held = False  # an error is written at once, even at start-up
                if not self._held:
                    self._write_waiting()
        except Exception as error:  # a log must never break the app; it says so on stderr
            self._report_failure(error)

    def stop_holding(self) -> None:
        """Stop holding lines back (the app calls this once its first window is up).

        Not named `release`: that is `logging.Handler`'s lock release, which
        `handle()` calls after every record.
        """
        try:
            with self._file_lock:
                self._held = False
                self._write_waiting()
        except Exception as error:
            self._report_failure(error)

    def _open_file(self) -> logging.Handler:
        folder = self.folder / LOG_FOLDER
        if not folder.is_dir():
            folder.mkdir(mode=0o700)
            os.chmod(folder, 0o700)  # whatever the umask; an existing folder keeps its mode
        file_handler = _PrivateRotatingFile.open(folder / LOG_NAME)
        file_handler.setFormatter(logging.Formatter("%(message)s"))
        return file_handler

    def _write_waiting(self) -> None:
        if self._file is None:
            if not _holds_vault(self.folder):
                return
            self._file = self._open_file()
        while self._waiting:
            line = self._waiting.popleft()
            self._file.emit(logging.makeLogRecord({"msg": line, "args": None}))

    def _report_failure(self, error: BaseException) -> None:
        self.failures += 1
        if self.failures == 1:  # once per run: a full disk would repeat it on every record
            # stderr may be a file on the same full disk: then nothing more can be said.
            with contextlib.suppress(OSError):
                print(
                    f"Crucible could not write its log ({type(error).__name__}); "
                    "the app carries on without it.",
                    file=sys.stderr,
                )

    def handleError(self, record: logging.LogRecord) -> None:
        """Never print the record (the default prints its arguments): count and say so once."""
        error = sys.exc_info()[1]
        self._report_failure(error if error is not None else RuntimeError())

    def close(self) -> None:
        """Write what waits and close the file (a folder without a vault gets nothing)."""
        self.stop_holding()
        with self._file_lock:
            file, self._file = self._file, None
            if file is not None:
                try:  # the last flush can meet a full disk; the command's outcome stands
                    file.close()
                except Exception as error:
                    self._report_failure(error)
        super().close()


def _holds_vault(folder: Path) -> bool:
    return (folder / KEY_NAME).is_file()


# ------------------------------------------------------------------ set-up


def log_path(vault_folder: Path) -> Path:
    """The current log file of the vault in `vault_folder`."""
    return vault_folder / LOG_FOLDER / LOG_NAME


def start_logbook(vault_folder: Path, *, hold: bool = False) -> VaultLogHandler:
    """Send the app's records (INFO and up) and other libraries' warnings to the vault's log.

    Called once by each composition root (the desktop app, the CLI); calling
    it again (tests, a second folder) replaces the earlier handler.
    """
    stop_logbook()
    handler = VaultLogHandler(vault_folder, hold=hold)
    root = logging.getLogger()
    root.addHandler(handler)
    logging.getLogger(APP_LOGGER).setLevel(logging.INFO)
    return handler


def stop_logbook() -> None:
    """Remove and close the vault log's handler, if one is installed."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, VaultLogHandler):
            root.removeHandler(handler)
            handler.close()


def recent_lines(vault_folder: Path, count: int = 200) -> list[str]:
    """The last `count` lines of the log, reading the previous file too if needed.

    Lines still held back at start-up are written first, so none is missing.
    """
    for handler in logging.getLogger().handlers:
        if isinstance(handler, VaultLogHandler):
            handler.stop_holding()
    current = log_path(vault_folder)
    lines: list[str] = []
    for path in (current, current.with_name(LOG_NAME + ".1")):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            continue
        lines = text.splitlines() + lines
        if len(lines) >= count:
            break
    return lines[-count:]


def library_versions() -> dict[str, str]:
    """Crucible's, SQLCipher's and SQLite's versions, for Help › Copy diagnostics.

    SQLCipher answers on a throwaway in-memory database: no key, no vault.
    """
    from crucible.app import __version__

    versions = {"Crucible": __version__, "SQLCipher": "unavailable", "SQLite": "unavailable"}
    try:
        import sqlcipher3.dbapi2 as sqlcipher
    except ImportError:
        return versions
    connection = sqlcipher.connect(":memory:")
    try:
        row = connection.execute("PRAGMA cipher_version").fetchone()
        versions["SQLCipher"] = str(row[0]) if row else "unknown"
        versions["SQLite"] = str(sqlcipher.sqlite_version)
    finally:
        connection.close()
    return versions
