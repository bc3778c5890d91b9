"""`crucible card`: this vault's card and the cards of the people it exchanges reviews with.

- ``crucible card export -o FILE``: write this vault's card (makes the keys on first need).
- ``crucible card import FILE [--yes] [--supervisor]``: show the card's fingerprint and
  ask (one line after the passphrase, ``y`` to accept) before storing it; ``--supervisor``
  links it as this trainee's supervisor's card.
- ``crucible card list [--json]``, ``crucible card remove CARD``, ``crucible card link CARD``
  (CARD: the id `card list` prints, or the fingerprint).

A card file is read and checked before the passphrase is asked for, so a
bad card costs no unlock. Declared here and added to the parser by
``app.cli.build_parser``; services load only when the command runs.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crucible.app.cli import CLI_ACTOR, EXIT_OK, Terminal, UsageError
from crucible.app.cli.terminal_text import for_terminal, json_for_terminal

if TYPE_CHECKING:
    from crucible.app.domain.review import Card


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare `crucible card` and its verbs on its subparser."""
    verbs = parser.add_subparsers(dest="card_command", metavar="VERB", parser_class=type(parser))
    export = verbs.add_parser("export", help="write this vault's card")
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    export.add_argument("--force", action="store_true", help="replace an existing file")
    imp = verbs.add_parser("import", help="import someone's card after comparing its fingerprint")
    imp.add_argument("file", type=Path)
    imp.add_argument("--yes", action="store_true", help="accept the fingerprint without asking")
    imp.add_argument("--supervisor", action="store_true", help="link it as your supervisor's card")
    listing = verbs.add_parser("list", help="this vault's card and the imported ones")
    listing.add_argument("--json", action="store_true", help="print JSON")
    remove = verbs.add_parser("remove", help="remove an imported card")
    remove.add_argument("card", metavar="CARD", help="its id (see 'card list') or fingerprint")
    link = verbs.add_parser("link", help="link an imported card as your supervisor's")
    link.add_argument("card", metavar="CARD", help="its id (see 'card list') or fingerprint")


def describe(card: Card) -> str:
    """One line naming a card: name, role, fingerprint."""
    return f"{for_terminal(card.name)} ({card.role.value}), fingerprint {card.fingerprint}"


def confirm_card(terminal: Terminal, card: Card, *, yes: bool, what: str = "Import") -> bool:
    """Show the fingerprint and ask for ``y`` (one line after the passphrase), unless ``yes``."""
    terminal.out(f"Card: {describe(card)}")
    if yes:
        return True
    terminal.out("Compare the fingerprint with its owner (by phone or in person).")
    return terminal.ask(f"{what} this card? [y/N] ").strip().lower() in ("y", "yes")


def run_card(args: argparse.Namespace, folder: Path, terminal: Terminal, kdf: Any) -> int:
    """The handler of `crucible card` and its verbs."""
    verb = args.card_command
    if verb == "export":
        return _export(args, folder, terminal)
    if verb == "import":
        return _import(args, folder, terminal)
    if verb == "list":
        return _list(args, folder, terminal)
    if verb in ("remove", "link"):
        return _remove_or_link(args, folder, terminal)
    raise UsageError("Give a verb: crucible card export, import, list, remove or link.")


def _export(args: argparse.Namespace, folder: Path, terminal: Terminal) -> int:
    from crucible.app.cli.unlocking import unlock
    from crucible.app.services.files import check_output_path

    check_output_path(folder, args.output, force=args.force)
    with unlock(folder, terminal) as vault:
        from crucible.app.services.identity import export_card

        card = export_card(vault, args.output, actor=CLI_ACTOR)
    terminal.out(f"Wrote {for_terminal(str(args.output))}: {describe(card)}.")
    return EXIT_OK


def _import(args: argparse.Namespace, folder: Path, terminal: Terminal) -> int:
    from crucible.app.cli.unlocking import unlock
    from crucible.app.services.identity import read_card_file

    card = read_card_file(args.file)  # refused before a secret is asked for
    with unlock(folder, terminal) as vault:
        from crucible.app.services.errors import InputError
        from crucible.app.services.identity import import_card

        if not confirm_card(terminal, card, yes=args.yes):
            raise InputError("The card was not imported.")
        stored = import_card(vault, card, actor=CLI_ACTOR, link_as_supervisor=args.supervisor)
    linked = " and linked as your supervisor's card" if stored.is_supervisor else ""
    terminal.out(f"Imported card {stored.id}{linked}.")
    return EXIT_OK


def _list(args: argparse.Namespace, folder: Path, terminal: Terminal) -> int:
    from crucible.app.cli.unlocking import unlock

    with unlock(folder, terminal) as vault:
        from crucible.app.services.identity import list_cards, own_card

        mine = own_card(vault, actor=CLI_ACTOR)
        cards = list_cards(vault)
    if args.json:
        document = {
            "own": _card_json(mine),
            "cards": [
                {"id": s.id, **_card_json(s.card), "supervisor": s.is_supervisor} for s in cards
            ],
        }
        terminal.out(json_for_terminal(json.dumps(document, ensure_ascii=False, indent=2)))
        return EXIT_OK
    terminal.out(f"This vault: {describe(mine)}")
    for stored in cards:
        mark = "  [your supervisor]" if stored.is_supervisor else ""
        terminal.out(f"{stored.id}\t{describe(stored.card)}{mark}")
    return EXIT_OK


def _card_json(card: Card) -> dict[str, str]:
    return {"name": card.name, "role": card.role.value, "fingerprint": card.fingerprint}


def _remove_or_link(args: argparse.Namespace, folder: Path, terminal: Terminal) -> int:
    from crucible.app.cli.unlocking import unlock

    with unlock(folder, terminal) as vault:
        from crucible.app.services.identity import find_card, link_supervisor_card, remove_card

        stored = find_card(vault, args.card)
        if args.card_command == "remove":
            remove_card(vault, stored.id, actor=CLI_ACTOR)
            terminal.out(f"Removed card {stored.id}: {describe(stored.card)}.")
        else:
            link_supervisor_card(vault, stored.id, actor=CLI_ACTOR)
            terminal.out(f"Linked card {stored.id} as your supervisor's card.")
    return EXIT_OK
