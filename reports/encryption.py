"""Password protection for a finished report: AES-256 (PDF 2.0 security handler, R=6).

The unencrypted PDF exists only as bytes in memory; pikepdf reads it from
and writes it to in-memory buffers, so no plaintext copy is ever written to
disk, not even a temporary file.
"""

from __future__ import annotations

import io
import secrets

import pikepdf

__all__ = ["encrypt_pdf"]


def encrypt_pdf(pdf: bytes, password: str) -> bytes:
    """Encrypt a PDF with AES-256 so that it opens only with the password.

    The owner password is random and thrown away: nobody can lift the
    protection without the user password, and every permission (print,
    copy) stays granted to whoever knows it, as a clinician sharing a
    report expects.

    Args:
        pdf: The unencrypted PDF bytes.
        password: The password the reader must type; not empty.

    Returns:
        The encrypted PDF bytes (metadata encrypted too).

    Raises:
        ValueError: If the password is empty.
    """
    if not password:
        raise ValueError("A report password must not be empty.")
    encryption = pikepdf.Encryption(
        owner=secrets.token_urlsafe(32),
        user=password,
        R=6,
        aes=True,
        metadata=True,
        allow=pikepdf.Permissions(),
    )
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf)) as document:
        document.save(out, encryption=encryption)
    return out.getvalue()
