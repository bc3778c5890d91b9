"""The Backups window and the restore dialog: widgets only.

backups_controller.py and restore_flow.py react to them.

The Backups window is a non-modal dialog of the main window, so locking
scrubs and closes it like every other dialog.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crucible.app.ui.kit import forms
from crucible.app.ui.kit.form_dialog import FormDialog
from crucible.app.ui.safety.backups_model import CHECK, MADE, REASON, SIZE


class BackupsView(QDialog):
    """Backups table, progress line, mirror folder, and the actions."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Crucible — Backups")
        self.setAccessibleName("Backups")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setModal(False)
        self.resize(760, 520)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(forms.heading("Backups", 4))
        self.explanation = forms.paragraph(
            "Encrypted copies of the vault. Crucible makes one at the first unlock of each day "
            "and when you quit after changes, and keeps a week of daily ones and a month of "
            "weekly ones; backups you make yourself stay until you delete them. A backup opens "
            "with the passphrase or recovery code that was valid when it was made.",
            "About backups",
        )
        layout.addWidget(self.explanation)
        self.table = QTableView()
        self.table.setAccessibleName("Backups list")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        layout.addWidget(self.table, 1)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Backup progress")
        self.progress.setTextVisible(True)
        self.progress.setFormat("Backing up… %p%")
        self.progress.hide()
        layout.addWidget(self.progress)
        self.message = forms.message_line("Backups: status")
        layout.addWidget(self.message)
        layout.addWidget(self._mirror_box())
        self.back_up = forms.button("Back &up now", "Back up now")
        self.restore = forms.button("&Restore…", "Restore the selected backup")
        self.restore.setToolTip(
            "Replace the vault with the selected backup (the vault is kept aside)"
        )
        self.close_button = forms.button("Close", default=True)  # Enter closes, as Escape does
        row = QHBoxLayout()
        row.addWidget(self.back_up)
        row.addWidget(self.restore)
        row.addStretch(1)
        row.addWidget(self.close_button)
        layout.addLayout(row)
        self.close_button.clicked.connect(self.close)
        self.back_up.setFocus()

    def _mirror_box(self) -> QGroupBox:
        box = QGroupBox("Mirror")
        box.setAccessibleName("Mirror")
        column = QVBoxLayout(box)
        column.addWidget(
            forms.paragraph(
                "Each new backup can also be copied, checked, to a second folder, such as an "
                "external drive. A mirror that cannot be written never undoes the backup.",
                "About the mirror",
            )
        )
        row = QHBoxLayout()
        caption = QLabel("Mirror folder:")
        caption.setAccessibleName("Mirror folder")
        self.mirror_folder = QLabel()
        self.mirror_folder.setAccessibleName("Mirror folder in use")
        self.mirror_folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choose_mirror = forms.button("&Choose…", "Choose the mirror folder")
        self.stop_mirror = forms.button("&Stop mirroring", "Stop mirroring backups")
        caption.setBuddy(self.choose_mirror)
        row.addWidget(caption)
        row.addWidget(self.mirror_folder, 1)
        row.addWidget(self.choose_mirror)
        row.addWidget(self.stop_mirror)
        column.addLayout(row)
        return box

    def fit_columns(self) -> None:
        """Size the columns to their content, the check column taking the rest."""
        header = self.table.horizontalHeader()
        for column in (MADE, REASON, SIZE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(CHECK, QHeaderView.ResizeMode.Stretch)


class RestoreDialog(FormDialog):
    """What a restore will do, and the secret valid when the backup was made."""

    def __init__(self, parent: QWidget, explanation: str, error_colour: Callable[[], str]) -> None:
        super().__init__(parent, "Restore a backup", "Lock and &restore", error_colour)
        self.setMinimumWidth(520)
        self.explanation = forms.paragraph(explanation, "What restoring does")
        self.explanation.setTextFormat(Qt.TextFormat.PlainText)
        self.form.addRow(self.explanation)
        self.secret = forms.secret_field(
            "Passphrase or recovery code", "as it was when the backup was made"
        )
        self.add_row("&Passphrase or recovery code:", self.secret)
        self.secret.setFocus()
