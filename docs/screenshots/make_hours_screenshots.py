"""Take the Hours screenshots: Tools › Hours, and the first page of the hours log PDF.

Run under Xvfb (see docs/ui.md):
    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1400x900x24" \
        .venv/bin/python docs/screenshots/make_hours_screenshots.py

Uses a temporary vault with a fast (insecure) key profile, holding the
fictional demo intensive plus a few weeks of fictional supervision and
added contact entries, so the bars and the weekly table have something
to show. The PDF page is rendered with pdftoppm (poppler-utils).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from make_safety_screenshots import FAST, shoot  # noqa: E402
from make_screenshots import PASSPHRASE, spin  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from crucible.app.domain.hours import (  # noqa: E402
    ContactKind,
    ManualContact,
    ObservableData,
    SupervisionEntry,
    SupervisionFormat,
)
from crucible.app.domain.vocabulary import Role  # noqa: E402
from crucible.app.services import casebook  # noqa: E402
from crucible.app.services.hours import add_manual_contact, add_supervision, choose_target  # noqa: E402
from crucible.app.services.hours_report import hours_report_bytes  # noqa: E402
from crucible.app.services.intensive_exchange import import_intensive  # noqa: E402
from crucible.app.services.profile import ClinicianProfile, save_profile  # noqa: E402
from crucible.app.services.vault_access import new_vault  # noqa: E402
from crucible.app.store.vault import UnlockThrottle  # noqa: E402
from crucible.app.ui.shell.launch import Desktop, launch  # noqa: E402


def make_vault(folder: Path) -> bytes:
    """The demo intensive and five weeks of entries; returns the hours log PDF."""
    vault, _code = new_vault(folder, PASSPHRASE, kdf=FAST)
    save_profile(
        vault,
        ClinicianProfile("Jordan Reyes", "MFT trainee", Role.TRAINEE, supervisor="Dr. Ana Ruiz"),
    )
    import_intensive(vault, (ROOT / "resources" / "demo-intensive.json").read_bytes(), actor="JR")
    choose_target(vault, "coamfte-500", starts=date(2026, 10, 1))
    monday = date(2026, 10, 12)
    for week in range(6):
        start = monday + timedelta(weeks=week)
        add_supervision(
            vault,
            SupervisionEntry(
                start + timedelta(days=3),
                60,
                SupervisionFormat.INDIVIDUAL,
                ObservableData.VIDEO if week % 2 else ObservableData.NONE,
                "Dr. Ana Ruiz",
                setting="University clinic",
            ),
        )
        add_supervision(
            vault,
            SupervisionEntry(
                start + timedelta(days=4), 90, SupervisionFormat.GROUP, ObservableData.NONE
            ),
        )
        if week != 3:  # the intensive's week holds the blocks instead
            for day, minutes, kind in (
                (0, 50, ContactKind.INDIVIDUAL),
                (2, 80, ContactKind.RELATIONAL),
            ):
                add_manual_contact(
                    vault,
                    ManualContact(
                        start + timedelta(days=day),
                        minutes,
                        kind,
                        f"F-{week + 10}",
                        setting="University clinic",
                    ),
                )
    # An intensive planned but never logged: the window asks whether it took place.
    couple_id = casebook.load_casebook(vault)[0].id
    template = casebook.list_templates()[0]
    casebook.create_intensive(
        vault, couple_id, template, first_date=date(2026, 11, 16), title="Follow-up",
        clinician="Jordan Reyes", actor="JR",
    )  # fmt: skip
    pdf = hours_report_bytes(vault, date(2026, 10, 1), date(2026, 11, 22))
    vault.lock()
    return pdf


def main() -> int:
    """Take the window's and the PDF's screenshots."""
    app = QApplication(sys.argv)
    app.setApplicationName("Crucible")
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "vault"
        pdf = make_vault(folder)
        pdf_path = Path(temp) / "hours.pdf"
        pdf_path.write_bytes(pdf)
        pdftoppm = shutil.which("pdftoppm") or "pdftoppm"
        subprocess.run(
            [pdftoppm, "-r", "80", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf_path),
             str(OUT / "hours-report")],
            check=True,
        )  # fmt: skip
        print("wrote", OUT / "hours-report.png")
        desktop = launch(folder, kdf=FAST, throttle=UnlockThrottle(sleep=lambda _s: None))
        assert isinstance(desktop, Desktop), desktop
        session = desktop.session
        session.unlock_view.passphrase.setText(PASSPHRASE)
        session.unlock_view.unlock.click()
        spin(app, until=lambda: session.workspace is not None and not session.background.busy)
        desktop.window.hours.trigger()
        hours = session.parts.hours.controller
        spin(app, until=lambda: hours.log is not None)
        hours.view.weeks.selectRow(4)
        shoot(app, hours.view, "hours.png")
        hours.view.close()
        desktop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
