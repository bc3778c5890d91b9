"""Smoke test of the frozen bundle, as a clinician without Python would use it.

Under a private Xvfb: start `dist/crucible/crucible` (no PYTHONPATH, run from
a folder outside the repository), complete the first-run setup by keyboard
(the recovery code read back from the emergency kit the app saves), import
the demo with the bundled CLI while the app is open, export its PDF report,
quit the app with Ctrl+Q, and `crucible check` must pass. Then the start-up
budget: the bundle's launch-to-first-window against the venv's
(`python -m crucible`), median of alternating runs, at most 1.5x.

Not part of pytest (it needs a built bundle): `make bundle-smoke`, which
.ci/run calls after `make test`. Exit status 0 when every step passed.

Run: .venv/bin/python -m tests.bundle.smoke [--bundle dist/crucible] [--rounds 5]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

from tests.e2e.test_real_conditions import _recovery_code
from tests.e2e.xsession import ROOT, Keyboard, StepFailed, XDisplay, app_environment

PASSPHRASE = "plum harbour violin seventeen"
STARTUP_BUDGET = 1.5
EXIT_AFTER_FIRST_WINDOW = "CRUCIBLE_EXIT_AFTER_FIRST_WINDOW"


def bundle_environment(display: str, home: Path) -> dict[str, str]:
    """The X session's environment without any way back to the source tree or the venv."""
    env = app_environment(display, home)
    for name in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
        env.pop(name, None)
    env["PATH"] = "/usr/bin:/bin"
    return env


