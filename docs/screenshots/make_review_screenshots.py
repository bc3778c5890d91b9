"""Take the supervision-review screenshots: the Reviews section, a review, agreement, the PDF page.

Run under Xvfb (see docs/ui.md):
    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1400x900x24" \
        .venv/bin/python docs/screenshots/make_review_screenshots.py

Two temporary vaults with a fast (insecure) key profile: a trainee's,
holding the fictional demo intensive as a supervised one, and a
supervisor's, holding a copy of it under another couple's fictional names
as their own caseload. Cards are exchanged, the intensive is sent, opened, commented
on, coded on two blocks (the trainee's observations moved a few seconds,
some stances changed), co-signed and returned, all through the services;
the app is then started on the supervisor's vault at 1366x768. The PDF
page is the trainee's supervision report after the return, rendered with
pdftoppm (poppler-utils).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(OUT))

from make_safety_screenshots import FAST  # noqa: E402
from make_screenshots import PASSPHRASE, spin  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from crucible.app.domain.exchange import observation_document  # noqa: E402
from crucible.app.domain.review import numbered_blocks  # noqa: E402
from crucible.app.domain.vocabulary import Role  # noqa: E402
from crucible.app.services.identity import export_card, import_card, read_card_file  # noqa: E402
from crucible.app.services.intensive_exchange import import_intensive  # noqa: E402
from crucible.app.services.profile import ClinicianProfile, save_profile  # noqa: E402
from crucible.app.services.report_export import ReportRequest, export_report  # noqa: E402
from crucible.app.services.review_inbox import (  # noqa: E402
    add_comment,
    cosign,
    import_coding,
    return_review,
    review_intensive,
)
from crucible.app.services.review_open import open_package_file  # noqa: E402
from crucible.app.services.review_send import send_for_review  # noqa: E402
from crucible.app.services.vault_access import new_vault  # noqa: E402
from crucible.app.store.vault import UnlockThrottle, Vault  # noqa: E402
from crucible.app.ui.casebook.navigator_model import INTENSIVE  # noqa: E402
from crucible.app.ui.review.reviews_section import ReviewIdRole  # noqa: E402
from crucible.app.ui.shell.launch import Desktop, launch  # noqa: E402
from tests.review_samples import second_coding  # noqa: E402

SIZE = (1366, 768)
DEMO = ROOT / "resources" / "demo-intensive.json"


def _vault(folder: Path, name: str, credentials: str, role: Role) -> Vault:
    vault, _code = new_vault(folder, PASSPHRASE, kdf=FAST)
    supervisor = "Dr. Ana Ruiz, PhD" if role is Role.TRAINEE else None
    save_profile(vault, ClinicianProfile(name, credentials, role, supervisor))
    return vault


def make_vaults(temp: Path) -> tuple[Path, Path, int]:
    """Both vaults, the loop run through once; the supervisor's folder, the PDF, their intensive."""
    files = temp / "files"
    files.mkdir()
    trainee = _vault(temp / "trainee", "Jordan Reyes", "MFT trainee", Role.TRAINEE)
    supervisor = _vault(temp / "supervisor", "Dr. Ana Ruiz", "PhD", Role.SUPERVISOR)
    export_card(trainee, files / "jordan.crucible-card", actor="JR")
    export_card(supervisor, files / "ana.crucible-card", actor="AR")
    ana = read_card_file(files / "ana.crucible-card")
    stored = import_card(trainee, ana, actor="JR", link_as_supervisor=True)
    import_card(supervisor, read_card_file(files / "jordan.crucible-card"), actor="AR")
    document = json.loads(DEMO.read_bytes())
    document["intensive"]["trainee"] = "Jordan Reyes, MFT trainee"
    document["intensive"]["supervisor"] = "Dr. Ana Ruiz, PhD"
    intensive_id = import_intensive(trainee, json.dumps(document).encode(), actor="JR")
    package = files / "review.crucible-review"
    send_for_review(trainee, intensive_id, str(stored.id), package, actor="JR")
    opened = open_package_file(supervisor, package, confirm=lambda _c: False, actor="AR")
    review_id = opened.review_id
    assert review_id is not None
    blocks = numbered_blocks(review_intensive(supervisor, review_id))
    coding = [
        {**observation_document(o), "block": position}
        for position in (1, 4)
        for o in second_coding(blocks[position - 1].observations, every=5)
    ]
    import_coding(supervisor, review_id, json.dumps(coding).encode(), actor="AR")
    for block, text in (
        (None, "A careful first intensive. The pacing of Day 2 gave the repair room to land."),
        (1, "At 10:20 Partner A moved one-up when interrupted; you logged it as one-down."),
        (4, "Good catch on Partner B's withdrawal before the flip; name it aloud next time."),
    ):
        add_comment(supervisor, review_id, block, text, actor="AR")
    cosign(supervisor, review_id, actor="AR")
    returned = files / "return.crucible-review"
    return_review(supervisor, review_id, returned, actor="AR")
    open_package_file(trainee, returned, confirm=lambda _c: False, actor="JR")
    pdf = temp / "supervision.pdf"
    request = ReportRequest(intensive_id, "supervision", False, "letter", 60)
    export_report(trainee, request, pdf, actor="JR")
    own = json.loads(DEMO.read_bytes())  # the supervisor's own caseload, another couple
    own["couple"]["code"] = "S-0112"
    own["couple"]["partners"][0]["name"] = "Morgan Hale"
    own["couple"]["partners"][1]["name"] = "Riley Chen"
    own["intensive"]["title"] = "Weekend intensive"
    own["intensive"]["clinician"] = "Dr. Ana Ruiz, PhD"
    own_id = import_intensive(supervisor, json.dumps(own).encode(), actor="AR")
    trainee.lock()
    supervisor.lock()
    return temp / "supervisor", pdf, own_id


