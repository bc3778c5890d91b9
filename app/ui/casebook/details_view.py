"""The right-hand panel: what the selected navigator item is, and what can be done to it.

One page per kind of item. The block page keeps a slot (`block_workspace`)
for the live workspace (pad, timeline, table, note): the session installs an
opener with `DetailsView.set_block_workspace(opener)`, called on every
selection, which returns the one workspace widget of the unlocked session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from crucible.app.domain.vocabulary import BLOCK_KIND_LABELS
from crucible.app.ui.kit import forms

BLOCK_KINDS = tuple((kind.value, label) for kind, label in BLOCK_KIND_LABELS.items())
PAGE_MARGINS = (18, 14, 18, 14)
LIVE_PAGE_MARGINS = (4, 2, 4, 2)
WORKSPACE_TITLE = "Notes and live observations"
BlockWorkspaceOpener = Callable[[int | None, int | None], QWidget | None]


def _value(name: str) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setAccessibleName(name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _page(title_name: str) -> tuple[QWidget, QVBoxLayout, QLabel]:
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(*PAGE_MARGINS)
    layout.setSpacing(10)
    title = forms.heading("", 4)
    title.setAccessibleName(title_name)
    layout.addWidget(title)
    return page, layout, title


def _row(layout: QVBoxLayout, *buttons: QPushButton) -> None:
    row = QHBoxLayout()
    for push in buttons:
        row.addWidget(push)
    row.addStretch(1)
    layout.addLayout(row)


def _form(layout: QVBoxLayout) -> QFormLayout:
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
    layout.addLayout(form)
    return form


class DetailsView(QStackedWidget):
    """Empty, couple, intensive, day and block pages; `show_kind` picks one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Details of the selected item")
        self._block_opener: BlockWorkspaceOpener | None = None
        self.pages = {
            "empty": self._empty_page(),
            "couple": self._couple_page(),
            "intensive": self._intensive_page(),
            "day": self._day_page(),
            "block": self._block_page(),
        }
        for page in self.pages.values():
            self.addWidget(page)

    def show_kind(self, kind: str) -> None:
        """Show the page for an item kind ("empty" for none)."""
        self.setCurrentWidget(self.pages[kind])

    def _empty_page(self) -> QWidget:
        page, layout, title = _page("Nothing selected")
        title.setText("Nothing selected")
        self.empty_hint = forms.paragraph(
            "Choose a couple, an intensive, a day or a block on the left. To begin, create a "
            "couple (Ctrl+Shift+N) or import an intensive (Ctrl+I).",
            "What to do next",
        )
        layout.addWidget(self.empty_hint)
        self.empty_new_couple = forms.button("New &couple…", "New couple")
        self.empty_import = forms.button("&Import intensive…", "Import an intensive")
        _row(layout, self.empty_new_couple, self.empty_import)
        layout.addStretch(1)
        return page

    def _couple_page(self) -> QWidget:
        page, layout, self.couple_title = _page("Couple")
        form = _form(layout)
        self.partner_a = _value("Partner A")
        self.partner_b = _value("Partner B")
        self.couple_intensives = _value("Intensives")
        form.addRow("Partner A:", self.partner_a)
        form.addRow("Partner B:", self.partner_b)
        form.addRow("Intensives:", self.couple_intensives)
        self.edit_couple = forms.button("&Edit couple…", "Edit couple")
        self.couple_new_intensive = forms.button("New &intensive…", "New intensive for this couple")
        _row(layout, self.couple_new_intensive, self.edit_couple)
        layout.addStretch(1)
        return page

    def _intensive_page(self) -> QWidget:
        page, layout, self.intensive_title = _page("Intensive")
        form = _form(layout)
        self.intensive_couple = _value("Couple")
        self.intensive_dates = _value("Dates")
        self.intensive_clinician = _value("Clinician")
        self.intensive_supervision = _value("Supervision")
        self.intensive_status = _value("Status")
        self.intensive_records = _value("Records")
        self.intensive_schedule = _value("Schedule")
        for label, value in (
            ("Couple:", self.intensive_couple),
            ("Dates:", self.intensive_dates),
            ("Clinician:", self.intensive_clinician),
            ("Supervision:", self.intensive_supervision),
            ("Status:", self.intensive_status),
            ("Records:", self.intensive_records),
            ("Schedule:", self.intensive_schedule),
        ):
            form.addRow(label, value)
        self.rename_intensive = forms.button("Re&name…", "Rename intensive")
        self.supervision = forms.button("&Supervision…", "Mark as supervised")
        self.add_day = forms.button("Add da&y", "Add a day")  # Alt+D is Delete
        _row(layout, self.rename_intensive, self.supervision, self.add_day)
        self.export_json = forms.button("E&xport JSON…", "Export this intensive as JSON")
        self.export_report = forms.button("Export &report…", "Export a PDF report")
        _row(layout, self.export_json, self.export_report)
        self.archive = forms.button("&Archive", "Archive intensive")
        self.delete_intensive = forms.button("&Delete…", "Delete intensive")
        _row(layout, self.archive, self.delete_intensive)
        layout.addStretch(1)
        return page

    def _day_page(self) -> QWidget:
        page, layout, self.day_title = _page("Day")
        form = _form(layout)
        self.day_date = QDateEdit()
        self.day_date.setCalendarPopup(True)
        self.day_date.setDisplayFormat("ddd d MMM yyyy")
        self.day_date.setAccessibleName("Date of this day")
        self.change_date = forms.button("Change &date", "Change the date of this day")
        date_row = QHBoxLayout()
        date_row.addWidget(self.day_date)
        date_row.addWidget(self.change_date)
        date_row.addStretch(1)
        form.addRow("Date:", date_row)
        self.day_blocks = _value("Blocks of this day")
        form.addRow("Blocks:", self.day_blocks)
        self.add_block = forms.button("Add &block", "Add a block to this day")
        self.day_earlier = forms.button("Move &earlier", "Move this day earlier")
        self.day_later = forms.button("Move &later", "Move this day later")
        self.remove_day = forms.button("&Remove day…", "Remove this day")
        _row(layout, self.add_block, self.day_earlier, self.day_later, self.remove_day)
        layout.addStretch(1)
        return page

    def _block_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(*PAGE_MARGINS)
        layout.setSpacing(10)
        self.block_page_layout = layout
        # The edit form (title, kind, times, record, Save/Move/Remove) steps aside while
        # live, leaving one header line, so the workspace under it gets the screen.
        self.block_form = QWidget()
        self.block_form.setAccessibleName("Block details")
        form_layout = QVBoxLayout(self.block_form)
        form_layout.setContentsMargins(0, 0, 0, 0)
        form_layout.setSpacing(6)
        self.block_heading = forms.heading("", 4)
        self.block_heading.setAccessibleName("Block")
        form_layout.addWidget(self.block_heading)
        form = _form(form_layout)
        form.setVerticalSpacing(6)  # compact: the workspace below needs the height
        self.block_title = forms.text_field("Block title")
        self.block_kind = QComboBox()
        self.block_kind.setAccessibleName("Kind of block")
        for value, text in BLOCK_KINDS:
            self.block_kind.addItem(text, value)
        self.block_start = QTimeEdit()
        self.block_start.setDisplayFormat("HH:mm")
        self.block_start.setAccessibleName("Start time")
        self.block_end = QTimeEdit()
        self.block_end.setDisplayFormat("HH:mm")
        self.block_end.setAccessibleName("End time")
        times = QHBoxLayout()
        times.addWidget(self.block_start)
        times.addWidget(QLabel("to"))
        times.addWidget(self.block_end)
        times.addStretch(1)
        # Alt+T is the Tools menu.
        form.addRow(_labelled("T&itle:", self.block_title), self.block_title)
        form.addRow(_labelled("&Kind:", self.block_kind), self.block_kind)
        form.addRow(_labelled("Ti&me:", self.block_start), times)
        self.block_record = _value("Note and observations")
        form.addRow("Record:", self.block_record)
        # Alt+A: Alt+S is the note's Sign button and Alt+G the observation's trigger,
        # on screen with it (tests/ui/shell/test_mnemonics_unique.py).
        self.save_block = forms.button("S&ave changes", "Save block changes")
        self.block_up = forms.button("Move &up", "Move block up")
        self.block_down = forms.button("Move do&wn", "Move block down")
        self.remove_block = forms.button("Remove &block…", "Remove block")
        _row(form_layout, self.save_block, self.block_up, self.block_down, self.remove_block)
        layout.addWidget(self.block_form)
        self.block_live_line = QLabel()
        self.block_live_line.setAccessibleName("Block and record, while live")
        self.block_live_line.setTextFormat(Qt.TextFormat.RichText)
        self.block_live_line.setMinimumWidth(40)  # a long title is cut, not the window widened
        self.block_live_line.hide()
        layout.addWidget(self.block_live_line)
        self.block_workspace = QGroupBox(WORKSPACE_TITLE)
        self.block_workspace.setAccessibleName("Block workspace")
        slot = QVBoxLayout(self.block_workspace)
        self.block_placeholder = forms.paragraph(
            "The note editor and the live observation pad for this block will appear here.",
            "Block workspace placeholder",
        )
        self.block_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        slot.addWidget(self.block_placeholder)
        layout.addWidget(self.block_workspace, 1)
        return page

    def chosen_day_date(self) -> date:
        """The date typed on the day page."""
        value = self.day_date.date()
        return date(value.year(), value.month(), value.day())

    def block_form_values(self) -> BlockForm:
        """The title, kind and times typed on the block page."""
        start, end = self.block_start.time(), self.block_end.time()
        return BlockForm(
            title=self.block_title.text(),
            kind=str(self.block_kind.currentData()),
            start=time(start.hour(), start.minute()),
            end=time(end.hour(), end.minute()),
        )

    def set_block_record(self, text: str) -> None:
        """Show the block's record line ("Signed note; 20 observations"), in the form and live."""
        self.block_record.setText(text)
        self.block_live_line.setText(
            f"<b>{escape(self.block_heading.text())}</b> &nbsp;·&nbsp; {escape(text)}"
        )

    def set_live(self, live: bool) -> None:
        """Live: the form folds to one header line and the workspace takes the page's room."""
        self.block_form.setVisible(not live)
        self.block_live_line.setVisible(live)
        self.block_page_layout.setContentsMargins(*(LIVE_PAGE_MARGINS if live else PAGE_MARGINS))
        self.block_page_layout.setSpacing(4 if live else 10)
        self.block_workspace.setTitle("" if live else WORKSPACE_TITLE)
        self.block_workspace.setFlat(live)
        slot = self.block_workspace.layout()
        assert slot is not None
        slot.setContentsMargins(*((0, 0, 0, 0) if live else (9, 9, 9, 9)))

    def set_block_workspace(self, opener: BlockWorkspaceOpener | None) -> None:
        """Install what fills a block's page.

        The opener is called with (intensive id, block id) on every selection,
        and with (None, None) when the selection leaves the block; it returns
        the widget to show (the same one each time) or None.
        """
        self._block_opener = opener

    def show_block_workspace(self, intensive_id: int | None, block_id: int | None) -> None:
        """Show the workspace for this block, or hide it when `block_id` is None."""
        widget = self._block_opener(intensive_id, block_id) if self._block_opener else None
        slot = self.block_workspace.layout()
        assert isinstance(slot, QVBoxLayout)
        if widget is not None and widget.parent() is not self.block_workspace:
            slot.addWidget(widget, 1)
        if widget is not None:
            widget.setVisible(block_id is not None)
        self.block_placeholder.setVisible(widget is None)


@dataclass(frozen=True)
class BlockForm:
    """What the block page's form holds, as the casebook service takes it."""

    title: str
    kind: str
    start: time
    end: time


def _labelled(text: str, field: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(field)
    label.setAccessibleName(text.replace("&", "").rstrip(":"))
    return label
