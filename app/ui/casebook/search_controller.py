"""Find in casebook (Ctrl+K): search as you type, then open the block at the match.

Typing waits for a short pause (`DEBOUNCE_MS`), then the query runs on the
background helper's interactive lane (`app.services.search`, over the FTS5 index
inside the encrypted database), so the palette never holds a keystroke. One
query is in flight at a time: a pause that ends while one runs stops it
(SQLite's interrupt, from the UI thread) and runs the newest text
when it has returned, so a slow query for the text before the last key
never holds back the one for the last; a result that comes back after a
newer query started is dropped. Opening a
result closes the palette, selects the block (or the intensive) in the
navigator, listing archived intensives if it is one of them, and then shows
the match: the observation selected in the table, or the words selected in
the note, scrolled into view.

The palette is one window-modal dialog per unlocked stretch; at lock the
session scrubs and closes it like every other dialog, and this controller
forgets it (`destroyed`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QWidget

from crucible.app.domain.vocabulary import PartnerKey
from crucible.app.services.search import (
    MATCH_END,
    MATCH_START,
    HitKind,
    SearchFilters,
    SearchHit,
    SearchStop,
    SearchSuperseded,
    search,
)
from crucible.app.ui.casebook.navigator_model import BLOCK, INTENSIVE
from crucible.app.ui.casebook.search_view import ANY_DATE, SearchPaletteView
from crucible.app.ui.kit.background import BackgroundWork
from crucible.app.ui.shell.vault_gateway import error_sentence

if TYPE_CHECKING:
    from crucible.app.services.vault_handle import Vault
    from crucible.app.ui.block import BlockController
    from crucible.app.ui.casebook.casebook_controller import CasebookController

DEBOUNCE_MS = 30  # shorter than the gap between two keys of steady typing (~100-200 ms)
RESULT_LIMIT = 50  # a palette's worth, best first; half of 100 to rank, snip and draw
HIT_ROLE = Qt.ItemDataRole.UserRole + 1

WHERE = {
    HitKind.NOTE: "note",
    HitKind.ADDENDUM: "addendum",
    HitKind.REFLECTIONS: "trainee's reflections",
    HitKind.OBSERVATION: "observation",
    HitKind.BLOCK_TITLE: "block title",
    HitKind.COUPLE: "couple code",
    HitKind.PARTNER: "partner's name",
    HitKind.INTENSIVE_TITLE: "intensive title",
}


def snippet_html(snippet: str, highlight: str) -> str:
    """The snippet as HTML: escaped, the matched words in bold on the highlight colour."""
    text = escape(snippet).replace("\n", " ")
    start = f"<b style='background-color:{highlight}'>"
    return text.replace(escape(MATCH_START), start).replace(escape(MATCH_END), "</b>")


_MATCHED_RUN = re.compile(
    f"{re.escape(MATCH_START)}[^{re.escape(MATCH_END)}]*{re.escape(MATCH_END)}"
    f"(?:\\s+{re.escape(MATCH_START)}[^{re.escape(MATCH_END)}]*{re.escape(MATCH_END)})*"
)


def matched_phrase(snippet: str) -> str:
    """The first run of matched words in a snippet, as stored (to find it again in the editor).

    The index marks each matched word on its own, so a phrase comes back as
    several marked words separated by spaces: they are found again as one.
    """
    found = _MATCHED_RUN.search(snippet)
    if found is None:
        return ""
    return found.group().replace(MATCH_START, "").replace(MATCH_END, "")


def where_line(hit: SearchHit) -> str:
    """Block, day, partner and field of a hit, in a clinician's words."""
    parts = []
    if hit.day_number is not None:
        parts.append(f"Day {hit.day_number}")
    if hit.block_title:
        parts.append(hit.block_title)
    what = WHERE[hit.kind]
    if hit.kind is HitKind.NOTE and hit.section_title:
        what = f"note, {hit.section_title}"
    elif hit.kind is HitKind.OBSERVATION:
        partner = f"partner {hit.partner}" if hit.partner in set(PartnerKey) else "observation"
        what = f"{partner}, {hit.field}"
    parts.append(what)
    return " · ".join(parts)


