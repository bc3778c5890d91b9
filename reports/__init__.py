"""PDF reports: the intensive summary and the supervision report, as bytes.

Builders take frozen domain objects and return PDF bytes; they know nothing
of Qt or the vault. Saving, and choosing where, is the caller's business;
:func:`default_file_name` proposes a safe name that, for a de-identified
report, carries only the couple's code.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Literal

from crucible.app.domain.intensive import Intensive
from crucible.reports.encryption import encrypt_pdf
from crucible.reports.options import ReportOptions
from crucible.reports.summary_report import build_summary_report
from crucible.reports.supervision_report import build_supervision_report

__all__ = [
    "ReportOptions",
    "build_summary_report",
    "build_supervision_report",
    "default_file_name",
    "encrypt_pdf",
]

_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)$", re.IGNORECASE)


def _slug(text: str) -> str:
    """Letters and digits of any script, other runs collapsed to '-'; safe on every OS."""
    text = unicodedata.normalize("NFC", text)
    kept = "".join(c if c.isalnum() or c in "._" else "-" for c in text)
    kept = re.sub(r"-{2,}", "-", kept).strip("-.")
    return kept


def default_file_name(
    intensive: Intensive,
    kind: Literal["summary", "supervision"],
    identified: bool,
    report_date: date,
) -> str:
    """Propose a file name such as ``C-0007-supervision-2026-11-25.pdf``.

    A de-identified report is named by the couple's code only: file names
    show up in folders, recent-file lists and mail attachments. An
    identified one adds the partners' last names, for the clinician's own
    filing. The result has no path separators, control characters or
    reserved names, and is at most about 120 characters long.

    Args:
        intensive: The intensive reported on.
        kind: Which report.
        identified: Whether the report shows the partners' names.
        report_date: The report's date.
    """
    code = _slug(intensive.couple.code) or "couple"
    if _WINDOWS_RESERVED.match(code):
        code = f"couple-{code}"
    parts = [code]
    if identified:
        for partner in intensive.couple.partners:
            words = partner.name.split()
            surname = _slug(words[-1]) if words else ""
            if surname:
                parts.append(surname[:30])
    stem = "-".join([*parts, kind, report_date.isoformat()])
    if len(stem) > 120:
        stem = "-".join([code[:40], kind, report_date.isoformat()])
    return f"{stem}.pdf"
