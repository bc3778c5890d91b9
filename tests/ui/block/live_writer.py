"""A child process for the kill -9 test: the real workspace logging by simulated keys.

Run as ``python live_writer.py <vault folder> <passphrase> <intensive id> <block id>``.
It opens the workspace offscreen, goes live, and presses stance and follow-up
keys with QTest in a loop; after each stance key it prints the id of the row
the table now shows (flushed), so the parent knows what was shown as logged.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from crucible.app.services.intensive_exchange import get_intensive
from crucible.app.services.vault_access import open_vault
from crucible.app.ui.block import BlockController, BlockServices
from crucible.app.ui.block.observation_table_model import ID_ROLE
from crucible.app.ui.kit.background import BackgroundWork

STANCE_KEYS = (Qt.Key.Key_Q, Qt.Key.Key_A, Qt.Key.Key_Z, Qt.Key.Key_P, Qt.Key.Key_L, Qt.Key.Key_M)
FOLLOW_UP = (Qt.Key.Key_4, Qt.Key.Key_W, Qt.Key.Key_G, Qt.Key.Key_2)


def main() -> None:
    folder, passphrase, intensive_id, block_id = sys.argv[1:5]
    app = QApplication([])
    vault = open_vault(Path(folder), passphrase)
    start = next(
        b.start
        for d in get_intensive(vault, int(intensive_id)).days
        for b in d.blocks
        if b.id == int(block_id)
    )
    began = time.monotonic()

    def clock() -> datetime:
        """Real time, moved onto the block's day: logging on another date would ask first."""
        return start + timedelta(seconds=time.monotonic() - began)

    workspace = BlockController(
        BlockServices(vault, signer="writer", clock=clock),
        clock=clock,
        background=BackgroundWork(),
    )
    workspace.resize(1200, 800)
    workspace.show()
    workspace.show_block(int(intensive_id), int(block_id))
    workspace.set_live(True)
    model = workspace.table_model
    shown: set[int] = {model.index(r, 0).data(ID_ROLE) for r in range(model.rowCount())}
    n = 0
    while True:
        QTest.keyClick(workspace.view.pad, STANCE_KEYS[n % len(STANCE_KEYS)])
        app.processEvents()
        now = {model.index(r, 0).data(ID_ROLE) for r in range(model.rowCount())}
        for new_id in sorted(now - shown):
            print(new_id, flush=True)
        shown = now
        QTest.keyClick(workspace.view.pad, FOLLOW_UP[n % len(FOLLOW_UP)])
        n += 1


if __name__ == "__main__":
    main()
