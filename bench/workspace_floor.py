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


def keypress_floor(rows: int, size: tuple[int, int], keys: int = 200) -> list[float]:
    """Seconds per 'key': one durable commit, one row appended, scrolled to and repainted."""
    connection = _database(temp_folder("floor-key"), rows)
    model = QStandardItemModel(0, COLUMNS)
    for _ in range(rows):
        model.appendRow(_row_items(_ROW))
    table = QTableView()
    table.setModel(model)
    table.resize(*size)
    table.show()
    QTest.qWaitForWindowExposed(table)
    app = QApplication.instance()
    assert app is not None
    times: list[float] = []
    for n in range(keys):
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(_INSERT, (0, f"09:{n % 60:02d}:00", *_ROW[1:]))
        connection.execute("COMMIT")
        model.appendRow(_row_items((f"09:{n % 60:02d}:00", *_ROW[1:])))
        table.scrollTo(model.index(model.rowCount() - 1, 0))
        app.processEvents()
        times.append(time.perf_counter() - started)
        QTest.qWait(100)
    table.close()
    connection.close()
    return times


def open_floor(rows: int, note: str, size: tuple[int, int], opens: int = 15) -> list[float]:
    """Seconds per 'open': the rows read and loaded into a bare table, the note into an editor."""
    connection = _database(temp_folder("floor-open"), rows * 5)
    tabs = QTabWidget()
    table = QTableView()
    editor = QPlainTextEdit()
    tabs.addTab(table, "Observations")
    tabs.addTab(editor, "Note")
    tabs.resize(*size)
    tabs.show()
    QTest.qWaitForWindowExposed(tabs)
    app = QApplication.instance()
    assert app is not None
    times: list[float] = []
    for n in range(opens):
        editor.setPlainText("")
        table.setModel(QStandardItemModel(0, COLUMNS))
        app.processEvents()
        started = time.perf_counter()
        found = connection.execute(_SELECT, (n % 5,)).fetchall()
        model = QStandardItemModel(0, COLUMNS)
        for row in found[:rows]:
            model.appendRow(_row_items(row[1:]))
        table.setModel(model)
        editor.setPlainText(note)
        app.processEvents()
        times.append(time.perf_counter() - started)
    tabs.close()
    connection.close()
    return times


def median_ms(values: Sequence[float]) -> float:
    """The median of durations in seconds, in milliseconds."""
    return statistics.median(values) * 1000
