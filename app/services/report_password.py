"""The report password rule: what a PDF 2.0 reader will accept, decided before anything is built.

AES-256 PDFs (revision 6) take the password through SASLprep (RFC 4013)
and then keep only its first 127 bytes of UTF-8. A reader that follows
the standard therefore turns "ﬁnal" into "final" and drops a soft hyphen
before it checks the password; a PDF encrypted with the raw string would
not open with what the user typed, and one encrypted with 200 bytes would
not open at all. So the password is prepared here exactly as a reader
prepares it, refused if the standard forbids it or if it is longer than
127 bytes, and the prepared form is what encrypts the PDF.

The app's report dialog and `crucible report --password-file` both call
`prepare_report_password`; this module imports nothing heavy, so the
dialog can check while the clinician types.
"""

from __future__ import annotations

import stringprep
import unicodedata
from pathlib import Path

MIN_CHARACTERS = 6
MAX_UTF8_BYTES = 127  # ISO 32000-2, 7.6.4.3.3
BOM = "\ufeff"


class ReportPasswordError(ValueError):
    """A report password that cannot protect a PDF every reader opens; the message says why."""


_PROHIBITED = (
    (stringprep.in_table_c12, "a space character other than the ordinary space"),
    (stringprep.in_table_c21_c22, "a control character"),
    (stringprep.in_table_c3, "a private-use character"),
    (stringprep.in_table_c4, "a character that is not a character"),
    (stringprep.in_table_c5, "a character that is not text"),
    (stringprep.in_table_c6, "a character that is not text"),
    (stringprep.in_table_c7, "a character that is not text"),
    (stringprep.in_table_c8, "an invisible direction mark"),
    (stringprep.in_table_c9, "a tag character"),
)


def saslprep(text: str) -> str:
    """Map and normalise `text` as RFC 4013 says, then check it; raise ReportPasswordError.

    Unassigned code points (newer than Unicode 3.2, such as most emoji) are
    allowed, as for a query string: NFKC leaves them unchanged.
    """
    mapped = "".join(
        " " if stringprep.in_table_c12(ch) else ch for ch in text if not stringprep.in_table_b1(ch)
    )
    prepared = unicodedata.normalize("NFKC", mapped)
    for ch in prepared:
        for prohibited, what in _PROHIBITED:
            if prohibited(ch):
                raise ReportPasswordError(
                    f"A report password cannot contain {what} (U+{ord(ch):04X})."
                )
    right_to_left = [stringprep.in_table_d1(ch) for ch in prepared]
    if any(right_to_left) and (
        any(stringprep.in_table_d2(ch) for ch in prepared)
        or not (right_to_left[0] and right_to_left[-1])
    ):
        raise ReportPasswordError(
            "A report password that uses a right-to-left script must not mix in "
            "left-to-right letters, and must start and end with a right-to-left letter."
        )
    return prepared


def prepare_report_password(password: str) -> str:
    """The password as a PDF 2.0 reader will check it; raise ReportPasswordError if unusable.

    Args:
        password: What the clinician typed, or the first line of a password file.

    Returns:
        The SASLprep form, at least 6 characters and at most 127 bytes of UTF-8.
    """
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in password):
        raise ReportPasswordError("The report password is not UTF-8 text.")
    prepared = saslprep(password)
    if len(prepared) < MIN_CHARACTERS:
        raise ReportPasswordError(f"A report password needs at least {MIN_CHARACTERS} characters.")
    size = len(prepared.encode("utf-8"))
    if size > MAX_UTF8_BYTES:
        raise ReportPasswordError(
            f"A report password can be at most {MAX_UTF8_BYTES} bytes of UTF-8 "
            f"(this one is {size}): PDF readers ignore the rest, so shorten it."
        )
    return prepared


def password_from_file(data: bytes, name: str) -> str:
    """The report password in a password file: its first line, as the user wrote it.

    A leading UTF-8 byte-order mark (Notepad writes one) and the line's
    ending (LF, CRLF or CR) are not part of the password; everything else
    on the line is, spaces included.

    Args:
        data: The file's bytes.
        name: The file's name, for the message.

    Returns:
        The password, not yet prepared.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ReportPasswordError(f"The password file {name!r} is not UTF-8 text.") from None
    text = text.removeprefix(BOM)
    first = text.split("\n", 1)[0].removesuffix("\r")
    if not first:
        raise ReportPasswordError(
            f"The first line of the password file {name!r} is empty; no report was written."
        )
    return first


def read_password_file(path: Path) -> str:
    """Read, decode and prepare the password in `path`; raise ReportPasswordError."""
    try:
        data = path.read_bytes()
    except OSError:
        raise ReportPasswordError(f"The password file {path.name!r} cannot be read.") from None
    return prepare_report_password(password_from_file(data, path.name))


__all__ = [
    "MAX_UTF8_BYTES",
    "MIN_CHARACTERS",
    "ReportPasswordError",
    "password_from_file",
    "prepare_report_password",
    "read_password_file",
    "saslprep",
]
