"""Find in casebook (Ctrl+K): results as you type, grouped, opened at the match, gone at lock."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QWidget

from crucible.app.services.search import MATCH_END, MATCH_START
from crucible.app.ui.casebook.search_controller import (
    HIT_ROLE,
    SearchController,
    matched_phrase,
    snippet_html,
)
from crucible.app.ui.casebook.search_view import SearchPaletteView
from crucible.app.ui.shell.launch import Desktop
from tests.ui.conftest import all_text, wait_idle


def _activate(qtbot: Any, window: QWidget) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def _palette(qtbot: Any, desktop: Desktop) -> tuple[SearchController, SearchPaletteView]:
    """Open the palette with a real Ctrl+K on the main window."""
    wait_idle(qtbot, desktop)
    _activate(qtbot, desktop.window)
    target = QApplication.focusWidget() or desktop.window
    qtbot.keyClick(target, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    parts = desktop.session.parts
    assert parts is not None
    view = parts.search.view
    assert view is not None
    assert view.isVisible()
    qtbot.waitUntil(view.query.hasFocus, timeout=2000)
    return parts.search, view


def _type(qtbot: Any, view: SearchPaletteView, text: str) -> None:
    """Type into the query and wait for the debounced search to come back."""
    view.query.clear()
    qtbot.keyClicks(view.query, text)
    qtbot.waitUntil(
        lambda: view.status.text().endswith(("opens one.", "unless you include them.")),
        timeout=5000,
    )


def _leaves(model: Any, parent: QModelIndex | None = None) -> list[QModelIndex]:
    parent = parent or QModelIndex()
    found = []
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        if model.hasChildren(index):
            found.extend(_leaves(model, index))
        else:
            found.append(index)
    return found


def test_snippet_html_escapes_text_and_marks_the_match() -> None:
    """Client text is escaped (no markup from a note), the match wrapped in bold."""
    snippet = f"she said <b>{MATCH_START}I give up{MATCH_END}</b> & left"
    html = snippet_html(snippet, "#ffe08a")
    assert "&lt;b&gt;" in html
    assert "&amp; left" in html
    assert "<b style='background-color:#ffe08a'>I give up</b>" in html
    assert matched_phrase(snippet) == "I give up"
    assert matched_phrase("no match markers") == ""
    s, e = MATCH_START, MATCH_END
    assert matched_phrase(f"felt {s}feeling{e} {s}small{e} and {s}x{e}") == "feeling small"


def test_typing_finds_quotes_grouped_by_couple_and_intensive(qtbot: Any, unlocked: Desktop) -> None:
    """A quote from the demo is found as typed, under its couple and its intensive."""
    search, view = _palette(qtbot, unlocked)
    _type(qtbot, view, "whatever you")
    leaves = _leaves(search.model)
    assert leaves, view.status.text()
    top = search.model.index(0, 0)
    assert "C-0007" in str(top.data())
    assert search.model.hasChildren(search.model.index(0, 0, top))
    first = search.hits[leaves[0].data(HIT_ROLE)]
    assert (
        "Whatever" in matched_phrase(first.snippet)
        or "whatever" in matched_phrase(first.snippet).lower()
    )
    assert view.status.text().startswith(f"{len(search.hits)} result")


def test_a_newer_pause_stops_the_search_in_flight_and_runs_only_the_newest(
    qtbot: Any, unlocked: Desktop
) -> None:
    """Two pauses in a row: the first search is stopped, only the last text's results show."""
    search, view = _palette(qtbot, unlocked)
    view.query.setText("zzqxnotaword")
    search.run_query()  # the first pause: its search goes to the read lane
    first = search._in_flight
    assert first is not None
    view.query.setText("whatever you")
    search.run_query()  # the next pause, before the first search has come back
    assert first.stop.stopped
    qtbot.waitUntil(lambda: view.status.text().endswith("opens one."), timeout=5000)
    assert search._in_flight is None
    assert search.hits
    assert all("whatever" in hit.snippet.lower() for hit in search.hits)


def test_nothing_found_says_so_and_archived_are_left_out(qtbot: Any, unlocked: Desktop) -> None:
    """No hit: a sentence that says so and mentions archived intensives."""
    _search, view = _palette(qtbot, unlocked)
    _type(qtbot, view, "zzqxnotaword")
    assert "Nothing found" in view.status.text()


def test_enter_opens_the_block_with_the_observation_selected(qtbot: Any, unlocked: Desktop) -> None:
    """Down from the query, Enter on the hit: the block opens, the observation is selected."""
    search, view = _palette(qtbot, unlocked)
    view.partner.setCurrentIndex(view.partner.findData("B"))
    _type(qtbot, view, "whatever")
    assert search.hits
    assert all(hit.partner in (None, "B") for hit in search.hits)
    qtbot.keyClick(view.query, Qt.Key.Key_Down)
    assert view.results.hasFocus()
    hit = search.hits[view.results.currentIndex().data(HIT_ROLE)]
    qtbot.keyClick(view.results, Qt.Key.Key_Return)  # the dialog's default button: Open
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=2000)
    workspace = unlocked.session.block_workspace
    assert workspace is not None
    assert workspace.record is not None
    assert workspace.record.block_id == hit.block_id
    selected = workspace.view.table.table.selectionModel().selectedRows()
    assert selected, "the observation is selected in the table"


def test_a_note_hit_opens_the_note_with_the_words_selected(qtbot: Any, unlocked: Desktop) -> None:
    """A match in a note section: the Note tab, that section, the words selected."""
    search, view = _palette(qtbot, unlocked)
    _type(qtbot, view, "feeling small")
    note_rows = [i for i in _leaves(search.model) if search.hits[i.data(HIT_ROLE)].kind == "note"]
    assert note_rows
    view.results.setCurrentIndex(note_rows[0])
    assert search.open_result(note_rows[0])
    workspace = unlocked.session.block_workspace
    assert workspace is not None
    assert workspace.view.tabs.currentWidget() is workspace.view.note
    editor = workspace.view.note.pages.currentWidget()
    assert editor.textCursor().selectedText().lower() == "feeling small"


def test_the_palette_and_its_results_are_gone_at_lock(qtbot: Any, unlocked: Desktop) -> None:
    """Locking closes the palette; no result text stays in any widget."""
    search, view = _palette(qtbot, unlocked)
    _type(qtbot, view, "whatever")
    assert search.hits
    unlocked.session.lock()
    QApplication.processEvents()
    assert search.view is None
    assert search.hits == []
    assert search.model.rowCount() == 0
    for widget in QApplication.allWidgets():
        if widget.isVisible():
            assert "Whatever you want" not in all_text(widget)
