"""Tools › Hours: "other" blocks that ran are counted as contact, or not, from the window."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from crucible.app.domain.hours import ContactKind
from crucible.app.services.hours import read_record
from crucible.app.services.intensive_exchange import import_intensive
from crucible.app.services.vault_access import open_vault
from crucible.app.store.vault import UnlockThrottle
from crucible.app.ui.shell.launch import Desktop
from tests.conftest import PASSPHRASE
from tests.ui.conftest import DEMO, unlock
from tests.ui.hours.hours_window import open_hours


def _add_other_block(folder: Path) -> None:
    """A day of the demo couple's with one "other" block that ran 10:00-10:45 (45 minutes)."""
    document = json.loads(DEMO.read_text("utf-8"))
    document["format"] = "crucible.intensive/1.1"
    document["intensive"]["days"] = [
        {"day": 1, "date": "2026-11-10", "blocks": [
            {"title": "Psychoeducation", "kind": "other",
             "start": "2026-11-10T10:00:00-05:00", "end": "2026-11-10T10:45:00-05:00",
             "actual_start": "2026-11-10T10:00:00-05:00",
             "actual_end": "2026-11-10T10:45:00-05:00"},
        ]},
    ]  # fmt: skip
    vault = open_vault(
        folder, PASSPHRASE, actor="test", throttle=UnlockThrottle(sleep=lambda _s: None)
    )
    try:
        import_intensive(vault, json.dumps(document).encode("utf-8"), actor="test")
    finally:
        vault.lock()


def _click_and_recount(qtbot: Any, hours: Any, button: Any) -> None:
    before = hours.log
    assert button.isEnabled()
    button.click()
    qtbot.waitUntil(lambda: hours.log is not before, timeout=10_000)


def test_an_other_block_is_counted_as_relational_then_individual_then_not(
    qtbot: Any, demo_vault: Path, start_desktop: Any
) -> None:
    _add_other_block(demo_vault)
    desktop = start_desktop(demo_vault)
    unlock(qtbot, desktop)
    hours = open_hours(qtbot, desktop)
    view = hours.view
    qtbot.waitUntil(lambda: view.others_box.isVisibleTo(view), timeout=5_000)
    assert view.decide.isVisibleTo(view)
    assert not view.pending_box.isVisibleTo(view)  # every demo block shows it ran
    assert view.others.rowCount() == 1
    cells = [view.others.item(0, column).text() for column in range(view.others.columnCount())]
    assert cells[:4] == ["2026-11-10", "10:00–10:45", "45", "C-0007"]
    assert cells[5] == "Not counted"
    assert "1 not counted" in view.others_heading.text()
    start = hours.log.contact
    assert (start.relational, start.individual) == (615, 120)  # the demo's, without the block
    assert not view.count_relational.isEnabled()  # nothing selected yet

    view.others.selectRow(0)
    assert not view.dont_count.isEnabled()  # it does not count yet
    _click_and_recount(qtbot, hours, view.count_relational)
    assert (hours.log.contact.relational, hours.log.contact.individual) == (615 + 45, 120)
    assert view.others.item(0, 5).text() == "Relational"
    assert "counted as you decided" in view.others_heading.text()
    block_id = hours.others[0].block_id
    marks = {r.block_id: r.mark for r in read_record(desktop.session.parts.vault).blocks}
    assert marks[block_id].contact_kind is ContactKind.RELATIONAL

    view.others.selectRow(0)
    assert not view.count_relational.isEnabled()  # already so
    _click_and_recount(qtbot, hours, view.count_individual)
    assert (hours.log.contact.relational, hours.log.contact.individual) == (615, 120 + 45)

    view.others.selectRow(0)  # undo
    _click_and_recount(qtbot, hours, view.dont_count)
    assert (hours.log.contact.relational, hours.log.contact.individual) == (615, 120)
    assert view.others.item(0, 5).text() == "Not counted"
    marks = {r.block_id: r.mark for r in read_record(desktop.session.parts.vault).blocks}
    assert marks[block_id].contact_kind is None


def test_without_other_blocks_the_lists_stay_hidden(qtbot: Any, unlocked: Desktop) -> None:
    hours = open_hours(qtbot, unlocked)
    assert hours.others == []
    assert not hours.view.decide.isVisibleTo(hours.view)
