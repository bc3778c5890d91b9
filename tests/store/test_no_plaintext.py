"""No plaintext anywhere: canaries in every field never reach a file on disk (test 5).

Covered: setup, import, live logging, note drafts, signing, an addendum, summary,
JSON and PDF export, backup, restore, passphrase change, a wrong passphrase, a
migration with its backup, and a kill -9 mid-transaction.

Every feature that exists runs as the real `crucible` command in a sandbox
(HOME, TMPDIR and the XDG folders all inside it); afterwards every file left
in the sandbox is scanned as bytes, UTF-8 and UTF-16 for each canary and for
SQLite's plaintext header. Files the user explicitly exported are excluded,
since exporting them is the point.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import SAMPLE_PATH

PASSPHRASE = "CANARY-pass-Quokka-7731"
NEW_PASSPHRASE = "CANARY-newpass-Wombat-4410"


def _canary(field: str) -> str:
    return f"CANARY{field.replace('.', '').replace('_', '')}Zx9"


def _canary_document() -> tuple[dict[str, Any], list[str]]:
    document = json.loads(SAMPLE_PATH.read_text("utf-8"))
    canaries: list[str] = []

    def put(target: dict[str, Any], key: str, name: str) -> None:
        value = _canary(name)
        target[key] = value
        canaries.append(value)

    put(document["couple"], "code", "code")
    for partner in document["couple"]["partners"]:
        put(partner, "name", f"name{partner['key']}")
        put(partner, "pronouns", f"pronouns{partner['key']}")
    intensive = document["intensive"]
    for key in ("title", "clinician", "trainee", "supervisor", "reflections"):
        put(intensive, key, key)
    block = intensive["days"][0]["blocks"][0]
    put(block, "title", "blocktitle")
    note = block["note"]
    put(note["sections"][0], "title", "sectiontitle")
    put(note["sections"][0], "text", "sectiontext")
    put(note, "signed_by", "signedby")
    for key in ("by", "reason", "text"):
        put(note["addenda"][0], key, f"addendum{key}")
    observation = block["observations"][0]
    for key in ("trigger", "quote", "intervention", "response", "note"):
        put(observation, key, f"obs{key}")
    return document, canaries


def _python(
    sandbox: Path, env: dict[str, str], script: str, *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run a Python script (with arguments) in a fresh interpreter inside the sandbox."""
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=sandbox,
        timeout=120,
    )


