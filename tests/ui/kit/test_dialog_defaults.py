"""Every dialog the app builds has a default button (Enter presses it) and opens ready to type.

The dialog classes are found by importing every module of app/ui; a new
dialog class without a builder below fails the first test, so none escapes.
The message boxes are built by functions, listed by hand after them.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

import crucible.app.ui
from crucible.app.ui.shell.launch import Desktop
from tests.ui.conftest import wait_idle

Builder = Callable[[Desktop], QDialog]


def _dialog_classes() -> set[type]:
    found: set[type] = set()
    for module_info in pkgutil.walk_packages(crucible.app.ui.__path__, "crucible.app.ui."):
        module = importlib.import_module(module_info.name)
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, QDialog) and value.__module__.startswith("crucible.app.ui."):
                found.add(value)
    return found


def _colour() -> str:
    return "#a4161a"


def _couple(desktop: Desktop) -> Any:
    return desktop.session.workspace.summary_of(("couple", 1))


def _intensive(desktop: Desktop) -> Any:
    return desktop.session.workspace.summary_of(("intensive", 1))


def _new_couple(desktop: Desktop) -> QDialog:
    from crucible.app.ui.casebook.couple_dialog import CoupleDialog

    return CoupleDialog(desktop.window, None, _colour)


def _edit_couple(desktop: Desktop) -> QDialog:
    from crucible.app.ui.casebook.couple_dialog import CoupleDialog

    return CoupleDialog(desktop.window, _couple(desktop), _colour)


def _new_intensive(desktop: Desktop) -> QDialog:
    from crucible.app.services.casebook import list_templates
    from crucible.app.ui.casebook.intensive_dialog import NewIntensiveDialog

    return NewIntensiveDialog(
        desktop.window, "C-0007", list_templates(), desktop.session.profile, _colour, date.today()
    )


def _supervision(desktop: Desktop) -> QDialog:
    from crucible.app.ui.casebook.intensive_dialog import SupervisionDialog

    return SupervisionDialog(desktop.window, _intensive(desktop), desktop.session.profile, _colour)


def _rename(desktop: Desktop) -> QDialog:
    from crucible.app.ui.casebook.intensive_dialog import RenameDialog

    return RenameDialog(desktop.window, "Two-day intensive", _colour)


def _settings(desktop: Desktop) -> QDialog:
    from crucible.app.ui.shell.settings_dialog import SettingsDialog

    return SettingsDialog(desktop.window, desktop.session.settings, _colour)


def _search_palette(desktop: Desktop) -> QDialog:
    parts = desktop.session.parts
    assert parts is not None
    return parts.search.open()


def _report(desktop: Desktop) -> QDialog:
    from crucible.app.ui.casebook.report_dialog import ReportDialog

    return ReportDialog(desktop.window, "Two-day intensive", True, "letter", _colour)


def _restore(desktop: Desktop) -> QDialog:
    from crucible.app.ui.safety.backups_view import RestoreDialog

    return RestoreDialog(desktop.window, "Restoring replaces the vault.", _colour)


def _backups(desktop: Desktop) -> QDialog:
    return desktop.session.data_safety.open_backups().view


def _audit(desktop: Desktop) -> QDialog:
    return desktop.session.data_safety.open_audit().view


def _hours(desktop: Desktop) -> QDialog:
    assert desktop.session.parts is not None
    return desktop.session.parts.hours.open().view


def _research_export(desktop: Desktop) -> QDialog:
    from crucible.app.ui.casebook.research_export_dialog import ResearchExportDialog

    return ResearchExportDialog(desktop.window, _colour)


def _addendum(desktop: Desktop) -> QDialog:
    from crucible.app.ui.block.note_dialogs import AddendumDialog

    return AddendumDialog(desktop.window)


def _history(desktop: Desktop) -> QDialog:
    from crucible.app.ui.block.note_dialogs import HistoryDialog

    return HistoryDialog(desktop.window, [])


def _reflections(desktop: Desktop) -> QDialog:
    from crucible.app.ui.block.note_dialogs import ReflectionsDialog

    return ReflectionsDialog(desktop.window, "")


def _profile(desktop: Desktop) -> QDialog:
    from crucible.app.ui.shell.profile_dialog import ProfileDialog

    return ProfileDialog(desktop.window, desktop.session.profile, _colour)


def _passphrase(desktop: Desktop) -> QDialog:
    from crucible.app.ui.shell.passphrase_dialog import PassphraseDialog

    return PassphraseDialog(desktop.window, _colour)


def _unexpected_error(desktop: Desktop) -> QDialog:
    from crucible.app.ui.shell.unexpected_error import UnexpectedErrorDialog

    return UnexpectedErrorDialog(desktop.window, KeyError("no client text here"))


def _cards(desktop: Desktop) -> QDialog:
    from crucible.app.ui.review.cards_dialog import CardsDialog

    return CardsDialog(desktop.window)


def _review(desktop: Desktop) -> QDialog:
    from crucible.app.ui.block.keymap import KeyMap
    from crucible.app.ui.review.review_window import ReviewWindow

    return ReviewWindow(desktop.window, KeyMap())


def _returned_review(desktop: Desktop) -> QDialog:
    from crucible.app.ui.review.returned_review_dialog import ReturnedReviewDialog

    return ReturnedReviewDialog(desktop.window)


def _add_contact(desktop: Desktop) -> QDialog:
    from crucible.app.ui.hours.entry_dialogs import ContactEntryDialog

    return ContactEntryDialog(desktop.window, date.today(), _colour)


def _add_supervision(desktop: Desktop) -> QDialog:
    from crucible.app.ui.hours.entry_dialogs import SupervisionEntryDialog

    return SupervisionEntryDialog(desktop.window, date.today(), "Dr. Lee", _colour)


def _hours_target(desktop: Desktop) -> QDialog:
    from crucible.app.domain.hours_targets import Target, find_preset, shipped_presets
    from crucible.app.services.hours import DEFAULT_PRESET
    from crucible.app.ui.hours.entry_dialogs import TargetDialog

    presets = shipped_presets()
    target = Target(find_preset(presets, DEFAULT_PRESET))
    return TargetDialog(desktop.window, presets, target, date.today(), _colour)


def _save_hours(desktop: Desktop) -> QDialog:
    from crucible.app.ui.hours.entry_dialogs import ExportHoursDialog

    return ExportHoursDialog(desktop.window, date.today(), _colour)


def _about(desktop: Desktop) -> QDialog:
    from crucible.app.services.about import about_facts
    from crucible.app.ui.shell.about_dialog import AboutDialog

    return AboutDialog(about_facts(desktop.session.gateway.folder), desktop.window)


BUILDERS: dict[str, list[Builder]] = {
    "AboutDialog": [_about],
    "CoupleDialog": [_new_couple, _edit_couple],
    "NewIntensiveDialog": [_new_intensive],
    "SupervisionDialog": [_supervision],
    "RenameDialog": [_rename],
    "SettingsDialog": [_settings],
    "ReportDialog": [_report],
    "SearchPaletteView": [_search_palette],
    "RestoreDialog": [_restore],
    "BackupsView": [_backups],
    "AuditView": [_audit],
    "HoursView": [_hours],
    "ResearchExportDialog": [_research_export],
    "AddendumDialog": [_addendum],
    "HistoryDialog": [_history],
    "ReflectionsDialog": [_reflections],
    "ProfileDialog": [_profile],
    "PassphraseDialog": [_passphrase],
    "UnexpectedErrorDialog": [_unexpected_error],
    "CardsDialog": [_cards],
    "ReviewWindow": [_review],
    "ReturnedReviewDialog": [_returned_review],
    "ContactEntryDialog": [_add_contact],
    "SupervisionEntryDialog": [_add_supervision],
    "TargetDialog": [_hours_target],
    "ExportHoursDialog": [_save_hours],
}
# Bases that are never shown themselves.
ABSTRACT = {"FormDialog", "PendingFormDialog"}
ALL_BUILDERS = [builder for builders in BUILDERS.values() for builder in builders]


def test_every_dialog_class_has_a_builder_here() -> None:
    """A new QDialog subclass in app/ui must be added to BUILDERS (and so be checked)."""
    names = {cls.__name__ for cls in _dialog_classes()} - ABSTRACT
    assert names == set(BUILDERS)


def _default_buttons(dialog: QWidget) -> list[QPushButton]:
    return [b for b in dialog.findChildren(QPushButton) if b.isDefault() and b.isVisible()]


def _show(qtbot: Any, dialog: QDialog) -> None:
    if not dialog.isVisible():
        dialog.open()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)


def test_every_dialog_has_a_default_button(qtbot: Any, unlocked: Desktop) -> None:
    """Shown, each dialog has exactly one default button, visible and enabled.

    One unlocked app for all of them (unlocking per dialog would cost seconds each);
    every dialog is checked before the test reports, naming each one without.
    """
    problems = []
    for build in ALL_BUILDERS:
        dialog = build(unlocked)
        _show(qtbot, dialog)
        defaults = [b for b in _default_buttons(dialog) if b.isEnabled()]
        if len(defaults) != 1:
            buttons = [b.text() for b in dialog.findChildren(QPushButton)]
            problems.append(f"{build.__name__}: {len(defaults)} default buttons of {buttons}")
        dialog.close()
        wait_idle(qtbot, unlocked)
    assert problems == []


def test_a_dialog_with_text_fields_opens_in_the_first(qtbot: Any, unlocked: Desktop) -> None:
    """Typing straight after a form opens goes into its first field, not to a button."""
    problems = []
    for build in (
        _new_couple,
        _edit_couple,
        _rename,
        _supervision,
        _restore,
        _addendum,
        _profile,
    ):
        dialog = build(unlocked)
        _show(qtbot, dialog)
        fields = [f for f in dialog.findChildren(QLineEdit) if f.isVisible() and f.isEnabled()]
        topmost = min(fields, key=lambda f: f.mapTo(dialog, f.rect().topLeft()).y())
        focused = QApplication.focusWidget()
        if focused is not topmost:
            problems.append(f"{build.__name__}: focus on {type(focused).__name__}")
        dialog.close()
    assert problems == []


def _prompts(desktop: Desktop) -> list[QMessageBox]:
    from crucible.app.ui.block.note_dialogs import sign_confirmation
    from crucible.app.ui.kit import prompts

    parent = desktop.window
    return [
        prompts.show_error(parent, "Not done."),
        prompts.show_info(parent, "Done."),
        prompts.confirm(parent, "Delete", "Delete it?", "&Delete", lambda: None),
        sign_confirmation(parent, "Jordan Reyes, LMFT"),
    ]


def test_message_boxes_have_a_default_button(qtbot: Any, unlocked: Desktop) -> None:
    """Errors and confirmations: Enter answers them (the safe answer where one is destructive)."""
    for box in _prompts(unlocked):
        box.open()
        qtbot.waitExposed(box)
        default = box.defaultButton()
        assert isinstance(default, QAbstractButton), box.text()
        assert default.isVisible()
        box.close()
