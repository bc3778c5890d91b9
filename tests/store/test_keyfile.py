"""vault.key: wrapping, the recovery code, and refusing damaged files clearly."""

from __future__ import annotations

import contextlib
import itertools
import json
import time
from collections.abc import Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crucible.app.store.errors import KeyFileError, WrongSecretError
from crucible.app.store.keyfile import (
    FLOOR_PARAMS,
    KdfParams,
    KeyFile,
    calibrate,
    derive_passphrase_key,
    new_recovery_code,
    normalize_recovery_code,
    read_key_file,
)
from crucible.app.store.secrets import DataKey
from tests.conftest import DATA, FAST_KDF

OTHER_KDF = KdfParams(memory_kib=2048, time_cost=2, parallelism=2)
# Written by the code before the recovery wrap recorded its own binding (see its README).
LEGACY_VAULT = DATA / "vaults" / "schema-0001"
LEGACY_PASSPHRASE = "fixture passphrase 0001"
LEGACY_CODE = "BNF2-VY57-942C-BGHD-5K0P-3RQX-8T9N-SB1W"


@pytest.fixture
def wrapped() -> tuple[KeyFile, DataKey, str]:
    key = DataKey.generate()
    code = new_recovery_code()
    return KeyFile.wrap(key, "passphrase one", code, FAST_KDF), key, code


def test_both_secrets_unwrap_the_same_data_key(wrapped: tuple[KeyFile, DataKey, str]) -> None:
    """The passphrase and the recovery code each recover the original data key."""
    key_file, key, code = wrapped
    parsed = KeyFile.from_json(key_file.to_json())
    assert parsed.unwrap_with_passphrase("passphrase one").raw() == key.raw()
    assert parsed.unwrap_with_recovery_code(code).raw() == key.raw()


def test_wrong_secrets_are_refused(wrapped: tuple[KeyFile, DataKey, str]) -> None:
    """A wrong passphrase or code fails the GCM check with its own sentence."""
    key_file, _, _ = wrapped
    with pytest.raises(WrongSecretError, match="passphrase is not correct"):
        key_file.unwrap_with_passphrase("passphrase two")
    with pytest.raises(WrongSecretError, match="recovery code is not correct"):
        key_file.unwrap_with_recovery_code(new_recovery_code())


def test_recovery_code_is_typed_forgivingly(wrapped: tuple[KeyFile, DataKey, str]) -> None:
    """Lower case, spaces for dashes, O for 0 and I/L for 1 are all accepted."""
    key_file, key, code = wrapped
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert key_file.unwrap_with_recovery_code(typed).raw() == key.raw()
    assert normalize_recovery_code(" ab-cd ") == "ABCD"


def test_recovery_code_carries_160_bits() -> None:
    """Eight groups of four base32 symbols: 160 bits, well above the 128 required."""
    code = new_recovery_code()
    groups = code.split("-")
    assert len(groups) == 8
    assert all(len(g) == 4 for g in groups)
    assert len(set(new_recovery_code() for _ in range(50))) == 50


def test_edited_kdf_parameters_fail_the_unwrap(wrapped: tuple[KeyFile, DataKey, str]) -> None:
    """Parameters are bound as associated data: weakening them in the file breaks the wrap."""
    key_file, _, _ = wrapped
    document = json.loads(key_file.to_json())
    document["kdf"]["time_cost"] = 2
    tampered = KeyFile.from_json(json.dumps(document).encode())
    with pytest.raises(WrongSecretError):
        tampered.unwrap_with_passphrase("passphrase one")


def test_recovery_code_survives_a_rewrap_with_other_parameters(
    wrapped: tuple[KeyFile, DataKey, str],
) -> None:
    """A passphrase change recalibrates the KDF; the untouched recovery wrap still opens."""
    key_file, key, code = wrapped
    rewrapped = KeyFile.from_json(
        key_file.rewrap_passphrase(key, "passphrase two", OTHER_KDF).to_json()
    )
    assert rewrapped.kdf == OTHER_KDF
    assert rewrapped.unwrap_with_passphrase("passphrase two").raw() == key.raw()
    assert rewrapped.unwrap_with_recovery_code(code).raw() == key.raw()


