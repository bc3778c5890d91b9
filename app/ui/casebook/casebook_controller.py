"""The unlocked app's main area: load the casebook, show and restore the selection.

Owns the navigator model and its filter, fills the details page for the
selected item, and remembers "where the clinician was" (`Place`) so that
unlocking after a lock lands on the same item with the same filter. Edits
live in casebook_edits.py, files in file_actions.py; both see this
controller only through `CasebookAccess` (casebook_access.py), never its
widgets. The session asks it for the filter, the archived toggle and live
mode through methods, for the same reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QTime,
    Signal,
)

from crucible.app.domain.vocabulary import partner_colour
from crucible.app.services import casebook
from crucible.app.services.casebook import BlockOutline, CoupleOutline, DayOutline, IntensiveOutline
from crucible.app.ui.casebook.casebook_view import CasebookView
from crucible.app.ui.casebook.navigator_filter import NavigatorFilter
from crucible.app.ui.casebook.navigator_model import (
    BLOCK,
    COUPLE,
    INTENSIVE,
    SUMMARY_ROLE,
    ItemKey,
    NavigatorModel,
    Summary,
    key_of,
    long_date,
)
from crucible.app.ui.shell.scrub import scrub

if TYPE_CHECKING:  # the workspace package (and the analytics) load with the first block
    from crucible.app.services.profile import ClinicianProfile
    from crucible.app.services.vault_handle import Vault
    from crucible.app.ui.block.block_status import BlockStatus


FILTER_READS_FROM = 3
"""Typed text this long or longer reads the days of intensives with a block titled like it."""
FILTER_READS_AT_MOST = 25
"""...but only when that is a few intensives: "Block" is in every title of a ten-year vault."""


@dataclass(frozen=True)
class Place:
    """Where the clinician was: the selected item, the filter text, the archived toggle."""

    key: ItemKey | None = None
    filter_text: str = ""
    show_archived: bool = False


def record_line(signed: bool, observations: int, addenda: int = 0) -> str:
    """The block's record line: note state, addenda, observations ("1 observation", "2 addenda")."""
    note = "Signed note" if signed else "Note not signed"
    if addenda:
        note += f", {addenda} addend{'um' if addenda == 1 else 'a'}"
    plural = "" if observations == 1 else "s"
    return f"{note}; {observations} observation{plural}"


def _schedule(intensive: IntensiveOutline) -> str:
    """One line per day: its date, its hours and its blocks' titles."""
    lines = []
    for day in intensive.days:
        if day.blocks:
            first = day.blocks[0].start.strftime("%H:%M")
            last = max((b.end or b.start) for b in day.blocks).strftime("%H:%M")
            titles = ", ".join(escape(b.title) for b in day.blocks)
            lines.append(f"<b>Day {day.number}</b>, {first}–{last}: {titles}")
        else:
            lines.append(f"<b>Day {day.number}</b>: no blocks yet")
    return "<br>".join(lines)


class _VaultLoader:
    """What the navigator reads lazily, through the casebook service, while the vault is open."""

    def __init__(self, controller: CasebookController) -> None:
        self.controller = controller

    def intensive(self, intensive_id: int) -> IntensiveOutline:
        vault = self.controller.vault
        assert vault is not None, "the navigator read after teardown"
        return casebook.load_intensive(vault, intensive_id)

    def holder(self, key: ItemKey) -> int | None:
        vault = self.controller.vault
        return None if vault is None else casebook.intensive_holding(vault, *key)


CURRENT_WITHIN_DAYS = 7
"""An intensive starting this many days before or after today opens at unlock."""


