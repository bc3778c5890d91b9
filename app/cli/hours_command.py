"""`crucible hours`: the trainee's contact and supervision hours, entries, target and PDF.

- ``crucible hours [--from D --to D] [--json | --csv]``: totals over the period
  and the progress toward the target (JSON: ``contact_minutes`` and
  ``supervision_minutes`` among others; CSV: one row per dated entry).
- ``crucible hours add-contact``, ``add-supervision``: one entry each, with an
  optional ``--setting``, checked first (one sentence and nothing stored when
  it cannot be).
- ``crucible hours mark BLOCK_ID --as relational|individual|not-contact``:
  whether an "other" block counts as contact (the plain output and
  ``--json``'s ``other_blocks_not_counted`` list the ones still undecided).
- ``crucible hours target PRESET [--from --to]``: choose the target.
- ``crucible hours report -o FILE``: the de-identified hours log PDF.

Declared here and added to the parser by ``app.cli.build_parser``; services
load only when the command runs.
"""

from __future__ import annotations

import argparse
import json
from datetime import time
from pathlib import Path
from typing import Any

from crucible.app.cli import CLI_ACTOR, EXIT_OK, Terminal, UsageError, iso_date, record_id
from crucible.app.cli.terminal_text import for_terminal, json_for_terminal


def _minutes(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of minutes") from None


def _clock(text: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a time (write it as HH:MM)") from None


MARK_CHOICES = ("relational", "individual", "not-contact")
INTENSIVES_SETTING = "Intensives (Crucible)"  # app.domain.hours's, not imported at parse time


def _setting(parser: argparse.ArgumentParser, text: str) -> None:
    parser.add_argument("--setting", default="", metavar="TEXT", help=text)


def _period(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from", dest="date_from", type=iso_date, metavar="DATE", help="from (incl.)"
    )
    parser.add_argument("--to", dest="date_to", type=iso_date, metavar="DATE", help="to (incl.)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare `crucible hours` and its verbs on its subparser."""
    _period(parser)
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON")
    output.add_argument("--csv", action="store_true", help="print CSV, one row per entry")
    verbs = parser.add_subparsers(dest="hours_command", metavar="VERB", parser_class=type(parser))
    contact = verbs.add_parser(
        "add-contact", help="add contact hours outside Crucible's intensives"
    )
    contact.add_argument("--date", dest="on", type=iso_date, required=True)
    contact.add_argument("--minutes", type=_minutes, required=True)
    contact.add_argument("--kind", choices=("relational", "individual"), required=True)
    contact.add_argument("--couple", default="", metavar="CODE", help="a couple code (optional)")
    contact.add_argument("--start", type=_clock, metavar="HH:MM", help="when it started")
    _setting(contact, "where it took place, e.g. 'University clinic' (optional)")
    supervision = verbs.add_parser("add-supervision", help="add a supervision entry")
    supervision.add_argument("--date", dest="on", type=iso_date, required=True)
    supervision.add_argument("--minutes", type=_minutes, required=True)
    supervision.add_argument("--format", choices=("individual", "group"), required=True)
    supervision.add_argument(
        "--observable", choices=("live", "video", "audio", "none"), default="none"
    )
    supervision.add_argument("--supervisor", default="", metavar="NAME")
    supervision.add_argument(
        "--intensive", type=record_id, action="append", default=[], metavar="ID",
        help="an intensive discussed (repeatable)",
    )  # fmt: skip
    _setting(
        supervision,
        "the setting whose contact it supervises (optional; none counts toward any, and "
        f"{INTENSIVES_SETTING!r} names Crucible's intensives)",
    )
    mark = verbs.add_parser("mark", help="count an 'other' block as contact, or not")
    mark.add_argument("block_id", type=record_id, metavar="BLOCK_ID")
    mark.add_argument(
        "--as", dest="counts_as", required=True, choices=MARK_CHOICES,
        help="the kind of contact it was, or not-contact to stop counting it",
    )  # fmt: skip
    target = verbs.add_parser("target", help="choose the target preset")
    target.add_argument("preset", help="a preset id (see docs/hours.md)")
    _period(target)
    report = verbs.add_parser("report", help="write the hours log PDF")
    report.add_argument("-o", "--output", type=Path, required=True)
    report.add_argument("--force", action="store_true", help="replace an existing file")
    report.add_argument("--paper", choices=("letter", "a4"), default="letter")
    _period(report)


def run_hours(args: argparse.Namespace, folder: Path, terminal: Terminal, kdf: Any) -> int:
    """The handler of `crucible hours` and its verbs."""
    verb = args.hours_command
    if verb == "add-contact":
        return _add_contact(args, folder, terminal)
    if verb == "add-supervision":
        return _add_supervision(args, folder, terminal)
    if verb == "mark":
        return _mark(args, folder, terminal)
    if verb == "target":
        return _target(args, folder, terminal)
    if verb == "report":
        return _report(args, folder, terminal)
    return _show(args, folder, terminal)


def _check_period(args: argparse.Namespace) -> None:
    from crucible.app.services.hours import period_problem

    problem = period_problem(args.date_from, args.date_to)
    if problem:
        raise UsageError(problem)


def _show(args: argparse.Namespace, folder: Path, terminal: Terminal) -> int:
    from crucible.app.cli.unlocking import unlock
    from crucible.app.domain.hours_log import hours_as_csv, hours_as_json

    _check_period(args)
    with unlock(folder, terminal) as vault:
        from crucible.app.services.hours import hours_for

        log = hours_for(vault, args.date_from, args.date_to)
    if args.json:
        text = json.dumps(hours_as_json(log), ensure_ascii=False, indent=2)
        terminal.out(json_for_terminal(text))
    elif args.csv:
        terminal.stdout.write(json_for_terminal(hours_as_csv(log)))
    else:
        for line in _table(log):
            terminal.out(for_terminal(line))
    return EXIT_OK


def _table(log: Any) -> list[str]:
    from crucible.app.domain.hours_log import hours_text

    period = f"{log.date_from or 'start'} to {log.date_to or 'today'}"
    lines = [
        f"Hours {period} (hours:minutes)",
        f"Contact      relational {hours_text(log.contact.relational)}"
        f"  individual {hours_text(log.contact.individual)}"
        f"  total {hours_text(log.contact.total)}"
        f"  claimable {hours_text(log.claimable.total)}",
        f"Supervision  individual {hours_text(log.supervision.individual)}"
        f"  group {hours_text(log.supervision.group)}"
        f"  observable {hours_text(log.supervision.observable)}"
        f"  total {hours_text(log.supervision.total)}",
        f"Target: {log.target.preset.name} (from its start to the end of the period)",
    ]
    for item in log.progress:
        lines.append(
            f"  {item.category.label}: {hours_text(item.claimable)} of "
            f"{hours_text(item.required)} claimable ({item.fraction:.0%})"
        )
    if log.other_not_counted:
        lines.append(
            "Not counted until you decide ('crucible hours mark BLOCK_ID --as "
            "relational|individual|not-contact'): 'other' blocks that ran"
        )
        for block in log.other_not_counted:
            lines.append(
                f"  block {block.block_id} (intensive {block.intensive_id}, "
                f"{block.couple_code}) {block.on} {block.start:%H:%M}-{block.end:%H:%M}, "
                f"{block.minutes} min"
            )
    return lines


def _mark(args: argparse.Namespace, folder: Path, terminal: Terminal) -> int:
    from crucible.app.cli.unlocking import unlock
    from crucible.app.domain.hours import ContactKind
    from crucible.app.services.hours import mark_other_block

    counts_as = None if args.counts_as == "not-contact" else ContactKind(args.counts_as)
    with unlock(folder, terminal) as vault:
        mark_other_block(vault, args.block_id, counts_as, actor=CLI_ACTOR)
    if counts_as is None:
        terminal.out(f"Block {args.block_id} no longer counts as contact.")
    else:
        terminal.out(f"Block {args.block_id} now counts as {counts_as.value} contact.")
    return EXIT_OK


def _add_contact(args: argparse.Namespace, folder: Path, terminal: Terminal) -> int:
    from crucible.app.cli.unlocking import unlock
    from crucible.app.domain.hours import ContactKind, ManualContact
    from crucible.app.domain.text_rules import line_problem
    from crucible.app.services.clock import system_clock
    from crucible.app.services.hours import add_manual_contact, check_manual

    problem = line_problem(args.couple)
    if problem or len(args.couple) > 32:
        raise UsageError(f"The couple code {problem or 'must be at most 32 characters'}.")
    entry = ManualContact(
        args.on,
        args.minutes,
        ContactKind(args.kind),
        args.couple,
        start=args.start,
        setting=args.setting.strip(" "),
    )
    check_manual(entry, today=system_clock().date())  # refused before a secret is asked for
    with unlock(folder, terminal) as vault:
        new_id = add_manual_contact(vault, entry, actor=CLI_ACTOR)
    terminal.out(f"Added contact entry {new_id}.")
    return EXIT_OK


def _add_supervision(args: argparse.Namespace, folder: Path, terminal: Terminal) -> int:
    from crucible.app.cli.unlocking import unlock
    from crucible.app.domain.hours import ObservableData, SupervisionEntry, SupervisionFormat
    from crucible.app.services.clock import system_clock
    from crucible.app.services.hours import add_supervision, check_supervision

    entry = SupervisionEntry(
        args.on,
        args.minutes,
        SupervisionFormat(args.format),
        ObservableData(args.observable),
        args.supervisor.strip(),
        tuple(args.intensive),
        setting=args.setting.strip(" "),
    )
    check_supervision(entry, today=system_clock().date())
    with unlock(folder, terminal) as vault:
        new_id = add_supervision(vault, entry, actor=CLI_ACTOR)
    terminal.out(f"Added supervision entry {new_id}.")
    return EXIT_OK


def _target(args: argparse.Namespace, folder: Path, terminal: Terminal) -> int:
    from crucible.app.cli.unlocking import unlock
    from crucible.app.domain.hours_targets import PresetError, find_preset, shipped_presets
    from crucible.app.services.hours import choose_target

    _check_period(args)
    try:
        find_preset(shipped_presets(), args.preset)  # refused before a secret is asked for
    except PresetError as error:
        raise UsageError(str(error)) from None
    with unlock(folder, terminal) as vault:
        target = choose_target(
            vault, args.preset, starts=args.date_from, ends=args.date_to, actor=CLI_ACTOR
        )
    terminal.out(f"The hours target is now: {for_terminal(target.preset.name)}.")
    return EXIT_OK


def _report(args: argparse.Namespace, folder: Path, terminal: Terminal) -> int:
    from crucible.app.cli.unlocking import unlock
    from crucible.app.services.files import check_output_path
    from crucible.app.services.hours_report import export_hours_report

    _check_period(args)
    check_output_path(folder, args.output, force=args.force)
    with unlock(folder, terminal) as vault:
        export_hours_report(
            vault, args.output, args.date_from, args.date_to, paper=args.paper, actor=CLI_ACTOR
        )
    terminal.out(f"Wrote {for_terminal(str(args.output))}.")
    return EXIT_OK
