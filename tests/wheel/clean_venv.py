"""The wheel, installed alone into a fresh venv outside the repository, does the whole job.

Builds the wheel (`python -m build`), makes a venv in a temporary folder, installs
the wheel there (its dependencies come from pip's cache or the index), and from a
working directory far from the source tree runs `crucible --version`, `init`,
`import --demo`, `summary`, `report`, `backup`, `restore` and `check`, then starts
the app offscreen to its first window. Nothing can be found through the source
tree: the commands run with `-I`-like isolation (no PYTHONPATH, cwd elsewhere).

Beside Crucible the venv holds a dummy distribution whose package is named
`app`, installed first: Crucible installs under the one import root `crucible`
(decision 0024), so the dummy must survive Crucible's install untouched and
`import app` must still find it, while every command works.

Not part of pytest (it installs for a minute or two): `make clean-venv-test`,
which .ci/run calls. Exit status 0 when every step passed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "plum harbour violin seventeen"
EXIT_AFTER_FIRST_WINDOW = "CRUCIBLE_EXIT_AFTER_FIRST_WINDOW"
DUMMY_MARKER = "a package named app that is not Crucible"


class StepFailed(Exception):
    """A step of the check failed; its sentence says which and why."""


def run(command: list[str], *, cwd: Path, env: dict[str, str], stdin: str = "") -> str:
    """Run one step; its stdout, or StepFailed with its stderr."""
    done = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0 or "Traceback" in done.stderr:
        raise StepFailed(f"{' '.join(command[-3:])}: status {done.returncode}\n{done.stderr}")
    return done.stdout


def build_wheel(out: Path) -> Path:
    """`python -m build --wheel` of this checkout into `out`; the wheel's path."""
    run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        cwd=ROOT,
        env=dict(os.environ),
    )
    (wheel,) = out.glob("crucible-*.whl")
    return wheel


def make_dummy_app(folder: Path) -> Path:
    """A tiny source distribution whose one top-level package is `app`."""
    (folder / "app").mkdir(parents=True)
    (folder / "app" / "__init__.py").write_text(f"MARKER = {DUMMY_MARKER!r}\n")
    (folder / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "dummy-app"\nversion = "1.0"\n'
        '[tool.setuptools]\npackages = ["app"]\n'
    )
    return folder


def check(work: Path) -> None:
    """Every step, in order, in `work` (a folder outside the repository)."""
    wheel = build_wheel(work / "wheelhouse")
    venv = work / "venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=work, env=dict(os.environ))
    python, crucible = venv / "bin" / "python", venv / "bin" / "crucible"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "CRUCIBLE_", "QT_"))}
    env.update(HOME=str(work / "home"), QT_QPA_PLATFORM="offscreen")
    (work / "home").mkdir()
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    run([*pip, str(make_dummy_app(work / "dummy"))], cwd=work, env=env)
    run([*pip, str(wheel)], cwd=work, env=env)
    print(f"clean venv: installed a dummy package named app, then {wheel.name}")
    marker = run([str(python), "-c", "import app; print(app.MARKER)"], cwd=work, env=env)
    if marker.strip() != DUMMY_MARKER:
        raise StepFailed(f"`import app` no longer finds the dummy package: {marker!r}")
    home, vault = work / "home", work / "home" / "vault"
    version = run([str(crucible), "--version"], cwd=home, env=env).strip()
    print(f"clean venv: {version}")
    at = ["--vault", str(vault)]
    run([str(crucible), *at, "init", "--name", "Jordan Reyes", "--credentials", "LMFT",
         "--role", "clinician"], cwd=home, env=env, stdin=PASSPHRASE + "\n")  # fmt: skip
    new_id = run(
        [str(crucible), *at, "import", "--demo"], cwd=home, env=env, stdin=PASSPHRASE + "\n"
    ).splitlines()[-1]
    summary = run([str(crucible), *at, "summary", new_id], cwd=home, env=env, stdin=PASSPHRASE)
    if "One-up share" not in summary:
        raise StepFailed(f"the summary shows no stances:\n{summary}")
    report = home / "report.pdf"
    run([str(crucible), *at, "report", new_id, "-o", str(report)], cwd=home, env=env,
        stdin=PASSPHRASE + "\n")  # fmt: skip
    if not report.read_bytes().startswith(b"%PDF-"):
        raise StepFailed("the report is not a PDF")
    backup = home / "vault-backup.zip"
    run([str(crucible), *at, "backup", "-o", str(backup)], cwd=home, env=env,
        stdin=PASSPHRASE + "\n")  # fmt: skip
    run([str(crucible), *at, "restore", str(backup)], cwd=home, env=env, stdin=PASSPHRASE + "\n")
    run([str(crucible), *at, "check"], cwd=home, env=env, stdin=PASSPHRASE + "\n")
    listed = run([str(crucible), *at, "list"], cwd=home, env=env, stdin=PASSPHRASE + "\n")
    if len(listed.splitlines()) != 1:
        raise StepFailed(f"after the restore the vault lists {listed!r}")
    print("clean venv: init, import, summary, report, backup, restore, check passed")
    run([str(crucible), *at], cwd=home, env={**env, EXIT_AFTER_FIRST_WINDOW: "1"})
    print("clean venv: the app showed its first window (offscreen)")


def main() -> int:
    """Exit status 0 when the installed wheel passed every step."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="crucible-clean-venv-") as scratch:
        try:
            check(Path(scratch))
        except StepFailed as error:
            print(f"clean-venv test failed: {error}", file=sys.stderr)
            return 1
    print(f"clean-venv test passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
