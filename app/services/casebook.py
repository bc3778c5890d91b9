"""The casebook: couples, their intensives, days and blocks, as the navigator edits them.

Each function is one user action: it opens its own session and transaction,
records what changed in the audit trail (ids only, never client text), and
returns plain summaries. A refused edit raises `InputError` whose message is
the one sentence to show.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, time
from importlib.resources.abc import Traversable
from typing import Any

from crucible.app.domain.audit_vocabulary import AuditAction
from crucible.app.domain.intensive import supervision_problem
from crucible.app.domain.resource_files import resource
from crucible.app.domain.text_rules import line_problem
from crucible.app.domain.vocabulary import BlockKind
from crucible.app.services.clock import Clock, system_clock
from crucible.app.services.errors import InputError, NotFoundError
from crucible.app.store import casebook as queries
from crucible.app.store.audit import append_event
from crucible.app.store.casebook import (
    BlockOutline,
    BlockPlan,
    CoupleOutline,
    DayOutline,
    IntensiveOutline,
    PartnerOutline,
)
from crucible.app.store.vault import Vault

TEMPLATE_FORMAT = "crucible.template/1"
DEFAULT_TEMPLATE = "two-day"


@dataclass(frozen=True, slots=True)
class Template:
    """A schedule to start an intensive from: a name and, per day, its blocks."""

    key: str
    name: str
    days: tuple[tuple[BlockPlan, ...], ...]


def _parse_time(text: Any, where: str) -> time:
    if not isinstance(text, str):
        raise InputError(f"The template's {where} is not a time like 09:00.")
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise InputError(f"The template's {where} is not a time like 09:00.") from None


def parse_template(key: str, document: Any) -> Template:
    """Validate a template document (see resources/templates/two-day.json)."""
    if not isinstance(document, dict) or document.get("format") != TEMPLATE_FORMAT:
        raise InputError(f"The template {key!r} is not a {TEMPLATE_FORMAT} document.")
    days = []
    for d, day in enumerate(document.get("days") or []):
        plans = []
        for b, block in enumerate(day.get("blocks") or []):
            where = f"day {d + 1}, block {b + 1}"
            kind = block.get("kind")
            if kind not in {k.value for k in BlockKind}:
                raise InputError(f"The template's {where} has an unknown kind.")
            end = block.get("end")
            plans.append(
                BlockPlan(
                    title=str(block.get("title") or "Block"),
                    kind=kind,
                    start=_parse_time(block.get("start"), f"{where} start"),
                    end=None if end is None else _parse_time(end, f"{where} end"),
                )
            )
        days.append(tuple(plans))
    if not days:
        raise InputError(f"The template {key!r} has no days.")
    return Template(key=key, name=str(document.get("name") or key), days=tuple(days))


def _template_folder() -> Traversable:
    """resources/templates, wherever the package data is (see app.domain.resource_files)."""
    return resource("templates")


def list_templates() -> list[Template]:
    """The templates shipped in resources/templates, the default first."""
    folder = _template_folder()
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            key = entry.name.removesuffix(".json")
            found.append(parse_template(key, json.loads(entry.read_text(encoding="utf-8"))))
    found.sort(key=lambda t: (t.key != DEFAULT_TEMPLATE, t.key))
    return found


def load_casebook(vault: Vault, *, include_archived: bool = False) -> list[CoupleOutline]:
    """What the navigator shows: couples by code, with intensives, days and blocks."""
    with vault.session() as session:
        return queries.load_casebook(session, include_archived=include_archived)


def load_couples(vault: Vault, *, include_archived: bool = False) -> list[CoupleOutline]:
    """The navigator's first level: couples with their intensives as headers (no days yet)."""
    with vault.session() as session:
        return queries.load_couples(session, include_archived=include_archived)


def load_couple(vault: Vault, couple_id: int, *, include_archived: bool = False) -> CoupleOutline:
    """One couple with its intensives as headers, after an edit of it."""
    with vault.session() as session:
        return queries.load_couple(session, couple_id, include_archived=include_archived)


