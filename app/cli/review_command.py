"""`crucible review`: the supervision loop from the command line, for scripting and tests.

- ``send ID --to CARD -o FILE``: seal a supervised intensive to an imported supervisor's card.
- ``open FILE [--yes]``: open either kind of package and say which it was; an
  unknown sender's fingerprint is shown and confirmed (one line after the
  passphrase, ``y``), or ``--yes``.
- ``list [--json]``, ``comment REVIEW_ID [--block N] TEXT``,
  ``import-coding REVIEW_ID FILE``, ``agreement REVIEW_ID [--json]``,
  ``cosign REVIEW_ID``, ``return REVIEW_ID -o FILE``: the supervisor's side.

A package is checked for being one (magic, version, length) before the
passphrase is asked for; its seal and signature need the vault's keys.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crucible.app.cli import CLI_ACTOR, EXIT_OK, Terminal, UsageError, record_id
from crucible.app.cli.terminal_text import for_terminal, json_for_terminal

if TYPE_CHECKING:
    from crucible.app.services.vault_handle import Vault


def _position(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a block position (1, 2, ...)") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a block position (1, 2, ...)")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare `crucible review` and its verbs on its subparser."""
    verbs = parser.add_subparsers(dest="review_command", metavar="VERB", parser_class=type(parser))
    send = verbs.add_parser("send", help="write a sealed review package of an intensive")
    send.add_argument("id", type=record_id)
    send.add_argument("--to", required=True, metavar="CARD", help="card id or fingerprint")
    send.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    send.add_argument("--force", action="store_true", help="replace an existing file")
    opening = verbs.add_parser("open", help="open a review or return package")
    opening.add_argument("file", type=Path)
    opening.add_argument("--yes", action="store_true", help="trust a new sender's card unasked")
    listing = verbs.add_parser("list", help="the reviews received")
    listing.add_argument("--json", action="store_true", help="print JSON")
    comment = verbs.add_parser("comment", help="comment on a block or the intensive")
    comment.add_argument("review", type=record_id, metavar="REVIEW_ID")
    comment.add_argument("--block", type=_position, metavar="N", help="1-based block position")
    comment.add_argument("text")
    coding = verbs.add_parser("import-coding", help="set your coding layer from a JSON file")
    coding.add_argument("review", type=record_id, metavar="REVIEW_ID")
    coding.add_argument("file", type=Path)
    figures = verbs.add_parser("agreement", help="kappa between the two layers")
    figures.add_argument("review", type=record_id, metavar="REVIEW_ID")
    figures.add_argument("--json", action="store_true", help="print JSON")
    cosign = verbs.add_parser("cosign", help="co-sign the intensive reviewed")
    cosign.add_argument("review", type=record_id, metavar="REVIEW_ID")
    back = verbs.add_parser("return", help="write the return package for the trainee")
    back.add_argument("review", type=record_id, metavar="REVIEW_ID")
    back.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    back.add_argument("--force", action="store_true", help="replace an existing file")


def run_review(args: argparse.Namespace, folder: Path, terminal: Terminal, kdf: Any) -> int:
    """The handler of `crucible review` and its verbs."""
    handler = _VERBS.get(args.review_command or "")
    if handler is None:
        raise UsageError(
            "Give a verb: crucible review send, open, list, comment, import-coding, "
            "agreement, cosign or return."
        )
    return handler(args, folder, terminal)


def _send(args: argparse.Namespace, folder: Path, terminal: Terminal) -> int:
    from crucible.app.cli.unlocking import unlock
    from crucible.app.services.files import check_output_path

    check_output_path(folder, args.output, force=args.force)
    with unlock(folder, terminal) as vault:
        from crucible.app.services.review_send import send_for_review

        sent = send_for_review(vault, args.id, args.to, args.output, actor=CLI_ACTOR)
    terminal.out(
        f"Wrote {for_terminal(str(args.output))}: intensive {args.id}, de-identified, sealed to "
        f"{for_terminal(sent.recipient.name)} ({sent.recipient.fingerprint})."
    )
    return EXIT_OK


def _precheck(path: Path) -> None:
    """Refuse what is not a package of a version this build reads, before a secret is asked."""
    from crucible.app.domain.review_package import PackageError, check_package
    from crucible.app.services.errors import InputError
    from crucible.app.services.review_open import read_package_bytes

    try:
        check_package(read_package_bytes(path))
    except PackageError as error:
        raise InputError(str(error)) from None


def _open(args: argparse.Namespace, folder: Path, terminal: Terminal) -> int:
    from crucible.app.cli.card_command import confirm_card
    from crucible.app.cli.unlocking import unlock

    _precheck(args.file)
    with unlock(folder, terminal) as vault:
        from crucible.app.services.review_open import open_package_file

        opened = open_package_file(
            vault,
            args.file,
            confirm=lambda card: confirm_card(terminal, card, yes=args.yes, what="Trust"),
            actor=CLI_ACTOR,
        )
        suggestion = _hours_suggestion(vault, opened.intensive_id)
    sender = f"{for_terminal(opened.sender.name)} ({opened.sender.fingerprint})"
    if opened.kind == "review":
        terminal.out(f"Opened a review package from {sender}: review {opened.review_id}.")
        return EXIT_OK
    terminal.out(
        f"Opened a return package from {sender} for intensive {opened.intensive_id}; "
        "it is stored beside the intensive."
    )
    if opened.changed_after_review:
        blocks = ", ".join(str(n) for n in opened.changed_after_review)
        terminal.err(
            f"Block(s) {blocks} changed after the review was sent; they are flagged as "
            "added after review."
        )
    if suggestion:
        terminal.out(f"To count it in your supervision hours: {suggestion}")
    return EXIT_OK


