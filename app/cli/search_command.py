"""`crucible search TEXT`: find words in every note, addendum, observation, title and name.

The arguments are declared here and added to the parser by
`app.cli.build_parser` (this module stays light: it loads no service until
the command runs). One line per hit, tab-separated: intensive id, couple
code, day and block, where it matched (kind/field), and the snippet with
the matched words in [brackets]; `--json` prints a list of objects instead.
Search only reads: the unlock is the one audit event it records.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from crucible.app.cli import EXIT_OK, Terminal, iso_date
from crucible.app.cli.terminal_text import for_terminal, json_for_terminal
from crucible.app.domain.search_query import MATCH_END, MATCH_START
from crucible.app.domain.vocabulary import Stance


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 1000:
        raise argparse.ArgumentTypeError(f"the limit must be from 1 to 1000, not {value}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare `crucible search`'s arguments on its subparser."""
    parser.add_argument("text", help='words to find; "a phrase"; -word to exclude one')
    parser.add_argument("--json", action="store_true", help="print a JSON list of hits")
    parser.add_argument("--couple", metavar="CODE", help="only this couple's intensives")
    parser.add_argument(
        "--from", dest="date_from", type=iso_date, metavar="DATE", help="days on or after"
    )
    parser.add_argument(
        "--to", dest="date_to", type=iso_date, metavar="DATE", help="days on or before"
    )
    parser.add_argument("--limit", type=_limit, default=50, metavar="N", help="at most N hits (50)")
    parser.add_argument("--archived", action="store_true", help="include archived intensives")
    parser.add_argument("--partner", choices=("A", "B"), help="only this partner's observations")
    parser.add_argument(
        "--stance",
        choices=[stance.value for stance in Stance],
        help="only observations in this stance",
    )
    signed = parser.add_mutually_exclusive_group()
    signed.add_argument(
        "--signed", dest="signed", action="store_const", const=True, help="only signed notes"
    )
    signed.add_argument(
        "--drafts", dest="signed", action="store_const", const=False, help="only draft notes"
    )


def bracketed(snippet: str) -> str:
    """The snippet on one terminal line, its matched words in [brackets]."""
    return for_terminal(snippet.replace(MATCH_START, "[").replace(MATCH_END, "]"))


def _where(hit: Any) -> str:
    if hit.day_number is None:
        return "-"
    return f"day {hit.day_number} · {hit.block_title}"


def run_search(args: argparse.Namespace, folder: Path, terminal: Terminal, kdf: Any) -> int:
    """The handler of `crucible search`."""
    from crucible.app.cli.unlocking import unlock
    from crucible.app.services.search import SearchFilters, check_filters, search

    filters = SearchFilters(
        couple_code=args.couple,
        date_from=args.date_from,
        date_to=args.date_to,
        include_archived=args.archived,
        partner=args.partner,
        stance=args.stance,
        signed=args.signed,
    )
    check_filters(filters)  # refused before a secret is asked for
    with unlock(folder, terminal) as vault:
        hits = search(vault, args.text, filters, limit=args.limit)
    if args.json:
        rows = [
            {
                "kind": str(hit.kind),
                "intensive_id": hit.intensive_id,
                "intensive_title": hit.intensive_title,
                "couple_code": hit.couple_code,
                "day": hit.day_number,
                "block_id": hit.block_id,
                "block_title": hit.block_title,
                "partner": hit.partner,
                "observation_id": hit.observation_id,
                "section_title": hit.section_title,
                "field": hit.field,
                "snippet": hit.snippet.replace(MATCH_START, "[").replace(MATCH_END, "]"),
                "rank": hit.rank,
            }
            for hit in hits
        ]
        terminal.out(json_for_terminal(json.dumps(rows, ensure_ascii=False, indent=2)))
        return EXIT_OK
    for hit in hits:
        terminal.out(
            f"{hit.intensive_id}\t{for_terminal(hit.couple_code)}\t{for_terminal(_where(hit))}"
            f"\t{hit.kind}/{hit.field}\t{bracketed(hit.snippet)}"
        )
    return EXIT_OK
