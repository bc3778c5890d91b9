"""Small non-blocking dialogs: an error sentence, a yes/no question.

They use `open()` rather than `exec()`: no nested event loop, so locking can
close them at any moment and nothing runs afterwards against a locked vault.
Each deletes itself when closed, so no text lingers in hidden widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget


def _box(parent: QWidget, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    box = QMessageBox(
        icon, f"Crucible — {title}", text, QMessageBox.StandardButton.NoButton, parent
    )
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setAccessibleName(title)
    box.setObjectName("crucible-prompt")
    return box


def show_error(parent: QWidget, text: str, title: str = "Not done") -> QMessageBox:
    """Show one sentence saying what went wrong; returns the (already open) box."""
    box = _box(parent, QMessageBox.Icon.Warning, title, text)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setDefaultButton(QMessageBox.StandardButton.Ok)
    box.open()
    return box


def show_info(parent: QWidget, text: str, title: str = "Done") -> QMessageBox:
    """Show a short confirmation."""
    box = _box(parent, QMessageBox.Icon.Information, title, text)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setDefaultButton(QMessageBox.StandardButton.Ok)
    box.open()
    return box


def confirm(
    parent: QWidget, title: str, text: str, yes_text: str, on_yes: Callable[[], None]
) -> QMessageBox:
    """Ask before something that cannot be undone; `on_yes` runs only on the yes button."""
    box = _box(parent, QMessageBox.Icon.Question, title, text)
    yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)

    def finished() -> None:
        if box.clickedButton() is yes:
            on_yes()

    box.finished.connect(finished)
    box.open()
    return box


def _file_dialog(parent: QWidget, title: str, name_filter: str) -> QFileDialog:
    # Qt's own dialog (not the platform's) is a widget like any other: locking can
    # close it, and it behaves the same on every desktop and in tests.
    dialog = QFileDialog(parent, f"Crucible — {title}")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setNameFilter(name_filter)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setAccessibleName(title)
    # Start in the user's documents, never in the app's working directory.
    places = QStandardPaths.standardLocations(QStandardPaths.StandardLocation.DocumentsLocation)
    start = next((p for p in places if Path(p).is_dir()), str(Path.home()))
    dialog.setDirectory(start)
    return dialog


def ask_save_path(
    parent: QWidget,
    title: str,
    suggested: str,
    name_filter: str,
    on_path: Callable[[Path], None],
    default_suffix: str = "",
) -> QFileDialog:
    """Ask where to save; `on_path` runs with the chosen path."""
    dialog = _file_dialog(parent, title, name_filter)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix(default_suffix)
    dialog.selectFile(suggested)
    dialog.fileSelected.connect(lambda chosen: on_path(Path(chosen)))
    dialog.open()
    return dialog


def ask_open_path(
    parent: QWidget, title: str, name_filter: str, on_path: Callable[[Path], None]
) -> QFileDialog:
    """Ask for an existing file to read; `on_path` runs with it."""
    dialog = _file_dialog(parent, title, name_filter)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.fileSelected.connect(lambda chosen: on_path(Path(chosen)))
    dialog.open()
    return dialog
