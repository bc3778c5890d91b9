"""No two controls on screen together answer the same Alt+letter.

Qt does not refuse a second control with the same mnemonic: Alt+letter then
moves between them instead of acting, and the clinician's keyboard path
silently breaks (docs/ui.md, "Keyboard").
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QTabBar, QWidget

from crucible.app.ui.shell.launch import Desktop
from tests.ui.shell.test_keyboard_paths import _open_first_block


def _mnemonic(text: str) -> str | None:
    """The letter after a single '&' ('&&' is a literal ampersand)."""
    index = 0
    while (index := text.find("&", index)) != -1 and index + 1 < len(text):
        if text[index + 1] != "&":
            return text[index + 1].lower()
        index += 2
    return None


def _shown_mnemonics(window: QWidget) -> dict[str, list[str]]:
    """Each Alt+letter on screen in the window, with what answers it."""
    found: dict[str, list[str]] = defaultdict(list)

    def add(text: str, owner: str) -> None:
        letter = _mnemonic(text)
        if letter:
            found[letter].append(f"{owner} {text!r}")

    for action in window.menuBar().actions():
        add(action.text(), "menu")
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window):
            continue
        if isinstance(widget, QAbstractButton):
            add(widget.text(), type(widget).__name__)
        elif isinstance(widget, QLabel) and widget.buddy() is not None:
            add(widget.text(), "label")
        elif isinstance(widget, QGroupBox):
            add(widget.title(), "group")
        elif isinstance(widget, QTabBar):
            for index in range(widget.count()):
                add(widget.tabText(index), "tab")
    return found


def _clashes(window: QWidget) -> dict[str, list[str]]:
    return {k: v for k, v in _shown_mnemonics(window).items() if len(v) > 1}


def test_a_block_on_screen_has_no_mnemonic_twice(qtbot: Any, unlocked: Desktop) -> None:
    """With the observations, with the note, and with an observation's details open."""
    workspace, _block_id = _open_first_block(qtbot, unlocked)
    window = unlocked.window
    assert _shown_mnemonics(window)  # the collector sees the screen's mnemonics at all
    assert _clashes(window) == {}, "observations tab"
    workspace.view.tabs.setCurrentWidget(workspace.view.note)
    assert _clashes(window) == {}, "note tab"
    workspace.view.pad.details.show()  # the row Enter opens for the last observation
    assert workspace.view.pad.details.isVisibleTo(window)
    assert _clashes(window) == {}, "note tab with an observation's details"
    workspace.view.tabs.setCurrentIndex(0)
    assert _clashes(window) == {}, "observations tab with an observation's details"
    workspace.set_live(True)
    assert _clashes(window) == {}, "live, with an observation's details"


def test_each_casebook_page_has_no_mnemonic_twice(qtbot: Any, unlocked: Desktop) -> None:
    """A couple, an intensive and a day selected in the navigator, each with its buttons."""
    from crucible.app.services import casebook

    couple = casebook.load_casebook(unlocked.session.vault)[0]
    intensive = couple.intensives[0]
    window = unlocked.window
    for key in (("couple", couple.id), ("intensive", intensive.id), ("day", intensive.days[0].id)):
        assert unlocked.session.workspace.select(key), key
        qtbot.wait(10)
        assert _clashes(window) == {}, key


def test_no_menu_has_a_mnemonic_twice(unlocked: Desktop) -> None:
    """Inside an open menu, Alt-less letters choose its items: each letter once per menu."""
    menus = [action.menu() for action in unlocked.window.menuBar().actions()]
    assert len(menus) >= 4
    for menu in menus:
        letters: dict[str, list[str]] = defaultdict(list)
        for action in menu.actions():
            letter = _mnemonic(action.text())
            if letter:
                letters[letter].append(action.text())
        assert {k: v for k, v in letters.items() if len(v) > 1} == {}, menu.title()
