"""The Hours window's behaviour: read the record in the background, show the log, open blocks.

The record (blocks, entries, target) is read once per opening on the
read lane; the log is computed from it there too, so the UI thread only
fills tables. Selecting a week shows the entries behind its numbers;
double-clicking an entry that came from a block opens that block in the
casebook (the window stays open beside it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from app.domain.hours_log import HoursLog, csv_rows, hours_text
from app.ui.hours.hours_view import HoursView
from app.ui.kit import forms
from app.ui.kit.background import BackgroundWork, while_open
from app.ui.shell.vault_gateway import error_sentence

if TYPE_CHECKING:
    from app.services.vault_handle import Vault

_ENTRY_WORDS = {
    "contact-block": "Contact (block)",
    "contact-manual": "Contact (added)",
    "supervision": "Supervision",
}


def load_log(vault: Vault) -> HoursLog:
    """The whole log, from the first entry to the last (runs on the read lane)."""
    from app.services.hours import log_of, read_record

    return log_of(read_record(vault), None, None)


class HoursController(QObject):
    """Drives an `HoursView` over the open vault."""

    def __init__(
        self,
        view: HoursView,
        vault: Vault,
        background: BackgroundWork,
        open_block: Callable[[int], bool],
        error_colour: Callable[[], str],
    ) -> None:
        super().__init__(view)
        self.view = view
        self._vault = vault
        self._background = background
        self._open_block = open_block
        self._error_colour = error_colour
        self.log: HoursLog | None = None
        self.entry_blocks: list[int | None] = []
        self.open = True
        view.finished.connect(lambda _result: setattr(self, "open", False))
        view.weeks.itemSelectionChanged.connect(self._week_chosen)
        view.entries.cellDoubleClicked.connect(lambda row, _column: self.open_entry(row))

    def bring_forward(self) -> None:
        """Raise the window (asked for again while open)."""
        self.view.raise_()
        self.view.activateWindow()

    def reload(self) -> None:
        """Read the record and compute the log in the background, then show it."""
        vault = self._vault
        forms.show_message(self.view.message, "Counting…")
        self._background.run_read(
            lambda: load_log(vault),
            while_open(lambda: self.open, self.show_log),
            while_open(lambda: self.open, self._failed),
        )

    def show_log(self, log: HoursLog) -> None:
        """Fill the window from ``log``; the latest week is selected."""
        self.log = log
        view = self.view
        preset = log.target.preset
        ratio = ""
        if preset.ratio is not None:
            per = "each week" if preset.ratio.per == "week" else "over the period"
            ratio = (
                f" Contact is claimable up to {preset.ratio.contact_per_supervision:g} hours "
                f"per supervision hour, {per}."
            )
        forms.show_message(view.target, f"Target: {preset.name}.{ratio}")
        view.set_progress(
            [
                (
                    item.category.label,
                    f"{hours_text(item.claimable)} of {hours_text(item.required)} claimable"
                    + (
                        f" ({hours_text(item.logged)} logged)"
                        if item.logged != item.claimable
                        else ""
                    ),
                    item.fraction,
                )
                for item in log.progress
            ]
        )
        forms.show_message(
            view.totals,
            f"Contact {hours_text(log.contact.total)} (relational "
            f"{hours_text(log.contact.relational)}, individual "
            f"{hours_text(log.contact.individual)}; claimable {hours_text(log.claimable.total)}). "
            f"Supervision {hours_text(log.supervision.total)} (individual "
            f"{hours_text(log.supervision.individual)}, group {hours_text(log.supervision.group)}"
            f", observable data {hours_text(log.supervision.observable)}). Hours:minutes.",
        )
        view.fill(
            view.weeks,
            [
                [
                    row.starts.isoformat(),
                    hours_text(row.contact.relational),
                    hours_text(row.contact.individual),
                    hours_text(row.contact.total),
                    hours_text(row.claimable.total),
                    hours_text(row.supervision.total),
                    hours_text(row.supervision.observable),
                ]
                for row in log.weeks
            ],
            numeric=(1, 2, 3, 4, 5, 6),
        )
        forms.show_message(view.message, "" if log.weeks else "No hours logged yet.")
        if log.weeks:
            view.weeks.selectRow(len(log.weeks) - 1)
        else:
            self.show_entries(None)

    def _week_chosen(self) -> None:
        rows = self.view.weeks.selectionModel().selectedRows()
        if not rows or self.log is None:
            self.show_entries(None)
            return
        self.show_entries(self.log.weeks[rows[0].row()].starts)

    def show_entries(self, week: date | None) -> None:
        """The entries behind one week's numbers (none without a week)."""
        view = self.view
        rows = [] if self.log is None or week is None else csv_rows(self.log)
        if week is not None:
            ends = week + timedelta(days=6)
            rows = [cells for cells in rows if week.isoformat() <= cells[0] <= ends.isoformat()]
        self.entry_blocks = [int(cells[6]) if cells[6] else None for cells in rows]
        view.entries_heading.setText(
            "Entries" if week is None else f"Entries, week of {week.isoformat()}"
        )
        view.fill(
            view.entries,
            [
                [
                    cells[0],
                    _ENTRY_WORDS.get(cells[1], cells[1]),
                    cells[2],
                    cells[3],
                    cells[4],
                    ", ".join(part for part in (cells[5], cells[6]) if part),
                    cells[7],
                ]
                for cells in rows
            ],
            numeric=(3,),
        )

    def open_entry(self, row: int) -> bool:
        """Open the block an entry came from; False for an added entry or a block now gone."""
        if not 0 <= row < len(self.entry_blocks):
            return False
        block_id = self.entry_blocks[row]
        if block_id is None:
            forms.show_message(self.view.message, "This entry was added by hand; it has no block.")
            return False
        opened = self._open_block(block_id)
        if not opened:
            forms.show_message(
                self.view.message, "That block is no longer in the casebook.", self._error_colour()
            )
        return opened

    def _failed(self, error: BaseException) -> None:
        forms.show_message(self.view.message, error_sentence(error), self._error_colour())
