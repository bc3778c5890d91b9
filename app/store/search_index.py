"""The search index inside the vault: its FTS5 tables, their triggers, and the queries.

Seven FTS5 tables with external content (`content='<table>'`), created by
revision 0006, index the text columns of the tables they are named after;
they hold tokens, not copies of the rows, and live in `vault.db` like every
other table, encrypted by SQLCipher. AFTER INSERT / UPDATE / DELETE triggers
keep them current, so they index only what a statement actually wrote (the
signed-note triggers refuse changes BEFORE they happen). The statements are
defined once here; revision 0006 creates them from these constants and
`app.store.append_only.trigger_problems` compares the database with the same
text, as for the append-only triggers. Why and with what numbers:
docs/decisions/0018-search-index.md.

Queries take the caller's Session and return domain `SearchHit`s.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from crucible.app.domain.search_query import (
    MATCH_END,
    MATCH_START,
    HitKind,
    SearchFilters,
    SearchHit,
    SearchQuery,
)

PREFIX = "search_"
TOKENIZER = "unicode61 remove_diacritics 2"
SNIPPET_TOKENS = 12
ELLIPSIS = "…"

# Indexed table -> its text columns, in the order of the FTS5 table's columns.
INDEXED: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "note_section": ("title", "text"),
        "addendum": ("reason", "text"),
        "observation": ("trigger", "quote", "intervention", "response", "note"),
        "intensive": ("title", "reflections"),
        "block": ("title",),
        "couple": ("code",),
        "partner": ("name",),
    }
)


def fts_table(table: str) -> str:
    """The FTS5 table indexing `table`."""
    return f"{PREFIX}{table}"


def is_search_table(name: str) -> bool:
    """Whether a table belongs to the search index (the FTS5 tables and their shadow tables).

    Alembic's autogenerate leaves these out (db/migrations/env.py): they are
    created by SQL in revision 0006, not declared as ORM models.
    """
    return name.startswith(PREFIX)


def _quoted(name: str) -> str:
    return f'"{name}"'


def create_statements() -> list[str]:
    """The CREATE VIRTUAL TABLE statements of the index."""
    return [
        f"CREATE VIRTUAL TABLE {fts_table(table)} USING fts5("
        f"{', '.join(_quoted(c) for c in columns)}, "
        f"content='{table}', content_rowid='id', tokenize='{TOKENIZER}')"
        for table, columns in INDEXED.items()
    ]


def _trigger_statements(table: str, columns: tuple[str, ...]) -> dict[str, str]:
    fts = fts_table(table)
    names = ", ".join(_quoted(c) for c in columns)
    new = ", ".join(f"new.{_quoted(c)}" for c in columns)
    old = ", ".join(f"old.{_quoted(c)}" for c in columns)
    insert = f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new});"  # noqa: S608
    delete = (
        f"INSERT INTO {fts}({fts}, rowid, {names}) "  # noqa: S608 (names are constants)
        f"VALUES ('delete', old.id, {old});"
    )
    return {
        f"{fts}_ai": f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"{fts}_ad": f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"{fts}_au": (
            f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {names} ON {table} "
            f"BEGIN {delete} {insert} END"
        ),
    }


SEARCH_TRIGGERS: Mapping[str, str] = MappingProxyType(
    {
        name: statement
        for table, columns in INDEXED.items()
        for name, statement in _trigger_statements(table, columns).items()
    }
)


def rebuild_statements() -> list[str]:
    """Fill every index from its table (FTS5's 'rebuild' command)."""
    return [
        f"INSERT INTO {fts_table(t)}({fts_table(t)}) VALUES ('rebuild')"  # noqa: S608
        for t in INDEXED
    ]


def drop_statements() -> list[str]:
    """Drop the triggers and the FTS5 tables (their shadow tables go with them)."""
    triggers = [f"DROP TRIGGER IF EXISTS {name}" for name in SEARCH_TRIGGERS]
    return [*triggers, *(f"DROP TABLE IF EXISTS {fts_table(t)}" for t in INDEXED)]


# ------------------------------------------------------------------ queries
# Every statement below is assembled from the constants of this module (table,
# column and clause text); what the user typed is always a bound parameter.

_CONTEXT = (
    "i.id AS intensive_id, i.title AS intensive_title, c.code AS couple_code, "
    "{day} AS day_number, {block_id} AS block_id, {block_title} AS block_title, "
    "{partner} AS partner, {observation_id} AS observation_id, "
    "{section_title} AS section_title, {signed} AS signed, {stance} AS stance"
)
_INSIDE_BLOCK = (
    "JOIN block b ON b.id = {block} JOIN day d ON d.id = b.day_id "
    "JOIN intensive i ON i.id = d.intensive_id JOIN couple c ON c.id = i.couple_id"
)
_IN_NOTE = "JOIN block_note n ON n.id = src.note_id " + _INSIDE_BLOCK.format(block="n.block_id")


@dataclass(frozen=True, slots=True)
class _Source:
    table: str
    kinds: tuple[HitKind, ...]  # one per column
    joins: str  # from the content row `src` to intensive i and couple c
    context: Mapping[str, str]
    in_block: bool  # has a day `d` (dates are the day's)

    @property
    def columns(self) -> tuple[str, ...]:
        return INDEXED[self.table]


_NONE: Mapping[str, str] = MappingProxyType(
    {
        key: "NULL"
        for key in (
            "day",
            "block_id",
            "block_title",
            "partner",
            "observation_id",
            "section_title",
            "signed",
            "stance",
        )
    }
)
_BLOCK_CONTEXT = {**_NONE, "day": "d.number", "block_id": "b.id", "block_title": "b.title"}

SOURCES: tuple[_Source, ...] = (
    _Source(
        "note_section",
        (HitKind.NOTE, HitKind.NOTE),
        _IN_NOTE,
        {
            **_BLOCK_CONTEXT,
            "section_title": "src.title",
            "signed": "(n.signed_at IS NOT NULL)",
        },
        True,
    ),
    _Source(
        "addendum",
        (HitKind.ADDENDUM, HitKind.ADDENDUM),
        _IN_NOTE,
        {**_BLOCK_CONTEXT, "signed": "(n.signed_at IS NOT NULL)"},
        True,
    ),
    _Source(
        "observation",
        (HitKind.OBSERVATION,) * 5,
        _INSIDE_BLOCK.format(block="src.block_id"),
        {
            **_BLOCK_CONTEXT,
            "partner": "src.partner",
            "observation_id": "src.id",
            "stance": "src.stance",
        },
        True,
    ),
    _Source(
        "intensive",
        (HitKind.INTENSIVE_TITLE, HitKind.REFLECTIONS),
        "JOIN intensive i ON i.id = src.id JOIN couple c ON c.id = i.couple_id",
        _NONE,
        False,
    ),
    _Source(
        "block",
        (HitKind.BLOCK_TITLE,),
        _INSIDE_BLOCK.format(block="src.id"),
        _BLOCK_CONTEXT,
        True,
    ),
    _Source(
        "couple",
        (HitKind.COUPLE,),
        "JOIN couple c ON c.id = src.id JOIN intensive i ON i.couple_id = c.id",
        _NONE,
        False,
    ),
    _Source(
        "partner",
        (HitKind.PARTNER,),
        "JOIN couple c ON c.id = src.couple_id JOIN intensive i ON i.couple_id = c.id",
        {**_NONE, "partner": "src.key"},
        False,
    ),
)


def sources_for(filters: SearchFilters) -> tuple[_Source, ...]:
    """The tables a search with these filters can find anything in."""
    if filters.partner is not None or filters.stance is not None:
        return tuple(s for s in SOURCES if s.table == "observation")
    if filters.signed is True:
        return tuple(s for s in SOURCES if s.table in ("note_section", "addendum"))
    if filters.signed is False:
        return tuple(s for s in SOURCES if s.table == "note_section")
    return SOURCES


def _where(source: _Source, filters: SearchFilters) -> tuple[list[str], dict[str, Any]]:
    clauses: list[str] = ["i.staged_at IS NULL"]  # an import still writing (decision 0031)
    params: dict[str, Any] = {}
    if not filters.include_archived:
        clauses.append("i.status != 'archived'")
    if filters.couple_code is not None:
        clauses.append("c.code = :couple_code")
        params["couple_code"] = filters.couple_code
    for bound, op, name in (
        (filters.date_from, ">=", "date_from"),
        (filters.date_to, "<=", "date_to"),
    ):
        if bound is None:
            continue
        params[name] = bound.isoformat()
        if source.in_block:
            clauses.append(f"d.date {op} :{name}")
        else:
            clauses.append(
                "EXISTS (SELECT 1 FROM day dd WHERE dd.intensive_id = i.id "  # noqa: S608
                f"AND dd.date {op} :{name})"
            )
    if filters.partner is not None:
        clauses.append("src.partner = :partner")
        params["partner"] = filters.partner
    if filters.stance is not None:
        clauses.append("src.stance = :stance")
        params["stance"] = filters.stance
    if filters.signed is not None:
        clauses.append("n.signed_at IS NOT NULL" if filters.signed else "n.signed_at IS NULL")
    return clauses, params


def _hit(source: _Source, row: Any, field_index: int, snippet: str, rank: float) -> SearchHit:
    return SearchHit(
        kind=source.kinds[field_index],
        intensive_id=row.intensive_id,
        intensive_title=row.intensive_title,
        couple_code=row.couple_code,
        day_number=row.day_number,
        block_id=row.block_id,
        block_title=row.block_title,
        partner=row.partner,
        observation_id=row.observation_id,
        section_title=row.section_title,
        field=source.columns[field_index],
        snippet=snippet,
        rank=float(rank),
    )


RANKED_CANDIDATES = 2000
"""How many of a table's newest matches bm25 ranks, for a word found nearly everywhere.

bm25 scores every match before FTS5 sorts: a word in all 20,000 note
sections of the bench vault cost 100-170 ms a query. Ranking only the
newest 2,000 matches (a rowid bound FTS5 applies itself) took the same
query to about a sixth. A word with fewer matches is ranked exactly as
before; if the bound leaves fewer than `limit` hits after the filters, the
query runs again without it, so a filter never hides a match.
"""


def search_source(
    session: Session, source: _Source, query: SearchQuery, filters: SearchFilters, limit: int
) -> list[SearchHit]:
    """The best `limit` hits of one table, by bm25, through its FTS5 index.

    The FTS5 table is the outer loop (CROSS JOIN keeps it there), so FTS5
    sorts by rank itself and snippets are made only for the rows returned.
    Only the newest `RANKED_CANDIDATES` matches are ranked when there are
    more (see there); with fewer, nothing is bounded, so nothing is asked
    twice (most tables, for most words).
    """
    bound = _candidate_bound(session, source, query)
    hits = _ranked(session, source, query, filters, limit, bound)
    if bound is not None and len(hits) < limit:
        hits = _ranked(session, source, query, filters, limit, None)
    return hits


def _candidate_bound(session: Session, source: _Source, query: SearchQuery) -> int | None:
    """The rowid of the `RANKED_CANDIDATES`-th newest match, or None when there are fewer."""
    fts = fts_table(source.table)
    row = session.execute(
        text(
            f"SELECT rowid FROM {fts} WHERE {fts} MATCH :match "  # noqa: S608
            "ORDER BY rowid DESC LIMIT 1 OFFSET :skip"
        ),
        {"match": query.match_expression(), "skip": RANKED_CANDIDATES - 1},
    ).first()
    return None if row is None else int(row[0])


def _ranked(
    session: Session,
    source: _Source,
    query: SearchQuery,
    filters: SearchFilters,
    limit: int,
    bound: int | None,
) -> list[SearchHit]:
    fts = fts_table(source.table)
    snippets = ", ".join(
        f"snippet({fts}, {index}, :start, :end, :ellipsis, {SNIPPET_TOKENS}) AS s{index}"
        for index in range(len(source.columns))
    )
    clauses, params = _where(source, filters)
    if bound is not None:
        clauses.append(f"{fts}.rowid >= :bound")
        params["bound"] = bound
    where = "".join(f" AND {clause}" for clause in clauses)
    sql = (
        f"SELECT {fts}.rank AS rank, {snippets}, {_CONTEXT.format(**source.context)} "  # noqa: S608
        f"FROM {fts} CROSS JOIN {source.table} src ON src.id = {fts}.rowid {source.joins} "
        f"WHERE {fts} MATCH :match{where} ORDER BY {fts}.rank LIMIT :limit"
    )
    params.update(
        match=query.match_expression(),
        start=MATCH_START,
        end=MATCH_END,
        ellipsis=ELLIPSIS,
        limit=limit,
    )
    hits = []
    for row in session.execute(text(sql), params):
        found = [getattr(row, f"s{i}") or "" for i in range(len(source.columns))]
        index = next((i for i, s in enumerate(found) if MATCH_START in s), 0)
        hits.append(_hit(source, row, index, found[index], row.rank))
    return hits


# ------------------------------------------------- substring scan (CJK queries)

SCAN_CONTEXT_CHARS = 24


def _ascii_lower(value: str) -> str:
    """Lower-case ASCII letters only, as SQLite's lower() does."""
    return "".join(ch.lower() if ch.isascii() else ch for ch in value)


def _contains(column: str, name: str) -> str:
    return f'instr(lower(src."{column}"), :{name}) > 0'


def scan_source(
    session: Session, source: _Source, query: SearchQuery, filters: SearchFilters, limit: int
) -> list[SearchHit]:
    """Hits of one table where every included term occurs as a substring (no index used).

    For text the word index cannot split (Chinese, Japanese): each term is
    looked for with instr() over the same columns, ASCII case folded, and
    the scan stops at `limit` rows. Every hit ranks 0.0.
    """
    clauses, params = _where(source, filters)
    for number, term in enumerate(query.terms):
        name = f"t{number}"
        params[name] = _ascii_lower(term.text)
        any_column = " OR ".join(_contains(c, name) for c in source.columns)
        clauses.append(f"NOT ({any_column})" if term.excluded else f"({any_column})")
    columns = ", ".join(f'src."{c}" AS c{i}' for i, c in enumerate(source.columns))
    sql = (
        f"SELECT {columns}, {_CONTEXT.format(**source.context)} "  # noqa: S608
        f"FROM {source.table} src {source.joins} "
        f"WHERE {' AND '.join(clauses)} LIMIT :limit"
    )
    params["limit"] = limit
    needles = [term.text for term in query.included]
    hits = []
    for row in session.execute(text(sql), params):
        values = [getattr(row, f"c{i}") or "" for i in range(len(source.columns))]
        index = next(
            (i for i, v in enumerate(values) if needles[0].lower() in v.lower()),
            0,
        )
        hits.append(_hit(source, row, index, _scan_snippet(values[index], needles), 0.0))
    return hits


def _scan_snippet(value: str, needles: Sequence[str]) -> str:
    """About SCAN_CONTEXT_CHARS characters either side of the first needle, needles marked."""
    folded = value.lower()
    first = folded.find(needles[0].lower())
    start = max(0, first - SCAN_CONTEXT_CHARS)
    end = min(len(value), first + len(needles[0]) + SCAN_CONTEXT_CHARS)
    window, window_folded = value[start:end], folded[start:end]
    marked, index = [], 0
    while index < len(window):
        found = next((n for n in needles if n and window_folded.startswith(n.lower(), index)), None)
        if found is None:
            marked.append(window[index])
            index += 1
        else:
            marked.append(MATCH_START + window[index : index + len(found)] + MATCH_END)
            index += len(found)
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(value) else ""
    return prefix + "".join(marked) + suffix


# ------------------------------------------------------------- stopping


class SearchSuperseded(Exception):
    """A search stopped part way because a newer one replaced it: nothing to show, no fault."""


class SearchStop:
    """Ends a search from another thread: `stop()` interrupts the statement it is running.

    The palette asks for a new search at each pause in typing; a query for
    the text before the last key (a two-letter prefix can take a few hundred
    ms on a large casebook) would otherwise hold the newest one back.
    SQLite's own `sqlite3_interrupt` is made to be called from another
    thread and needs no Python in the searching thread (a progress handler
    would take the interpreter lock every few thousand steps, and stall
    behind a busy UI thread). The lock makes sure it only ever reaches the
    connection while this search holds it, never one back in the pool.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stopped = False
        self._connection: Any = None

    @property
    def stopped(self) -> bool:
        """Whether `stop()` was called."""
        return self._stopped

    def stop(self) -> None:
        """Stop the search: its running statement fails at once, the next is not started."""
        with self._lock:
            self._stopped = True
            if self._connection is not None:
                self._connection.interrupt()

    @contextlib.contextmanager
    def watching(self, session: Session) -> Iterator[None]:
        """Run the block's statements interruptibly; raise SearchSuperseded once stopped.

        Raises:
            SearchSuperseded: `stop()` was called before or while the block ran.
        """
        raw = session.connection().connection.driver_connection
        with self._lock:
            if self._stopped:
                raise SearchSuperseded()
            self._connection = raw
        try:
            yield
        except OperationalError:
            if self._stopped:
                raise SearchSuperseded() from None
            raise
        finally:
            with self._lock:
                self._connection = None

    def check(self) -> None:
        """Between two statements: raise SearchSuperseded if stopped.

        An interrupt reaches only a statement that is running, so the search
        asks before starting each one.

        Raises:
            SearchSuperseded: `stop()` was called.
        """
        if self._stopped:
            raise SearchSuperseded()


def couple_exists(session: Session, code: str) -> bool:
    """Whether a couple has this code (not one an import is still writing)."""
    found = session.execute(
        text("SELECT 1 FROM couple WHERE code = :code AND staged_at IS NULL"), {"code": code}
    )
    return found.first() is not None


__all__ = [
    "INDEXED",
    "SEARCH_TRIGGERS",
    "SOURCES",
    "SearchStop",
    "SearchSuperseded",
    "couple_exists",
    "create_statements",
    "drop_statements",
    "fts_table",
    "is_search_table",
    "rebuild_statements",
    "scan_source",
    "search_source",
    "sources_for",
]
