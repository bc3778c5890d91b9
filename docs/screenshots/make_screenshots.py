"""Take the screenshots in docs/screenshots: setup, unlock, and the casebook in light and dark.

Run under Xvfb (see docs/ui.md):
    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1400x900x24" \
        .venv/bin/python docs/screenshots/make_screenshots.py

Uses a temporary vault with a fast (insecure) key profile, holding the
fictional demo intensive from resources/demo-intensive.json.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from crucible.app.services.intensive_exchange import import_intensive  # noqa: E402
from crucible.app.services.profile import ClinicianProfile, save_profile  # noqa: E402
from crucible.app.services.vault_access import new_vault  # noqa: E402
from crucible.app.store.keyfile import KdfParams  # noqa: E402
from crucible.app.store.vault import UnlockThrottle  # noqa: E402
from crucible.app.ui.shell.launch import Desktop, launch  # noqa: E402
from crucible.app.ui.shell.theme import apply_theme  # noqa: E402

FAST = KdfParams(memory_kib=1024, time_cost=1, parallelism=1)
PASSPHRASE = "screenshots only passphrase"  # noqa: S105 - a throwaway temp vault
SIZE = (1180, 760)


def spin(app: QApplication, seconds: float = 0.3, until: object = None) -> None:
    """Run the event loop for a while, or until `until()` holds."""
    end = time.monotonic() + (10 if until else seconds)
    while time.monotonic() < end:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 30)
        if callable(until) and until():
            spin(app, 0.3)
            return


def shoot(app: QApplication, desktop: Desktop, name: str) -> None:
    """Save the window as docs/screenshots/NAME."""
    desktop.window.resize(*SIZE)
    spin(app)
    desktop.window.grab().save(str(OUT / name))
    print("wrote", OUT / name)


def start(folder: Path) -> Desktop:
    """Launch the app on a folder with the fast key profile."""
    result = launch(folder, kdf=FAST, throttle=UnlockThrottle(sleep=lambda _s: None))
    assert isinstance(result, Desktop), result
    return result


def main() -> int:
    """Take every screenshot."""
    app = QApplication(sys.argv)
    app.setApplicationName("Crucible")
    with tempfile.TemporaryDirectory() as temp:
        setup_folder = Path(temp) / "new"
        desktop = start(setup_folder)
        view = desktop.session.setup.view
        view.name.setText("Jordan Reyes")
        view.credentials.setText("LMFT")
        shoot(app, desktop, "setup.png")
        view.next.click()
        view.passphrase.setText("plum harbour violin seventeen")
        view.repeat.setText("plum harbour violin seventeen")
        shoot(app, desktop, "setup-passphrase.png")
        view.create_button.click()
        spin(app, until=lambda: view.pages.currentIndex() == 2)
        shoot(app, desktop, "setup-recovery-code.png")
        desktop.close()

        folder = Path(temp) / "vault"
        vault, _code = new_vault(folder, PASSPHRASE, kdf=FAST)
        save_profile(vault, ClinicianProfile("Jordan Reyes", "LMFT"))
        import_intensive(
            vault, (ROOT / "resources" / "demo-intensive.json").read_bytes(), actor="screenshots"
        )
        vault.lock()
        desktop = start(folder)
        shoot(app, desktop, "unlock.png")
        session = desktop.session
        session.unlock_view.passphrase.setText(PASSPHRASE)
        session.unlock_view.unlock.click()
        spin(app, until=lambda: session.workspace is not None and not session.background.busy)
        ws = session.workspace
        ws.select(("intensive", 1))
        shoot(app, desktop, "casebook-light.png")
        ws.select(("block", 1))
        shoot(app, desktop, "block-light.png")
        apply_theme(app, "dark")
        ws.select(("intensive", 1))
        shoot(app, desktop, "casebook-dark.png")
        ws.select(("block", 1))
        shoot(app, desktop, "block-dark.png")
        session.lock()
        shoot(app, desktop, "locked-dark.png")
        apply_theme(app, "light")
        desktop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
