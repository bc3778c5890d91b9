"""The restore journal: a restore is one step for a crash, however many renames it takes.

A restore swaps two files (`vault.db`, `vault.key`) and moves the old
vault's SQLite log aside. A crash between two renames used to leave the
new database beside the old key file, which opens nothing when the backup
came from another vault. So the swap is written down first:
`restore-journal.json` names the new files (complete and fsynced under
temp names), the `replaced-*` folder that keeps the old ones, and what the
restore did (for the audit trail). Written atomically, it is the commit
point: without it the vault is the old one (leftover temp files are
removed at the next open); with it, the next open of the vault, or the
next restore, finishes the swap ("rolls forward"), whose every step can
run again after a crash without harm:

1. the old `-wal`/`-shm` move into `replaced-*/` (SQLite must never
   replay the old log into the new database);
2. for `vault.db`, then `vault.key`, while its temp file is there: the
   current file is hard-linked into `replaced-*/` (moved where there are
   no hard links) unless already there, then the temp file is renamed over
   it;
3. the restore is reported (the services record its audit event), and
   the journal is removed.

Every caller holds the vault's lock exclusively while rolling forward.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crucible.app.domain.vault_layout import DB_NAME, KEY_NAME, SIDE_SUFFIXES
from crucible.app.domain.vault_layout import RESTORE_JOURNAL as JOURNAL_NAME
from crucible.app.store.errors import DamagedDatabaseError
from crucible.app.store.files import fsync_dir, write_atomically

JOURNAL_FORMAT = "crucible.restore-journal/1"
TEMP_PREFIX = ".restore-"
_TEMP = re.compile(r"\.restore-[0-9a-f]{6,32}\.(db|key)")
_REPLACED = re.compile(r"replaced-[0-9]{8}-[0-9]{6}(-[0-9]{1,2})?")
UNREADABLE_JOURNAL = (
    "An interrupted restore left a journal Crucible cannot read; restore the backup again "
    "(the previous vault is kept in a replaced-... folder)."
)

Report = Callable[[dict[str, Any]], None]
"""Called with the journal's `record` once the swap is complete, before the journal goes."""


def begin(
    folder: Path, *, database: Path, key: Path, replaced: Path | None, record: dict[str, Any]
) -> None:
    """Write the journal: from here on the restore will complete, now or at the next open."""
    document = {
        "format": JOURNAL_FORMAT,
        "database": database.name,
        "key": key.name,
        "replaced": None if replaced is None else replaced.name,
        "record": record,
    }
    write_atomically(folder / JOURNAL_NAME, (json.dumps(document, indent=1) + "\n").encode())


def is_pending(folder: Path) -> bool:
    """Whether an interrupted restore waits to be finished."""
    return (folder / JOURNAL_NAME).exists()


def roll_forward(folder: Path, report: Report | None = None) -> dict[str, Any] | None:
    """Finish a journaled restore; return its record, or None if there was none.

    Without a journal, temp files of a restore that never reached its
    commit point are removed (the caller holds the vault's lock, so no
    restore is running).
    """
    journal = _read(folder)
    if journal is None:
        remove_leftovers(folder)
        return None
    replaced = None if journal["replaced"] is None else folder / journal["replaced"]
    if replaced is not None:
        with contextlib.suppress(FileExistsError):
            replaced.mkdir(mode=0o700)
            os.chmod(replaced, 0o700)  # whatever the umask
        for suffix in SIDE_SUFFIXES:
            side = folder / (DB_NAME + suffix)
            if side.exists():
                os.replace(side, replaced / side.name)
    for name, temp_name in ((DB_NAME, journal["database"]), (KEY_NAME, journal["key"])):
        temp = folder / temp_name
        if not temp.exists():
            continue  # renamed in already
        target = folder / name
        if replaced is not None and target.exists() and not (replaced / name).exists():
            try:
                os.link(target, replaced / name)
            except OSError:  # no hard links here (FAT, some network shares): move instead
                os.replace(target, replaced / name)
        os.replace(temp, target)
    if replaced is not None:
        fsync_dir(replaced)
    fsync_dir(folder)
    if report is not None:
        report(journal["record"])
    os.unlink(folder / JOURNAL_NAME)
    fsync_dir(folder)
    remove_leftovers(folder)
    return dict(journal["record"])


def remove_leftovers(folder: Path) -> None:
    """Delete temp files of restores that never reached their commit point."""
    if is_pending(folder):
        return
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith(TEMP_PREFIX):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _read(folder: Path) -> dict[str, Any] | None:
    try:
        raw = (folder / JOURNAL_NAME).read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        raise DamagedDatabaseError(UNREADABLE_JOURNAL) from None
    try:
        document = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        raise DamagedDatabaseError(UNREADABLE_JOURNAL) from None
    if not _well_formed(document):
        raise DamagedDatabaseError(UNREADABLE_JOURNAL)
    return dict(document)


def _well_formed(document: Any) -> bool:
    """Names that stay inside the folder, and a record of labels only."""
    if not isinstance(document, dict) or document.get("format") != JOURNAL_FORMAT:
        return False
    database, key = document.get("database"), document.get("key")
    replaced, record = document.get("replaced"), document.get("record")
    return bool(
        isinstance(database, str)
        and _TEMP.fullmatch(database)
        and isinstance(key, str)
        and _TEMP.fullmatch(key)
        and (replaced is None or (isinstance(replaced, str) and _REPLACED.fullmatch(replaced)))
        and isinstance(record, dict)
    )


__all__ = [
    "JOURNAL_NAME",
    "begin",
    "is_pending",
    "remove_leftovers",
    "roll_forward",
]
