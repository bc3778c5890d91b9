"""Finding 14: failed attempts are counted across processes, slowed down, and audited.

Each `crucible` call below is a separate run of the command with a fresh
throttle, as separate processes would be; only the file beside the vault
carries the count from one to the next.
"""

from __future__ import annotations

import json
import stat
import unicodedata

import pytest

from crucible.app.store.throttle import ATTEMPTS_FILE
from tests.cli.conftest import Crucible
from tests.conftest import FAST_KDF, PASSPHRASE

WRONG = "not the passphrase\n"


def test_the_backoff_carries_over_between_runs(initialized: Crucible) -> None:
    """1, 2, 4 s before the 2nd, 3rd, 4th try; the wait is announced; success resets it."""
    for _ in range(4):
        assert initialized("list", stdin=WRONG).status == 3
    waits = initialized.waits
    assert len(waits) == 3
    assert [round(w) for w in waits] == [1, 2, 4]
    last = initialized("list")
    assert last.status == 0
    assert round(initialized.waits[-1]) == 8
    assert "Waiting 8 s" in last.err
    initialized.waits.clear()
    assert initialized("list").status == 0
    assert initialized.waits == []
    assert not (initialized.folder / ATTEMPTS_FILE).exists()


def test_the_attempts_file_is_private_and_holds_no_secret(initialized: Crucible) -> None:
    """Owner-only, a count and a time: nothing typed is kept."""
    initialized("list", stdin="my secret guess\n")
    path = initialized.folder / ATTEMPTS_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    document = json.loads(path.read_text("utf-8"))
    assert document["failures"] == 1
    assert "guess" not in path.read_text("utf-8")


def test_failed_attempts_are_audited_at_the_next_unlock(initialized: Crucible) -> None:
    """Wrong passphrases, a wrong current passphrase in passwd and a wrong recovery code."""
    initialized("list", stdin=WRONG)
    initialized("export-json", "1", stdin=WRONG)
    initialized("passwd", stdin=f"{WRONG}another good passphrase\n")
    initialized("recover", stdin="AAAA-BBBB\nanother good passphrase\n")
    result = initialized("audit", "--json")
    assert result.status == 0, result.err
    failed = [e for e in json.loads(result.out) if e["action"] == "failed-unlock"]
    assert len(failed) == 4
    assert {e["actor"] for e in failed} == {"crucible-cli"}


def test_passwd_and_recover_are_throttled_too(initialized: Crucible) -> None:
    """Guessing through passwd or recover pays the same growing wait."""
    initialized("passwd", stdin=f"{WRONG}another good passphrase\n")
    initialized("recover", stdin="AAAA-BBBB\nanother good passphrase\n")
    assert [round(w) for w in initialized.waits] == [1]


NFC = "café crème brûlée à minuit"
NFD = unicodedata.normalize("NFD", NFC)


def test_an_nfd_passphrase_opens_a_vault_made_with_nfc(crucible: Crucible) -> None:
    """The same words typed on a keyboard that sends decomposed accents open the vault."""
    assert NFD != NFC
    assert crucible("init", stdin=NFC + "\n").status == 0
    assert crucible("list", stdin=NFD + "\n").status == 0
    assert crucible("passwd", stdin=f"{NFD}\n{NFD} encore\n").status == 0
    assert crucible("list", stdin=f"{NFC} encore\n").status == 0


def test_a_vault_keyed_before_normalisation_still_opens(
    crucible: Crucible, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key file wrapped under the raw NFD string (the old behaviour) opens with it typed raw."""
    import crucible.app.store.keyfile as keyfile
    from crucible.app.services.vault_access import new_vault

    with monkeypatch.context() as old_code:
        old_code.setattr(keyfile, "normalize_passphrase", lambda passphrase: passphrase)
        vault, _code = new_vault(crucible.folder, NFD, kdf=FAST_KDF)
        vault.lock()
    assert crucible("list", stdin=NFD + "\n").status == 0
    # Rewrapped from now on, under the NFC form: both spellings open it.
    assert crucible("passwd", stdin=f"{NFD}\n{NFD}\n").status == 0
    assert crucible("list", stdin=NFC + "\n").status == 0
    assert crucible("list", stdin=PASSPHRASE + "\n").status == 3
