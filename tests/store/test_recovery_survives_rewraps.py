"""The recovery code outlives every passphrase change, recovery, backup and restore.

A passphrase change wraps the data key anew under freshly calibrated KDF
parameters and leaves the recovery wrap as it is; the recovery wrap must
not depend on those parameters. The state machine drives the real services
with different small parameters at each step, as calibration on a real
machine would pick, and checks after every step that the current
passphrase and the original recovery code both unwrap the vault's one data
key, and that every backup still opens with the secrets valid when it was
made.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from crucible.app.domain.passphrase import passphrase_problem
from crucible.app.services import backups
from crucible.app.services.vault_access import (
    UnlockThrottle,
    new_vault,
    open_vault,
    reset_passphrase_with_code,
    set_new_passphrase,
)
from crucible.app.store.keyfile import KdfParams, KeyFile, read_key_file
from tests.conftest import DATA, FakeClock

kdf_params = st.builds(
    KdfParams,
    memory_kib=st.integers(1024, 4096),
    time_cost=st.integers(1, 2),
    parallelism=st.integers(1, 2),
)
# Any passphrase the rule accepts (app.domain.passphrase: 8 characters that are not spaces).
passphrases = st.text(min_size=8, max_size=24).filter(lambda text: passphrase_problem(text) is None)


class PassphraseHistory(RuleBasedStateMachine):
    """One vault, its original recovery code, and the backups made along the way."""

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="crucible-rewraps-"))
        self.folder = self.root / "vault"
        self.kept = self.root / "kept"
        self.kept.mkdir()
        self.clock = FakeClock()
        self.passphrase = ""
        self.code = ""
        self.data_key = b""
        self.backups: list[tuple[Path, str]] = []  # (file, the passphrase valid when made)

    @initialize(passphrase=passphrases, kdf=kdf_params)
    def create(self, passphrase: str, kdf: KdfParams) -> None:
        vault, self.code = new_vault(self.folder, passphrase, kdf=kdf, clock=self.clock)
        self.data_key = vault.data_key.raw()
        vault.lock()
        self.passphrase = passphrase

    @rule(new=passphrases, kdf=kdf_params)
    def passwd(self, new: str, kdf: KdfParams) -> None:
        set_new_passphrase(self.folder, self.passphrase, new, kdf=kdf, clock=self.clock)
        self.passphrase = new

    @rule(new=passphrases, kdf=kdf_params)
    def recover(self, new: str, kdf: KdfParams) -> None:
        reset_passphrase_with_code(self.folder, self.code, new, kdf=kdf, clock=self.clock)
        self.passphrase = new

    @rule()
    def backup(self) -> None:
        self.clock.advance(61)
        throttle = UnlockThrottle(sleep=lambda _: None)
        with open_vault(self.folder, self.passphrase, clock=self.clock, throttle=throttle) as vault:
            result = backups.backup_now(vault, clock=self.clock, destination=self.kept)
        self.backups.append((result.info.path, self.passphrase))

    @precondition(lambda self: self.backups)
    @rule(data=st.data(), with_code=st.booleans())
    def restore(self, data: st.DataObject, with_code: bool) -> None:
        path, passphrase_then = data.draw(st.sampled_from(self.backups))
        self.clock.advance(61)
        secret = self.code if with_code else passphrase_then
        outcome = backups.restore(path, self.folder, secret, clock=self.clock)
        assert outcome.method == ("recovery-code" if with_code else "passphrase")
        self.passphrase = passphrase_then

    @invariant()
    def both_secrets_open_the_vault(self) -> None:
        if not self.code:
            return
        key_file = read_key_file(self.folder / "vault.key")
        assert key_file.unwrap_with_passphrase(self.passphrase).raw() == self.data_key
        assert key_file.unwrap_with_recovery_code(self.code).raw() == self.data_key

    @invariant()
    def every_backup_opens_with_the_secrets_of_its_time(self) -> None:
        for path, passphrase_then in self.backups:
            with zipfile.ZipFile(path) as archive:
                key_file = KeyFile.from_json(archive.read("vault.key"))
            assert key_file.unwrap_with_passphrase(passphrase_then).raw() == self.data_key
            assert key_file.unwrap_with_recovery_code(self.code).raw() == self.data_key

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


PassphraseHistory.TestCase.settings = settings(
    max_examples=12, stateful_step_count=8, deadline=None
)
TestPassphraseHistory = PassphraseHistory.TestCase


LEGACY_VAULT = DATA / "vaults" / "schema-0001"
LEGACY_PASSPHRASE = "fixture passphrase 0001"
LEGACY_CODE = "BNF2-VY57-942C-BGHD-5K0P-3RQX-8T9N-SB1W"


def test_a_vault_made_before_the_fix_keeps_its_recovery_code(
    tmp_path: Path, clock: FakeClock
) -> None:
    """A vault whose key file the old code wrote survives passwd and recover with new parameters."""
    folder = tmp_path / "vault"
    shutil.copytree(LEGACY_VAULT, folder)
    (folder / "README.txt").unlink()
    set_new_passphrase(
        folder, LEGACY_PASSPHRASE, "second passphrase", kdf=KdfParams(2048, 2, 2), clock=clock
    )
    reset_passphrase_with_code(
        folder, LEGACY_CODE, "third passphrase", kdf=KdfParams(3072, 1, 1), clock=clock
    )
    throttle = UnlockThrottle(sleep=lambda _: None)
    open_vault(folder, "third passphrase", clock=clock, throttle=throttle).lock()
    reset_passphrase_with_code(
        folder, LEGACY_CODE, "fourth passphrase", kdf=KdfParams(1024, 2, 1), clock=clock
    )
    open_vault(folder, "fourth passphrase", clock=clock, throttle=throttle).lock()
