"""The Hours window's forms: add contact, add supervision, choose the target, save the log.

Widgets only; hours_controller.py checks and stores what they hold. Each
form stays open until the entry is stored, so a refused entry (a date in
the future, an overlap with a logged block) is explained in place and the
typing is not lost. Dates are edited with QDateEdit and never go past today.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from enum import StrEnum
from typing import TypeVar

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from crucible.app.domain.hours import (
    MAX_ENTRY_MINUTES,
    MAX_SETTING_LENGTH,
    ContactKind,
    ManualContact,
    ObservableData,
    SupervisionEntry,
    SupervisionFormat,
)
from crucible.app.domain.hours_targets import (
    CUSTOM,
    CustomTarget,
    Measure,
    Preset,
    Ratio,
    RatioPeriod,
    Target,
)
from crucible.app.ui.kit import forms
from crucible.app.ui.kit.form_dialog import FormDialog

_Word = TypeVar("_Word", bound=StrEnum)

CONTACT_KIND_WORDS = {
    ContactKind.RELATIONAL: "Relational (couple or family, seen together)",
    ContactKind.INDIVIDUAL: "Individual",
}
FORMAT_WORDS = {
    SupervisionFormat.INDIVIDUAL: "Individual (one or two trainees)",
    SupervisionFormat.GROUP: "Group",
}
OBSERVABLE_WORDS = {
    ObservableData.NONE: "None (case discussion)",
    ObservableData.LIVE: "Live observation",
    ObservableData.VIDEO: "Video recording",
    ObservableData.AUDIO: "Audio recording",
}


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(edit: QDateEdit) -> date:
    chosen = edit.date()
    return date(chosen.year(), chosen.month(), chosen.day())


def _date_field(name: str, today: date) -> QDateEdit:
    edit = QDateEdit(_qdate(today))
    edit.setAccessibleName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMaximumDate(_qdate(today))
    return edit


def _minutes_field() -> QSpinBox:
    spin = QSpinBox()
    spin.setAccessibleName("Minutes")
    spin.setRange(1, MAX_ENTRY_MINUTES)
    spin.setValue(50)
    spin.setSuffix(" min")
    return spin


def _choice(name: str, words: Mapping[_Word, str]) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    for value, text in words.items():
        combo.addItem(text, value.value)
    return combo


def _setting_field(known: Sequence[str]) -> QLineEdit:
    """Where the hours took place: free text, offering the settings used before.

    The same place spelled two ways would count as two settings under a
    per-setting ratio (case and spaces aside), so earlier names are offered.
    """
    edit = QLineEdit()
    edit.setAccessibleName("Setting")
    edit.setPlaceholderText("optional, e.g. University clinic")
    edit.setMaxLength(MAX_SETTING_LENGTH)
    completer = QCompleter(sorted(set(known), key=str.casefold), edit)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    edit.setCompleter(completer)
    return edit


class PendingFormDialog(FormDialog):
    """A form whose OK starts background work and closes only when that work succeeds.

    `on_submit` checks the fields (returning a sentence to refuse them) and
    starts the work; the controller then calls `done_ok()` or `fail()`.
    While the work runs, OK is disabled so the entry is not stored twice.
    """

    def accept(self) -> None:
        """Check and start storing; stay open until `done_ok` is called."""
        problem = self.on_submit()
        if problem:
            self.fail(problem)
            return
        self.set_busy(True)

    def set_busy(self, busy: bool) -> None:
        """Disable OK (and say so) while the entry is being stored."""
        self.buttons.setEnabled(not busy)
        if busy:
            forms.show_message(self.message, "Saving…")

    def fail(self, text: str) -> None:
        """Show why it was not stored, and let the clinician correct it."""
        self.set_busy(False)
        super().fail(text)

    def done_ok(self) -> None:
        """The work succeeded: close."""
        QDialog.accept(self)


class ContactEntryDialog(PendingFormDialog):
    """Contact outside Crucible's intensives: date, minutes, kind, and a couple code."""

    def __init__(
        self,
        parent: QWidget,
        today: date,
        error_colour: Callable[[], str],
        settings: Sequence[str] = (),
    ) -> None:
        super().__init__(parent, "Add contact hours", "&Add", error_colour)
        self.on = _date_field("Date", today)
        self.add_row("&Date:", self.on)
        self.minutes = _minutes_field()
        self.add_row("&Minutes:", self.minutes)
        self.kind = _choice("Kind", CONTACT_KIND_WORDS)
        self.add_row("&Kind:", self.kind)
        self.couple = forms.text_field("Couple or client code", "optional, e.g. F-2")
        self.couple.setMaxLength(32)
        self.add_row("&Code:", self.couple)
        self.setting = _setting_field(settings)
        self.add_row("Se&tting:", self.setting)
        self.form.addRow(
            forms.paragraph(
                "For sessions Crucible did not log: other clients, other formats. "
                "Blocks of your intensives are counted already.",
                "About contact entries",
            )
        )

    def entry(self) -> ManualContact:
        """What the form holds."""
        return ManualContact(
            on=_date(self.on),
            minutes=self.minutes.value(),
            kind=ContactKind(self.kind.currentData()),
            couple_code=self.couple.text().strip(),
            setting=self.setting.text().strip(" "),
        )


