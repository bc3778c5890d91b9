"""The case navigator: its model, the filter, and editing couples, intensives, days and blocks."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QTime
from PySide6.QtWidgets import QMessageBox

from crucible.app.services import casebook
from crucible.app.services.intensive_exchange import get_intensive
from crucible.app.ui.casebook.couple_dialog import CoupleDialog
from crucible.app.ui.casebook.intensive_dialog import NewIntensiveDialog, SupervisionDialog
from crucible.app.ui.casebook.navigator_filter import NavigatorFilter
from crucible.app.ui.casebook.navigator_model import NavigatorModel, key_of
from crucible.app.ui.shell.launch import Desktop
from tests.ui.conftest import add_couple, add_template_intensive, visible_dialog


def _rows(model: Any, parent: QModelIndex | None = None) -> list[str]:
    parent = parent or QModelIndex()
    found = []
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        found.append(index.data())
        found.extend(_rows(model, index))
    return found


def test_model_passes_qtmodeltester(qtmodeltester: Any, unlocked: Desktop) -> None:
    """The navigator model and its filter proxy keep Qt's model contracts."""
    ws = unlocked.session.workspace
    couples = casebook.load_casebook(ws.vault, include_archived=True)
    model = NavigatorModel()
    model.set_casebook(couples)
    qtmodeltester.check(model, force_py=True)
    proxy = NavigatorFilter()
    proxy.setSourceModel(model)
    proxy.setFilterFixedString("repair")
    qtmodeltester.check(proxy, force_py=True)
    assert _rows(model)[:3] == [
        "C-0007 — Dana Whitfield & Sam Okafor",
        "Two-day intensive · 2 Nov 2026",
        "Day 1 · Mon 2 Nov",
    ]


def test_filter_keeps_ancestors_of_a_match(unlocked: Desktop) -> None:
    """Filtering by a block title shows it with its couple, intensive and day."""
    ws = unlocked.session.workspace
    ws.view.filter.setText("REPAIR")
    assert _rows(ws.proxy) == [
        "C-0007 — Dana Whitfield & Sam Okafor",
        "Two-day intensive · 2 Nov 2026",
        "Day 2 · Tue 3 Nov",
        "12:30–14:30  Joint: repair practice",
    ]
    ws.view.filter.setText("no such thing")
    assert _rows(ws.proxy) == []


def _new_couple(qtbot: Any, desktop: Desktop, code: str) -> None:
    desktop.window.new_couple.trigger()
    dialog = visible_dialog(CoupleDialog)
    assert dialog.windowTitle() == "Crucible — New couple"
    dialog.code.setText(code)
    (a_name, a_pronouns, a_colour), (b_name, _bp, _bc) = dialog.partner_fields.values()
    a_name.setText("Avery Stone")
    a_pronouns.setText("they/them")
    a_colour.set_colour("#117733")
    dialog.accept()
    if dialog.isVisible():
        return
    b_name.setText("")


def test_create_couple_and_intensive_from_template(qtbot: Any, unlocked: Desktop) -> None:
    """A couple and a two-day intensive from the template appear, selected, in the navigator."""
    ws = unlocked.session.workspace
    unlocked.window.new_couple.trigger()
    dialog = visible_dialog(CoupleDialog)
    dialog.code.setText("C-0100")
    (a_name, a_pronouns, a_colour), (b_name, b_pronouns, _b_colour) = dialog.partner_fields.values()
    a_name.setText("Avery Stone")
    a_pronouns.setText("they/them")
    a_colour.set_colour("#117733")
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.message.text() == "Each partner needs a name."
    b_name.setText("Blake Rivera")
    b_pronouns.setText("he/him")
    dialog.accept()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert ws.selected_key()[0] == "couple"
    assert ws.view.details.couple_title.text() == "Couple C-0100"

    unlocked.window.new_intensive.trigger()
    new = visible_dialog(NewIntensiveDialog)
    new.first_date.setDate(new.first_date.date().fromString("2026-12-07", "yyyy-MM-dd"))
    new.accept()
    qtbot.waitUntil(lambda: not new.isVisible())
    key = ws.selected_key()
    assert key[0] == "intensive"
    intensive = get_intensive(ws.vault, key[1])
    assert [d.date for d in intensive.days] == [date(2026, 12, 7), date(2026, 12, 8)]
    assert [b.title for b in intensive.days[1].blocks] == [
        "Joint: skills, requests and the feedback wheel",
        "Joint: repair practice",
        "Closing and plan",
    ]
    assert intensive.clinician == "Jordan Reyes, LMFT"
    assert ws.view.details.intensive_records.text() == "7 blocks, 0 signed notes"


def _select_block(ws: Any, intensive_title: str, day: int, row: int) -> None:
    for couple in casebook.load_casebook(ws.vault):
        for intensive in couple.intensives:
            if intensive.title == intensive_title:
                ws.select(("block", intensive.days[day].blocks[row].id))
                return
    raise AssertionError("no such intensive")


