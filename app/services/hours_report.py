"""Exporting the hours log PDF for a period.

ReportLab loads only here, when a report is made (as in
:mod:`app.services.report_export`). The signers come from the vault's
profile: the trainee, and the supervisor named there.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from crucible.app.domain.audit_vocabulary import SYSTEM_ACTOR, AuditAction
from crucible.app.services.clock import Clock, system_clock
from crucible.app.services.hours import hours_for
from crucible.app.services.identity import linked_supervisor
from crucible.app.services.profile import get_profile
from crucible.app.store.audit import append_event
from crucible.app.store.vault import Vault

log = logging.getLogger(__name__)


def hours_report_bytes(
    vault: Vault,
    date_from: date | None,
    date_to: date | None,
    *,
    paper: str = "letter",
    clock: Clock = system_clock,
) -> bytes:
    """The hours log PDF of ``date_from..date_to``, in memory."""
    from crucible.reports.hours_report import HoursReportPeople, build_hours_report

    hours = hours_for(vault, date_from, date_to)
    profile = get_profile(vault)
    named = [entry.supervisor for entry in hours.supervision_entries if entry.supervisor]
    linked = linked_supervisor(vault)
    supervisor = (
        (linked.card.name if linked is not None else None)
        or (profile.supervisor if profile is not None else None)
        or (named[-1] if named else "")
    )  # the linked supervisor card's name, the profile's, or the latest entry's of the period
    people = HoursReportPeople(
        trainee=profile.name if profile is not None else "", supervisor=supervisor
    )
    return build_hours_report(hours, people, clock().date(), paper)


def export_hours_report(
    vault: Vault,
    path: Path,
    date_from: date | None,
    date_to: date | None,
    *,
    paper: str = "letter",
    clock: Clock = system_clock,
    actor: str = SYSTEM_ACTOR,
) -> Path:
    """Build the PDF, write it to ``path`` (never inside the vault's folder), and audit it."""
    from crucible.app.services.files import refuse_inside_vault, write_user_file

    refuse_inside_vault(vault.folder, path)
    pdf = hours_report_bytes(vault, date_from, date_to, paper=paper, clock=clock)
    write_user_file(path, pdf)
    with vault.write_session() as session:
        append_event(
            session,
            at=clock(),
            actor=actor,
            action=AuditAction.EXPORT_HOURS,
            detail={"bytes": len(pdf)},
        )
    log.info("exported the hours log: %d bytes", len(pdf))
    return path


def export_hours_csv(
    vault: Vault,
    path: Path,
    date_from: date | None,
    date_to: date | None,
    *,
    clock: Clock = system_clock,
    actor: str = SYSTEM_ACTOR,
) -> Path:
    """Write the period's rows as CSV (the same rows as `crucible hours --csv`), and audit it.

    The rows carry couple codes, never names; the file is still a record
    of care, so it is refused inside the vault's folder and its export is
    on the audit trail like the PDF's.
    """
    from crucible.app.domain.hours_log import hours_as_csv
    from crucible.app.services.files import refuse_inside_vault, write_user_file

    refuse_inside_vault(vault.folder, path)
    data = hours_as_csv(hours_for(vault, date_from, date_to)).encode("utf-8")
    write_user_file(path, data)
    with vault.write_session() as session:
        append_event(
            session,
            at=clock(),
            actor=actor,
            action=AuditAction.EXPORT_HOURS,
            detail={"bytes": len(data), "format": "csv"},
        )
    log.info("exported the hours log as CSV: %d bytes", len(data))
    return path
