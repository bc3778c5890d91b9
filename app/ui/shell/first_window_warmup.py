"""While the passphrase is typed, the UI thread readies what the unlocked window needs.

An unlock on a ten-year vault spent most of its UI-thread time on things
that do not depend on the vault (issue 16, bench/unlock_profile.py):

- PySide creates a class's Python type, and its enum types, on first use.
  The first Qt object of a class PySide does not bind (the gesture
  manager that the navigator's tree brings) makes it create every QObject
  class of the loaded modules to find the nearest one: about 140 enum
  types, 100-250 ms in one piece.
- `compose` imported some 20 casebook, search, hours and review modules.

Both must happen on the UI thread: PySide's lazy types are not made to be
created from two threads at once. So they run here in small steps, one per
turn of the event loop, while the unlock screen waits: a key typed meanwhile
waits for one step at most (a few milliseconds). The imports wait for
`VaultGateway.load_code_early` to finish (they import the services it
imports), and nothing runs while an unlock is under way. What is not done
by the click is done by the unlock as before; only sooner when it is.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

STEP_MS = 1
"""Between two steps: the event loop runs in between, so typing is never held up for long."""
WAIT_MS = 25
"""How often a step waiting for the early imports (or for an unlock to end) looks again."""
TYPES_PER_STEP = 4

PYSIDE_TYPES: dict[str, tuple[str, ...]] = {
    "PySide6.QtCore": (
        "QItemSelectionModel",
        "QSortFilterProxyModel",
        "QByteArray",
        "QTimeLine",
        "QSocketNotifier",
        "QSharedMemory",
        "QSettings",
        "QLibrary",
        "QProcess",
        "QFileDevice",
        "QThread",
        "QRangeModel",
        "QAbstractAnimation",
    ),
    "PySide6.QtGui": (
        "QStandardItem",
        "QPainter",
        "QTextDocument",
        "QValidator",
        "QDoubleValidator",
        "QSessionManager",
        "QPagedPaintDevice",
        "QPdfWriter",
        "QOpenGLContext",
        "QInputMethod",
        "QInputDevice",
        "QPointingDevice",
        "QActionGroup",
        "QMovie",
    ),
    "PySide6.QtWidgets": (
        "QColorDialog",
        "QListWidgetItem",
        "QAbstractItemDelegate",
        "QStyleOption",
        "QStyleOptionViewItem",
        "QTableWidgetItem",
        "QToolButton",
        "QAbstractSlider",
        "QFileSystemModel",
        "QTabWidget",
        "QTabBar",
        "QRubberBand",
        "QRhiWidget",
        "QMdiSubWindow",
        "QLCDNumber",
        "QMdiArea",
        "QGraphicsView",
        "QDockWidget",
        "QWizard",
        "QInputDialog",
        "QFontDialog",
        "QFontComboBox",
        "QCalendarWidget",
        "QSlider",
        "QSystemTrayIcon",
        "QScroller",
        "QStackedLayout",
        "QGraphicsScene",
        "QGraphicsItem",
        "QGraphicsEffect",
        "QGraphicsBlurEffect",
        "QGesture",
        "QSwipeGesture",
        "QPinchGesture",
        "QDataWidgetMapper",
        "QCompleter",
    ),
    "PySide6.QtNetwork": (
        "QNetworkReply",
        "QSslSocket",
        "QNetworkInformation",
        "QNetworkAccessManager",
        "QHttpMultiPart",
        "QDnsLookup",
        "QDtls",
    ),
}
"""The classes with enums that PySide created between the click and the first window
(recorded on PySide 6.11 with bench/unlock_profile.py's way of driving the app). A name
this PySide lacks is skipped; a module not loaded is never imported for it."""

FIRST_WINDOW_MODULES = (
    "crucible.app.ui.casebook.navigator_model",
    "crucible.app.ui.casebook.navigator_filter",
    "crucible.app.ui.casebook.details_view",
    "crucible.app.ui.casebook.casebook_view",
    "crucible.app.ui.casebook.casebook_controller",
    "crucible.app.ui.casebook.couple_dialog",
    "crucible.app.ui.casebook.intensive_dialog",
    "crucible.app.ui.casebook.casebook_edits",
    "crucible.app.ui.casebook.report_dialog",
    "crucible.app.ui.casebook.research_export_dialog",
    "crucible.app.ui.casebook.research_export_controller",
    "crucible.app.ui.casebook.file_actions",
    "crucible.app.ui.casebook.search_view",
    "crucible.app.ui.casebook.search_controller",
    "crucible.app.ui.hours.hours_opener",
    "crucible.app.ui.review.reviews_section",
    "crucible.app.ui.review.cosigned_mark",
    "crucible.app.ui.review.cards_dialog",
    "crucible.app.ui.review.card_actions",
    "crucible.app.ui.review.review_desk",
    "crucible.app.ui.shell.composition",
)
"""What `composition.compose` imports, leaves first (one module a step). A test unlocks
after the warm-up and fails if the unlock still imports a UI module."""


class _Step:
    """One short piece of work; `needs_code` waits for the early imports."""

    def __init__(self, run: Callable[[], None], *, needs_code: bool) -> None:
        self.run = run
        self.needs_code = needs_code


def _touch(module_name: str, names: tuple[str, ...]) -> None:
    """Let PySide create these classes' types (and their enums) now."""
    module = sys.modules.get(module_name)
    if module is not None:
        for name in names:
            getattr(module, name, None)


def _type_steps() -> list[_Step]:
    steps = []
    for module_name, names in PYSIDE_TYPES.items():
        for start in range(0, len(names), TYPES_PER_STEP):
            chunk = names[start : start + TYPES_PER_STEP]
            steps.append(
                _Step(lambda m=module_name, c=chunk: _touch(m, c), needs_code=False)  # type: ignore[misc]
            )
    return steps


def _import_steps() -> list[_Step]:
    return [
        _Step(lambda name=name: _import(name), needs_code=True)  # type: ignore[misc]
        for name in FIRST_WINDOW_MODULES
    ]


def _import(name: str) -> None:
    importlib.import_module(name)


class FirstWindowWarmup(QObject):
    """Runs the steps one per event-loop turn until done, held while `busy` or waiting for code."""

    def __init__(
        self,
        *,
        code_loaded: Callable[[], bool],
        busy: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._code_loaded = code_loaded
        self._busy = busy
        self._steps: deque[_Step] = deque(_type_steps() + _import_steps())
        self._timer = QTimer(self)
        self._timer.setInterval(STEP_MS)
        self._timer.timeout.connect(self._next)

    @property
    def done(self) -> bool:
        """Whether every step has run."""
        return not self._steps

    def start(self) -> None:
        """Begin (or go on) stepping, if anything is left."""
        if self._steps:
            self._timer.start()

    def stop(self) -> None:
        """No more steps (the vault is open: `compose` did the rest)."""
        self._timer.stop()

    def _next(self) -> None:
        if not self._steps:
            self._timer.stop()
            return
        step = self._steps[0]
        if self._busy() or (step.needs_code and not self._code_loaded()):
            self._timer.setInterval(WAIT_MS)
            return
        self._timer.setInterval(STEP_MS)
        self._steps.popleft()
        try:
            step.run()
        except Exception as error:  # the unlock imports again and reports it in its own words
            log.warning("readying the first window failed: %s", type(error).__name__)
            self._steps.clear()
        if not self._steps:
            self._timer.stop()
