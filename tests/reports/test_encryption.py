"""Password-protected reports: AES-256 (R=6), opening only with the password, never on disk."""

from __future__ import annotations

import io
import tempfile
from datetime import date
from pathlib import Path

import pikepdf
import pypdf
import pytest

from crucible.app.domain.intensive import Intensive
from crucible.reports import (
    ReportOptions,
    build_summary_report,
    build_supervision_report,
    encrypt_pdf,
)

PASSWORD = "correct horse battery staple ✓"


@pytest.fixture(scope="module")
def plain(sample: Intensive) -> bytes:
    return build_summary_report(sample, ReportOptions(report_date=date(2026, 11, 25)))


@pytest.fixture(scope="module")
def locked(plain: bytes) -> bytes:
    return encrypt_pdf(plain, PASSWORD)


def test_encrypted_report_does_not_open_without_the_password(locked: bytes) -> None:
    """No password, or a wrong one, is refused by pikepdf and pypdf alike."""
    for attempt in ("", "wrong"):
        with pytest.raises(pikepdf.PasswordError):
            pikepdf.open(io.BytesIO(locked), password=attempt)
    reader = pypdf.PdfReader(io.BytesIO(locked))
    assert reader.is_encrypted
    assert not reader.decrypt("wrong")


def test_encrypted_report_opens_with_the_password(locked: bytes, plain: bytes) -> None:
    """With the password the text is the same as the unencrypted report's."""
    reader = pypdf.PdfReader(io.BytesIO(locked))
    assert reader.decrypt(PASSWORD)
    original = pypdf.PdfReader(io.BytesIO(plain))
    assert len(reader.pages) == len(original.pages)
    assert reader.pages[0].extract_text() == original.pages[0].extract_text()
    assert reader.metadata is not None
    assert reader.metadata.title == "Crucible intensive summary — C-0007"


def test_encryption_is_aes_256_revision_6(locked: bytes) -> None:
    """pikepdf reports the PDF 2.0 security handler: R=6, V=5, AESv3 with 256-bit keys."""
    with pikepdf.open(io.BytesIO(locked), password=PASSWORD) as pdf:
        assert pdf.is_encrypted
        assert pdf.encryption.R == 6
        assert pdf.encryption.V == 5
        assert pdf.encryption.bits == 256
        assert pdf.encryption.stream_method == pikepdf.models.EncryptionMethod.aesv3
        assert pdf.encryption.string_method == pikepdf.models.EncryptionMethod.aesv3
        assert pdf.allow.print_highres


def test_no_plaintext_left_in_the_encrypted_file(locked: bytes) -> None:
    """Metadata and text are encrypted: neither the title nor the code is readable in the bytes."""
    for needle in (b"Crucible intensive summary", b"C-0007", b"Jordan Reyes", b"Dana"):
        assert needle not in locked


def test_an_empty_password_is_refused(plain: bytes) -> None:
    """Encrypting with an empty password would only pretend to protect the report."""
    with pytest.raises(ValueError, match="must not be empty"):
        encrypt_pdf(plain, "")


def test_encryption_writes_no_temporary_file(
    canary: Intensive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Building and encrypting happen in memory: the temp directory stays empty."""
    sandbox = tmp_path / "tmp"
    sandbox.mkdir()
    monkeypatch.setenv("TMPDIR", str(sandbox))
    monkeypatch.setattr(tempfile, "tempdir", str(sandbox))
    pdf = build_supervision_report(canary, ReportOptions(report_date=date(2026, 11, 25)))
    locked = encrypt_pdf(pdf, PASSWORD)
    assert locked.startswith(b"%PDF-")
    assert list(sandbox.iterdir()) == []
