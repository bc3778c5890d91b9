"""`crucible list` loads only what listing needs: no SQLAlchemy, no reports, no Qt.

A real `python -X importtime -m crucible --vault DIR list` on a real vault (fast
test key profile): its import log says which packages a command pulled in,
and in which order.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import Crucible
from tests.conftest import PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]
NEVER_FOR_LIST = {"reportlab", "pikepdf", "PySide6", "shiboken6", "pyqtgraph", "alembic", "mako"}


def _imports_of(folder: Path, *args: str) -> list[str]:
    """Module names in the order their import finished, for one real run of the command."""
    env = {k: v for k, v in os.environ.items() if k not in ("CRUCIBLE_DEBUG", "CRUCIBLE_VAULT")}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "crucible", "--vault", str(folder), *args],
        cwd=ROOT,
        env=env,
        input=PASSPHRASE + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$", done.stderr, re.MULTILINE)


def test_list_never_loads_reports_qt_or_alembic(initialized: Crucible) -> None:
    """No ReportLab, pikepdf, Qt, pyqtgraph or Alembic on the way to one line per intensive."""
    modules = _imports_of(initialized.folder, "list")
    assert "crucible.app.services.listing" in modules  # the log is real and complete
    assert {name.split(".")[0] for name in modules} & NEVER_FOR_LIST == set()


def test_list_never_loads_sqlalchemy(initialized: Crucible) -> None:
    """A current vault with nothing queued is listed over the raw reader: no ORM at all.

    Importing SQLAlchemy's ORM alone costs more than the whole 0.4 s budget
    (docs/performance.md, "CLI latency"); one eager import on the way breaks it.
    """
    assert initialized("import", str(ROOT / "resources" / "demo-intensive.json")).status == 0
    modules = _imports_of(initialized.folder, "list")
    assert "crucible.app.store.raw_reader" in modules  # the log is real and complete
    assert [name for name in modules if name.split(".")[0] == "sqlalchemy"] == []
    assert "crucible.app.store.models" not in modules


def test_the_way_to_the_key_derivation_loads_no_sqlalchemy(initialized: Crucible) -> None:
    """The CLI and the unlock code load before SQLAlchemy, which loads during the derivation.

    That order is what lets the unlock of the commands that need the ORM
    (here `check`) import it beside Argon2id rather than before it
    (app.store.vault); one eager import on the way breaks it.
    """
    modules = _imports_of(initialized.folder, "check")
    first_sqlalchemy = next(i for i, name in enumerate(modules) if name.startswith("sqlalchemy"))
    assert modules.index("crucible.app.cli.commands") < first_sqlalchemy
    assert modules.index("crucible.app.store.keyfile") < first_sqlalchemy
