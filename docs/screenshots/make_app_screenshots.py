"""Take the README's app screenshots from the real app, driven by keys under Xvfb at 1366x768.

    .venv/bin/python docs/screenshots/make_app_screenshots.py [--out DIR]

Needs Xvfb, xdotool and ImageMagick (Debian: apt-get install xvfb xdotool
imagemagick; .ci/run installs them). A temporary vault gets a profile and,
through `crucible import`, the fictional demo intensive; then `python -m crucible`
runs on its own X server with no window manager, and xdotool types:

    unlock.png                   the unlock screen, before anything is typed
    casebook-light.png           the demo intensive selected in the casebook
    search-palette.png           Ctrl+K over the casebook, "whatever you" typed (the screen)
    workspace-live-light.png     its first block in live mode, a few keys logged
    workspace-live-dark.png      the same after Settings > Theme > Dark
    casebook-dark.png            the casebook again, dark

Each picture is the main window alone (`import -window`), as a clinician's
screen would show it; the search palette is a dialog over that window, so
its picture is the whole 1366x768 screen with both. The vault uses the production key derivation, so
unlocking takes a second or so, as it does for real.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from tests.e2e.xsession import (  # noqa: E402  (the repository root is on sys.path now)
    Keyboard,
    RunningApp,
    XDisplay,
    missing_tools,
    run_cli,
)

PASSPHRASE = "screenshots only passphrase"  # noqa: S105 - a throwaway temporary vault
DEMO = ROOT / "resources" / "demo-intensive.json"
LIVE_KEYS = ["q", "3", "p", "l", "a", "m", "r", "z", "p", "2", "a", "l"]


def make_vault(folder: Path, home: Path) -> None:
    """A vault with a clinician's profile, and the demo intensive imported with the CLI."""
    from crucible.app.services.profile import ClinicianProfile, save_profile
    from crucible.app.services.vault_access import new_vault

    vault, _code = new_vault(folder, PASSPHRASE)
    save_profile(vault, ClinicianProfile("Jordan Reyes", "LMFT"))
    vault.lock()
    # The intensive runs today, as one being logged live does: keys pressed on
    # another date would (rightly) first ask whether to log them as today. The
    # app runs in a zone where it is now just after the first block's last
    # observation (11:25, planned to 11:30), with the demo's offset moved to
    # it, so the keys logged for the pictures come last in time, as they
    # would in a session, whatever the hour the pictures are taken.
    offset = clinic_offset(datetime.now(UTC))
    today = (datetime.now(UTC) + offset).date()
    text = DEMO.read_text("utf-8").replace(DEMO_OFFSET, _iso_offset(offset))
    for day, planned in enumerate(("2026-11-02", "2026-11-03")):
        text = text.replace(planned, (today + timedelta(days=day)).isoformat())
    os.environ["TZ"] = _posix_zone(offset)  # the app started later inherits it
    dated = folder.parent / "demo-today.json"
    dated.write_text(text, "utf-8")
    result = run_cli(folder, "import", str(dated), secret=PASSPHRASE, home=home)
    if result.returncode != 0:
        raise SystemExit(f"crucible import failed: {result.stderr.strip()}")


DEMO_OFFSET = "-05:00"  # every time in the demo intensive carries this offset
LIVE_AT = timedelta(hours=11, minutes=40)  # the wall-clock time the pictures' keys aim at


def clinic_offset(now: datetime) -> timedelta:
    """The UTC offset, in half hours, at which `now` reads as close to LIVE_AT as it can."""
    since_midnight = timedelta(hours=now.hour, minutes=now.minute)
    minutes = (LIVE_AT - since_midnight).total_seconds() / 60
    minutes = (minutes + 12 * 60) % (24 * 60) - 12 * 60  # within a day's half either way
    return timedelta(minutes=30 * round(minutes / 30))


def _iso_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _posix_zone(offset: timedelta) -> str:
    """A POSIX TZ value for a fixed offset (its sign is the other way round)."""
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes <= 0 else "-"
    return f"CLINIC{sign}{abs(minutes) // 60}:{abs(minutes) % 60:02d}"


