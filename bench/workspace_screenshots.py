r"""Screenshots of the block workspace in live mode, light and dark, for docs/screenshots/.

Run under Xvfb (a real X server, so fonts and styles are the desktop's):

    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1600x1000x24" \\
        .venv/bin/python bench/workspace_screenshots.py

It imports the demo intensive into a temporary vault (fast test key profile),
opens Day 1's joint block "Joint: history and pattern" at 10:12 into the
session, goes live and logs a few observations by keys, as a clinician would.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from crucible.app.services.intensive_exchange import get_intensive, import_intensive
from crucible.app.services.vault_access import new_vault
from crucible.app.store.keyfile import KdfParams
from crucible.app.ui.block import BlockController, BlockServices
from crucible.app.ui.kit.background import BackgroundWork
from crucible.app.ui.shell.theme import apply_theme

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "resources" / "demo-intensive.json"
OUT = ROOT / "docs" / "screenshots"
BLOCK = "Joint: history and pattern"
EST = timezone(timedelta(hours=-5))


class SessionClock:
    """Wall-clock time inside the demo block, moving a few seconds per key."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, 10, 12, 5, tzinfo=EST)

    def __call__(self) -> datetime:
        """The session's current time."""
        return self.now


def shoot(app: QApplication, scheme: str, folder: Path) -> Path:
    apply_theme(app, scheme)
    clock = SessionClock()
    vault, _code = new_vault(folder / scheme, "screenshot passphrase", kdf=KdfParams(1024, 1, 1))
    intensive_id = import_intensive(vault, DEMO.read_bytes(), actor="screenshots")
    intensive = get_intensive(vault, intensive_id)
    block_id = next(b.id for d in intensive.days for b in d.blocks if b.title == BLOCK)
    assert block_id is not None
    services = BlockServices(vault, signer="Jordan Reyes, LMFT", clock=clock)
    workspace = BlockController(services, clock=clock, background=BackgroundWork())
    workspace.setWindowTitle("Crucible — Joint: history and pattern")
    workspace.resize(1440, 900)
    workspace.show()
    workspace.show_block(intensive_id, block_id)
    QTest.qWaitForWindowExposed(workspace)
    clock.now -= timedelta(hours=1, minutes=12)
    workspace.clock.toggle()  # the session started at 9:00
    clock.now += timedelta(hours=1, minutes=12)
    workspace.set_live(True)
    for key, seconds in (
        (Qt.Key.Key_Z, 0),
        (Qt.Key.Key_4, 2),
        (Qt.Key.Key_W, 1),
        (Qt.Key.Key_Q, 25),
        (Qt.Key.Key_5, 2),
        (Qt.Key.Key_R, 1),
        (Qt.Key.Key_L, 30),
    ):
        clock.now += timedelta(seconds=seconds)
        QTest.keyClick(workspace.view.pad, key)
    workspace.refresh_summary()
    workspace.clock.show()
    QTest.qWait(400)
    path = OUT / f"workspace-live-{scheme}.png"
    workspace.grab().save(str(path))
    workspace.save_pending()
    workspace.clear()
    workspace.close()
    vault.lock()
    return path


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="crucible-shots-") as folder:
        for scheme in ("light", "dark"):
            print(shoot(app, scheme, Path(folder)))


if __name__ == "__main__":
    main()
