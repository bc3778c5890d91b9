"""What Help › About says: the release, the vault folder, and every licence that ships.

Read from what is installed, not from a list kept by hand: the version and
the libraries' licences from their distribution metadata, the fonts' licence
texts from the package data beside the fonts. So the About box of a wheel,
an editable install and the desktop bundle each describe what they carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from crucible.app.domain.release import DISTRIBUTION, version
from crucible.app.domain.resource_files import resource

# The libraries a running Crucible loads, in the order the About box lists them.
LIBRARIES = (
    "PySide6-Essentials",
    "shiboken6",
    "pyqtgraph",
    "SQLAlchemy",
    "alembic",
    "sqlcipher3",
    "argon2-cffi",
    "cryptography",
    "reportlab",
    "pikepdf",
    "platformdirs",
    "python-bidi",
    "arabic-reshaper",
)
# Licences a distribution ships only as a file, read from that file once and written here.
STATED_IN_FILES = {"sqlcipher3": "Zlib (SQLCipher, built into it: BSD-3-Clause)"}
FONT_LICENCES = ("LICENSE-DejaVu.txt", "LICENSE-Noto-OFL.txt", "LICENSE-Symbola.txt")

QT_NOTICE = (
    "Crucible uses Qt 6 and Qt for Python (PySide6, shiboken6) under the GNU Lesser "
    "General Public License version 3 (LGPL-3.0). They are linked dynamically and "
    "ship as separate, unmodified libraries: you may replace them with versions you "
    "build yourself. Their source code is available from the Qt Project "
    "(code.qt.io) and, on request, from the distributor of this copy of Crucible. "
    "Qt is a trademark of The Qt Company Ltd."
)


@dataclass(frozen=True, slots=True)
class Library:
    """One third-party distribution that ships with Crucible."""

    name: str
    version: str
    licence: str


@dataclass(frozen=True, slots=True)
class AboutFacts:
    """Everything the About box shows; no client data, so it is shown locked or not."""

    version: str
    vault_folder: Path
    crucible_licence: str
    fonts: tuple[tuple[str, str], ...]  # (licence file name, its text)
    libraries: tuple[Library, ...]
    qt_notice: str = QT_NOTICE


def _first(meta: metadata.PackageMetadata, field: str) -> str:
    """A metadata field's first value, or "" when the distribution does not state it."""
    values = meta.get_all(field) or []
    return str(values[0]) if values else ""


def licence_of(meta: metadata.PackageMetadata) -> str:
    """A distribution's licence as its metadata states it: the SPDX expression, else the rest.

    Older metadata puts the whole licence text into `License`; only its first
    line is kept, and the trove classifiers are the last resort.
    """
    expression = _first(meta, "License-Expression")
    if expression:
        return expression
    text = _first(meta, "License").strip()
    if text and text.upper() != "UNKNOWN":
        return text.splitlines()[0][:120]
    classifiers = [
        c.rsplit(" :: ", 1)[-1]
        for c in meta.get_all("Classifier") or []
        if c.startswith("License ::")
    ]
    return ", ".join(classifiers) or "not stated in its metadata"


def about_facts(vault_folder: Path) -> AboutFacts:
    """The About box's content for this installation and vault folder.

    Raises:
        importlib.metadata.PackageNotFoundError: If a library it lists is not
            installed, which a complete installation never lacks.
    """
    libraries = []
    for name in LIBRARIES:
        meta = metadata.metadata(name)
        licence = STATED_IN_FILES.get(name) or licence_of(meta)
        libraries.append(Library(str(meta["Name"]), str(meta["Version"]), licence))
    fonts = tuple(
        (name, resource("fonts", name).read_text(encoding="utf-8")) for name in FONT_LICENCES
    )
    return AboutFacts(
        version=version(),
        vault_folder=vault_folder,
        crucible_licence=licence_of(metadata.metadata(DISTRIBUTION)),
        fonts=fonts,
        libraries=tuple(libraries),
    )
