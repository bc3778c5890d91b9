"""Drive the real app the way a person does: an X display, key presses, windows, screenshots.

Xvfb gives a 1366x768 screen with no window manager; xdotool sends real key
events through the X server and finds windows by title; ImageMagick's
`import` takes screenshots. Nothing here imports Qt: the app runs in its own
process, exactly as `python -m crucible` starts it on a clinician's machine.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[2]
SCREEN = (1366, 768)
REQUIRED_TOOLS = ("Xvfb", "xdotool", "import")
T = TypeVar("T")


class StepFailed(AssertionError):
    """A step did not reach the state it waited for."""


def missing_tools() -> list[str]:
    """The X tools this suite needs that are not on PATH."""
    return [tool for tool in REQUIRED_TOOLS if shutil.which(tool) is None]


def wait_for(what: str, probe: Callable[[], T | None], timeout: float = 10.0) -> T:
    """Poll `probe` until it returns something truthy; fail naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise StepFailed(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


class XDisplay:
    """A private Xvfb server: its own display number, stopped by the PID it was started with."""

    def __init__(self, size: tuple[int, int] = SCREEN) -> None:
        read_end, write_end = os.pipe()
        self.process = subprocess.Popen(
            [  # noqa: S607 - found on PATH, like every tool a developer runs
                "Xvfb",
                "-displayfd",
                str(write_end),
                "-screen",
                "0",
                f"{size[0]}x{size[1]}x24",
                "-nolisten",
                "tcp",
                # Without it, the server resets whenever its last client leaves:
                # xdotool polling for the first window connects and leaves every
                # 50 ms, and an app connecting during a reset gets "could not
                # connect to display" (1 in 20 connections in a loop, and once in CI).
                "-noreset",
            ],
            pass_fds=(write_end,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write_end)
        # Read up to the newline: Xvfb writes the number and the newline apart,
        # and closing the pipe before the newline kills it with SIGPIPE.
        text = b""
        deadline = time.monotonic() + 10
        try:
            while not text.endswith(b"\n") and time.monotonic() < deadline:
                ready, _w, _x = select.select([read_end], [], [], 0.5)
                chunk = os.read(read_end, 32) if ready else b""
                if ready and not chunk:
                    break
                text += chunk
        finally:
            os.close(read_end)
        number = text.decode().strip()
        if not number.isdigit() or self.process.poll() is not None:
            self.stop()
            raise StepFailed("Xvfb did not report a display number")
        self.name = f":{number}"

    def stop(self) -> None:
        """End the server this object started."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


class Keyboard:
    """xdotool on one display: find windows, focus them, type and press keys, take pictures."""

    def __init__(self, display: str) -> None:
        self.env = {**os.environ, "DISPLAY": display}

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            args, env=self.env, capture_output=True, text=True, timeout=20, check=False
        )
        if check and result.returncode != 0:
            raise StepFailed(f"{' '.join(args[:2])} failed: {result.stderr.strip()}")
        return result

    def windows(self, title_pattern: str) -> list[str]:
        """Visible windows whose title matches the regular expression."""
        found = self._run(
            "xdotool", "search", "--onlyvisible", "--name", title_pattern, check=False
        )
        return found.stdout.split()

    def wait_window(self, title_pattern: str, timeout: float = 10.0) -> str:
        """The first visible window whose title matches, once there is one."""

        def probe() -> str | None:
            found = self.windows(title_pattern)
            return found[0] if found else None

        return wait_for(f"a window titled {title_pattern!r}", probe, timeout)

    def wait_gone(self, title_pattern: str, timeout: float = 10.0) -> None:
        """Wait until no visible window's title matches."""
        wait_for(
            f"no window titled {title_pattern!r}",
            lambda: not self.windows(title_pattern),
            timeout,
        )

    def title(self, window: str) -> str:
        """The window's title now."""
        return self._run("xdotool", "getwindowname", window).stdout.strip()

    def wait_title(self, window: str, title_pattern: str, timeout: float = 10.0) -> str:
        """Wait until the window's title matches; returns it."""
        return wait_for(
            f"the title to match {title_pattern!r}",
            lambda: (t := self.title(window)) and re.search(title_pattern, t) and t,
            timeout,
        )

    def size(self, window: str) -> tuple[int, int]:
        """The window's width and height in pixels."""
        text = self._run("xdotool", "getwindowgeometry", window).stdout
        match = re.search(r"Geometry:\s*(\d+)x(\d+)", text)
        if match is None:
            raise StepFailed(f"no geometry in {text!r}")
        return int(match.group(1)), int(match.group(2))

    def focus(self, window: str) -> None:
        """Give the window keyboard focus (a window manager would; Xvfb alone has none)."""
        self._run("xdotool", "windowfocus", "--sync", window)

    def focused(self) -> str:
        """The window that has the X keyboard focus."""
        return self._run("xdotool", "getwindowfocus", check=False).stdout.strip()

    def wait_focused(self, window: str, timeout: float = 5.0) -> None:
        """Wait until `window` has the keyboard (after a dialog closes, the app hands it back)."""
        wait_for(f"window {window} to get the keyboard", lambda: self.focused() == window, timeout)

    def type(self, text: str) -> None:
        """Type text as key presses."""
        self._run("xdotool", "type", "--delay", "15", text)

    def key(self, *keys: str, delay_ms: int = 40) -> None:
        """Press keys or chords one after the other: "ctrl+l", or "q", "a", "z"."""
        self._run("xdotool", "key", "--delay", str(delay_ms), *keys)

    def picture(self, window: str = "root") -> bytes:
        """The window's pixels now (ImageMagick), to tell whether the screen has changed."""
        return subprocess.run(
            ["import", "-window", window, "-depth", "8", "rgb:-"],  # noqa: S607
            env=self.env,
            capture_output=True,
            timeout=20,
            check=True,
        ).stdout

    def wait_repainted(
        self, before: bytes, window: str = "root", timeout: float = 30.0, settle: float = 0.5
    ) -> None:
        """Wait until the screen differs from `before`, then stays the same for `settle` s.

        The app paints only once it has handled a key, so a new picture means the
        key's work (opening a block, say) is done; the settling lets follow-up
        paints (a chart, a summary) land first.
        """
        wait_for("the screen to change", lambda: self.picture(window) != before, timeout)
        last, stable_since = self.picture(window), time.monotonic()
        deadline = time.monotonic() + timeout
        while time.monotonic() - stable_since < settle:
            if time.monotonic() > deadline:
                raise StepFailed("the screen kept changing")
            time.sleep(0.1)
            now = self.picture(window)
            if now != last:
                last, stable_since = now, time.monotonic()

    def screenshot(self, path: Path, window: str = "root") -> Path | None:
        """Save the screen (or one window) as PNG; None if that failed."""
        self._run("import", "-window", window, str(path), check=False)
        return path if path.exists() else None


def app_environment(display: str, home: Path) -> dict[str, str]:
    """The app's environment: the real X platform (no offscreen), a private home folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "CRUCIBLE_"))}
    runtime = home / "runtime"
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    env.update(
        DISPLAY=display,
        HOME=str(home),
        XDG_RUNTIME_DIR=str(runtime),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        PYTHONPATH=str(ROOT),
    )
    return env


class RunningApp:
    """`python -m crucible --vault DIR` in its own process, its output kept in files."""

    def __init__(self, vault: Path, display: str, home: Path, logs: Path) -> None:
        logs.mkdir(parents=True, exist_ok=True)
        self.stdout_path = logs / "app.stdout"
        self.stderr_path = logs / "app.stderr"
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "crucible", "--vault", str(vault)],
                # A crash in Qt's C++ code still leaves the Python stack on stderr.
                env={**app_environment(display, home), "PYTHONFAULTHANDLER": "1"},
                cwd=ROOT,
                stdout=out,
                stderr=err,
            )

    @property
    def stderr(self) -> str:
        """Everything the app wrote to stderr so far."""
        return self.stderr_path.read_text(errors="replace")

    def wait_exit(self, timeout: float = 15.0) -> int:
        """Wait for the app to quit by itself; its exit status."""
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired as error:
            raise StepFailed(f"the app did not quit within {timeout:.0f} s") from error

    def stop(self) -> None:
        """End the app this object started, if it still runs."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def run_cli(vault: Path, *args: str, secret: str, home: Path) -> subprocess.CompletedProcess[str]:
    """Run `python -m crucible --vault DIR ARGS...` with the passphrase on stdin."""
    env = app_environment(":0", home)
    env.pop("DISPLAY")
    return subprocess.run(
        [sys.executable, "-m", "crucible", "--vault", str(vault), *args],
        input=secret + "\n",
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