class Camera:
    """Keys, waits and pictures of the app's main window."""

    def __init__(self, keyboard: Keyboard, window: str, out: Path) -> None:
        self.kb = keyboard
        self.window = window
        self.out = out

    def settle(self, before: bytes, timeout: float = 30.0) -> None:
        """Wait for the screen to change from `before` and then hold still."""
        self.kb.wait_repainted(before, timeout=timeout, settle=0.8)

    def press(self, *keys: str, delay_ms: int = 60) -> None:
        """Press keys, then wait for what they do to be painted."""
        before = self.kb.picture()
        self.kb.key(*keys, delay_ms=delay_ms)
        self.settle(before)

    def shoot(self, name: str, window: str | None = None) -> None:
        """Save the main window (or `window`, e.g. "root") as NAME in the output folder."""
        time.sleep(0.3)
        path = self.out / name
        subprocess.run(
            ["import", "-window", window or self.window, str(path)],  # noqa: S607
            env=self.kb.env,
            check=True,
            timeout=30,
        )
        print("wrote", path)


def choose_theme(camera: Camera, theme_label: str) -> None:
    """Settings (Ctrl+,), Tab to the Theme box, type the choice's first letters, Enter."""
    from crucible.app.services.settings import Settings
    from crucible.app.services.settings_schema import entries

    names = [entry.name for entry in entries(Settings) if not entry.info.hidden]
    kb = camera.kb
    kb.key("ctrl+comma")
    dialog = kb.wait_window("^Crucible — Settings")
    kb.focus(dialog)
    kb.key(*["Tab"] * names.index("theme"))  # the dialog opens in its first field
    kb.type(theme_label)
    before = kb.picture()
    kb.key("Return")
    kb.wait_gone("^Crucible — Settings")
    kb.wait_focused(camera.window)
    camera.settle(before)


def take_all(out: Path, work: Path) -> None:
    """Run the app once and take every picture."""
    vault, home = work / "vault", work / "home"
    make_vault(vault, home)
    display = XDisplay()
    app = RunningApp(vault, display.name, home, work / "logs")
    try:
        kb = Keyboard(display.name)
        window = kb.wait_window("^Crucible — Unlock$", timeout=30)
        kb.focus(window)
        camera = Camera(kb, window, out)
        time.sleep(1)
        camera.shoot("unlock.png")

        kb.type(PASSPHRASE)
        kb.key("Return")
        kb.wait_title(window, "Casebook", timeout=30)
        camera.press("ctrl+f", "Tab", "Home", "Down")  # the navigator: the couple, its intensive
        camera.shoot("casebook-light.png")

        kb.key("ctrl+k")
        palette = kb.wait_window("^Crucible — Find in casebook$")
        kb.focus(palette)
        kb.type("whatever you")
        time.sleep(1.5)  # the query's cursor blinks, so the screen never holds still
        camera.shoot("search-palette.png", window="root")
        kb.key("Escape")
        kb.wait_gone("^Crucible — Find in casebook$")
        kb.wait_focused(window)

        camera.press("Down", "Right", "Down")  # day 1, opened, its first block
        camera.press("F2", *LIVE_KEYS, delay_ms=120)
        camera.shoot("workspace-live-light.png")

        choose_theme(camera, "Dark")
        camera.shoot("workspace-live-dark.png")

        camera.press("F2")  # live off: the navigator comes back
        camera.press("ctrl+f", "Tab", "Left", "Up")  # from the block up to its intensive
        camera.shoot("casebook-dark.png")

        choose_theme(camera, "Light")  # leave the settings as they were found
        kb.key("ctrl+q")
        status = app.wait_exit(timeout=60)
        if status != 0 or "Traceback" in app.stderr:
            raise SystemExit(f"the app ended badly (status {status}):\n{app.stderr}")
    finally:
        app.stop()
        display.stop()


def main() -> int:
    """Parse the arguments, check the tools, take the pictures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="where the PNGs go")
    args = parser.parse_args()
    missing = missing_tools()
    if missing:
        print(f"Needs {', '.join(missing)}: apt-get install xvfb xdotool imagemagick")
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="crucible-shots-") as temp:
        take_all(args.out, Path(temp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