def _run(
    sandbox: Path, env: dict[str, str], *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    # The real command in a fresh interpreter, handed the fast test key profile explicitly.
    launcher = (
        "import sys; from crucible.app.cli import main; from crucible.app.store.keyfile import "
        "KdfParams; "
        "sys.exit(main(sys.argv[1:], kdf=KdfParams(1024, 1)))"
    )
    return _python(sandbox, env, launcher, "--vault", str(sandbox / "vault"), *args, stdin=stdin)


def test_no_canary_reaches_disk(tmp_path: Path) -> None:
    """After every feature runs, no canary or SQLite header is readable in any file."""
    sandbox = tmp_path / "sandbox"
    sandbox.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "CRUCIBLE"))}
    env.update(
        {
            "HOME": str(sandbox / "home"),
            "TMPDIR": str(sandbox / "tmp"),
            "XDG_CONFIG_HOME": str(sandbox / "config"),
            "XDG_CACHE_HOME": str(sandbox / "cache"),
            "XDG_DATA_HOME": str(sandbox / "data"),
            "XDG_STATE_HOME": str(sandbox / "state"),
            "XDG_RUNTIME_DIR": str(sandbox / "runtime"),
            "PYTHONPATH": str(Path(__file__).parents[2]),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    for name in ("home", "tmp", "config", "cache", "data", "state", "runtime"):
        (sandbox / name).mkdir(mode=0o700)
    document, canaries = _canary_document()
    exported = sandbox / "exports"
    exported.mkdir()
    source = exported / "canaries.json"  # the user's own file, excluded from the scan
    source.write_text(json.dumps(document), "utf-8")

    assert _run(sandbox, env, "init", stdin=PASSPHRASE + "\n").returncode == 0
    imported = _run(sandbox, env, "import", str(source), stdin=PASSPHRASE + "\n")
    assert imported.returncode == 0, imported.stderr
    new_id = imported.stdout.split()[-1]
    for args in (
        ("list",),
        ("summary", new_id),
        ("summary", new_id, "--json"),
        ("check",),
        ("export-json", new_id, "-o", str(exported / "out.json")),
    ):
        assert _run(sandbox, env, *args, stdin=PASSPHRASE + "\n").returncode == 0, args
    wrong = _run(sandbox, env, "list", stdin="wrong " + PASSPHRASE + "\n")
    assert wrong.returncode == 3
    assert _run(sandbox, env, "passwd", stdin=f"{PASSPHRASE}\n{NEW_PASSPHRASE}\n").returncode == 0
    bad = _run(sandbox, env, "import", str(sandbox / "missing.json"), stdin=NEW_PASSPHRASE + "\n")
    assert bad.returncode == 2
    # A migration (with its pre-migration backup) and a crash mid-write, on the canary vault.
    script = f"""
import os, signal, sys
from pathlib import Path
from crucible.app.store import migrate
from crucible.app.store.vault import UnlockThrottle, unlock_vault
from crucible.app.services.vault_access import open_vault
folder = Path({str(sandbox / "vault")!r})
vault = unlock_vault(folder, {NEW_PASSPHRASE!r}, throttle=UnlockThrottle())
migrate.downgrade(vault.engine, "0001")
vault.lock()
vault = open_vault(folder, {NEW_PASSPHRASE!r}, throttle=UnlockThrottle())
with vault.engine.begin() as c:
    c.exec_driver_sql("UPDATE observation SET note = note || ' CANARYcrashZx9' WHERE id = 1")
    os.kill(os.getpid(), signal.SIGKILL)
"""
    crashed = _python(sandbox, env, script)
    assert crashed.returncode == -9, crashed.stderr
    assert _run(sandbox, env, "check", stdin=NEW_PASSPHRASE + "\n").returncode == 0
    assert list((sandbox / "vault" / "backups").iterdir()), "the migration made no backup"
    # Live logging, note drafts, signing and an addendum through the app's services.
    session = f"""
from datetime import datetime, timedelta, timezone
from pathlib import Path
from crucible.app.domain.intensive import NoteSection, Observation
from crucible.app.domain.vocabulary import PartnerKey, Stance
from crucible.app.services.intensive_exchange import get_intensive
from crucible.app.services.notes import add_addendum, save_note, sign_note
from crucible.app.services.observations import log_observation
from crucible.app.services.vault_access import open_vault
from crucible.app.store.vault import UnlockThrottle
vault = open_vault(Path({str(sandbox / "vault")!r}), {NEW_PASSPHRASE!r}, throttle=UnlockThrottle())
block = get_intensive(vault, {int(new_id)}).days[1].blocks[0]
log_observation(vault, block.id, Observation(at=block.start + timedelta(minutes=3),
    partner=PartnerKey.A, stance=Stance.ONE_DOWN, quote="CANARYliveZx9"))
save_note(vault, block.id, [NoteSection("CANARYsectionZx9", "CANARYdraftZx9 first")])
save_note(vault, block.id, [NoteSection("CANARYsectionZx9", "CANARYdraftZx9 second")])
sign_note(vault, block.id, "CANARYsignerZx9")
add_addendum(vault, block.id, by="CANARYsignerZx9", reason="CANARYreasonZx9",
             text="CANARYaddZx9")
vault.lock()
"""
    worked = _python(sandbox, env, session)
    assert worked.returncode == 0, worked.stderr
    # A backup, a restore of it (the replaced vault is kept aside), and both reports.
    backup = _run(sandbox, env, "backup", stdin=NEW_PASSPHRASE + "\n")
    assert backup.returncode == 0, backup.stderr
    newest = max((sandbox / "vault" / "backups").iterdir(), key=lambda p: p.stat().st_mtime_ns)
    restored = _run(sandbox, env, "restore", str(newest), stdin=NEW_PASSPHRASE + "\n")
    assert restored.returncode == 0, restored.stderr
    for args in (
        ("report", new_id, "-o", str(exported / "summary.pdf")),
        ("report", new_id, "--supervision", "-o", str(exported)),
        ("export-csv", new_id, "--with-text", "--identified", "-o", str(exported / "research")),
        ("export-boris", new_id, "-o", str(exported / "intensive.boris")),
    ):
        made = _run(sandbox, env, *args, stdin=NEW_PASSPHRASE + "\n")
        assert made.returncode == 0, made.stderr
    # The hours log: entries carrying text, the totals, and its PDF.
    for args in (
        ("hours", "add-supervision", "--date", "2026-11-04", "--minutes", "60",
         "--format", "group", "--supervisor", "CANARYsupervisorZx9",
         "--setting", "CANARYsettingZx9"),
        ("hours", "add-contact", "--date", "2026-11-20", "--minutes", "50",
         "--kind", "individual", "--couple", "CANARYhoursZx9", "--setting", "CANARYsettingZx9"),
        ("hours", "--json"),
        ("hours", "--csv"),
        ("hours", "report", "-o", str(exported / "hours.pdf")),
    ):  # fmt: skip
        made = _run(sandbox, env, *args, stdin=NEW_PASSPHRASE + "\n")
        assert made.returncode == 0, made.stderr
    assert len(list(exported.glob("*.pdf"))) == 3

    needles = [
        *canaries,
        PASSPHRASE,
        NEW_PASSPHRASE,
        "CANARYcrashZx9",
        "CANARYliveZx9",
        "CANARYsectionZx9",
        "CANARYdraftZx9",
        "CANARYsignerZx9",
        "CANARYreasonZx9",
        "CANARYaddZx9",
        "CANARYsupervisorZx9",
        "CANARYhoursZx9",
        "CANARYsettingZx9",
    ]
    hits = []
    for path in sandbox.rglob("*"):
        if not path.is_file() or exported in path.parents:
            continue
        data = path.read_bytes()
        if b"SQLite format 3" in data:
            hits.append(f"{path.relative_to(sandbox)}: plaintext SQLite header")
        for needle in needles:
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                if needle.encode(encoding) in data:
                    hits.append(f"{path.relative_to(sandbox)}: {needle} ({encoding})")
    assert hits == []
    scanned = [p for p in sandbox.rglob("*") if p.is_file() and exported not in p.parents]
    assert any(p.name == "vault.db" for p in scanned)
