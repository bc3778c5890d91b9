"""`crucible --version` and `python -m crucible --version`, read from the installed metadata."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version as installed_version
from pathlib import Path

from tests.cli.conftest import Crucible

ROOT = Path(__file__).resolve().parents[2]


def test_python_dash_m_app_prints_the_installed_version() -> None:
    """One line, the distribution's version as pip recorded it, and exit status 0."""
    done = subprocess.run(
        [sys.executable, "-m", "crucible", "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        f"crucible {installed_version('crucible')}\n",
        "",
    )


def test_the_crucible_script_prints_it_too() -> None:
    """The console script pip made beside this Python (as a clinician runs it)."""
    script = Path(sys.executable).with_name("crucible")
    done = subprocess.run(
        [str(script), "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"crucible {installed_version('crucible')}\n"


def test_import_demo_reads_the_packaged_demo(initialized: Crucible) -> None:
    """`crucible import --demo`: the shipped demo, found without a path into the source tree."""
    result = initialized("import", "--demo")
    assert result.status == 0, result.err
    assert result.out.splitlines()[-1] == "1"
    listed = initialized("list")
    assert len(listed.out.splitlines()) == 1


def test_import_takes_a_file_or_the_demo_not_both(initialized: Crucible) -> None:
    """One clear sentence, exit status 2, nothing imported."""
    result = initialized("import", "--demo", str(ROOT / "resources" / "demo-intensive.json"))
    assert result.status == 2
    assert result.err.count("\n") == 1
    assert "not allowed with argument --demo" in result.err
