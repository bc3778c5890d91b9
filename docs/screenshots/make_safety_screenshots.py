"""Take the data-safety screenshots: the Backups window and the Audit trail window.

Run under Xvfb (see docs/ui.md):
    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1400x900x24" \
        .venv/bin/python docs/screenshots/make_safety_screenshots.py

Uses a temporary vault with a fast (insecure) key profile, holding the
fictional demo intensive from resources/demo-intensive.json, with a few
backups made through the service over the past days so the list looks
like a vault in use.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from make_screenshots import PASSPHRASE, spin  # noqa: E402  (this folder is on sys.path)
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from crucible.app.services.backups import backup_now  # noqa: E402
from crucible.app.services.intensive_exchange import import_intensive  # noqa: E402
from crucible.app.services.profile import ClinicianProfile, save_profile  # noqa: E402
from crucible.app.services.vault_access import new_vault  # noqa: E402
from crucible.app.store.keyfile import KdfParams  # noqa: E402
from crucible.app.store.vault import UnlockThrottle  # noqa: E402
from crucible.app.ui.shell.launch import Desktop, launch  # noqa: E402

FAST = KdfParams(memory_kib=1024, time_cost=1, parallelism=1)


def shoot(app: QApplication, widget: QWidget, name: str) -> None:
    """Save one window as docs/screenshots/NAME."""
    widget.raise_()
    widget.activateWindow()
    spin(app, 0.5)
    widget.grab().save(str(OUT / name))
    print("wrote", OUT / name)


def make_vault(folder: Path) -> None:
    """The demo intensive, and backups of the kinds the app makes, over the last days."""
    now = datetime.now().astimezone().replace(second=0, microsecond=0)
    start = (now - timedelta(days=10)).replace(hour=8, minute=40)
    vault, _code = new_vault(folder, PASSPHRASE, kdf=FAST, clock=lambda: start)
    save_profile(vault, ClinicianProfile("Jordan Reyes", "LMFT"), clock=lambda: start)
    import_intensive(
        vault,
        (ROOT / "resources" / "demo-intensive.json").read_bytes(),
        actor="Jordan Reyes",
        clock=lambda: start + timedelta(minutes=3),
    )
    for days, hour, reason in (
        (9, 8, "daily"),
        (6, 18, "manual"),
        (2, 8, "daily"),
        (2, 19, "on-quit"),
        (1, 9, "daily"),
        (1, 17, "on-quit"),
    ):
        moment = (now - timedelta(days=days)).replace(hour=hour, minute=12)
        backup_now(vault, reason=reason, clock=lambda m=moment: m, actor="Jordan Reyes")
    vault.lock()


def main() -> int:
    """Take both screenshots."""
    app = QApplication(sys.argv)
    app.setApplicationName("Crucible")
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "vault"
        make_vault(folder)
        desktop = launch(folder, kdf=FAST, throttle=UnlockThrottle(sleep=lambda _s: None))
        assert isinstance(desktop, Desktop), desktop
        session = desktop.session
        session.unlock_view.passphrase.setText(PASSPHRASE)
        session.unlock_view.unlock.click()
        spin(app, until=lambda: session.workspace is not None and not session.background.busy)
        session.workspace.select(("intensive", 1))

        desktop.window.backups.trigger()
        backups = session.data_safety.backups_window
        spin(app, until=lambda: not session.background.busy)
        backups.view.table.selectRow(0)
        shoot(app, backups.view, "backups.png")
        backups.view.close()

        desktop.window.audit_trail.trigger()
        audit = session.data_safety.audit_window
        spin(app, until=lambda: not session.background.busy)
        audit.view.verify.click()
        spin(app, until=lambda: not session.background.busy)
        shoot(app, audit.view, "audit.png")
        audit.view.close()
        desktop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