class CasebookController(QObject):
    """Navigator and details over one unlocked vault."""

    selection_changed = Signal(object)
    show_archived_toggled = Signal(bool)
    """The navigator's "show archived" box changed (the View menu mirrors it)."""

    def __init__(
        self,
        view: CasebookView,
        vault: Vault,
        *,
        profile: ClinicianProfile | None,
        error_colour: Callable[[], str],
    ) -> None:
        super().__init__(view)
        self.view = view
        self.vault: Vault | None = vault
        self.set_profile(profile)
        self.error_colour = error_colour
        self.model = NavigatorModel(self, loader=_VaultLoader(self))
        self.proxy = NavigatorFilter(self)
        self.proxy.setSourceModel(self.model)
        view.tree.setModel(self.proxy)
        view.tree.selectionModel().currentChanged.connect(self._current_changed)
        view.filter.textChanged.connect(self._filter_changed)
        self._couples_to_open = True
        """A couple row came (back) or was closed since the filter last opened them all."""
        self.proxy.rowsInserted.connect(self._couple_rows_came)
        self.proxy.modelReset.connect(self._couple_rows_came)
        self.proxy.layoutChanged.connect(self._couple_rows_came)
        view.tree.collapsed.connect(self._couple_rows_came)
        self._no_title_holds: str | None = None
        """Typed text no block title holds; text typed on after it cannot be in one either."""
        for change in (
            self.model.modelReset,
            self.model.rowsInserted,
            self.model.rowsRemoved,
            self.model.dataChanged,
        ):
            change.connect(self._titles_may_have_changed)
        view.show_archived.toggled.connect(lambda _on: self.refresh())
        view.show_archived.toggled.connect(self.show_archived_toggled)
        self._current: Summary | None = None
        self.today: Callable[[], date] = date.today
        """Which intensives are current (`_expand_current`); tests set their own day."""
        self.refresh()

    def set_profile(self, profile: ClinicianProfile | None) -> None:
        """Whose name new intensives and the audit trail carry (None: no complete profile yet)."""
        self.profile = profile
        self.actor = profile.signature if profile is not None else "crucible"

    # ------------------------------------------------------------------ loading

    def refresh(self, select: ItemKey | None = None) -> None:
        """Reload the casebook, keeping (or moving to) a selected item."""
        key = select or self.selected_key()
        assert self.vault is not None, "refresh after teardown"
        couples = casebook.load_couples(self.vault, include_archived=self.showing_archived())
        self.model.set_casebook(couples)
        self._open_couples()  # intensives listed; their days read when opened
        if self.view.tree.isVisible():  # hidden (at unlock): laid out once, when shown
            self.view.tree.doItemsLayout()  # shown: now, so an expand reads its days at once
        self._expand_current()
        if (key is not None and not self.select(key)) or key is None:
            self._show(None)

    def refresh_within(self, scope: ItemKey | None, select: ItemKey | None = None) -> None:
        """After an edit inside one couple or intensive: update those rows, not the tree.

        Falls back to `refresh` when the edited item is no longer listed
        (deleted, archived out of view) or the selection cannot be found.
        """
        assert self.vault is not None, "refresh after teardown"
        key = select or self.selected_key()
        try:
            if scope is not None and scope[0] == INTENSIVE:
                outline = casebook.load_intensive(self.vault, scope[1])
                archived_hidden = outline.status == "archived" and not self.showing_archived()
                done = not archived_hidden and self.model.replace_intensive(outline)
            elif scope is not None and scope[0] == COUPLE:
                couple = casebook.load_couple(
                    self.vault, scope[1], include_archived=self.showing_archived()
                )
                done = self.model.replace_couple(couple)
            else:
                done = False
        except LookupError:
            done = False
        if not done or (key is not None and not self.select(key)):
            self.refresh(key)
        elif key is None:
            self._show(None)

    def selected_key(self) -> ItemKey | None:
        """The (kind, id) of the selected item, if any."""
        return key_of(self.view.tree.currentIndex())

    def select(self, key: ItemKey) -> bool:
        """Select the item with this key; False if it is not (or no longer) shown."""
        source = self.model.find(key)
        index = self.proxy.mapFromSource(source)
        if not index.isValid():
            return False
        parent = index.parent()
        while parent.isValid():
            self.view.tree.expand(parent)
            parent = parent.parent()
        already = self.view.tree.currentIndex() == index
        self.view.tree.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.view.tree.scrollTo(index)
        if already:  # no currentChanged, so show it here; otherwise that signal did, once
            self._show(index)
        return True

    def parent_key(self, kind: str) -> ItemKey | None:
        """The key of the selected item's ancestor (or itself) of this kind."""
        index = self.view.tree.currentIndex()
        while index.isValid():
            found = key_of(index)
            if found is not None and found[0] == kind:
                return found
            index = index.parent()
        return None

    def summary_of(self, key: ItemKey) -> Summary | None:
        """The summary of any item in the model (an intensive's with its days read)."""
        self.model.ensure_loaded(key)
        index = self.model.find(key)
        summary: Summary | None = index.data(SUMMARY_ROLE) if index.isValid() else None
        return summary

    def couple_of(self, key: ItemKey) -> CoupleOutline | None:
        """The couple this key names, if it names one that is shown."""
        summary = self.summary_of(key)
        return summary if isinstance(summary, CoupleOutline) else None

    def intensive_of(self, key: ItemKey) -> IntensiveOutline | None:
        """The intensive this key names, if it names one that is shown."""
        summary = self.summary_of(key)
        return summary if isinstance(summary, IntensiveOutline) else None

    def day_of(self, key: ItemKey) -> DayOutline | None:
        """The day this key names, if it names one that is shown."""
        summary = self.summary_of(key)
        return summary if isinstance(summary, DayOutline) else None

    def block_of(self, key: ItemKey) -> BlockOutline | None:
        """The block this key names, if it names one that is shown."""
        summary = self.summary_of(key)
        return summary if isinstance(summary, BlockOutline) else None

    def couple_codes(self) -> list[str]:
        """The codes of the couples the navigator lists, in its order."""
        codes = []
        for row in range(self.model.rowCount()):
            summary = self.model.index(row, 0).data(SUMMARY_ROLE)
            if isinstance(summary, CoupleOutline):
                codes.append(summary.code)
        return codes

    def open_item(self, key: ItemKey) -> bool:
        """Select an item, listing archived intensives first if it is one of them."""
        if self.select(key):
            return True
        if not self.showing_archived():
            self.set_show_archived(True)
            return self.select(key)
        return False

    def showing_archived(self) -> bool:
        """Whether archived intensives are listed."""
        return self.view.show_archived.isChecked()

    def set_show_archived(self, on: bool) -> None:
        """List archived intensives, or hide them (View › Show archived)."""
        self.view.show_archived.setChecked(on)

    def focus_filter(self) -> None:
        """Put the cursor in the filter box with its text selected (View › Find)."""
        self.view.filter.setFocus()
        self.view.filter.selectAll()

    def set_live(self, live: bool) -> None:
        """In live mode the navigator and the block form step aside: the workspace gets the room.

        Leaving live mode, the pad column's new (scrolling) minimum is laid out
        before the panes come back: otherwise the layout briefly adds the
        column's live height to the form's and the navigator's, and Qt grows
        the window past a laptop screen, where nothing shrinks it again.
        """
        if not live:
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        navigator = self.view.splitter.widget(0)
        assert navigator is not None
        navigator.setVisible(not live)
        self.view.details.set_live(live)

    def _filter_changed(self, text: str) -> None:
        typed = text.strip()
        if len(typed) >= FILTER_READS_FROM and self.vault is not None and not self._untitled(typed):
            # Days and blocks are read lazily; those of intensives with a block
            # titled like the text are read now so the filter can show them,
            # unless the text is in nearly every title (reading them all is
            # what made a keystroke take seconds on a ten-year vault).
            holders = casebook.intensives_with_block_titled(self.vault, typed)
            self._no_title_holds = None if holders else typed
            if len(holders) <= FILTER_READS_AT_MOST:
                for intensive_id in holders:
                    self.model.ensure_loaded((INTENSIVE, intensive_id))
        self.proxy.setFilterFixedString(text)
        self._expand_after_filter(bool(text))

    def _untitled(self, typed: str) -> bool:
        """Whether `typed` extends text no block title holds: then none holds it, no query.

        A couple code typed a key at a time ("C-0", "C-01", "C-012") asked the
        vault at each key for blocks titled like it, a scan of every block
        title (4-15 ms a key on a ten-year vault, issue 16). A title holding
        the longer text holds its beginning; so after a beginning found in no
        title, nothing is read until the text or the casebook changes.
        """
        return self._no_title_holds is not None and typed.startswith(self._no_title_holds)

    def _titles_may_have_changed(self, *_args: object) -> None:
        self._no_title_holds = None

    def _expand_current(self) -> None:
        """Open the intensives running now or within a week either side, down to their days.

        A clinician unlocks during or just before an intensive and goes
        straight to its blocks (with the keyboard: Home, Down, Down, Right).
        Only these few are read now; a ten-year vault's other intensives stay
        headers until opened (issue 16).
        """
        today = self.today()
        tree, proxy = self.view.tree, self.proxy
        for source in self.model.intensives_starting_near(today, CURRENT_WITHIN_DAYS):
            intensive = proxy.mapFromSource(source)
            if intensive.isValid():  # listed, and not filtered out
                tree.expand(intensive)  # reads its days (fetchMore), then shows them

    def _expand_after_filter(self, matching: bool) -> None:
        """After a keystroke: couples open, read intensives open (with their days) while matching.

        The same tree `expandToDepth(0)` followed by opening the read matches
        gave, without its cost: `expandToDepth` lays the whole tree out at
        once through the Python model (about 5,000 `index()` calls a
        keystroke on a ten-year vault), and the view lays it out again at
        the repaint. Here each couple not open yet is opened (a filtered-out
        couple comes back closed) and only the few read intensives are
        visited, never the 500 unread headers (`read_intensives`); the view
        then lays the tree out once, when it paints.
        """
        tree, proxy = self.view.tree, self.proxy
        if self._couples_to_open:  # else every couple listed is open already
            self._open_couples()
        for source in self.model.read_intensives():
            intensive = proxy.mapFromSource(source)
            if not intensive.isValid():
                continue
            days = [proxy.index(day, 0, intensive) for day in range(proxy.rowCount(intensive))]
            if matching and days:
                tree.expand(intensive)
                for day in days:
                    tree.expand(day)
            else:  # as `expandToDepth(0)` left them: closed, down to their days
                for day in days:
                    tree.collapse(day)
                tree.collapse(intensive)

    def _open_couples(self) -> None:
        """Open every listed couple that is closed; the view lays the tree out once, later.

        Not `expandToDepth(0)`: it lays all 1,000 rows of a ten-year vault
        out at once through the Python model, and the view lays them out
        again when it is shown or repainted (issue 16: at unlock, where the
        tree is not shown yet, that was two layouts for one). Not an
        `expand` per couple either: each went through the filter to the
        Python model for the row's flags (about 2,900 model calls for 500
        couples, 15 ms of the unlock). `expandRecursively` to depth 1 marks
        the top level open inside Qt, asking the model nothing per row, and
        leaves the layout for later as well.
        """
        self.view.tree.expandRecursively(QModelIndex(), 1)
        self._couples_to_open = False

    def _couple_rows_came(self, *_args: object) -> None:
        """Rows were inserted, reset or closed: the next keystroke opens the couples again."""
        self._couples_to_open = True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show(current)

    # ------------------------------------------------------------------ details

    def _show(self, index: QModelIndex | None) -> None:
        details = self.view.details
        key = key_of(index) if index is not None else None
        self._current = index.data(SUMMARY_ROLE) if key is not None and index is not None else None
        if key is None or key[0] != BLOCK:
            # Leaving the blocks: the draft is saved and the workspace hidden. From
            # block to block it stays shown (`show_block` saves the draft itself):
            # hidden and shown again, all of it was laid out and painted anew.
            details.show_block_workspace(None, None)
        if key is None:
            details.show_kind("empty")
            self.selection_changed.emit(None)
            return
        assert index is not None
        kind, _id = key
        if kind == INTENSIVE:  # its details need its days: read them now if they are not yet
            self.model.ensure_loaded(key)
            self._current = index.data(SUMMARY_ROLE)
        summary = self._current
        if isinstance(summary, CoupleOutline):
            self._show_couple(summary, index)
        elif isinstance(summary, IntensiveOutline):
            self._show_intensive(summary, index)
        elif isinstance(summary, DayOutline):
            self._show_day(summary, index)
        elif isinstance(summary, BlockOutline):
            self._show_block(summary, index)
        details.show_kind(kind)
        self.selection_changed.emit(key)

    def _show_couple(self, couple: CoupleOutline, _index: QModelIndex) -> None:
        d = self.view.details
        d.couple_title.setText(f"Couple {couple.code}")
        for label, partner in zip((d.partner_a, d.partner_b), couple.partners, strict=True):
            pronouns = f" ({partner.pronouns})" if partner.pronouns else ""
            swatch = partner_colour(partner.key, partner.colour)
            label.setText(
                f"<span style='color:{escape(swatch)}'>■</span> {escape(partner.name + pronouns)}"
            )
        shown = len(couple.intensives)
        d.couple_intensives.setText(f"{shown} shown" if shown else "None yet: start one below.")

    def _show_intensive(self, intensive: IntensiveOutline, index: QModelIndex) -> None:
        d = self.view.details
        couple = index.parent().data(SUMMARY_ROLE)
        d.intensive_title.setText(intensive.title)
        d.intensive_couple.setText(couple.code if couple is not None else "")
        if intensive.days:
            first, last = intensive.days[0].date, intensive.days[-1].date
            span = long_date(first) if first == last else f"{long_date(first)} – {long_date(last)}"
            d.intensive_dates.setText(f"{span} ({len(intensive.days)} days)")
        else:
            d.intensive_dates.setText("No days yet")
        d.intensive_clinician.setText(intensive.clinician)
        if intensive.trainee or intensive.supervisor:
            d.intensive_supervision.setText(
                f"Trainee {intensive.trainee or '—'}, supervised by {intensive.supervisor or '—'}"
            )
        else:
            d.intensive_supervision.setText("Not supervised")
        archived = intensive.status == "archived"
        d.intensive_status.setText("Archived (hidden unless shown)" if archived else "Active")
        blocks = sum(len(day.blocks) for day in intensive.days)
        signed = sum(b.signed for day in intensive.days for b in day.blocks)
        d.intensive_records.setText(f"{blocks} blocks, {signed} signed notes")
        d.intensive_schedule.setText(_schedule(intensive))
        d.archive.setText("Rest&ore" if archived else "&Archive")
        d.archive.setAccessibleName("Restore intensive" if archived else "Archive intensive")
        d.delete_intensive.setToolTip(
            "Intensives with signed notes cannot be deleted; archive them instead."
            if signed
            else ""
        )

    def _show_day(self, day: DayOutline, index: QModelIndex) -> None:
        d = self.view.details
        d.day_title.setText(f"Day {day.number}")
        d.day_date.setDate(QDate(day.date.year, day.date.month, day.date.day))
        d.day_blocks.setText(f"{len(day.blocks)} blocks" if day.blocks else "No blocks yet")
        siblings = index.model().rowCount(index.parent())
        d.day_earlier.setEnabled(index.row() > 0)
        d.day_later.setEnabled(index.row() < siblings - 1)

    def _show_block(self, block: BlockOutline, index: QModelIndex) -> None:
        d = self.view.details
        d.block_heading.setText(block.title)
        d.block_title.setText(block.title)
        d.block_kind.setCurrentIndex(max(0, d.block_kind.findData(block.kind)))
        d.block_start.setTime(QTime(block.start.hour, block.start.minute))
        end = block.end or block.start
        d.block_end.setTime(QTime(end.hour, end.minute))
        d.set_block_record(record_line(block.signed, block.observation_count))
        d.remove_block.setEnabled(not block.signed)
        siblings = index.model().rowCount(index.parent())
        d.block_up.setEnabled(index.row() > 0)
        d.block_down.setEnabled(index.row() < siblings - 1)
        intensive_key = key_of(index.parent().parent())
        d.show_block_workspace(intensive_key[1] if intensive_key else None, block.id)

    def show_block_status(self, status: BlockStatus) -> None:
        """The open block changed in the workspace: update its record line and the navigator."""
        self.model.update_block(
            status.block_id, signed=status.signed, observation_count=status.observations
        )
        current = self.view.tree.currentIndex()
        if key_of(current) != (BLOCK, status.block_id):
            return
        # The selected row is the block: its summary is read from it, not looked up
        # again by key (two more walks of the tree at every live key).
        self._current = current.data(SUMMARY_ROLE)
        d = self.view.details
        d.set_block_record(record_line(status.signed, status.observations, status.addenda))
        d.remove_block.setEnabled(not status.signed)

    # ------------------------------------------------------------------ lock

    def place(self) -> Place:
        """Where the clinician is now, to come back to after unlocking."""
        return Place(
            self.selected_key(), self.view.filter.text(), self.view.show_archived.isChecked()
        )

    def restore(self, place: Place) -> None:
        """Return to a remembered place."""
        self.view.show_archived.setChecked(place.show_archived)
        self.view.filter.setText(place.filter_text)
        if place.key is not None:
            self.select(place.key)

    def teardown(self) -> None:
        """Drop every piece of client text this workspace shows, and the vault reference."""
        self.view.tree.setModel(None)
        self.model.clear()
        scrub(self.view)
        self._current = None
        self.vault = None
