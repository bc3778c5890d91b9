"""An import reads its observations a block at a time, not the whole document as objects (issue 16).

The proof is a memory limit: a child process caps its address space
(`resource.setrlimit(RLIMIT_AS)`) a little above what it uses once the
document's bytes are read, then imports. Decoding the whole document into
dicts, then domain objects, then ORM rows (as before) needs several times
the document's size on top and dies with MemoryError; reading the
observations as text and inserting them in chunks fits.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.common import big_document
from crucible.app.domain.json_outline import DeferredArray, OutlineRefused, outline

ROOT = Path(__file__).resolve().parents[2]
OBSERVATIONS = 60_000
HEADROOM_MIB = 120

CHILD = """
import json, resource, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from crucible.app.services.intensive_exchange import import_intensive
from crucible.app.services.vault_access import new_vault
from tests.conftest import FAST_KDF
vault, _ = new_vault(Path(sys.argv[2]), "a passphrase for the limit", kdf=FAST_KDF)
data = Path(sys.argv[3]).read_bytes()
size = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmSize"))
limit = size * 1024 + int(sys.argv[4]) * 2**20
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
new_id = import_intensive(vault, data, actor="test")
with vault.session() as session:
    from sqlalchemy import text
    count = session.execute(text(
        "SELECT count(*) FROM observation JOIN block ON block.id = observation.block_id "
        "JOIN day ON day.id = block.day_id WHERE day.intensive_id = :i"), {"i": new_id}).scalar()
vault.lock()
print(json.dumps({"id": new_id, "observations": count, "document_mib": len(data) / 2**20}))
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_a_big_document_imports_under_a_memory_limit(tmp_path: Path) -> None:
    """60,000 observations import with 120 MiB of address space to spare, all of them stored."""
    document = tmp_path / "big.json"
    document.write_text(json.dumps(big_document(OBSERVATIONS, note_chars=200)), "utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            str(ROOT),
            str(tmp_path / "vault"),
            str(document),
            str(HEADROOM_MIB),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["observations"] == OBSERVATIONS
    assert result["document_mib"] > 10  # the tree of dicts alone would not fit in the headroom


@pytest.mark.parametrize(
    "dump",
    [
        {"indent": 1},
        {},
        {"separators": (",", ":")},
        {"separators": (" ,\t", " :\r\n")},
    ],
    ids=["indented", "default", "compact", "odd-spaces"],
)
def test_outline_defers_only_the_observations(dump: dict[str, Any]) -> None:
    """Everything but each block's observations is decoded; those decode as iterated, equal."""
    document = big_document(50, note_chars=100)
    text = json.dumps(document, **dump)
    outlined = outline(text)
    block = outlined["intensive"]["days"][0]["blocks"][0]
    expected = document["intensive"]["days"][0]["blocks"][0]["observations"]
    assert isinstance(block["observations"], DeferredArray)
    assert len(block["observations"]) == len(expected)
    assert list(block["observations"]) == expected
    assert block["note"] == document["intensive"]["days"][0]["blocks"][0]["note"]
    assert outlined["couple"] == document["couple"]


@pytest.mark.parametrize(
    "text",
    [
        '{"format": "crucible.intensive/1",}',
        '{"intensive": {"days": [{"blocks": [{"observations": [1 2]}]}]}}',
        '{"a": 1} trailing',
        "[" * 100_000,
    ],
)
def test_outline_refuses_what_json_loads_must_describe(text: str) -> None:
    """Bad syntax is left to json.loads, whose message the import shows (unchanged)."""
    with pytest.raises(OutlineRefused):
        outline(text)