def load_intensive(vault: Vault, intensive_id: int) -> IntensiveOutline:
    """One intensive with its days and blocks, when the navigator opens it."""
    try:
        with vault.session() as session:
            return queries.load_intensive(session, intensive_id)
    except LookupError:
        raise NotFoundError(
            "That item is no longer in the vault; the list was refreshed."
        ) from None


def intensives_with_block_titled(vault: Vault, text: str) -> list[int]:
    """The intensives holding a block whose title contains `text`: the filter reads their days."""
    with vault.session() as session:
        return queries.intensives_with_block_titled(session, text)


def intensive_holding(vault: Vault, kind: str, item_id: int) -> int | None:
    """The id of the intensive a day or block belongs to (None if it is gone)."""
    with vault.session() as session:
        try:
            if kind == "day":
                return queries.intensive_of_day(session, item_id)
            if kind == "block":
                return queries.intensive_of_block(session, item_id)
        except LookupError:
            return None
    return None


class _Action:
    """One audited write: a session, a transaction, and the event recording it."""

    def __init__(self, vault: Vault, actor: str, clock: Clock) -> None:
        self.vault, self.actor, self.clock = vault, actor, clock

    def run(
        self, action: AuditAction, work: Any, intensive_id: Any = None, **detail: object
    ) -> Any:
        try:
            with self.vault.write_session() as session:
                result = work(session)
                target = intensive_id(session) if callable(intensive_id) else intensive_id
                if target is None and isinstance(result, int) and action.startswith("intensive"):
                    target = result
                append_event(
                    session,
                    at=self.clock(),
                    actor=self.actor,
                    action=action,
                    intensive_id=target,
                    detail=detail,
                )
                return result
        except queries.CasebookRuleError as error:
            raise InputError(str(error)) from None
        except LookupError:
            raise NotFoundError(
                "That item is no longer in the vault; the list was refreshed."
            ) from None


def _one_line(value: str, field: str) -> str:
    """`value` stripped, or InputError if a one-line field may not hold it (text_rules)."""
    problem = line_problem(value)
    if problem:
        raise InputError(f"{field} {problem}.")
    return value.strip()


def _supervision(trainee: str | None, supervisor: str | None) -> tuple[str | None, str | None]:
    """Both names checked and stripped, or (None, None); InputError when only one is given."""
    problem = supervision_problem(trainee, supervisor)
    if problem:
        raise InputError(problem)
    if trainee is None:
        return None, None
    return _one_line(trainee, "The trainee's name"), _one_line(
        supervisor or "", "The supervisor's name"
    )


def _check_code(code: str) -> str:
    code = _one_line(code, "The couple code")
    if not code:
        raise InputError("A couple needs a code, such as C-0007.")
    if len(code) > 32:
        raise InputError("A couple code has at most 32 characters.")
    return code


def _check_partners(partners: list[PartnerOutline]) -> list[PartnerOutline]:
    if [p.key for p in partners] != ["A", "B"]:
        raise InputError("A couple has exactly two partners, A and B.")
    checked = [
        PartnerOutline(
            p.key,
            _one_line(p.name, "A partner's name"),
            _one_line(p.pronouns, "A partner's pronouns"),
            p.colour,
        )
        for p in partners
    ]
    if any(not p.name for p in checked):
        raise InputError("Each partner needs a name.")
    return checked


def create_couple(
    vault: Vault,
    code: str,
    partners: list[PartnerOutline],
    *,
    actor: str,
    clock: Clock = system_clock,
) -> int:
    """Add a couple and return its id."""
    code, partners = _check_code(code), _check_partners(partners)
    action = _Action(vault, actor, clock)
    return int(
        action.run(AuditAction.COUPLE_CREATED, lambda s: queries.add_couple(s, code, partners))
    )


def update_couple(
    vault: Vault,
    couple_id: int,
    code: str,
    partners: list[PartnerOutline],
    *,
    actor: str,
    clock: Clock = system_clock,
) -> None:
    """Change a couple's code and partners."""
    code, partners = _check_code(code), _check_partners(partners)
    _Action(vault, actor, clock).run(
        AuditAction.COUPLE_EDITED,
        lambda s: queries.update_couple(s, couple_id, code, partners),
        couple=couple_id,
    )