def _hours_suggestion(vault: Vault, intensive_id: int | None) -> str:
    """The `crucible hours add-supervision` line a returned review suggests ("" for none)."""
    if intensive_id is None:
        return ""
    import shlex

    from crucible.app.domain.hours_review import supervision_for_review
    from crucible.app.services.review_return import review_report

    review = review_report(vault, intensive_id)
    if review is None:
        return ""
    entry = supervision_for_review(review, intensive_id)
    return shlex.join(
        [
            "crucible",
            "hours",
            "add-supervision",
            "--date",
            entry.on.isoformat(),
            "--minutes",
            "MINUTES",
            "--format",
            str(entry.format),
            "--observable",
            str(entry.observable),
            "--supervisor",
            for_terminal(entry.supervisor),
            "--intensive",
            str(intensive_id),
        ]
    )


def _list(args: argparse.Namespace, folder: Path, terminal: Terminal) -> int:
    from crucible.app.cli.unlocking import unlock

    with unlock(folder, terminal) as vault:
        from crucible.app.services.review_inbox import list_reviews

        rows = list_reviews(vault)
    if args.json:
        document = [
            {
                "id": r.id,
                "trainee": r.trainee,
                "trainee_fingerprint": r.trainee_fingerprint,
                "couple_code": r.couple_code,
                "title": r.title,
                "sent_at": r.sent_at.isoformat(),
                "received_at": r.received_at.isoformat(),
                "comments": r.comments,
                "coded_blocks": list(r.coded_blocks),
                "cosigned_at": None if r.cosigned_at is None else r.cosigned_at.isoformat(),
            }
            for r in rows
        ]
        terminal.out(json_for_terminal(json.dumps(document, ensure_ascii=False, indent=2)))
        return EXIT_OK
    for r in rows:
        signed = f"co-signed {r.cosigned_at.date().isoformat()}" if r.cosigned_at else "not signed"
        terminal.out(
            f"{r.id}\t{for_terminal(r.couple_code)}\t{for_terminal(r.title)}\t"
            f"{for_terminal(r.trainee)}\t{r.comments} comments\t{signed}"
        )
    return EXIT_OK


def _comment(args: argparse.Namespace, folder: Path, terminal: Terminal) -> int:
    from crucible.app.cli.unlocking import unlock

    with unlock(folder, terminal) as vault:
        from crucible.app.services.review_inbox import add_comment

        add_comment(vault, args.review, args.block, args.text, actor=CLI_ACTOR)
    where = "the intensive" if args.block is None else f"block {args.block}"
    terminal.out(f"Commented on {where} of review {args.review}.")
    return EXIT_OK


def _import_coding(args: argparse.Namespace, folder: Path, terminal: Terminal) -> int:
    from crucible.app.cli.unlocking import unlock
    from crucible.app.services.errors import InputError
    from crucible.app.services.review_inbox import parse_coding

    try:
        data = args.file.read_bytes()
    except OSError:
        raise InputError(f"The file {args.file.name!r} cannot be read.") from None
    parse_coding(data)  # its shape is refused before a secret is asked for
    with unlock(folder, terminal) as vault:
        from crucible.app.services.review_inbox import import_coding

        counts = import_coding(vault, args.review, data, actor=CLI_ACTOR)
    described = ", ".join(f"block {n}: {count}" for n, count in counts.items()) or "nothing"
    terminal.out(f"Your coding layer of review {args.review} now holds {described}.")
    return EXIT_OK


def _agreement(args: argparse.Namespace, folder: Path, terminal: Terminal) -> int:
    from crucible.app.cli.unlocking import unlock
    from crucible.app.domain.review_json import agreement_as_json

    with unlock(folder, terminal) as vault:
        from crucible.app.services.review_inbox import agreement

        figures = agreement(vault, args.review)
    if args.json:
        text = json.dumps(agreement_as_json(figures), indent=2)
        terminal.out(json_for_terminal(text))
        return EXIT_OK
    terminal.out("block\tevent kappa\ttime kappa\tmatched\tonly trainee\tonly supervisor")
    for n, report in sorted(figures.blocks.items()):
        terminal.out(
            f"{n}\t{_k(report.kappa)}\t{_k(report.time_kappa)}\t{len(report.pairs)}\t"
            f"{len(report.unmatched_first)}\t{len(report.unmatched_second)}"
        )
    overall = figures.overall
    terminal.out(
        f"overall\t{_k(overall.kappa)}\t{_k(overall.time_kappa)}\t{overall.events_matched}"
    )
    return EXIT_OK


def _k(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _cosign(args: argparse.Namespace, folder: Path, terminal: Terminal) -> int:
    from crucible.app.cli.unlocking import unlock

    with unlock(folder, terminal) as vault:
        from crucible.app.services.review_inbox import cosign

        signed = cosign(vault, args.review, actor=CLI_ACTOR)
    terminal.out(
        f"Co-signed review {args.review} as {for_terminal(signed.signer)} "
        f"({signed.fingerprint}) at {signed.signed_at.isoformat(timespec='seconds')}."
    )
    return EXIT_OK


def _return(args: argparse.Namespace, folder: Path, terminal: Terminal) -> int:
    from crucible.app.cli.unlocking import unlock
    from crucible.app.services.files import check_output_path

    check_output_path(folder, args.output, force=args.force)
    with unlock(folder, terminal) as vault:
        from crucible.app.services.review_inbox import return_review

        return_review(vault, args.review, args.output, actor=CLI_ACTOR)
    terminal.out(f"Wrote {for_terminal(str(args.output))}, sealed to the trainee.")
    return EXIT_OK


_VERBS = {
    "send": _send,
    "open": _open,
    "list": _list,
    "comment": _comment,
    "import-coding": _import_coding,
    "agreement": _agreement,
    "cosign": _cosign,
    "return": _return,
}
