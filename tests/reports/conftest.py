"""Fixtures for the report tests: the real sample, canary-laden intensives, PDF readers.

Documents are read with the app's own validating parser
(:func:`app.domain.exchange.parse_intensive`), so the reports are tested on
exactly what an import produces.
"""

from __future__ import annotations

import io
import json
import zlib
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pikepdf
import pypdf
import pypdfium2 as pdfium
import pytest

from crucible.app.domain.exchange import parse_intensive
from crucible.app.domain.intensive import (
    Addendum,
    Couple,
    Intensive,
    NoteSection,
)
from crucible.app.domain.release import version
from crucible.reports import ReportOptions

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "intensive-sample.json"
REPORT_DATE = date(2026, 11, 25)

CANARY_A = "Zephyrine Quillfeather"
CANARY_B = "Bartholomew Nightjar-Okonkwo"
CANARY_COUPLE_NAME = "Quillfeather-Nightjar household"


# ------------------------------------------------------------------ loading


def load_intensive(document: dict[str, Any]) -> Intensive:
    """Domain objects from an exchange-format document, through the real validating parser."""
    return parse_intensive(document)


@pytest.fixture(scope="session")
def sample() -> Intensive:
    """The real sample intensive shipped with the tests."""
    return load_intensive(json.loads(SAMPLE.read_text(encoding="utf-8")))


# ------------------------------------------------------------------ canaries


def with_names(intensive: Intensive, name_a: str, name_b: str) -> Intensive:
    """The intensive with the partners renamed."""
    a, b = intensive.couple.partners
    couple = Couple(intensive.couple.code, (replace(a, name=name_a), replace(b, name=name_b)))
    return replace(intensive, couple=couple)


def with_canary_text(intensive: Intensive, name_a: str, name_b: str) -> Intensive:
    """Type the partners' names (full, first, last, possessive, upper case) into every field."""
    first_a, last_a = name_a.split()[0], name_a.split()[-1]
    first_b, last_b = name_b.split()[0], name_b.split()[-1]
    text = (
        f"{name_a} & {name_b} arrived late. {first_a}'s jaw tightened when {last_b} spoke; "
        f"{first_b.upper()} said <'{last_a}'> never listens & {first_b} left. "
        f"The {CANARY_COUPLE_NAME} agreed."
    )
    days = []
    for day in intensive.days:
        blocks = []
        for index, block in enumerate(day.blocks):
            obs = tuple(
                replace(
                    o,
                    trigger=text,
                    quote=f"{first_b}, stop!",
                    intervention=text,
                    response=f"{last_a} softened",
                    note=text,
                )
                if i % 9 == 0
                else o
                for i, o in enumerate(block.observations)
            )
            note = replace(
                block.note,
                sections=(*block.note.sections, NoteSection(f"About {first_a}", text)),
                addenda=(
                    *block.note.addenda,
                    Addendum(
                        block.start + timedelta(days=1),
                        "Jordan Reyes, LMFT",
                        f"{first_b} called",
                        text,
                    ),
                ),
            )
            title = f"{block.title} with {first_a}" if index == 0 else block.title
            blocks.append(replace(block, title=title, note=note, observations=obs))
        days.append(replace(day, blocks=tuple(blocks)))
    return replace(
        with_names(intensive, name_a, name_b),
        title=f"Intensive for {name_a} and {name_b}",
        trainee="Riley Mendez, trainee",
        supervisor="Dr. Morgan Ashe",
        reflections=f"I noticed my pull to rescue {first_a}.\n\n{text}\n{last_b} reminded me of "
        "my own family.",
        days=tuple(days),
    )


@pytest.fixture(scope="session")
def canary(sample: Intensive) -> Intensive:
    """A supervised intensive with the partners' names typed into every free-text field."""
    return with_canary_text(sample, CANARY_A, CANARY_B)


@pytest.fixture
def options() -> ReportOptions:
    """Letter paper, fixed report date."""
    return ReportOptions(report_date=REPORT_DATE, prepared_by="Jordan Reyes, LMFT")


# ------------------------------------------------------------------ reading PDFs


def page_texts(pdf: bytes) -> list[str]:
    """Extracted text of every page."""
    return [page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def checked_metadata(pdf: bytes, title: str, author: str) -> Any:
    """The document information, asserted present with this title and author, made by Crucible."""
    meta = pypdf.PdfReader(io.BytesIO(pdf)).metadata
    assert meta is not None
    assert meta.title == title
    assert meta.author == author
    assert meta.creator == f"Crucible {version()}"
    return meta


def metadata_strings(pdf: bytes) -> list[str]:
    """Document-information and XMP strings, as pypdf and pikepdf see them."""
    out = [str(v) for v in (pypdf.PdfReader(io.BytesIO(pdf)).metadata or {}).values()]
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        out += [str(v) for v in doc.docinfo.values()]
        with doc.open_metadata() as xmp:
            out += [str(v) for v in xmp.values()]
    return out


def decompressed_streams(pdf: bytes) -> bytes:
    """Every stream of the file, decompressed, concatenated with the raw file."""
    chunks = [pdf]
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    chunks.append(obj.read_bytes())
                except pikepdf.PdfError:
                    chunks.append(zlib.decompress(obj.read_raw_bytes()))
    return b"\n".join(chunks)


def render_pages(pdf: bytes, scale: float = 0.5) -> list[Any]:
    """Every page as a greyscale PIL image."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [document[i].render(scale=scale).to_pil().convert("L") for i in range(len(document))]
    finally:
        document.close()


def ink(image: Any, box: tuple[float, float, float, float] = (0, 0, 1, 1)) -> float:
    """Share of non-white pixels in a region given as fractions (left, top, right, bottom)."""
    w, h = image.size
    region = image.crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)))
    histogram = region.histogram()
    total = sum(histogram) or 1
    return 1 - sum(histogram[245:]) / total