def create_intensive(
    vault: Vault,
    couple_id: int,
    template: Template,
    *,
    first_date: date,
    title: str,
    clinician: str,
    trainee: str | None = None,
    supervisor: str | None = None,
    actor: str,
    clock: Clock = system_clock,
) -> int:
    """Start an intensive for a couple from a template; days follow `first_date`.

    `trainee` and `supervisor` are None for an intensive the clinician runs;
    given (even blank), the intensive is supervised and needs both names.
    """
    title = _one_line(title, "The title")
    clinician = _one_line(clinician, "The clinician's name")
    trainee, supervisor = _supervision(trainee, supervisor)
    zone = clock().tzinfo
    if zone is None:
        raise InputError("The computer's clock has no time zone; set one and try again.")
    return int(
        _Action(vault, actor, clock).run(
            AuditAction.INTENSIVE_CREATED,
            lambda s: queries.add_intensive_from_plan(
                s,
                couple_id,
                title=title or template.name,
                clinician=clinician,
                trainee=trainee,
                supervisor=supervisor,
                first_date=first_date,
                days=[list(day) for day in template.days],
                zone=zone,
            ),
            template=template.key,
        )
    )


def set_supervision(
    vault: Vault,
    intensive_id: int,
    trainee: str | None,
    supervisor: str | None,
    *,
    actor: str,
    clock: Clock = system_clock,
) -> None:
    """Mark an intensive as run by a trainee under a supervisor, or clear both (two blanks)."""
    blank = not (trainee or "").strip() and not (supervisor or "").strip()
    trainee, supervisor = _supervision(None, None) if blank else _supervision(trainee, supervisor)
    _Action(vault, actor, clock).run(
        AuditAction.INTENSIVE_SUPERVISION,
        lambda s: queries.set_supervision(s, intensive_id, trainee, supervisor),
        intensive_id,
        supervised=bool(trainee or supervisor),
    )


def rename_intensive(
    vault: Vault, intensive_id: int, title: str, *, actor: str, clock: Clock = system_clock
) -> None:
    """Give an intensive a new title."""
    title = _one_line(title, "The title")
    if not title:
        raise InputError("An intensive needs a title.")
    _Action(vault, actor, clock).run(
        AuditAction.INTENSIVE_RENAMED,
        lambda s: queries.set_title(s, intensive_id, title),
        intensive_id,
    )


def set_archived(
    vault: Vault, intensive_id: int, archived: bool, *, actor: str, clock: Clock = system_clock
) -> None:
    """Archive an intensive (hidden by default) or make it active again."""
    status = "archived" if archived else "active"
    action = AuditAction.INTENSIVE_ARCHIVED if archived else AuditAction.INTENSIVE_ACTIVE
    _Action(vault, actor, clock).run(
        action, lambda s: queries.set_status(s, intensive_id, status), intensive_id
    )


def can_delete_intensive(vault: Vault, intensive_id: int) -> bool:
    """Whether the intensive holds no signed note (the only kind that may be deleted)."""
    with vault.session() as session:
        return queries.signed_note_count(session, intensive_id) == 0


def delete_intensive(
    vault: Vault, intensive_id: int, *, actor: str, clock: Clock = system_clock
) -> None:
    """Delete an intensive with no signed note; refused with a clear sentence otherwise."""
    _Action(vault, actor, clock).run(
        AuditAction.INTENSIVE_DELETED,
        lambda s: queries.delete_intensive(s, intensive_id),
        intensive_id,
    )


def add_day(vault: Vault, intensive_id: int, *, actor: str, clock: Clock = system_clock) -> int:
    """Append an empty day after the last one; returns its id."""
    return int(
        _Action(vault, actor, clock).run(
            AuditAction.DAY_ADDED, lambda s: queries.add_day(s, intensive_id), intensive_id
        )
    )


