"""Vault content for the research-export tests: the sample, and a supervised canary intensive."""

from __future__ import annotations

import copy
import json
from typing import Any

from crucible.app.services.intensive_exchange import import_intensive
from crucible.app.store.vault import Vault
from tests.conftest import SAMPLE_PATH

CANARY_A = "Zephyrine Quillfeather"
CANARY_B = "Bartholomew Nightjar-Okonkwo"
CANARY_CODE = "QX-9931"
CANARY_WORDS = (
    CANARY_A,
    CANARY_B,
    "Zephyrine",
    "Quillfeather",
    "Bartholomew",
    "Nightjar",
    "Okonkwo",
)


def sample_document() -> dict[str, Any]:
    """The shipped sample intensive as an exchange document."""
    return json.loads(SAMPLE_PATH.read_text(encoding="utf-8"))


def canary_document() -> dict[str, Any]:
    """The sample, supervised, with canary names as the partners and in every free-text field."""
    document = copy.deepcopy(sample_document())
    document["couple"]["code"] = CANARY_CODE
    document["couple"]["partners"][0]["name"] = CANARY_A
    document["couple"]["partners"][1]["name"] = CANARY_B
    intensive = document["intensive"]
    intensive["trainee"] = "Trainee Tess"
    intensive["supervisor"] = "Supervisor Sol"
    intensive["title"] = f"Intensive of {CANARY_A} and {CANARY_B}"
    intensive["reflections"] = f"Zephyrine and Bartholomew: {CANARY_B.upper()} shouted."
    for day in intensive["days"]:
        for block in day["blocks"]:
            block["title"] = f"{block['title']} with Quillfeather"
            for n, observation in enumerate(block["observations"]):
                observation["quote"] = f"Zephyrine said {n}: 'Bartholomew, stop.'"
                observation["note"] = "Nightjar-Okonkwo looked away; Quillfeather's hands shook."
                observation["trigger"] = "Okonkwo raised his voice"
    return document


def add(vault: Vault, document: dict[str, Any]) -> int:
    """Import a document into the vault; return its id."""
    data = json.dumps(document, ensure_ascii=False).encode("utf-8")
    return import_intensive(vault, data, actor="test")


def observation_count(document: dict[str, Any]) -> int:
    """How many observations a document holds."""
    return sum(
        len(block["observations"])
        for day in document["intensive"]["days"]
        for block in day["blocks"]
    )
