"""What a research export says of itself: options, pseudonyms, codebook and data package.

The codebook (`codebook.md` for people, `codebook.json` for programs) and the
Frictionless `datapackage.json` are made from the column declarations in
`app.domain.research_table`, so they can never describe a column the CSV
does not have. The export's options are written into both, with the Crucible
version, so a reader months later knows whether the text was redacted and
whether the dates are real.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Final

from crucible.app.domain.research_columns import (
    BLOCK_COLUMNS,
    Column,
    intensive_columns,
    observation_columns,
)

OBSERVATIONS_CSV: Final = "observations.csv"
BLOCKS_CSV: Final = "blocks.csv"
INTENSIVES_CSV: Final = "intensives.csv"
CODEBOOK_MD: Final = "codebook.md"
CODEBOOK_JSON: Final = "codebook.json"
DATAPACKAGE_JSON: Final = "datapackage.json"
EXPORT_FILES: Final = (
    OBSERVATIONS_CSV,
    BLOCKS_CSV,
    INTENSIVES_CSV,
    CODEBOOK_MD,
    CODEBOOK_JSON,
    DATAPACKAGE_JSON,
)
CODEBOOK_FORMAT: Final = "crucible.research-codebook/1"
MAX_SHIFT_WEEKS: Final = 104


@dataclass(frozen=True, slots=True)
class ResearchOptions:
    """What the clinician chose for one export.

    Attributes:
        identified: Keep partners' names (columns and free text) and the vault's ids.
        keep_codes: Write couple codes instead of pseudonyms.
        shift_days: Days every date moves by; a multiple of 7 so weekdays stay.
        with_text: Add the observations' free-text fields.
        flip_window_s: The flip window of the flip columns.
    """

    identified: bool = False
    keep_codes: bool = False
    shift_days: int = 0
    with_text: bool = False
    flip_window_s: int = 120

    def __post_init__(self) -> None:
        if self.shift_days % 7:
            raise ValueError("a date shift must be whole weeks, so weekdays stay")
        if self.flip_window_s < 0:
            raise ValueError("the flip window must be zero or more seconds")

    @property
    def shift(self) -> timedelta:
        """The date shift as a duration."""
        return timedelta(days=self.shift_days)

    @property
    def codes_kept(self) -> bool:
        """Whether couple codes are written as they are."""
        return self.keep_codes or self.identified


@dataclass(slots=True)
class Pseudonyms:
    """Pseudonyms for intensives and couples, keyed by a secret drawn for one export.

    HMAC-SHA256 under the export's salt: the same intensive gets the same
    pseudonym in every file of the export, nobody can compute it without the
    salt (which is never written), and a collision, however unlikely, is
    resolved by a longer digest instead of merging two intensives.
    """

    salt: bytes
    _issued: dict[str, str] = field(default_factory=dict)
    _taken: set[str] = field(default_factory=set)

    def intensive(self, intensive_id: int) -> str:
        """The pseudonym of an intensive: ``I-`` and ten hex digits."""
        return self._issue("I-", f"intensive:{intensive_id}")

    def couple(self, code: str) -> str:
        """The pseudonym of a couple: ``C-`` and ten hex digits."""
        return self._issue("C-", f"couple:{code}")

    def _issue(self, prefix: str, key: str) -> str:
        known = self._issued.get(key)
        if known is not None:
            return known
        digest = hmac.new(self.salt, key.encode("utf-8"), hashlib.sha256).hexdigest()
        for length in (10, 16, 64):
            candidate = prefix + digest[:length]
            if candidate not in self._taken:
                break
        self._issued[key] = candidate
        self._taken.add(candidate)
        return candidate


def week_shift(weeks: int) -> int:
    """The shift in days for a number of weeks drawn by the caller (never 0 weeks)."""
    if weeks == 0 or abs(weeks) > MAX_SHIFT_WEEKS:
        raise ValueError(f"a date shift is 1 to {MAX_SHIFT_WEEKS} weeks either way")
    return weeks * 7


FLIP_RULE: Final = (
    "A flip is a partner's next observation of that same partner, in the same block, "
    "moving from one-down to one-up (a flip up: shame into grandiosity) or from one-up "
    "to one-down (a flip down: a collapse), at most the flip window later (inclusive). "
    "The other partner's observations in between are ignored; a same-as of the same "
    "partner in between breaks the flip; blocks never flip into each other."
)


def tables(options: ResearchOptions) -> dict[str, tuple[Column, ...]]:
    """Each CSV file of the export and its columns, in file order."""
    return {
        OBSERVATIONS_CSV: observation_columns(options.with_text),
        BLOCKS_CSV: BLOCK_COLUMNS,
        INTENSIVES_CSV: intensive_columns(options.identified),
    }


def _options_json(options: ResearchOptions) -> dict[str, Any]:
    return {
        "identified": options.identified,
        "couple_codes": "kept" if options.codes_kept else "pseudonyms",
        "dates_shifted": options.shift_days != 0,
        "with_text": options.with_text,
        "flip_window_s": options.flip_window_s,
    }


def codebook_json(options: ResearchOptions, version: str) -> bytes:
    """`codebook.json`: the machine-readable codebook (the shift itself is never written)."""
    document = {
        "format": CODEBOOK_FORMAT,
        "crucible_version": version,
        "options": _options_json(options),
        "flip_rule": FLIP_RULE,
        "missing_value": "",
        "tables": {
            name: [
                {
                    "name": c.name,
                    "type": c.type,
                    "description": c.description,
                    "values": dict(c.values),
                    "optional": c.optional,
                }
                for c in columns
            ]
            for name, columns in tables(options).items()
        },
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def codebook_markdown(options: ResearchOptions, version: str) -> bytes:
    """`codebook.md`: the same codebook for a person reading it."""
    lines = [
        "# Codebook: Crucible research export",
        "",
        f"Made by Crucible {version}. Tables are CSV (UTF-8, comma, header row, RFC 4180 "
        "quoting); a missing value is an empty field; yes/no is 0/1. `datapackage.json` "
        "describes the same tables for Frictionless tools.",
        "",
        "## This export's options",
        "",
        f"- Partners' names: {'kept (identified export)' if options.identified else 'removed'}",
        f"- Couple codes: {'kept' if options.codes_kept else 'replaced by pseudonyms'}",
        "- Dates: "
        + (
            "shifted by a secret whole number of weeks (weekdays and intervals kept)"
            if options.shift_days
            else "as recorded"
        ),
        f"- Free text: {_text_option(options)}",
        f"- Flip window: {options.flip_window_s} s",
        "",
        "## The flip rule",
        "",
        FLIP_RULE,
        "",
    ]
    for name, columns in tables(options).items():
        lines += [f"## {name}", "", "| column | type | meaning | values |", "|---|---|---|---|"]
        for column in columns:
            values = "; ".join(f"`{v}` {meaning}" for v, meaning in column.values.items())
            if column.optional:
                values = (values + "; " if values else "") + "may be empty"
            lines.append(
                f"| `{column.name}` | {column.type} | {_cell(column.description)} "
                f"| {_cell(values)} |"
            )
        lines.append("")
    return "\n".join(lines).encode("utf-8")


def _text_option(options: ResearchOptions) -> str:
    if not options.with_text:
        return "left out"
    if options.identified:
        return "included as typed"
    return "included, partners' names replaced by 'Partner A'/'Partner B'"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _field(column: Column) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "name": column.name,
        "type": column.type,
        "description": column.description,
    }
    constraints: dict[str, Any] = {}
    if not column.optional:
        constraints["required"] = True
    if column.values:
        values: list[Any] = list(column.values)
        if column.type == "integer":
            values = [int(v) for v in values]
        constraints["enum"] = values
    if constraints:
        spec["constraints"] = constraints
    if column.type == "datetime":
        spec["format"] = "any"
    return spec


def datapackage_json(options: ResearchOptions, version: str) -> bytes:
    """`datapackage.json`: a Frictionless Data Package (v1) whose resources are the CSV files."""
    resources = []
    for name, columns in tables(options).items():
        resources.append(
            {
                "name": name.removesuffix(".csv"),
                "path": name,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "doubleQuote": True, "header": True},
                "schema": {
                    "fields": [_field(c) for c in columns],
                    "missingValues": [""],
                },
            }
        )
    package = {
        "profile": "tabular-data-package",
        "name": "crucible-research-export",
        "title": "Crucible research export",
        "description": f"Coded observations exported by Crucible {version}; see codebook.md.",
        "resources": resources,
    }
    return (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


__all__ = [
    "BLOCKS_CSV",
    "CODEBOOK_JSON",
    "CODEBOOK_MD",
    "DATAPACKAGE_JSON",
    "EXPORT_FILES",
    "FLIP_RULE",
    "INTENSIVES_CSV",
    "OBSERVATIONS_CSV",
    "Pseudonyms",
    "ResearchOptions",
    "codebook_json",
    "codebook_markdown",
    "datapackage_json",
    "tables",
    "week_shift",
]
