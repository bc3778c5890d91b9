"""Search inside the vault: notes, addenda, reflections, observations, titles, codes, names.

Reads only (no audit event: the unlock that opened the vault is recorded).
Each indexed table is asked for its best `limit` hits by bm25 through its
FTS5 index inside the encrypted database; the lists are merged by rank and
cut at `limit`. A query holding Chinese or Japanese characters is looked for
as substrings instead, over the same columns, stopping at `limit` hits
(docs/decisions/0018-search-index.md).
"""

from __future__ import annotations

import heapq
import logging
import time

from crucible.app.domain.search_query import (
    MATCH_END,
    MATCH_START,
    HitKind,
    SearchFilters,
    SearchHit,
    parse_query,
)
from crucible.app.domain.vocabulary import Stance
from crucible.app.services.errors import InputError
from crucible.app.store import search_index
from crucible.app.store.search_index import SearchStop, SearchSuperseded
from crucible.app.store.vault import Vault

log = logging.getLogger(__name__)

MAX_LIMIT = 1000
MAX_QUERY_CHARS = 500


def check_filters(filters: SearchFilters) -> None:
    """Refuse filters that cannot be right, with one sentence.

    Raises:
        InputError: A partner other than A or B, an unknown stance, or dates in the wrong order.
    """
    if filters.partner is not None and filters.partner not in ("A", "B"):
        raise InputError(f"The partner must be A or B, not {filters.partner!r}.")
    if filters.stance is not None and filters.stance not in {s.value for s in Stance}:
        stances = ", ".join(s.value for s in Stance)
        raise InputError(f"The stance must be one of {stances}, not {filters.stance!r}.")
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise InputError(
            f"The first date ({filters.date_from.isoformat()}) is after the last "
            f"({filters.date_to.isoformat()})."
        )


NO_FILTERS = SearchFilters()


def search(
    vault: Vault,
    text: str,
    filters: SearchFilters = NO_FILTERS,
    *,
    limit: int = 50,
    stop: SearchStop | None = None,
) -> list[SearchHit]:
    """The best `limit` hits for what was typed, best first; [] when there is nothing to find.

    `stop` lets a caller that has a newer search to run end this one early
    (the palette, as the clinician types on).

    Raises:
        SearchSuperseded: `stop.stop()` was called before the search ended.
        InputError: A limit below 1 (or above MAX_LIMIT), bad filters, or a couple code
            that no couple has.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"The limit must be a whole number from 1 to {MAX_LIMIT}, not {limit}.")
    check_filters(filters)
    query = parse_query(text[:MAX_QUERY_CHARS])
    started = time.monotonic()
    with vault.session() as session:
        if filters.couple_code is not None and not search_index.couple_exists(
            session, filters.couple_code
        ):
            raise InputError(f"No couple has the code {filters.couple_code!r}.")
        if query is None:
            return []
        find = search_index.scan_source if query.has_cjk else search_index.search_source
        stop = stop or SearchStop()
        per_source = []
        with stop.watching(session):
            for source in search_index.sources_for(filters):
                stop.check()
                per_source.append(find(session, source, query, filters, limit))
    hits = heapq.merge(*per_source, key=lambda hit: hit.rank)  # each list is sorted by rank
    found = [hit for _, hit in zip(range(limit), hits, strict=False)]
    log.info(
        "search found %d hits in %.1f ms (substring scan: %s)",
        len(found),
        (time.monotonic() - started) * 1000,
        query.has_cjk,
    )
    return found


__all__ = [
    "MATCH_END",
    "MATCH_START",
    "HitKind",
    "SearchFilters",
    "SearchHit",
    "SearchStop",
    "SearchSuperseded",
    "check_filters",
    "search",
]
