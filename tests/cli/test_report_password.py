"""Findings 6 and 16: report passwords every PDF reader can open, read from files as written."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pypdf
import pytest

from tests.cli.conftest import Crucible
from tests.conftest import SAMPLE_PATH


@pytest.fixture
def imported(initialized: Crucible) -> Crucible:
    assert initialized("import", str(SAMPLE_PATH)).status == 0
    return initialized


def _report(crucible: Crucible, tmp_path: Path, password_bytes: bytes) -> tuple[Path, object]:
    secret = tmp_path / "pw.txt"
    secret.write_bytes(password_bytes)
    out = tmp_path / "locked.pdf"
    result = crucible("report", "1", "-o", str(out), "--password-file", str(secret))
    return out, result


def test_a_byte_order_mark_and_a_crlf_are_not_part_of_the_password(
    imported: Crucible, tmp_path: Path
) -> None:
    """A password file saved by Notepad (BOM, CRLF) gives the password the user typed."""
    out, result = _report(imported, tmp_path, "\ufeffwinter garden 7\r\n".encode())
    assert result.status == 0, result.err  # type: ignore[attr-defined]
    with pikepdf.open(out, password="winter garden 7") as pdf:
        assert pdf.is_encrypted


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("é" * 64, "127 bytes"),  # 64 characters, 128 bytes in UTF-8
        ("x" * 128, "127 bytes"),
        ("short", "at least 6 characters"),
        ("abc\x00defgh", "control character"),
        ("abc\x1b[2Jdefgh", "control character"),
        ("\u05d0\u05d1\u05d2 abc", "right-to-left"),
        ("\udcff" * 8, "not UTF-8 text"),
    ],
    ids=["128-bytes", "128-ascii", "short", "nul", "escape", "mixed-direction", "surrogates"],
)
def test_passwords_a_reader_could_not_use_are_refused(
    imported: Crucible, tmp_path: Path, password: str, expected: str
) -> None:
    """One sentence, exit 2, and no PDF written, before the passphrase is asked for."""
    secret = tmp_path / "pw.txt"
    secret.write_bytes(password.encode("utf-8", "surrogateescape") + b"\n")
    out = tmp_path / "locked.pdf"
    result = imported("report", "1", "-o", str(out), "--password-file", str(secret), stdin="")
    assert result.status == 2, result.err
    assert expected in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert not out.exists()


def test_127_bytes_exactly_is_accepted_and_opens(imported: Crucible, tmp_path: Path) -> None:
    """The limit is the standard's: 127 bytes of UTF-8 still open in both readers."""
    password = "é" * 63 + "x"
    out, result = _report(imported, tmp_path, password.encode() + b"\n")
    assert result.status == 0, result.err  # type: ignore[attr-defined]
    with pikepdf.open(out, password=password):
        pass
    assert pypdf.PdfReader(out).decrypt(password)


def test_the_password_is_prepared_as_pdf_2_readers_prepare_it(
    imported: Crucible, tmp_path: Path
) -> None:
    """SASLprep: a ligature, a no-break space, a soft hyphen open as readers normalise them.

    pypdf applies SASLprep when it opens a file, as PDF 2.0 asks; a PDF
    encrypted with the raw string would not open with what the user typed.
    """
    typed = "\ufb01nal\u00a0re\u00adport"  # "ﬁnal re-port" with a ligature, NBSP, soft hyphen
    out, result = _report(imported, tmp_path, typed.encode() + b"\n")
    assert result.status == 0, result.err  # type: ignore[attr-defined]
    assert pypdf.PdfReader(out).decrypt(typed)
    assert pypdf.PdfReader(out).decrypt("final report")
