"""Help › Copy diagnostics: what a bug report needs, with nothing from the record.

The text holds versions (Crucible, Python, Qt, PySide6, SQLCipher), the
platform, where the vault's log is, and the log's last lines. The log is
client-free by construction (`app.services.logbook`), and nothing else here
comes from the vault, so the action works locked or unlocked.

The copy goes straight to the clipboard, not through `ClipboardGuard.copy`:
that guard exists for client text, which diagnostics do not hold. The
guard still sees the copy like any other made in the app and clears it
after its grace period, so the status line says to paste it soon.
"""

from __future__ import annotations

import platform
import sys
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow

from crucible.app.services.logbook import library_versions, log_path, recent_lines

LOG_LINES = 200
COPIED = "Diagnostics copied (versions and the recent log, no client text); paste them soon."


def diagnostics_text(vault_folder: Path, lines: int = LOG_LINES) -> str:
    """The diagnostics as plain text, versions first, then the log's last `lines` lines."""
    import PySide6
    from PySide6.QtCore import qVersion

    versions = library_versions()
    tail = recent_lines(vault_folder, lines)
    header = [
        "Crucible diagnostics (versions and the log; no client text)",
        f"Crucible {versions['Crucible']}",
        f"Platform: {platform.platform()} ({sys.platform})",
        f"Python {platform.python_version()}",
        f"Qt {qVersion()}, PySide6 {PySide6.__version__}",
        f"SQLCipher {versions['SQLCipher']}, SQLite {versions['SQLite']}",
        f"Log: {log_path(vault_folder)}",
        f"--- the log's last {len(tail)} lines ---",
    ]
    return "\n".join([*header, *tail, ""])


def copy_diagnostics(vault_folder: Path, window: QMainWindow) -> str:
    """Put the diagnostics on the clipboard and say so in the status line; returns them."""
    text = diagnostics_text(vault_folder)
    QGuiApplication.clipboard().setText(text)
    window.statusBar().showMessage(COPIED, 10_000)
    return text
