"""Fixtures for the desktop app: real vaults (fast key profile), a fake idle clock, helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from crucible.app.services import casebook
from crucible.app.store.vault import UnlockThrottle
from crucible.app.ui.shell.launch import Desktop, launch
from tests.conftest import FAST_KDF, PASSPHRASE

DEMO = Path(__file__).parents[2] / "resources" / "demo-intensive.json"


class IdleClock:
    """A monotonic clock for the idle watcher that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def idle_clock() -> IdleClock:
    return IdleClock()


@pytest.fixture
def start_desktop(
    qtbot: Any, vault_folder: Path, idle_clock: IdleClock
) -> Iterator[Callable[..., Desktop]]:
    """Launch the app on `vault_folder` or another folder (optional services clock)."""
    started: list[Desktop] = []

    def start(folder: Path | None = None, *, clock: Any = None, throttle: Any = None) -> Desktop:
        result = launch(
            folder or vault_folder,
            kdf=FAST_KDF,
            throttle=throttle or UnlockThrottle(sleep=lambda _s: None),
            clock=clock,
            idle_clock=idle_clock,
            idle_check_ms=20,
        )
        assert isinstance(result, Desktop), result
        started.append(result)
        return result

    yield start
    for desktop in started:
        desktop.close()
        desktop.window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def demo_vault(vault_folder: Path) -> Path:
    """A locked vault holding the demo intensive."""
    from crucible.app.services.intensive_exchange import import_intensive
    from crucible.app.services.profile import ClinicianProfile, save_profile
    from crucible.app.services.vault_access import new_vault

    vault, _code = new_vault(vault_folder, PASSPHRASE, kdf=FAST_KDF)
    save_profile(vault, ClinicianProfile("Jordan Reyes", "LMFT"))
    import_intensive(vault, DEMO.read_bytes(), actor="test")
    vault.lock()
    return vault_folder


def unlock(qtbot: Any, desktop: Desktop, passphrase: str = PASSPHRASE) -> None:
    """Type the passphrase on the unlock screen and wait for the workspace."""
    view = desktop.session.unlock_view
    view.passphrase.setText(passphrase)
    with qtbot.waitSignal(desktop.session.opened, timeout=10_000):
        view.unlock.click()
    wait_idle(qtbot, desktop)


def press_live_key(qtbot: Any, workspace: Any, key: Any) -> None:
    """Press a live key on the real clock; asked about the demo's other date, say "today"."""
    qtbot.keyClick(workspace.view.pad, key)
    box = workspace.run.question
    if box is not None:
        box.button(QMessageBox.StandardButton.Yes).click()


def wait_idle(qtbot: Any, desktop: Desktop) -> None:
    """Wait until no background job is pending (e.g. the reports check after unlock)."""
    qtbot.waitUntil(lambda: not desktop.session.background.busy, timeout=10_000)


@pytest.fixture
def unlocked(qtbot: Any, demo_vault: Path, start_desktop: Callable[..., Desktop]) -> Desktop:
    """The app unlocked on the demo vault."""
    desktop = start_desktop(demo_vault)
    unlock(qtbot, desktop)
    return desktop


def visible_dialog(kind: type) -> Any:
    """The one visible top-level widget of this type."""
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
    assert len(found) == 1, found
    return found[0]


def all_text(widget: QWidget) -> str:
    """Every string a widget shows or announces."""
    parts = [
        widget.windowTitle(),
        widget.toolTip(),
        widget.accessibleName(),
        widget.accessibleDescription(),
        widget.statusTip(),
        widget.whatsThis(),
    ]
    for getter in ("text", "toPlainText", "currentText", "placeholderText", "title"):
        method = getattr(widget, getter, None)
        if callable(method):
            try:
                value = method()
            except TypeError:
                continue
            if isinstance(value, str):
                parts.append(value)
    return "\n".join(parts)


def open_recovery_page(
    vault_folder: Path, start_desktop: Callable[..., Desktop]
) -> tuple[Desktop, Any, str]:
    """A new vault, locked; the app started on it with the recovery page showing.

    Returns the desktop, the unlock view and the vault's recovery code.
    """
    from crucible.app.services.vault_access import new_vault

    vault, code = new_vault(vault_folder, PASSPHRASE, kdf=FAST_KDF)
    vault.lock()
    desktop = start_desktop(vault_folder)
    view = desktop.session.unlock_view
    view.use_code.click()
    return desktop, view, code


def fill_recovery_page(
    vault_folder: Path, start_desktop: Callable[..., Desktop], new_passphrase: str
) -> tuple[Desktop, Any]:
    """The recovery page with the right code and `new_passphrase` typed twice, not submitted.

    See `open_recovery_page`; returns the desktop and the unlock view.
    """
    desktop, view, code = open_recovery_page(vault_folder, start_desktop)
    view.code.setText(code)
    view.new_passphrase.setText(new_passphrase)
    view.repeat.setText(new_passphrase)
    return desktop, view


def add_couple(
    vault: Any,
    code: str,
    names: tuple[str, str],
    *,
    pronouns: tuple[str, str] = ("she/her", "he/him"),
    colours: tuple[str, str] = ("#2E6DB4", "#C2571A"),
) -> int:
    """Create a couple through the service (partners A and B); returns its id."""
    return casebook.create_couple(
        vault,
        code,
        [
            casebook.PartnerOutline(key, name, pronoun, colour)
            for key, name, pronoun, colour in zip("AB", names, pronouns, colours, strict=True)
        ],
        actor="t",
    )


def add_template_intensive(
    vault: Any, couple_id: int, title: str, first_date: date = date(2026, 12, 7)
) -> int:
    """Create an intensive from the first template (by default from 7 Dec 2026); returns its id."""
    return casebook.create_intensive(
        vault,
        couple_id,
        casebook.list_templates()[0],
        first_date=first_date,
        title=title,
        clinician="t",
        actor="t",
    )


def damage_every_page(db: Path) -> None:
    """Flip one byte in every 4 KiB page of a database file: no page authenticates any more."""
    data = bytearray(db.read_bytes())
    for offset in range(0, len(data), 4096):
        data[offset + 100] ^= 0xFF
    db.write_bytes(bytes(data))