def remove_day(vault: Vault, day_id: int, *, actor: str, clock: Clock = system_clock) -> None:
    """Remove a day and its blocks (refused when a block holds a signed note)."""
    holder: dict[str, int] = {}

    def work(session: Any) -> None:
        holder["intensive"] = queries.intensive_of_day(session, day_id)
        queries.remove_day(session, day_id)

    _Action(vault, actor, clock).run(
        AuditAction.DAY_REMOVED, work, lambda _s: holder.get("intensive")
    )


def move_day(
    vault: Vault, day_id: int, step: int, *, actor: str, clock: Clock = system_clock
) -> None:
    """Move a day earlier (-1) or later (+1); the two days trade dates."""
    _Action(vault, actor, clock).run(
        AuditAction.DAY_MOVED,
        lambda s: queries.move_day(s, day_id, step),
        lambda s: queries.intensive_of_day(s, day_id),
    )


def redate_day(
    vault: Vault, day_id: int, new_date: date, *, actor: str, clock: Clock = system_clock
) -> None:
    """Give a day another date; its blocks keep their times of day."""
    _Action(vault, actor, clock).run(
        AuditAction.DAY_REDATED,
        lambda s: queries.redate_day(s, day_id, new_date),
        lambda s: queries.intensive_of_day(s, day_id),
    )


def add_block(
    vault: Vault, day_id: int, plan: BlockPlan, *, actor: str, clock: Clock = system_clock
) -> int:
    """Append a block to a day; returns its id."""
    _check_block(plan.title, plan.kind, plan.start, plan.end)
    return int(
        _Action(vault, actor, clock).run(
            AuditAction.BLOCK_ADDED,
            lambda s: queries.add_block(s, day_id, plan),
            lambda s: queries.intensive_of_day(s, day_id),
        )
    )


def _check_block(title: str, kind: str, start: time, end: time | None) -> None:
    if not _one_line(title, "A block's title"):
        raise InputError("A block needs a title.")
    if kind not in {k.value for k in BlockKind}:
        raise InputError("That is not a kind of block Crucible knows.")
    if end is not None and end <= start:
        raise InputError("A block must end after it starts.")


def update_block(
    vault: Vault,
    block_id: int,
    *,
    title: str,
    kind: str,
    start: time,
    end: time | None,
    actor: str,
    clock: Clock = system_clock,
) -> None:
    """Retitle and retime a block."""
    _check_block(title, kind, start, end)
    _Action(vault, actor, clock).run(
        AuditAction.BLOCK_EDITED,
        lambda s: queries.update_block(
            s, block_id, title=title.strip(), kind=kind, start=start, end=end
        ),
        lambda s: queries.intensive_of_block(s, block_id),
    )


def move_block(
    vault: Vault, block_id: int, step: int, *, actor: str, clock: Clock = system_clock
) -> None:
    """Move a block one place earlier (-1) or later (+1) in its day."""
    _Action(vault, actor, clock).run(
        AuditAction.BLOCK_MOVED,
        lambda s: queries.move_block(s, block_id, step),
        lambda s: queries.intensive_of_block(s, block_id),
    )


def remove_block(vault: Vault, block_id: int, *, actor: str, clock: Clock = system_clock) -> None:
    """Remove a block (refused when its note is signed)."""
    holder: dict[str, int] = {}

    def work(session: Any) -> None:
        holder["intensive"] = queries.intensive_of_block(session, block_id)
        queries.remove_block(session, block_id)

    _Action(vault, actor, clock).run(
        AuditAction.BLOCK_REMOVED, work, lambda _s: holder.get("intensive")
    )


__all__ = [
    "BlockOutline",
    "BlockPlan",
    "CoupleOutline",
    "DayOutline",
    "IntensiveOutline",
    "PartnerOutline",
    "Template",
    "add_block",
    "add_day",
    "can_delete_intensive",
    "create_couple",
    "create_intensive",
    "delete_intensive",
    "intensive_holding",
    "intensives_with_block_titled",
    "list_templates",
    "load_casebook",
    "load_couple",
    "load_couples",
    "load_intensive",
    "move_block",
    "move_day",
    "parse_template",
    "redate_day",
    "remove_block",
    "remove_day",
    "rename_intensive",
    "set_archived",
    "set_supervision",
    "update_block",
    "update_couple",
]
