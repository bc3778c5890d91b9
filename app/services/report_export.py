"""Exporting an intensive as a PDF report, with the audit entry that says it left the vault.

The report builders (the `reports` package) are imported only when a report
is made: ReportLab is heavy, and the app must start without waiting for it.
The package is part of Crucible, so a failure to import it is a bug that is
reported, not a state the UI hides by disabling the entry.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from crucible.app.services.clock import Clock, system_clock

if TYPE_CHECKING:  # the store loads only when a vault is open
    from crucible.app.store.vault import Vault

ReportKind = Literal["summary", "supervision"]
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """What the clinician chose in the export dialog."""

    intensive_id: int
    kind: ReportKind
    identified: bool
    paper: Literal["letter", "a4"]
    flip_window_s: int
    password: str | None = None


def suggested_file_name(
    vault: Vault, request: ReportRequest, *, clock: Clock = system_clock
) -> str:
    """A safe file name; a de-identified report is named by the couple's code only."""
    from crucible.app.services.intensive_exchange import get_intensive
    from crucible.reports import default_file_name

    intensive = get_intensive(vault, request.intensive_id)
    identified = request.identified or request.kind == "summary"
    name: str = default_file_name(intensive, request.kind, identified, clock().date())
    return name


def _prepared(password: str) -> str:
    """The password as PDF readers will check it (see `report_password`), or InputError."""
    from crucible.app.services.errors import InputError
    from crucible.app.services.report_password import ReportPasswordError, prepare_report_password

    try:
        return prepare_report_password(password)
    except ReportPasswordError as error:
        raise InputError(str(error)) from None


def export_report(
    vault: Vault,
    request: ReportRequest,
    path: Path,
    *,
    actor: str,
    prepared_by: str = "",
    clock: Clock = system_clock,
) -> Path:
    """Build the PDF, encrypt it in memory if asked, write it, and audit the export.

    The PDF is encrypted before it touches the disk, so a protected report
    never exists unencrypted in a file.
    """
    from crucible.app.domain.audit_vocabulary import AuditAction
    from crucible.app.services.files import refuse_inside_vault, write_user_file
    from crucible.app.services.intensive_exchange import get_intensive
    from crucible.app.store.audit import append_event
    from crucible.reports import (
        ReportOptions,
        build_summary_report,
        build_supervision_report,
        encrypt_pdf,
    )

    refuse_inside_vault(vault.folder, path)
    intensive = get_intensive(vault, request.intensive_id)
    now = clock()
    options = ReportOptions(
        paper=request.paper,
        flip_window_s=request.flip_window_s,
        identified=request.identified,
        report_date=date(now.year, now.month, now.day),
        prepared_by=prepared_by,
    )
    from crucible.app.services.review_return import review_report

    build = build_summary_report if request.kind == "summary" else build_supervision_report
    pdf: bytes = build(intensive, options, review_report(vault, request.intensive_id))
    if request.password:
        pdf = encrypt_pdf(pdf, _prepared(request.password))
    write_user_file(path, pdf)
    log.info(
        "exported intensive %d by %s: %d bytes, encrypted %s",
        request.intensive_id,
        build,
        len(pdf),
        bool(request.password),
    )
    with vault.write_session() as session:
        append_event(
            session,
            at=now,
            actor=actor,
            action=AuditAction.EXPORT_REPORT,
            intensive_id=request.intensive_id,
            detail={
                "kind": request.kind,
                "identified": request.identified or request.kind == "summary",
                "encrypted": bool(request.password),
            },
        )
    return path


__all__ = [
    "ReportKind",
    "ReportRequest",
    "export_report",
    "suggested_file_name",
]
