"""Tools › Hours: adding, refusing and removing entries, and choosing the target, in the app."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from shiboken6 import isValid

from crucible.app.domain.hours_targets import Measure
from crucible.app.services.hours import read_record
from crucible.app.ui.shell.launch import Desktop
from tests.ui.hours.hours_window import open_hours


def _record(desktop: Desktop) -> Any:
    return read_record(desktop.session.parts.vault)


def _closed(dialog: Any) -> bool:
    """Closed, whether or not Qt has deleted it yet (forms delete themselves on close)."""
    return not isValid(dialog) or not dialog.isVisible()


def _recount(qtbot: Any, hours: Any, before: Any) -> None:
    qtbot.waitUntil(lambda: hours.log is not before, timeout=10_000)


def test_a_contact_entry_added_in_the_window_is_stored_and_counted(
    qtbot: Any, unlocked: Desktop
) -> None:
    hours = open_hours(qtbot, unlocked)
    before = hours.log
    dialog = hours.add_contact()
    dialog.on.setDate(QDate(2026, 11, 20))
    dialog.minutes.setValue(45)
    dialog.couple.setText("F-9")
    dialog.accept()
    qtbot.waitUntil(lambda: _closed(dialog), timeout=10_000)
    _recount(qtbot, hours, before)
    manual = _record(unlocked).manual
    assert [(m.on, m.minutes, m.couple_code) for m in manual] == [(date(2026, 11, 20), 45, "F-9")]
    assert hours.log.contact.total == before.contact.total + 45


def test_an_entry_over_a_logged_block_is_refused_in_its_form_and_nothing_is_stored(
    qtbot: Any, unlocked: Desktop
) -> None:
    hours = open_hours(qtbot, unlocked)
    dialog = hours.add_contact()
    dialog.on.setDate(QDate(2026, 11, 2))  # the demo couple's first day, already counted
    dialog.couple.setText("C-0007")
    dialog.accept()
    qtbot.waitUntil(lambda: "overlaps block" in dialog.message.text(), timeout=10_000)
    assert dialog.isVisible()
    assert dialog.couple.text() == "C-0007"  # the typing is kept
    assert dialog.buttons.isEnabled()
    assert _record(unlocked).manual == ()
    dialog.reject()


def test_supervision_is_added_with_the_profile_supervisor_then_removed(
    qtbot: Any, unlocked: Desktop, monkeypatch: Any
) -> None:
    hours = open_hours(qtbot, unlocked)
    monkeypatch.setattr(hours, "_supervisor", lambda: "Dr. Lee")
    before = hours.log
    dialog = hours.add_supervision()
    assert dialog.supervisor.text() == "Dr. Lee"
    dialog.on.setDate(QDate(2026, 11, 9))
    dialog.observable.setCurrentIndex(dialog.observable.findData("video"))
    dialog.accept()
    qtbot.waitUntil(lambda: _closed(dialog), timeout=10_000)
    _recount(qtbot, hours, before)
    stored = _record(unlocked).supervision
    assert [(s.supervisor, s.minutes, str(s.observable)) for s in stored] == [
        ("Dr. Lee", 60, "video")
    ]
    assert hours.log.supervision.observable == 60
    # Select it in its week and remove it.
    week = [w.starts for w in hours.log.weeks].index(date(2026, 11, 9))
    hours.view.weeks.selectRow(week)
    row = next(i for i, e in enumerate(hours.entries) if e.supervision_id is not None)
    hours.view.entries.selectRow(row)
    assert hours.view.remove_entry.isEnabled()
    removed_from = hours.log
    hours.remove_selected()
    from PySide6.QtWidgets import QApplication, QMessageBox

    box = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    )
    remove = next(b for b in box.buttons() if b.text() == "Remove")
    remove.click()
    _recount(qtbot, hours, removed_from)
    assert _record(unlocked).supervision == ()


def test_a_block_entry_cannot_be_removed(qtbot: Any, unlocked: Desktop) -> None:
    hours = open_hours(qtbot, unlocked)
    hours.view.weeks.selectRow(0)
    assert hours.entries[0].block_id is not None
    hours.view.entries.selectRow(0)
    assert not hours.view.remove_entry.isEnabled()


def test_a_custom_target_is_chosen_in_the_window(qtbot: Any, unlocked: Desktop) -> None:
    hours = open_hours(qtbot, unlocked)
    before = hours.log
    dialog = hours.choose_target()
    assert dialog is not None
    dialog.preset.setCurrentIndex(dialog.preset.findData("custom"))
    assert dialog.custom.isVisibleTo(dialog)
    dialog.accept()  # nothing typed: refused, in place
    assert "at least one category" in dialog.message.text()
    dialog.custom.hours[Measure.CONTACT_TOTAL].setValue(400)
    dialog.custom.ratio.setValue(10)
    dialog.custom.per.setCurrentIndex(dialog.custom.per.findData("setting-week"))
    dialog.custom.group_unit.setChecked(True)
    dialog.accept()
    _recount(qtbot, hours, before)
    target = _record(unlocked).target
    assert target.preset.id == "custom"
    assert [(c.measure, c.hours) for c in target.preset.categories] == [
        (Measure.CONTACT_TOTAL, 400.0)
    ]
    assert target.preset.ratio is not None
    assert target.preset.ratio.contact_per_supervision == 10.0
    assert target.preset.ratio.per == "setting-week"
    assert target.preset.ratio.group_hours_per_unit == 2.0
    assert "2 hours in a group) in each week, within each setting" in hours.view.target.text()
    assert hours.log.progress[0].required == 400 * 60


def test_a_past_block_with_nothing_recorded_counts_once_confirmed(
    qtbot: Any, demo_vault: Any, start_desktop: Any
) -> None:
    from crucible.app.services import casebook
    from crucible.app.services.vault_access import open_vault
    from crucible.app.store.vault import UnlockThrottle
    from tests.conftest import PASSPHRASE
    from tests.ui.conftest import add_template_intensive, unlock

    vault = open_vault(
        demo_vault, PASSPHRASE, actor="t", throttle=UnlockThrottle(sleep=lambda _s: None)
    )
    try:
        couple_id = casebook.load_casebook(vault)[0].id
        add_template_intensive(vault, couple_id, "Planned, not logged", date(2026, 11, 16))
        add_template_intensive(vault, couple_id, "Still ahead", date(2099, 1, 5))
    finally:
        vault.lock()
    desktop = start_desktop(demo_vault)
    unlock(qtbot, desktop)
    hours = open_hours(qtbot, desktop)
    qtbot.waitUntil(lambda: hours.view.pending_box.isVisibleTo(hours.view), timeout=5_000)
    waiting = list(hours.waiting)
    assert waiting, "the template's past blocks should wait for a word"
    assert all(block.start.year == 2026 for block in waiting)  # 2099 is not asked about
    before = hours.log
    first = waiting[0]
    hours.view.pending.selectRow(0)
    assert hours.view.confirm_ran.isEnabled()
    hours.view.confirm_ran.click()
    _recount(qtbot, hours, before)
    assert first.block_id not in {b.block_id for b in hours.waiting}
    assert len(hours.waiting) == len(waiting) - 1
    assert first.end is not None
    planned = round((first.end - first.start).total_seconds() / 60)
    assert hours.log.contact.total == before.contact.total + planned


def test_periods_run_monday_to_sunday_and_month_to_month() -> None:
    from crucible.app.ui.hours.entry_dialogs import HoursPeriod, period_dates

    wed = date(2026, 12, 2)
    assert period_dates(HoursPeriod.THIS_WEEK, wed) == (date(2026, 11, 30), date(2026, 12, 6))
    assert period_dates(HoursPeriod.LAST_WEEK, wed) == (date(2026, 11, 23), date(2026, 11, 29))
    assert period_dates(HoursPeriod.THIS_MONTH, wed) == (date(2026, 12, 1), date(2026, 12, 31))
    assert period_dates(HoursPeriod.LAST_MONTH, date(2026, 3, 31)) == (
        date(2026, 2, 1),
        date(2026, 2, 28),
    )
    assert period_dates(HoursPeriod.EVERYTHING, wed) == (None, None)


def test_the_log_is_saved_as_pdf_and_csv_from_the_window(
    qtbot: Any, unlocked: Desktop, tmp_path: Any
) -> None:
    import io

    from pypdf import PdfReader

    from crucible.app.domain.hours_log import hours_as_csv
    from crucible.app.services.audit_log import list_events
    from crucible.app.services.hours import hours_for
    from crucible.app.ui.hours.entry_dialogs import HoursPeriod

    hours = open_hours(qtbot, unlocked)
    dialog = hours.ask_save_log()
    dialog.period.setCurrentIndex(dialog.period.findData(HoursPeriod.CHOSEN.value))
    assert dialog.starts.isVisibleTo(dialog)
    dialog.starts.setDate(QDate(2026, 11, 30))
    dialog.ends.setDate(QDate(2026, 11, 1))
    dialog.accept()
    assert "starts (2026-11-30) after it ends" in dialog.message.text()
    dialog.reject()
    vault = unlocked.session.parts.vault
    start, end = date(2026, 11, 1), date(2026, 11, 30)
    pdf, csv_path = tmp_path / "hours.pdf", tmp_path / "hours.csv"
    hours.save_log(pdf, start, end, "pdf")
    qtbot.waitUntil(lambda: "Saved hours.pdf" in hours.view.message.text(), timeout=20_000)
    hours.save_log(csv_path, start, end, "csv")
    qtbot.waitUntil(lambda: "Saved hours.csv" in hours.view.message.text(), timeout=20_000)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "C-0007" in text
    assert "Whitfield" not in text  # couple codes only, never names
    assert csv_path.read_text(encoding="utf-8") == hours_as_csv(hours_for(vault, start, end))
    exports = [e.detail for e in list_events(vault) if e.action == "export-hours"]
    assert exports[-1]["format"] == "csv"
    assert len(exports) == 2


def test_supervision_defaults_to_the_linked_card_and_takes_a_review_suggestion(
    qtbot: Any, demo_vault: Any, start_desktop: Any, tmp_path: Any
) -> None:
    from crucible.app.domain.hours import ObservableData, SupervisionEntry, SupervisionFormat
    from crucible.app.domain.vocabulary import Role
    from crucible.app.services.identity import import_card, own_card
    from crucible.app.services.profile import ClinicianProfile, save_profile
    from crucible.app.services.vault_access import new_vault, open_vault
    from crucible.app.store.vault import UnlockThrottle
    from tests.conftest import FAST_KDF, PASSPHRASE
    from tests.ui.conftest import unlock

    other, _code = new_vault(tmp_path / "supervisor", "another long passphrase here", kdf=FAST_KDF)
    try:
        save_profile(other, ClinicianProfile("Dr. Sam Lee", "PhD", Role.SUPERVISOR))
        card = own_card(other, actor="t")
    finally:
        other.lock()
    vault = open_vault(
        demo_vault, PASSPHRASE, actor="t", throttle=UnlockThrottle(sleep=lambda _s: None)
    )
    try:
        import_card(vault, card, actor="t", link_as_supervisor=True)
    finally:
        vault.lock()
    desktop = start_desktop(demo_vault)
    unlock(qtbot, desktop)
    hours = open_hours(qtbot, desktop)
    plain = hours.add_supervision()
    assert plain.supervisor.text() == "Dr. Sam Lee, PhD"
    plain.reject()
    suggested = SupervisionEntry(
        date(2026, 11, 20),
        60,
        SupervisionFormat.INDIVIDUAL,
        ObservableData.VIDEO,
        "Dr. Sam Lee, PhD",
        (1,),
    )
    before = hours.log
    dialog = hours.add_supervision(suggested)
    assert dialog.observable.currentData() == "video"
    assert "intensive 1" in " ".join(
        w.text() for w in dialog.findChildren(type(dialog.message)) if hasattr(w, "text")
    )
    dialog.minutes.setValue(50)
    dialog.accept()
    qtbot.waitUntil(lambda: _closed(dialog), timeout=10_000)
    _recount(qtbot, hours, before)
    stored = read_record(desktop.session.parts.vault).supervision
    assert [(s.minutes, s.intensive_ids, s.on) for s in stored] == [(50, (1,), date(2026, 11, 20))]


def test_entries_take_a_setting_and_a_bad_one_is_refused_in_the_form(
    qtbot: Any, unlocked: Desktop
) -> None:
    hours = open_hours(qtbot, unlocked)
    before = hours.log
    dialog = hours.add_supervision()
    assert "Intensives (Crucible)" in hours.known_settings()
    dialog.on.setDate(QDate(2026, 11, 9))
    dialog.setting.setText("Clinic\x1b[2J")
    dialog.accept()
    assert "control character" in dialog.message.text()
    assert dialog.isVisible()
    dialog.setting.setText("University clinic ")
    dialog.accept()
    qtbot.waitUntil(lambda: _closed(dialog), timeout=10_000)
    _recount(qtbot, hours, before)
    assert [s.setting for s in _record(unlocked).supervision] == ["University clinic"]
    assert "University clinic" in hours.known_settings()
    week = [w.starts for w in hours.log.weeks].index(date(2026, 11, 9))
    hours.view.weeks.selectRow(week)
    row = next(i for i, e in enumerate(hours.entries) if e.supervision_id is not None)
    assert hours.view.entries.item(row, 7).text() == "University clinic"
    contact = hours.add_contact()
    assert contact.setting.completer().model().rowCount() == 2  # the two settings known
    contact.on.setDate(QDate(2026, 11, 20))
    contact.setting.setText("University clinic")
    before = hours.log
    contact.accept()
    qtbot.waitUntil(lambda: _closed(contact), timeout=10_000)
    _recount(qtbot, hours, before)
    assert [m.setting for m in _record(unlocked).manual] == ["University clinic"]
