"""One review, open in the supervisor's vault: widgets only (review_controller.py reacts).

The trainee's intensive is shown read-only, block by block, with the same
pieces as the live workspace (the timeline, the observation table, the
figures) and the note as text. Beside it, what belongs to the supervisor:
comments on each block and on the intensive, their own coding layer with
the six stance keys, the agreement between the two layers, and the
Co-sign and Return buttons. A non-modal window of the main one, so locking
scrubs and closes it like every other.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from crucible.app.domain.vocabulary import STANCE_SHORT, PartnerKey, Stance
from crucible.app.ui.block.keymap import KeyMap, LogStance
from crucible.app.ui.block.summary_view import SummaryView
from crucible.app.ui.kit import forms
from crucible.app.ui.review.agreement_view import AgreementView


def _read_only_table(name: str) -> QTableView:
    table = QTableView()
    table.setAccessibleName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTabKeyNavigation(False)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class CommentsBox(QGroupBox):
    """Comments already written, a box for a new one, and its button."""

    def __init__(self, title: str) -> None:
        super().__init__(title)
        self.setAccessibleName(title)
        layout = QVBoxLayout(self)
        self.list = QListWidget()
        self.list.setAccessibleName(f"{title}: written")
        self.list.setWordWrap(True)
        layout.addWidget(self.list, 1)
        self.text = QPlainTextEdit()
        self.text.setAccessibleName(f"{title}: new comment")
        self.text.setPlaceholderText("Write a comment for the trainee…")
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(self.text.fontMetrics().lineSpacing() * 4 + 12)
        layout.addWidget(self.text)
        self.add = forms.button("Add comment", f"{title}: add comment")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.add)
        layout.addLayout(row)

    def show_comments(self, texts: list[str]) -> None:
        """Replace the list with these comments, oldest first."""
        self.list.clear()
        self.list.addItems(texts)


class CodingPad(QGroupBox):
    """The supervisor's own layer: "Code this block", the recording clock, six stance keys."""

    def __init__(self, key_map: KeyMap) -> None:
        super().__init__("My coding of this block")
        self.setAccessibleName("My coding of this block")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.code_button = QPushButton("&Code this block")
        self.code_button.setCheckable(True)
        self.code_button.setAccessibleName("Code this block")
        top.addWidget(self.code_button)
        start_label = QLabel("Recording starts &at:")
        self.start = QTimeEdit()
        self.start.setDisplayFormat("HH:mm:ss")
        self.start.setAccessibleName("Recording starts at")
        start_label.setBuddy(self.start)
        top.addWidget(start_label)
        top.addWidget(self.start)
        self.clock = QLabel()
        self.clock.setAccessibleName("Recording position")
        top.addWidget(self.clock, 1)
        layout.addLayout(top)
        self.state = QLabel(
            "Press Code this block while the recording plays: the keys below log into "
            "your own layer at the recording's time. The trainee's coding never changes."
        )
        self.state.setWordWrap(True)
        layout.addWidget(self.state)
        grid = QGridLayout()
        self.caps: dict[LogStance, QPushButton] = {}
        self.partner_labels: dict[PartnerKey, QLabel] = {}
        for row, partner in enumerate(PartnerKey):
            label = QLabel(f"Partner {partner}")
            grid.addWidget(label, row, 0)
            self.partner_labels[partner] = label
            for column, stance in enumerate(Stance, start=1):
                action = LogStance(partner, stance)
                key = key_map.key_for(action)
                cap = QPushButton(f"{key}  {STANCE_SHORT[stance]}")
                cap.setAccessibleName(f"Partner {partner} {STANCE_SHORT[stance]} ({key})")
                cap.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                cap.setEnabled(False)
                cap.setMinimumHeight(34)
                grid.addWidget(cap, row, column)
                self.caps[action] = cap
        layout.addLayout(grid)
        self.layer = _read_only_table("My coded observations")
        layout.addWidget(self.layer, 1)
        bottom = QHBoxLayout()
        self.last = QLabel()
        self.last.setAccessibleName("Last coded observation")
        bottom.addWidget(self.last, 1)
        self.remove = forms.button("&Remove selected", "Remove the selected coded observation")
        bottom.addWidget(self.remove)
        layout.addLayout(bottom)

    def show_coding(self, coding: bool) -> None:
        """Enable the keys while coding, and say so on the button."""
        self.code_button.setChecked(coding)
        self.code_button.setText("Stop &coding" if coding else "&Code this block")
        self.start.setEnabled(not coding)
        for cap in self.caps.values():
            cap.setEnabled(coding)


class ReviewWindow(QDialog):
    """The review: blocks on the left, the chosen block and the supervisor's work on the right."""

    def __init__(self, parent: QWidget, key_map: KeyMap) -> None:
        super().__init__(parent)
        self.setWindowTitle("Crucible — Review")
        self.setAccessibleName("Review")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setModal(False)
        self.resize(1300, 740)
        layout = QVBoxLayout(self)
        self.heading = forms.heading("Review", 4)
        layout.addWidget(self.heading)
        self.sender_line = QLabel()
        self.sender_line.setAccessibleName("Sent by")
        self.sender_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.sender_line)
        self.signed_line = QLabel()
        self.signed_line.setAccessibleName("Co-signature")
        layout.addWidget(self.signed_line)
        self.message = forms.message_line("Review message")
        layout.addWidget(self.message)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("Blocks (read-only)"))
        self.blocks = QListWidget()
        self.blocks.setAccessibleName("Blocks of the intensive")
        self.blocks.setWordWrap(True)
        self.blocks.setAlternatingRowColors(True)
        left_layout.addWidget(self.blocks, 2)
        self.intensive_comments = CommentsBox("Comments on the intensive")
        left_layout.addWidget(self.intensive_comments, 2)
        splitter.addWidget(left)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Review pages")
        block_page = QWidget()
        block_layout = QVBoxLayout(block_page)
        block_layout.setContentsMargins(4, 4, 4, 4)
        self.timeline_slot = QVBoxLayout()
        block_layout.addLayout(self.timeline_slot, 2)
        inner = QTabWidget()
        inner.setAccessibleName("The block")
        self.observations = _read_only_table("The trainee's observations")
        inner.addTab(self.observations, "Trainee's observations")
        self.note = QPlainTextEdit()
        self.note.setReadOnly(True)
        self.note.setAccessibleName("The block's note")
        inner.addTab(self.note, "Note")
        self.figures = SummaryView()
        for label in self.figures.findChildren(QLabel):  # the workspace's widget, not live here
            if label.accessibleName() == "Live summary title":
                label.setText("Figures of the trainee's coding")
        inner.addTab(self.figures, "Figures")
        self.pad = CodingPad(key_map)
        inner.addTab(self.pad, "My coding")
        self.block_comments = CommentsBox("Comments on this block")
        inner.addTab(self.block_comments, "Comments")
        self.block_tabs = inner
        block_layout.addWidget(inner, 3)
        self.tabs.addTab(block_page, "Block")
        self.agreement = AgreementView()
        self.tabs.addTab(self.agreement, "Agreement")
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([330, 970])
        layout.addWidget(splitter, 1)

        buttons = QDialogButtonBox()
        self.cosign = buttons.addButton("Co-&sign…", QDialogButtonBox.ButtonRole.ActionRole)
        self.cosign.setAccessibleName("Co-sign the intensive")
        self.return_button = buttons.addButton(
            "Return to &trainee…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.return_button.setAccessibleName("Return to trainee")
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.clicked.connect(self.close)
        layout.addWidget(buttons)
        self.close_button.setDefault(True)  # everything is saved as it is done: Enter only closes
