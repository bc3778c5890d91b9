"""Tools › Hours in the running app: bars, weeks, entries, click-through, and gone at lock."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QProgressBar

from crucible.app.services.hours import add_manual_contact, add_supervision
from crucible.app.services.vault_access import open_vault
from crucible.app.store.vault import UnlockThrottle
from crucible.app.ui.hours.hours_view import HoursView
from crucible.app.ui.shell.launch import Desktop
from tests.conftest import PASSPHRASE
from tests.ui.conftest import all_text, unlock, wait_idle
from tests.ui.hours.hours_window import open_hours


def _add_entries(folder: Path) -> None:
    from crucible.app.domain.hours import (
        ContactKind,
        ManualContact,
        ObservableData,
        SupervisionEntry,
        SupervisionFormat,
    )

    vault = open_vault(
        folder, PASSPHRASE, actor="test", throttle=UnlockThrottle(sleep=lambda _s: None)
    )
    try:
        add_supervision(
            vault,
            SupervisionEntry(
                date(2026, 11, 4), 60, SupervisionFormat.INDIVIDUAL, ObservableData.VIDEO
            ),
        )
        add_manual_contact(
            vault, ManualContact(date(2026, 11, 12), 50, ContactKind.INDIVIDUAL, "F-2")
        )
    finally:
        vault.lock()


def test_the_hours_window_shows_bars_weeks_and_entries(
    qtbot: Any, demo_vault: Path, start_desktop: Any
) -> None:
    _add_entries(demo_vault)
    desktop = start_desktop(demo_vault)
    unlock(qtbot, desktop)
    hours = open_hours(qtbot, desktop)
    view = hours.view
    bars = {bar.accessibleName(): bar.value() for bar in view.findChildren(QProgressBar)}
    # Demo: 735 minutes of contact (615 relational) + 50 added = 785 = 13:05 of 500 hours.
    assert "Direct client contact: 13:05 of 500:00 claimable" in bars
    assert bars["Direct client contact: 13:05 of 500:00 claimable"] == round(785 / 30000 * 1000)
    assert "Supervision with observable data: 1:00 of 50:00 claimable" in bars
    weeks = [view.weeks.item(row, 0).text() for row in range(view.weeks.rowCount())]
    assert weeks == ["2026-11-02", "2026-11-09"]
    assert view.weeks.item(0, 3).text() == "12:15"
    # The latest week is selected: its one entry is the one added by hand.
    assert view.entries.rowCount() == 1
    assert view.entries.item(0, 1).text() == "Contact (added)"
    assert not hours.open_entry(0)
    assert "added by hand" in view.message.text()
    view.weeks.selectRow(0)
    assert view.entries.rowCount() == 8  # seven blocks and the supervision entry
    assert view.entries.item(0, 1).text() == "Contact (block)"
    assert "Jordan" not in all_text(view)


def test_an_entry_opens_its_block_and_lock_closes_the_window(qtbot: Any, unlocked: Desktop) -> None:
    hours = open_hours(qtbot, unlocked)
    view = hours.view
    view.weeks.selectRow(0)
    block_id = hours.entries[2].block_id
    assert block_id is not None
    assert hours.open_entry(2)
    wait_idle(qtbot, unlocked)
    from crucible.app.ui.casebook.navigator_model import BLOCK

    assert unlocked.session.parts.casebook.selected_key() == (BLOCK, block_id)
    assert view.isVisible()
    unlocked.session.lock()
    qtbot.waitUntil(
        lambda: (
            not any(
                isinstance(w, HoursView) and w.isVisible() for w in QApplication.topLevelWidgets()
            )
        ),
        timeout=5_000,
    )