class SupervisionEntryDialog(PendingFormDialog):
    """One supervision meeting: date, minutes, individual or group, observable data, supervisor."""

    def __init__(
        self,
        parent: QWidget,
        today: date,
        supervisor: str,
        error_colour: Callable[[], str],
        suggested: SupervisionEntry | None = None,
        settings: Sequence[str] = (),
    ) -> None:
        super().__init__(parent, "Add supervision", "&Add", error_colour)
        self.intensive_ids = suggested.intensive_ids if suggested else ()
        self.on = _date_field("Date", today)
        self.add_row("&Date:", self.on)
        self.minutes = _minutes_field()
        self.minutes.setValue(60)
        self.add_row("&Minutes:", self.minutes)
        self.format = _choice("Format", FORMAT_WORDS)
        self.add_row("&Format:", self.format)
        self.observable = _choice("Observable data", OBSERVABLE_WORDS)
        self.add_row("&Observable data:", self.observable)
        self.supervisor = QLineEdit(supervisor)
        self.supervisor.setAccessibleName("Supervisor")
        self.supervisor.setMaxLength(200)
        self.add_row("&Supervisor:", self.supervisor)
        self.setting = _setting_field(settings)
        self.setting.setToolTip(
            "The setting whose contact this supervision covers. Left empty, it counts "
            "toward any setting's contact that week, once."
        )
        self.add_row("Se&tting:", self.setting)
        if suggested is not None:  # from a returned review: its facts, the minutes to check
            self.on.setDate(_qdate(min(suggested.on, today)))
            self.minutes.setValue(suggested.minutes)
            self.format.setCurrentIndex(self.format.findData(suggested.format.value))
            self.observable.setCurrentIndex(self.observable.findData(suggested.observable.value))
            self.supervisor.setText(suggested.supervisor)
            self.form.addRow(
                forms.paragraph(
                    "From the review your supervisor returned"
                    + (
                        f" (intensive {', '.join(map(str, self.intensive_ids))})"
                        if self.intensive_ids
                        else ""
                    )
                    + ". Check the minutes: how long the supervision took.",
                    "About this entry",
                )
            )

    def entry(self) -> SupervisionEntry:
        """What the form holds."""
        return SupervisionEntry(
            on=_date(self.on),
            minutes=self.minutes.value(),
            format=SupervisionFormat(self.format.currentData()),
            observable=ObservableData(self.observable.currentData()),
            supervisor=self.supervisor.text().strip(),
            intensive_ids=self.intensive_ids,
            setting=self.setting.text().strip(" "),
        )