def cli(program: Path, vault: Path, home: Path, *args: str) -> str:
    """The bundled `crucible --vault DIR ARGS...`, passphrase on stdin; fails on a bad status."""
    env = bundle_environment(":0", home)
    env.pop("DISPLAY")
    done = subprocess.run(
        [str(program), "--vault", str(vault), *args],
        input=PASSPHRASE + "\n",
        env=env,
        cwd=home,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0 or "Traceback" in done.stderr:
        raise StepFailed(f"crucible {' '.join(args)}: status {done.returncode}: {done.stderr}")
    return done.stdout


def first_session(program: Path, display: XDisplay, work: Path) -> None:
    """Setup in the bundled app, the demo and a PDF through the bundled CLI, quit, check."""
    vault, home = work / "vault", work / "home"
    home.mkdir(parents=True)
    kit = home / "emergency-kit.pdf"
    kb = Keyboard(display.name)
    stderr = (work / "app.stderr").open("wb")
    app = subprocess.Popen(
        [str(program), "--vault", str(vault)],
        env={**bundle_environment(display.name, home), "QT_QPA_PLATFORM": "xcb"},
        cwd=home,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )
    try:
        win = kb.wait_window("^Crucible — Set up$", timeout=60)
        kb.focus(win)
        kb.type("Jordan Reyes")
        kb.key("Return")
        kb.type(PASSPHRASE)
        kb.key("Tab")
        kb.type(PASSPHRASE)
        kb.key("Return")
        kb.wait_title(win, "Set up: recovery code", timeout=60)
        kb.key("alt+s")
        dialog = kb.wait_window("^Crucible — Save emergency kit")
        kb.focus(dialog)
        kb.key("ctrl+a")
        kb.type(str(kit))
        kb.key("Return")
        kb.wait_gone("^Crucible — Save emergency kit")
        kb.wait_focused(win)
        kb.type(_recovery_code(kit)[-1].lower())
        kb.key("Return")
        kb.wait_title(win, "Casebook", timeout=30)
        print("smoke: first-run setup done in the bundled app")
        new_id = cli(program, vault, home, "import", "--demo").splitlines()[-1]
        report = home / "demo-report.pdf"
        cli(program, vault, home, "report", new_id, "-o", str(report))
        creator = PdfReader(io.BytesIO(report.read_bytes())).metadata.creator
        version = cli(program, vault, home, "--version").split()[-1]
        if creator != f"Crucible {version}":
            raise StepFailed(f"the report's Creator is {creator!r}, not 'Crucible {version}'")
        print(f"smoke: demo imported as {new_id}, report written ({creator})")
        kb.focus(win)
        kb.key("ctrl+q")
        status = app.wait(30)
        if status != 0:
            raise StepFailed(f"the app quit with status {status}")
    except (StepFailed, subprocess.TimeoutExpired) as error:
        shot = kb.screenshot(work / "failed.png")
        stderr.flush()
        raise StepFailed(
            f"{error}\nscreenshot: {shot}\napp stderr:\n{(work / 'app.stderr').read_text()}"
        ) from error
    finally:
        if app.poll() is None:
            app.kill()
            app.wait(10)
        stderr.close()
    print(cli(program, vault, home, "check").strip().splitlines()[-1])


def first_window_s(command: list[str], home: Path, display: str) -> float:
    """Launch -> first window shown -> exit, on an empty vault folder (the setup screen)."""
    with tempfile.TemporaryDirectory(dir=home) as empty:
        env = {
            **bundle_environment(display, home),
            "QT_QPA_PLATFORM": "xcb",
            EXIT_AFTER_FIRST_WINDOW: "1",
        }
        if command[0] == sys.executable:
            env["PYTHONPATH"] = str(ROOT)
        started = time.perf_counter()
        subprocess.run(
            [*command, "--vault", str(Path(empty) / "vault")],
            env=env,
            cwd=home,
            check=True,
            timeout=120,
            capture_output=True,
        )
        return time.perf_counter() - started


def startup(program: Path, display: XDisplay, work: Path, rounds: int) -> float:
    """Median first-window time of the bundle over the venv's; prints both."""
    home = work / "startup-home"
    home.mkdir()
    venv = [sys.executable, "-m", "crucible"]
    first_window_s(venv, home, display.name)  # warm both caches once
    first_window_s([str(program)], home, display.name)
    bundle_s, venv_s = [], []
    for turn in range(rounds):  # alternating order: load on the machine hits both
        pair = [([str(program)], bundle_s), (venv, venv_s)]
        for command, times in pair if turn % 2 == 0 else reversed(pair):
            times.append(first_window_s(command, home, display.name))
    ratio = statistics.median(bundle_s) / statistics.median(venv_s)
    print(
        f"startup: bundle median {statistics.median(bundle_s) * 1000:.0f} ms, "
        f"venv median {statistics.median(venv_s) * 1000:.0f} ms, ratio {ratio:.2f} "
        f"(budget {STARTUP_BUDGET}x, n={rounds})"
    )
    return ratio


def main(argv: list[str] | None = None) -> int:
    """Every step, then the start-up budget; exit status 1 with the failed step's sentence."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "crucible")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    program = (args.bundle / "crucible").resolve()
    if not program.is_file():
        print(f"no bundle at {args.bundle}; run `make bundle` first", file=sys.stderr)
        return 2
    started = time.monotonic()
    display = XDisplay()
    try:
        with tempfile.TemporaryDirectory(prefix="crucible-smoke-") as scratch:
            work = Path(scratch)
            first_session(program, display, work)
            ratio = startup(program, display, work, args.rounds)
    except StepFailed as error:
        print(f"bundle smoke test failed: {error}", file=sys.stderr)
        print("bundle-smoke: 0 passed, 1 failed")
        return 1
    finally:
        display.stop()
    print(f"bundle smoke test ran in {time.monotonic() - started:.0f} s")
    if ratio > STARTUP_BUDGET:
        print(f"the bundle's first window is over {STARTUP_BUDGET}x the venv's", file=sys.stderr)
        print("bundle-smoke: 5 passed, 1 failed")
        return 1
    print("bundle-smoke: 6 passed, 0 failed")  # setup, import, report, quit, check, start-up
    return 0


if __name__ == "__main__":
    os.umask(0o077)
    sys.exit(main())
