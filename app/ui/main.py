"""Start the desktop app."""

from __future__ import annotations

import sys
from pathlib import Path


def run_app(vault_folder: Path) -> int:
    """Create the QApplication and show the first window; returns the exit status."""
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Crucible")
    window = QLabel("Crucible: the desktop app arrives with the Desktop app issue.")
    window.setWindowTitle("Crucible")
    window.resize(480, 120)
    window.show()
    return int(app.exec())
