"""The one-page "emergency kit": the recovery code on paper, to keep apart from the laptop.

ReportLab is imported here only, when the clinician asks for the kit, so it
never slows the app's start.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

EXPLANATION = (
    "This code opens your Crucible vault if you forget your passphrase. "
    "Keep this page somewhere safe and away from the computer: anyone with "
    "the code and the computer can read your notes."
)


def build_emergency_kit(
    recovery_code: str, *, clinician: str, vault_folder: Path, made: date
) -> bytes:
    """One A4/letter-neutral page with the code in large monospaced groups."""
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.units import inch
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=LETTER, invariant=True)
    pdf.setTitle("Crucible emergency kit")
    pdf.setAuthor("Crucible")
    _width, height = LETTER
    left = inch
    y = height - inch
    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawString(left, y, "Crucible emergency kit")
    y -= 0.45 * inch
    pdf.setFont("Helvetica", 11)
    text = pdf.beginText(left, y)
    text.setLeading(15)
    for line in _wrap(EXPLANATION, 88):
        text.textLine(line)
    pdf.drawText(text)
    y -= 1.1 * inch
    pdf.setFont("Helvetica", 10)
    pdf.drawString(left, y, "Recovery code")
    y -= 0.45 * inch
    pdf.setFont("Courier-Bold", 22)
    groups = recovery_code.split("-")
    half = (len(groups) + 1) // 2
    for row in (groups[:half], groups[half:]):
        pdf.drawString(left, y, "  ".join(row))
        y -= 0.5 * inch
    y -= 0.2 * inch
    pdf.setFont("Helvetica", 10)
    for label, value in (
        ("Vault owner", clinician),
        ("Vault folder", str(vault_folder)),
        ("Made on", made.isoformat()),
    ):
        pdf.drawString(left, y, f"{label}: {value}")
        y -= 0.25 * inch
    y -= 0.3 * inch
    pdf.setFont("Helvetica-Oblique", 10)
    pdf.drawString(
        left,
        y,
        "To use it: start Crucible, click \u201cUse recovery code\u201d and set a new passphrase.",
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return lines


def save_emergency_kit(
    path: Path, recovery_code: str, *, clinician: str, vault_folder: Path, made: date
) -> None:
    """Write the kit where the clinician chose, atomically and owner-only.

    Never into the vault's folder: a recovery code beside the vault it opens
    protects nothing.
    """
    from crucible.app.services.files import refuse_inside_vault, write_user_file

    refuse_inside_vault(vault_folder, path)
    write_user_file(
        path,
        build_emergency_kit(
            recovery_code, clinician=clinician, vault_folder=vault_folder, made=made
        ),
    )


__all__ = ["EXPLANATION", "build_emergency_kit", "save_emergency_kit"]
