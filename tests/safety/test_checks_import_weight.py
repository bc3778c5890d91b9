"""The checks and the daily backup that start after every unlock load no Alembic.

Alembic (with Mako and Pygments, which it pulls in) is 11 MiB resident; the
quick check and the daily backup reached it only through the restore
module's top-level import, so every unlocked session carried it
(docs/decisions/0027-memory-after-unlock.md). Only a restore needs it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_checks_and_backups_services_import_without_alembic() -> None:
    """A fresh interpreter imports what the session's checks run; no Alembic comes with it."""
    code = (
        "import sys\n"
        "import crucible.app.services.integrity, crucible.app.services.backups\n"
        "print(' '.join(sorted({name.split('.')[0] for name in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = set(done.stdout.split())
    assert "sqlalchemy" in loaded  # the import was real
    assert loaded & {"alembic", "mako", "pygments"} == set()