def test_a_key_file_from_before_the_fix_keeps_both_secrets_through_rewraps() -> None:
    """A key file written by the old code (no recorded binding) opens, and survives rewraps."""
    legacy = read_key_file(LEGACY_VAULT / "vault.key")
    assert "aad_kdf" not in json.loads((LEGACY_VAULT / "vault.key").read_text())["recovery_wrap"]
    key = legacy.unwrap_with_passphrase(LEGACY_PASSPHRASE)
    assert legacy.unwrap_with_recovery_code(LEGACY_CODE).raw() == key.raw()
    once = KeyFile.from_json(legacy.rewrap_passphrase(key, "second one", OTHER_KDF).to_json())
    twice = KeyFile.from_json(
        once.rewrap_passphrase(key, "third one", KdfParams(3072, 1)).to_json()
    )
    for key_file, passphrase in ((once, "second one"), (twice, "third one")):
        assert key_file.unwrap_with_passphrase(passphrase).raw() == key.raw()
        assert key_file.unwrap_with_recovery_code(LEGACY_CODE).raw() == key.raw()


def test_edited_recovery_binding_fails_the_unwrap(wrapped: tuple[KeyFile, DataKey, str]) -> None:
    """The recorded parameters of the recovery wrap are authenticated like the top-level ones."""
    key_file, key, code = wrapped
    document = json.loads(key_file.to_json())
    assert document["recovery_wrap"]["aad_kdf"] == {
        "memory_kib": FAST_KDF.memory_kib,
        "time_cost": FAST_KDF.time_cost,
        "parallelism": FAST_KDF.parallelism,
    }
    document["recovery_wrap"]["aad_kdf"]["time_cost"] = 2
    tampered = KeyFile.from_json(json.dumps(document).encode())
    with pytest.raises(WrongSecretError, match="recovery code is not correct"):
        tampered.unwrap_with_recovery_code(code)
    assert tampered.unwrap_with_passphrase("passphrase one").raw() == key.raw()


@pytest.mark.parametrize("binding", ["x", [], {}, {"memory_kib": 1024, "time_cost": True}])
def test_a_damaged_recovery_binding_is_a_damaged_key_file(
    wrapped: tuple[KeyFile, DataKey, str], binding: object
) -> None:
    """A recorded binding that is not three sane integers is damage, never a crash."""
    key_file, _, _ = wrapped
    document = json.loads(key_file.to_json())
    document["recovery_wrap"]["aad_kdf"] = binding
    with pytest.raises(KeyFileError, match="key file"):
        KeyFile.from_json(json.dumps(document).encode())


def test_no_secret_in_reprs(wrapped: tuple[KeyFile, DataKey, str]) -> None:
    """The data key never shows in repr or str."""
    _, key, _ = wrapped
    assert key.raw().hex() not in repr(key)
    assert "redacted" in str(key)


def test_wipe_overwrites_the_key() -> None:
    """After wipe the key bytes are gone and using them fails."""
    key = DataKey.generate()
    key.wipe()
    with pytest.raises(ValueError, match="wiped"):
        key.raw()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not json",
        b"[]",
        b'{"format": "crucible.vault-key/9"}',
        b"\xff\xfe",
        b'{"format": "crucible.vault-key/1", "kdf": {}, "passphrase_wrap": {}, '
        b'"recovery_wrap": {}}',
    ],
)
def test_damaged_key_files_are_one_clear_error(content: bytes) -> None:
    """Anything that does not parse as a key file is KeyFileError, never a crash."""
    with pytest.raises(KeyFileError, match="key file"):
        KeyFile.from_json(content)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_fuzzed_key_files_never_crash(data: st.DataObject) -> None:
    """Random edits of a valid key file give a valid unwrap, WrongSecret or KeyFileError."""
    key_file = KeyFile.wrap(DataKey.generate(), "pw", new_recovery_code(), FAST_KDF)
    raw = bytearray(key_file.to_json())
    for _ in range(data.draw(st.integers(1, 6))):
        index = data.draw(st.integers(0, len(raw) - 1))
        raw[index] = data.draw(st.integers(0, 255))
    with contextlib.suppress(KeyFileError, WrongSecretError):
        KeyFile.from_json(bytes(raw)).unwrap_with_passphrase("pw")