@dataclass(frozen=True, eq=False)
class _Flight:
    """The one search running on the interactive lane: what it looks for, and its stop flag."""

    text: str
    filters: SearchFilters
    stop: SearchStop = field(default_factory=SearchStop)

    def asks_for(self, text: str, filters: SearchFilters) -> bool:
        """Whether this search, not yet stopped, looks for exactly that."""
        return not self.stop.stopped and (self.text, self.filters) == (text, filters)


class SearchController(QObject):
    """Opens the palette, runs queries off the UI thread, shows and opens results."""

    def __init__(
        self,
        vault: Vault,
        window: QWidget,
        background: BackgroundWork,
        casebook: CasebookController,
        block_workspace: Callable[[], BlockController | None],
    ) -> None:
        super().__init__(window)
        self._vault = vault
        self._window = window
        self._background = background
        self._casebook = casebook
        self._block_workspace = block_workspace
        self.view: SearchPaletteView | None = None
        self.model = QStandardItemModel(self)
        self.hits: list[SearchHit] = []
        self.shown_for = ""  # the text whose results (or sentence) the palette shows
        self._generation = 0
        self._in_flight: _Flight | None = None
        self._run_again = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.run_query)

    # ------------------------------------------------------------------ palette

    def open(self) -> SearchPaletteView:
        """Show the palette (Ctrl+K), its query selected for typing over."""
        if self.view is None:
            self.view = self._build()
        view = self.view
        view.show()
        view.raise_()
        view.activateWindow()
        view.query.setFocus(Qt.FocusReason.ShortcutFocusReason)
        view.query.selectAll()
        return view

    def _build(self) -> SearchPaletteView:
        view = SearchPaletteView(self._window)
        view.results.setModel(self.model)
        for code in self._casebook.couple_codes():
            view.couple.addItem(code, code)
        view.query.textChanged.connect(self._timer.start)
        for combo in (view.couple, view.partner, view.stance, view.signed):
            combo.currentIndexChanged.connect(self._timer.start)
        for edit in (view.date_from, view.date_to):
            edit.dateChanged.connect(self._timer.start)
        view.archived.toggled.connect(self._timer.start)
        view.opened_requested.connect(self.open_result)
        view.destroyed.connect(self._forget)
        return view

    def _forget(self) -> None:
        """The palette was closed for good (at lock): forget it and every result."""
        self.view = None
        self._generation += 1
        self._stop_searching()
        self._timer.stop()
        self.hits = []
        self.shown_for = ""
        self.model.clear()

    def close(self) -> None:
        """At lock or teardown: close the palette, dropping its text and results."""
        self._timer.stop()
        self._generation += 1
        self._stop_searching()
        if self.view is not None:
            self.view.query.clear()
            self.view.close()
            self.view.deleteLater()
        self._forget()

    # ------------------------------------------------------------------ query

    def filters(self) -> SearchFilters:
        """The filters as the palette shows them."""
        view = self.view
        if view is None:
            return SearchFilters()
        return SearchFilters(
            couple_code=view.couple.currentData(),
            date_from=_day(view.date_from.date()),
            date_to=_day(view.date_to.date()),
            partner=view.partner.currentData(),
            stance=view.stance.currentData(),
            signed=view.signed.currentData(),
            include_archived=view.archived.isChecked(),
        )

    def run_query(self) -> None:
        """Search for what the palette holds now (called after the typing pause)."""
        view = self.view
        if view is None:
            return
        text, filters = view.query.text(), self.filters()
        running = self._in_flight
        if running is not None and running.asks_for(text, filters):
            return  # that very search is running: its result will be shown
        self._generation += 1
        generation = self._generation
        if running is not None:
            running.stop.stop()
        if not text.strip():
            self._show([], "Type to search every note, quote and reflection.", text)
            return
        view.status.setText("Searching…")
        if running is not None:
            self._run_again = True  # once the stopped search has returned
            return
        flight = _Flight(text, filters)
        vault = self._vault

        def work() -> list[SearchHit]:
            return search(vault, text, filters, limit=RESULT_LIMIT, stop=flight.stop)

        def done(hits: list[SearchHit]) -> None:
            self._returned(flight)
            if generation == self._generation:
                self._show(hits, _count_line(hits), text)

        def failed(error: BaseException) -> None:
            self._returned(flight)
            if generation == self._generation and not isinstance(error, SearchSuperseded):
                self._show([], error_sentence(error), text)

        self._in_flight = flight
        self._background.run_interactive(work, done, failed)

    def _returned(self, flight: _Flight) -> None:
        """A search came back: run the newest text if the palette changed meanwhile."""
        if self._in_flight is not flight:
            return  # from before a close: a newer search is the one in flight
        self._in_flight = None
        if self._run_again:
            self._run_again = False
            QTimer.singleShot(0, self, self.run_query)

    def _stop_searching(self) -> None:
        """Stop the search in flight (if any) and forget the one waiting for it."""
        if self._in_flight is not None:
            self._in_flight.stop.stop()
        self._in_flight = None
        self._run_again = False

    def _show(self, hits: list[SearchHit], status: str, text: str) -> None:
        self.hits = hits
        self.shown_for = text
        self.model.clear()
        view = self.view
        if view is not None:
            view.snippets.forget()
        highlight = view.palette().highlight().color().lighter(160).name() if view else "#ffe08a"
        groups: dict[tuple[str, int], QStandardItem] = {}
        couples: dict[str, QStandardItem] = {}
        for number, hit in enumerate(hits):
            couple = couples.get(hit.couple_code)
            if couple is None:
                couple = _group(f"<b>{escape(hit.couple_code)}</b>")
                couples[hit.couple_code] = couple
                self.model.appendRow(couple)
            key = (hit.couple_code, hit.intensive_id)
            group = groups.get(key)
            if group is None:
                group = _group(escape(hit.intensive_title))
                groups[key] = group
                couple.appendRow(group)
            item = QStandardItem(
                f"<span style='color:gray'>{escape(where_line(hit))}</span><br>"
                f"{snippet_html(hit.snippet, highlight)}"
            )
            item.setData(number, HIT_ROLE)
            item.setEditable(False)
            group.appendRow(item)
        if view is not None:
            view.results.expandAll()
            view.status.setText(status)

    # ------------------------------------------------------------------ open

    def open_result(self, index: QModelIndex) -> bool:
        """Close the palette and show the result's block at the match; False if it is gone."""
        number = index.data(HIT_ROLE)
        if not isinstance(number, int) or not 0 <= number < len(self.hits):
            return False
        hit = self.hits[number]
        if self.view is not None:
            self.view.hide()
        if hit.block_id is None:
            return self._casebook.open_item((INTENSIVE, hit.intensive_id))
        if not self._casebook.open_item((BLOCK, hit.block_id)):
            return False
        workspace = self._block_workspace()
        if workspace is None:
            return False
        if hit.kind is HitKind.OBSERVATION and hit.observation_id is not None:
            workspace.select_observation(hit.observation_id)
        elif hit.kind in (HitKind.NOTE, HitKind.ADDENDUM):
            workspace.show_note_match(hit.section_title, matched_phrase(hit.snippet))
        return True


def _group(html: str) -> QStandardItem:
    item = QStandardItem(html)
    item.setEditable(False)
    item.setSelectable(False)
    return item


def _day(value: QDate) -> date | None:
    """A date edit's date, or None where it shows "any"."""
    if value <= ANY_DATE:
        return None
    return date(value.year(), value.month(), value.day())


def _count_line(hits: list[SearchHit]) -> str:
    if not hits:
        return "Nothing found. Archived intensives are left out unless you include them."
    more = " (the best ones; narrow the search to see others)" if len(hits) >= RESULT_LIMIT else ""
    return f"{len(hits)} result{'s' if len(hits) != 1 else ''}{more}. Enter opens one."


__all__ = ["SearchController", "matched_phrase", "snippet_html", "where_line"]
