"""This machine's floor for the live workspace's figures, with plain Qt and SQLCipher only.

Absolute milliseconds do not carry from one machine to another (issue 19);
ratios to a floor measured in the same run do. Each floor does what the
clinician's action must do at the least, with nothing of Crucible in it:

- keypress: one INSERT committed to an encrypted database in WAL mode with
  synchronous=FULL (durable), then one row appended to a bare `QTableView`
  (a `QStandardItemModel`, the same rows and columns as the block's table)
  in a window of the same size, scrolled to and repainted;
- block open: the same rows read from that database and loaded into a bare
  table, plus the same note text into a bare `QPlainTextEdit`, in a window of
  the same size (table and note as tabs, as in the workspace), repainted.
"""

from __future__ import annotations

import secrets
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QTableView, QTabWidget

from bench.common import temp_folder

COLUMNS = 11  # as the observation table (time, partner, stance, intensity, ... note)
_CREATE = (
    "CREATE TABLE observation (id INTEGER PRIMARY KEY, block INT, c0 TEXT, c1 TEXT, c2 TEXT, "
    "c3 TEXT, c4 TEXT, c5 TEXT, c6 TEXT, c7 TEXT, c8 TEXT, c9 TEXT, c10 TEXT)"
)
_INSERT = (
    "INSERT INTO observation (block, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_SELECT = (
    "SELECT id, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10 FROM observation "
    "WHERE block = ? ORDER BY id"
)
_ROW = ("09:15:03", "Partner", "one-up", "3", "guarded", "being right", "", "", "", "", "")


def _database(folder: Path, rows: int) -> Any:
    folder.mkdir(parents=True, exist_ok=True)
    connection = sqlcipher.connect(str(folder / "floor.db"), isolation_level=None)
    connection.execute("PRAGMA key = \"x'" + secrets.token_hex(32) + "'\"")
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "secure_delete = ON"):
        connection.execute(f"PRAGMA {pragma}")
    connection.execute(_CREATE)
    connection.execute("CREATE INDEX observation_block ON observation (block)")
    connection.execute("BEGIN")
    connection.executemany(
        _INSERT,
        [(n % 5, *_ROW) for n in range(rows)],
    )
    connection.execute("COMMIT")
    return connection


def _row_items(values: Sequence[str]) -> list[QStandardItem]:
    return [QStandardItem(value) for value in values]


class KeypressFloor:
    """A bare table of `rows` rows over an encrypted database: `press()` is one floor 'key'.

    Its keys are interleaved with Crucible's in the bench, so both see the
    same machine at the same moment (a shared machine's load moves by the
    second).
    """

    def __init__(self, rows: int, size: tuple[int, int]) -> None:
        self.connection = _database(temp_folder("floor-key"), rows)
        self.model = QStandardItemModel(0, COLUMNS)
        for _ in range(rows):
            self.model.appendRow(_row_items(_ROW))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.resize(*size)
        self.table.show()
        QTest.qWaitForWindowExposed(self.table)
        self.presses = 0

    def press(self) -> float:
        """Seconds for one durable commit, one row appended, scrolled to and repainted."""
        app = QApplication.instance()
        assert app is not None
        n, self.presses = self.presses, self.presses + 1
        values = (f"09:{n % 60:02d}:00", *_ROW[1:])
        started = time.perf_counter()
        self.connection.execute("BEGIN IMMEDIATE")
        self.connection.execute(_INSERT, (0, *values))
        self.connection.execute("COMMIT")
        self.model.appendRow(_row_items(values))
        self.table.scrollTo(self.model.index(self.model.rowCount() - 1, 0))
        app.processEvents()
        return time.perf_counter() - started

    def close(self) -> None:
        """Close the window and the database."""
        self.table.close()
        self.connection.close()


class OpenFloor:
    """A bare table and editor as tabs over an encrypted database: `open()` is one floor 'open'."""

    def __init__(self, rows: int, note: str, size: tuple[int, int]) -> None:
        self.rows, self.note = rows, note
        self.connection = _database(temp_folder("floor-open"), rows * 5)
        self.tabs = QTabWidget()
        self.table = QTableView()
        self.editor = QPlainTextEdit()
        self.tabs.addTab(self.table, "Observations")
        self.tabs.addTab(self.editor, "Note")
        self.tabs.resize(*size)
        self.tabs.show()
        QTest.qWaitForWindowExposed(self.tabs)
        self.opens = 0

    def open(self) -> float:
        """Seconds to read the rows into a new model, set it, set the note, and repaint."""
        app = QApplication.instance()
        assert app is not None
        self.editor.setPlainText("")
        self.table.setModel(QStandardItemModel(0, COLUMNS))
        app.processEvents()
        block, self.opens = self.opens % 5, self.opens + 1
        started = time.perf_counter()
        found = self.connection.execute(_SELECT, (block,)).fetchall()
        model = QStandardItemModel(0, COLUMNS)
        for row in found[: self.rows]:
            model.appendRow(_row_items(row[1:]))
        self.table.setModel(model)
        self.editor.setPlainText(self.note)
        app.processEvents()
        return time.perf_counter() - started

    def close(self) -> None:
        """Close the window and the database."""
        self.tabs.close()
        self.connection.close()


def median_ms(values: Sequence[float]) -> float:
    """The median of durations in seconds, in milliseconds."""
    return statistics.median(values) * 1000
