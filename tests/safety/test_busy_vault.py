"""Commands during a long write (finding 4): readers go on, a second writer waits and says so.

The long write is another process inside a write transaction (what an
import of 50,000 observations is for half a minute). Reading commands
must not need the write lock: their audit events wait in the pending file
and reach the chain at the next unlock that finds the database free.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from tests.cli.conftest import Crucible
from tests.safety.processes import Holder

WAITING = "Waiting for another Crucible command to finish..."


def test_reading_commands_run_while_another_process_writes(
    initialized: Crucible, sample_copy: Path
) -> None:
    """list, check, audit, summary and backup each finish at once, exit 0, and are audited later."""
    assert initialized("import", str(sample_copy)).status == 0
    commands = (["list"], ["check"], ["audit"], ["summary", "1"], ["backup"])
    with Holder(initialized.folder, "write"):
        for command in commands:
            started = time.monotonic()
            result = initialized(*command)
            took = time.monotonic() - started
            assert result.status == 0, (command, result.err)
            assert WAITING not in result.err
            assert took < 3, (command, took)
    trail = initialized("audit", "--json")
    events = json.loads(trail.out)
    assert trail.status == 0, trail.err
    unlocks = [e for e in events if e["action"] == "unlock"]
    # init's import + 5 commands + the holder + this audit: every unlock is in the chain.
    assert len(unlocks) == 8
    assert [e["detail"]["reason"] for e in events if e["action"] == "backup"] == ["manual"]


def test_a_second_import_waits_for_the_first_and_says_so(
    initialized: Crucible, sample_copy: Path
) -> None:
    """The second writer prints the waiting line once on stderr and succeeds when the first ends."""
    with Holder(initialized.folder, "write", release_after=2.5):
        result = initialized("import", str(sample_copy))
    assert result.status == 0, result.err
    assert result.err.count(WAITING) == 1
    assert result.out.splitlines()[-1] == "1"
