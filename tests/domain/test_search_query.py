"""The search box's text becomes a safe FTS5 query, or None; never an FTS5 syntax error."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crucible.app.domain.search_query import MATCH_END, MATCH_START, match_expression, parse_query

try:  # the vault's own SQLite has FTS5 compiled in; the standard library's may not
    import sqlcipher3.dbapi2 as fts_sqlite
except ImportError:  # pragma: no cover
    fts_sqlite = sqlite3  # type: ignore[assignment]


@pytest.fixture(scope="module")
def fts() -> Iterator[sqlite3.Connection]:
    connection = fts_sqlite.connect(":memory:")
    connection.execute(
        "CREATE VIRTUAL TABLE t USING fts5(a, b, tokenize='unicode61 remove_diacritics 2')"
    )
    connection.executemany(
        "INSERT INTO t VALUES (?, ?)",
        [
            ("Zoë spoke about her father", "the silence at dinner"),
            ("one-up stance AND more", "我的父亲很生气"),
            ("NEAR the end", 'title: quoted "words"'),
        ],
    )
    yield connection
    connection.close()


def _rows(connection: sqlite3.Connection, typed: str) -> list[int]:
    expression = match_expression(typed)
    assert expression is not None
    return [r[0] for r in connection.execute("SELECT rowid FROM t WHERE t MATCH ?", (expression,))]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("father", '("father"*)'),
        ("father ", '("father")'),
        ("her fath", '("her" AND "fath"*)'),
        ("f", '("f")'),
        ("her f", '("her" AND "f")'),
        ('"the s', '("the s")'),
        ('"the silence" dinner ', '("the silence" AND "dinner")'),
        ('"the silen', '("the silen"*)'),
        ('"the silence"', '("the silence")'),
        ("father -dinner ", '("father") NOT "dinner"'),
        ('father -"at dinner" -x', '("father") NOT "at dinner" NOT "x"'),
        ("a AND b OR NOT c ", '("a" AND "AND" AND "b" AND "OR" AND "NOT" AND "c")'),
        ('say "hi""', '("say" AND "hi")'),
        ("title:x", '("title:x"*)'),
        ('he said ""no""', '("he" AND "said" AND "no")'),
    ],
)
def test_expressions(typed: str, expected: str) -> None:
    assert match_expression(typed) == expected


@pytest.mark.parametrize(
    "typed", ["", "   ", "?!", "-", "- -", '""', "-father", "*:^()", "\x00\x01"]
)
def test_nothing_to_find(typed: str) -> None:
    assert parse_query(typed) is None


def test_matches(fts: sqlite3.Connection) -> None:
    assert _rows(fts, "zoe FATH") == [1]
    assert _rows(fts, '"silence at dinner" ') == [1]
    assert _rows(fts, '"dinner at silence" ') == []
    assert _rows(fts, "one-up AND ") == [2]
    assert _rows(fts, "NEAR ") == [3]
    assert _rows(fts, "the -dinner ") == [3]
    assert _rows(fts, '"words" title: ') == [3]


def test_cjk_is_flagged() -> None:
    query = parse_query("父亲 angry")
    assert query is not None
    assert query.has_cjk
    plain = parse_query("Zoë שלום مرحبا")
    assert plain is not None
    assert not plain.has_cjk


def test_markers_are_control_characters() -> None:
    assert (MATCH_START, MATCH_END) == ("\x02", "\x03")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_parses_and_fts5_accepts_it(fts: sqlite3.Connection, typed: str) -> None:
    expression = match_expression(typed)
    if expression is not None:
        fts.execute("SELECT rowid FROM t WHERE t MATCH ?", (expression,)).fetchall()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from('ab "-*:^()+NOTANDOR{}\\.\t\n父ë'), max_size=40))
def test_operator_soup_is_accepted(fts: sqlite3.Connection, typed: str) -> None:
    expression = match_expression(typed)
    if expression is not None:
        fts.execute("SELECT rowid FROM t WHERE t MATCH ?", (expression,)).fetchall()