class ScriptedClock:
    """A perf_counter stand-in: each timed run (a start and an end call) lasts the next duration."""

    def __init__(self, durations: Iterable[float]) -> None:
        self._durations = iter(durations)
        self._now = 0.0
        self._running = False
        self.runs = 0

    def __call__(self) -> float:
        if self._running:
            self._now += next(self._durations)
            self.runs += 1
        self._running = not self._running
        return self._now


def test_the_floor_is_rfc_9106s_second_recommendation() -> None:
    """64 MiB, three passes, four lanes; anything weaker in any of them is below the floor."""
    assert KdfParams(memory_kib=64 * 1024, time_cost=3, parallelism=4) == FLOOR_PARAMS
    assert FLOOR_PARAMS.meets_floor()
    assert not KdfParams(111_678, 3, 1).meets_floor()  # what a busy machine used to pick
    assert not KdfParams(64 * 1024, 2, 4).meets_floor()
    assert not KdfParams(60 * 1024, 3, 4).meets_floor()
    assert KdfParams(256 * 1024, 5, 8).meets_floor()


def test_calibration_on_a_machine_too_slow_for_the_target_stays_at_the_floor() -> None:
    """When every probe takes seconds, calibration still returns the floor, never less."""
    assert calibrate(clock=ScriptedClock(itertools.repeat(5.0))) == FLOOR_PARAMS


def test_calibration_never_goes_below_the_previous_parameters() -> None:
    """The key file's parameters are a floor too: each one is kept or raised, never lowered."""
    previous = KdfParams(memory_kib=66_560, time_cost=1, parallelism=8)
    params = calibrate(clock=ScriptedClock(itertools.repeat(5.0)), floor=previous)
    assert params == KdfParams(memory_kib=66_560, time_cost=3, parallelism=8)


def test_a_stall_during_one_timed_run_does_not_settle_calibration_low() -> None:
    """Each probe is timed several times and the fastest run counts, so a hiccup is ignored."""
    clock = ScriptedClock(itertools.chain([5.0, 0.45, 0.45], itertools.repeat(0.7)))
    params = calibrate(clock=clock)
    assert params.memory_kib > FLOOR_PARAMS.memory_kib
    assert params.meets_floor()


@pytest.mark.slow
def test_production_parameters_meet_the_floor_and_take_half_a_second() -> None:
    """calibrate() never goes below 64 MiB / t=3 / p=4 and one derivation takes about 0.5-1 s."""
    params = calibrate()
    assert params.meets_floor()
    assert params.memory_kib >= FLOOR_PARAMS.memory_kib
    assert params.parallelism >= FLOOR_PARAMS.parallelism
    started = time.perf_counter()
    derive_passphrase_key("x", b"0123456789abcdef", params)
    elapsed = time.perf_counter() - started
    assert 0.35 <= elapsed <= 2.0  # loose: a loaded CI machine is slower; bench/ measures


@pytest.mark.parametrize(
    ("name", "value"), [("time_cost", 10_000), ("memory_kib", 4 * 1024 * 1024), ("parallelism", 64)]
)
def test_absurd_kdf_parameters_are_refused_before_deriving(name: str, value: int) -> None:
    """A tampered file cannot make unlocking run for hours: such parameters are damage."""
    key_file = KeyFile.wrap(DataKey.generate(), "pw", new_recovery_code(), FAST_KDF)
    document = json.loads(key_file.to_json())
    document["kdf"][name] = value
    started = time.perf_counter()
    with pytest.raises(KeyFileError, match=f"kdf.{name}"):
        KeyFile.from_json(json.dumps(document).encode())
    assert time.perf_counter() - started < 1.0