class OptionalDate(QWidget):
    """A date that may be left open: a check box turns the date field on."""

    def __init__(self, name: str, today: date, value: date | None) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.used = QCheckBox("")
        self.used.setAccessibleName(f"{name}: set")
        self.edit = QDateEdit(_qdate(value or today))
        self.edit.setAccessibleName(name)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.used.setChecked(value is not None)
        self.edit.setEnabled(value is not None)
        self.used.toggled.connect(self.edit.setEnabled)
        row.addWidget(self.used)
        row.addWidget(self.edit, 1)

    def value(self) -> date | None:
        """The date, or None when left open."""
        return _date(self.edit) if self.used.isChecked() else None


CUSTOM_MEASURES = (
    (Measure.CONTACT_TOTAL, "Direct client contact"),
    (Measure.CONTACT_RELATIONAL, "Relational contact"),
    (Measure.SUPERVISION_TOTAL, "Supervision"),
    (Measure.SUPERVISION_OBSERVABLE, "Supervision with observable data"),
)


class CustomTargetFields(QWidget):
    """Hours required per measure (0: not required) and an optional ratio, for a custom target."""

    def __init__(self, current: Preset | None) -> None:
        super().__init__()
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        known = {c.measure: c.hours for c in current.categories} if current else {}
        self.hours: dict[Measure, QSpinBox] = {}
        for measure, label in CUSTOM_MEASURES:
            spin = QSpinBox()
            spin.setAccessibleName(f"{label}, hours")
            spin.setRange(0, 10_000)
            spin.setSuffix(" h")
            spin.setSpecialValueText("not required")
            spin.setValue(round(known.get(measure, 0)))
            self.hours[measure] = spin
            form.addRow(f"{label}:", spin)
        self.ratio = QSpinBox()
        self.ratio.setAccessibleName("Contact hours per supervision hour")
        self.ratio.setRange(0, 100)
        self.ratio.setSpecialValueText("no ratio")
        self.ratio.setSuffix(" contact h per supervision h")
        self.per = QComboBox()
        self.per.setAccessibleName("Ratio counted")
        self.per.addItem("over the whole period", RatioPeriod.PERIOD.value)
        self.per.addItem("week by week", RatioPeriod.WEEK.value)
        self.per.addItem("week by week, in each setting", RatioPeriod.SETTING_WEEK.value)
        self.group_unit = QCheckBox("Two hours of group supervision count as one")
        self.group_unit.setAccessibleName("Two group hours count as one supervision hour")
        if current is not None and current.ratio is not None:
            self.ratio.setValue(round(current.ratio.contact_per_supervision))
            self.per.setCurrentIndex(self.per.findData(current.ratio.per.value))
            self.group_unit.setChecked(current.ratio.group_hours_per_unit == 2)
        row = QHBoxLayout()
        row.addWidget(self.ratio, 1)
        row.addWidget(self.per)
        form.addRow("Ratio:", row)
        form.addRow("", self.group_unit)

    def target(self) -> CustomTarget:
        """The hours and ratio typed."""
        ratio = None
        if self.ratio.value():
            ratio = Ratio(
                float(self.ratio.value()),
                RatioPeriod(self.per.currentData()),
                2.0 if self.group_unit.isChecked() else 1.0,
            )
        return CustomTarget(
            {m: float(spin.value()) for m, spin in self.hours.items() if spin.value()}, ratio
        )


class TargetDialog(FormDialog):
    """Which licensing target the bars measure (a preset or the trainee's own), and when."""

    def __init__(
        self,
        parent: QWidget,
        presets: Sequence[Preset],
        current: Target,
        today: date,
        error_colour: Callable[[], str],
    ) -> None:
        super().__init__(parent, "Hours target", "&Use this target", error_colour)
        self.preset = QComboBox()
        self.preset.setAccessibleName("Target")
        for preset in presets:
            self.preset.addItem(preset.name, preset.id)
            self.preset.setItemData(
                self.preset.count() - 1, preset.source, Qt.ItemDataRole.ToolTipRole
            )
        self.preset.addItem("Custom: my programme's own figures", CUSTOM)
        self.preset.setCurrentIndex(max(0, self.preset.findData(current.preset.id)))
        self.add_row("&Target:", self.preset)
        is_custom = current.preset.id == CUSTOM
        self.custom = CustomTargetFields(current.preset if is_custom else None)
        self.form.addRow(self.custom)
        self.custom.setVisible(is_custom)
        self.preset.currentIndexChanged.connect(
            lambda _index: self.custom.setVisible(self.preset.currentData() == CUSTOM)
        )
        self.starts = OptionalDate("Counts from", today, current.starts)
        self.add_row("Counts &from:", self.starts, self.starts.used)
        self.ends = OptionalDate("Counts until", today, current.ends)
        self.add_row("Counts &until:", self.ends, self.ends.used)
        self.form.addRow(
            forms.paragraph(
                "Leave a date unticked to count from the first entry, or up to the last.",
                "About the dates",
            )
        )

    def choice(self) -> tuple[str, CustomTarget | None, date | None, date | None]:
        """The preset id, the custom figures (for a custom target), and the optional dates."""
        preset_id = str(self.preset.currentData())
        custom = self.custom.target() if preset_id == CUSTOM else None
        return preset_id, custom, self.starts.value(), self.ends.value()


