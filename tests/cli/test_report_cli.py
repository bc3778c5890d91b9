"""`crucible report`: both reports, supervision de-identified by default, encryption."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pypdf
import pytest

from tests.cli.conftest import Crucible
from tests.conftest import SAMPLE_PATH


@pytest.fixture
def imported(initialized: Crucible) -> tuple[Crucible, str]:
    return initialized, initialized("import", str(SAMPLE_PATH)).out.split()[-1]


def _text(path: Path, password: str | None = None) -> str:
    reader = pypdf.PdfReader(path, password=password)
    metadata = " ".join(str(v) for v in (reader.metadata or {}).values())
    return metadata + "".join(page.extract_text() or "" for page in reader.pages)


def _password_file(folder: Path, content: str, name: str = "pw.txt") -> Path:
    """A password file for `--password-file`, holding `content`."""
    path = folder / name
    path.write_text(content)
    return path


def test_summary_report_names_the_couple(imported: tuple[Crucible, str], tmp_path: Path) -> None:
    """The record's summary is identified and carries the figures' headings."""
    crucible, new_id = imported
    out = tmp_path / "summary.pdf"
    result = crucible("report", new_id, "-o", str(out))
    assert result.status == 0, result.err
    text = _text(out)
    assert "Dana Whitfield" in text
    assert "Timeline across the intensive" in text


def test_supervision_report_is_deidentified_with_a_code_file_name(
    imported: tuple[Crucible, str], tmp_path: Path
) -> None:
    """Into a folder, the supervision report takes the code-only default name and no names."""
    crucible, new_id = imported
    result = crucible("report", new_id, "--supervision", "-o", str(tmp_path))
    assert result.status == 0, result.err
    (written,) = tmp_path.glob("*.pdf")
    assert written.name.startswith("C-0007-supervision-")
    text = _text(written)
    for name in ("Dana", "Whitfield", "Sam", "Okafor"):
        assert not re.search(rf"\b{name}\b", text), name
    assert "Partner A" in text


def test_password_file_encrypts_with_aes_256(
    imported: tuple[Crucible, str], tmp_path: Path
) -> None:
    """The first line of the password file protects the PDF (R=6); it opens only with it."""
    crucible, new_id = imported
    secret = _password_file(tmp_path, "s3cret report pass\nignored line\n")
    out = tmp_path / "locked.pdf"
    assert crucible("report", new_id, "-o", str(out), "--password-file", str(secret)).status == 0
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(out)
    with pikepdf.open(out, password="s3cret report pass") as pdf:
        assert pdf.encryption.R == 6
    assert b"s3cret" not in out.read_bytes()


def test_report_usage_errors(imported: tuple[Crucible, str], tmp_path: Path) -> None:
    """--identified without --supervision, an empty password file or a missing folder: exit 2."""
    crucible, new_id = imported
    assert crucible("report", new_id, "-o", str(tmp_path / "x.pdf"), "--identified").status == 2
    empty = _password_file(tmp_path, "", "empty.txt")
    result = crucible(
        "report", new_id, "-o", str(tmp_path / "x.pdf"), "--password-file", str(empty)
    )
    assert result.status == 2
    assert "empty" in result.err
    result = crucible("report", new_id, "-o", str(tmp_path / "no" / "x.pdf"))
    assert result.status == 2
    assert "does not exist" in result.err
    assert not list(tmp_path.glob("*.pdf"))


def test_every_export_is_audited_without_the_password(
    imported: tuple[Crucible, str], tmp_path: Path
) -> None:
    """Each export is an audit event: kind, de-identification, encryption; no password."""
    from crucible.app.services.vault_access import open_vault
    from crucible.app.store.vault import UnlockThrottle
    from tests.conftest import PASSPHRASE

    crucible, new_id = imported
    secret = _password_file(tmp_path, "another pass phrase")
    crucible("report", new_id, "--supervision", "-o", str(tmp_path / "a.pdf"))
    crucible("report", new_id, "-o", str(tmp_path / "b.pdf"), "--password-file", str(secret))
    vault = open_vault(crucible.folder, PASSPHRASE, throttle=UnlockThrottle())
    try:
        from sqlalchemy import text

        with vault.engine.connect() as connection:
            rows = (
                connection.execute(
                    text(
                        "SELECT detail_json FROM audit_event "
                        "WHERE action = 'export-report' ORDER BY id"
                    )
                )
                .scalars()
                .all()
            )
    finally:
        vault.lock()
    assert len(rows) == 2
    assert '"identified": false' in rows[0]
    assert '"encrypted": true' in rows[1]
    assert not any("another pass" in row for row in rows)
