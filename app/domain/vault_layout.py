"""The vault folder's layout: every name Crucible puts in it, spelled once.

Standard library only, so the first window (which must show before any
database code loads) and every layer below it read the same names: the
store's files, the services' side files, the GUI's instance lock and the
settings. Modules that own a file re-export its name from here; none
spells it again. `vault_exists` is the one answer to "is there a vault in
this folder?", for the setup screen as for `create_vault`.

What each file holds is in docs/vault-format.md.
"""

from __future__ import annotations

from pathlib import Path

DB_NAME = "vault.db"  # SQLCipher 4, the whole file encrypted
KEY_NAME = "vault.key"  # the data key, wrapped twice; written last at creation
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")  # SQLite's files beside vault.db
CREATING_MARKER = ".creating"  # present while a vault is being created
LOCK_NAME = "vault.lock"  # shared by every process that opens the vault
INSTANCE_LOCK = "crucible.lock"  # the desktop app's one-instance QLockFile
PENDING_FILE = "pending-audit.json"  # audit events recorded while locked
PENDING_MUTEX = "pending-audit.lock"  # serializes changes to the pending file
VAULT_ID_FILE = "vault-id"  # the vault's id, for events recorded while locked
ATTEMPTS_FILE = "unlock-attempts.json"  # the failed-unlock backoff
RESTORE_JOURNAL = "restore-journal.json"  # an interrupted restore, to finish
SETTINGS_FILE = "settings.json"  # not PHI: readable while locked
SAFETY_STATE_FILE = "data-safety.json"  # when the last backup and check ran
BACKUPS_FOLDER = "backups"
LOGS_FOLDER = "logs"  # the app's and the CLI's log files, free of client text
REPLACED_PREFIX = "replaced-"  # where a restore keeps the vault it replaced

# Every name Crucible puts in a vault folder; hidden files count too (temp
# files, and what a desktop leaves in any folder).
CRUCIBLE_NAMES = frozenset(
    {
        DB_NAME,
        KEY_NAME,
        *(DB_NAME + suffix for suffix in SIDE_SUFFIXES),
        BACKUPS_FOLDER,
        LOGS_FOLDER,
        LOCK_NAME,
        INSTANCE_LOCK,
        PENDING_FILE,
        PENDING_MUTEX,
        SETTINGS_FILE,
        SAFETY_STATE_FILE,
        RESTORE_JOURNAL,
        VAULT_ID_FILE,
        ATTEMPTS_FILE,
    }
)
CRUCIBLE_PREFIXES = (REPLACED_PREFIX, ".")


def vault_exists(folder: Path) -> bool:
    """Whether the folder holds a vault, even one missing its key file.

    The key file is written last, so with it present creation finished even
    if the marker was left behind; a database alone counts unless the marker
    says creation was cut short.
    """
    if (folder / KEY_NAME).exists():
        return True
    return (folder / DB_NAME).exists() and not (folder / CREATING_MARKER).exists()


__all__ = [
    "ATTEMPTS_FILE",
    "BACKUPS_FOLDER",
    "CREATING_MARKER",
    "CRUCIBLE_NAMES",
    "CRUCIBLE_PREFIXES",
    "DB_NAME",
    "INSTANCE_LOCK",
    "KEY_NAME",
    "LOCK_NAME",
    "LOGS_FOLDER",
    "PENDING_FILE",
    "PENDING_MUTEX",
    "REPLACED_PREFIX",
    "RESTORE_JOURNAL",
    "SAFETY_STATE_FILE",
    "SETTINGS_FILE",
    "SIDE_SUFFIXES",
    "VAULT_ID_FILE",
    "vault_exists",
]