class HoursPeriod(StrEnum):
    """The periods a trainee hands a supervisor: a week, a month, or any dates."""

    THIS_WEEK = "This week"
    LAST_WEEK = "Last week"
    THIS_MONTH = "This month"
    LAST_MONTH = "Last month"
    EVERYTHING = "The whole log"
    CHOSEN = "Chosen dates"


def period_dates(period: HoursPeriod, today: date) -> tuple[date | None, date | None]:
    """The first and last day of a period (weeks run Monday to Sunday, as the table's)."""
    monday = today - timedelta(days=today.weekday())
    first_of_month = today.replace(day=1)
    if period is HoursPeriod.THIS_WEEK:
        return monday, monday + timedelta(days=6)
    if period is HoursPeriod.LAST_WEEK:
        return monday - timedelta(days=7), monday - timedelta(days=1)
    if period is HoursPeriod.THIS_MONTH:
        next_month = (first_of_month + timedelta(days=32)).replace(day=1)
        return first_of_month, next_month - timedelta(days=1)
    if period is HoursPeriod.LAST_MONTH:
        last_day = first_of_month - timedelta(days=1)
        return last_day.replace(day=1), last_day
    return None, None


class ExportHoursDialog(FormDialog):
    """Which period to save, and as what: the PDF to sign, or the CSV rows."""

    def __init__(self, parent: QWidget, today: date, error_colour: Callable[[], str]) -> None:
        super().__init__(parent, "Save the hours log", "&Save…", error_colour)
        self.today = today
        self.period = QComboBox()
        self.period.setAccessibleName("Period")
        for period in HoursPeriod:
            self.period.addItem(period.value, period.value)
        self.period.setCurrentIndex(self.period.findData(HoursPeriod.LAST_MONTH.value))
        self.add_row("&Period:", self.period)
        self.starts = _date_field("From", today)
        self.ends = _date_field("To", today)
        self.starts_label = self.add_row("&From:", self.starts)
        self.ends_label = self.add_row("&To:", self.ends)
        self.format = QComboBox()
        self.format.setAccessibleName("Format")
        self.format.addItem("PDF, with signature lines for you and your supervisor", "pdf")
        self.format.addItem("CSV, one row per entry (for a spreadsheet)", "csv")
        self.add_row("F&ormat:", self.format)
        self.period.currentIndexChanged.connect(lambda _index: self._show_dates())
        self._show_dates()

    def _show_dates(self) -> None:
        chosen = self.chosen_period() is HoursPeriod.CHOSEN
        for widget in (self.starts, self.ends, self.starts_label, self.ends_label):
            widget.setVisible(chosen)

    def chosen_period(self) -> HoursPeriod:
        """The period picked in the list."""
        return HoursPeriod(self.period.currentData())

    def choice(self) -> tuple[date | None, date | None, str]:
        """The first and last day (None: open) and "pdf" or "csv"."""
        period = self.chosen_period()
        kind = str(self.format.currentData())
        if period is HoursPeriod.CHOSEN:
            return _date(self.starts), _date(self.ends), kind
        return (*period_dates(period, self.today), kind)