def test_edit_template_blocks(qtbot: Any, unlocked: Desktop) -> None:
    """Blocks of a template intensive are retimed, reordered, added and removed from the details."""
    ws = unlocked.session.workspace
    couple_id = add_couple(ws.vault, "C-0200", ("Ari", "Bo"), pronouns=("", ""), colours=("", ""))
    intensive_id = add_template_intensive(ws.vault, couple_id, "Template test")
    ws.refresh()
    _select_block(ws, "Template test", 0, 1)
    d = ws.view.details
    assert d.currentWidget() is d.pages["block"]
    assert d.block_title.text() == "Individual: partner A"
    d.block_title.setText("Individual: Ari")
    d.block_start.setTime(QTime(12, 45))
    d.block_end.setTime(QTime(13, 40))
    d.save_block.click()
    d.block_up.click()
    assert key_of(ws.view.tree.currentIndex()) == ws.selected_key()
    day = get_intensive(ws.vault, intensive_id).days[0]
    assert [(b.title, b.start.strftime("%H:%M")) for b in day.blocks[:2]] == [
        ("Individual: Ari", "12:45"),
        ("Joint: history and pattern", "09:00"),
    ]
    d.block_end.setTime(QTime(12, 0))
    d.save_block.click()
    box = visible_dialog(QMessageBox)
    assert box.text() == "A block must end after it starts."
    box.accept()

    ws.select(("day", ws.summary_of(ws.parent_key("day")).id))
    d.add_block.click()
    assert ws.selected_key()[0] == "block"
    assert len(get_intensive(ws.vault, intensive_id).days[0].blocks) == 5
    d.remove_block.click()
    visible_dialog(QMessageBox).buttons()[0].click()
    assert len(get_intensive(ws.vault, intensive_id).days[0].blocks) == 4
    assert ws.selected_key()[0] == "day"


def test_delete_refused_for_signed_note(qtbot: Any, unlocked: Desktop) -> None:
    """The demo intensive has signed notes: deleting says why and keeps it; archiving hides it."""
    ws = unlocked.session.workspace
    intensive = casebook.load_casebook(ws.vault)[0].intensives[0]
    assert intensive.has_signed_note
    ws.select(("intensive", intensive.id))
    ws.view.details.delete_intensive.click()
    box = visible_dialog(QMessageBox)
    assert "signed records cannot be deleted" in box.text()
    assert box.windowTitle().startswith("Crucible")
    box.accept()
    assert get_intensive(ws.vault, intensive.id).title == "Two-day intensive"

    ws.view.details.archive.click()
    assert "Two-day intensive · 2 Nov 2026" not in ws.model.all_labels()
    unlocked.window.show_archived.trigger()
    assert ws.view.show_archived.isChecked()
    assert "Two-day intensive · 2 Nov 2026 (archived)" in ws.model.all_labels()


def test_delete_unsigned_intensive_after_question(qtbot: Any, unlocked: Desktop) -> None:
    """An intensive without signed notes is deleted once the clinician confirms."""
    ws = unlocked.session.workspace
    couple = casebook.load_casebook(ws.vault)[0]
    new_id = add_template_intensive(ws.vault, couple.id, "Follow-up", date(2027, 1, 4))
    ws.refresh(("intensive", new_id))
    ws.view.details.delete_intensive.click()
    box = visible_dialog(QMessageBox)
    box.buttons()[0].click()
    assert all("Follow-up" not in label for label in ws.model.all_labels())


def test_mark_supervised(qtbot: Any, unlocked: Desktop) -> None:
    """Supervision is recorded and shown on the intensive's page."""
    ws = unlocked.session.workspace
    intensive = casebook.load_casebook(ws.vault)[0].intensives[0]
    ws.select(("intensive", intensive.id))
    ws.view.details.supervision.click()
    dialog = visible_dialog(SupervisionDialog)
    dialog.trainee.setText("Robin Trainee")
    dialog.supervisor.setText("Dr. Alex Moss")
    dialog.accept()
    assert ws.view.details.intensive_supervision.text() == (
        "Trainee Robin Trainee, supervised by Dr. Alex Moss"
    )
    assert get_intensive(ws.vault, intensive.id).is_supervised


@pytest.mark.parametrize("shortcut", ["Ctrl+Shift+N", "Ctrl+L", "Ctrl+I", "Ctrl+R", "Ctrl+,"])
def test_menu_shortcuts(unlocked: Desktop, shortcut: str) -> None:
    """The main actions have keyboard shortcuts."""
    shortcuts = {a.shortcut().toString() for a in unlocked.window.vault_actions}
    assert shortcut in shortcuts


def test_a_block_found_again_after_its_day_changed_is_the_one_in_the_tree(
    unlocked: Desktop,
) -> None:
    """The model remembers nodes it found by key; one moved or rebuilt since is not used."""
    from crucible.app.ui.casebook.navigator_model import BLOCK, INTENSIVE

    vault = unlocked.session.workspace.vault
    model = NavigatorModel()
    model.set_casebook(casebook.load_casebook(vault, include_archived=True))
    intensive_key = next(
        key_of(model.index(0, 0, model.index(row, 0)))
        for row in range(model.rowCount())
        if model.rowCount(model.index(row, 0))
    )
    model.ensure_loaded(intensive_key)
    outline = casebook.load_intensive(vault, intensive_key[1])
    first, second = outline.days[0].blocks[0].id, outline.days[0].blocks[1].id
    assert model.find((BLOCK, second)).row() == 1  # found, and remembered

    casebook.move_block(vault, second, -1, actor="test")  # same blocks, new order: rebuilt
    assert model.replace_intensive(casebook.load_intensive(vault, intensive_key[1]))
    moved = model.find((BLOCK, second))
    assert (moved.row(), key_of(moved)) == (0, (BLOCK, second))
    assert model.find((BLOCK, first)).row() == 1
    assert key_of(moved.parent().parent()) == (INTENSIVE, intensive_key[1])

    model.set_casebook(casebook.load_casebook(vault, include_archived=True))  # a reload
    again = model.find((BLOCK, second))
    assert again.internalPointer() is not moved.internalPointer()  # the new tree's node
    assert (again.row(), key_of(again)) == (0, (BLOCK, second))