def review_page(pdf: Path) -> int:
    """The number of the PDF page that starts the Review section."""
    pdftotext = shutil.which("pdftotext") or "pdftotext"
    out = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True)
    for number, page in enumerate(out.stdout.split("\f"), start=1):
        if "\nReview\n" in page and "Card fingerprint" in page:
            return number
    raise SystemExit("no Review page in the PDF")


def shoot(app: QApplication, widget: QWidget, name: str) -> None:
    """Save one window, at 1366x768, as docs/screenshots/NAME."""
    widget.resize(*SIZE)
    widget.raise_()
    widget.activateWindow()
    spin(app, 0.6)
    widget.grab().save(str(OUT / name))
    print("wrote", OUT / name)


def main() -> int:
    """Run the loop, then take the three windows' and the PDF page's screenshots."""
    app = QApplication(sys.argv)
    app.setApplicationName("Crucible")
    with tempfile.TemporaryDirectory() as temp:
        folder, pdf, own_id = make_vaults(Path(temp))
        page = str(review_page(pdf))
        pdftoppm = shutil.which("pdftoppm") or "pdftoppm"
        subprocess.run(
            [pdftoppm, "-r", "80", "-png", "-f", page, "-l", page, "-singlefile", str(pdf),
             str(OUT / "review-report")],
            check=True,
        )  # fmt: skip
        print("wrote", OUT / "review-report.png")
        desktop = launch(folder, kdf=FAST, throttle=UnlockThrottle(sleep=lambda _s: None))
        assert isinstance(desktop, Desktop), desktop
        session = desktop.session
        session.unlock_view.passphrase.setText(PASSPHRASE)
        session.unlock_view.unlock.click()
        spin(app, until=lambda: session.parts is not None and not session.background.busy)
        parts = session.parts
        assert parts is not None
        parts.casebook.select((INTENSIVE, own_id))
        parts.reviews.section.list.setCurrentIndex(parts.reviews.section.model.index(0))
        shoot(app, desktop.window, "reviews-section.png")
        review_id = parts.reviews.section.model.index(0).data(ReviewIdRole)
        review = parts.reviews.open_review(int(review_id))
        review.view.blocks.setCurrentRow(0)
        review.view.block_tabs.setCurrentIndex(3)
        shoot(app, review.view, "review-window.png")
        review.view.tabs.setCurrentIndex(1)
        review.view.agreement.choose_row(0)
        shoot(app, review.view, "review-agreement.png")
        review.view.close()
        desktop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
