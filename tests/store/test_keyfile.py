"""vault.key: wrapping, the recovery code, and refusing damaged files clearly."""

from __future__ import annotations

import contextlib
import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.store.errors import KeyFileError, WrongSecretError
from app.store.keyfile import (
    FLOOR_PARAMS,
    KeyFile,
    calibrate,
    derive_passphrase_key,
    new_recovery_code,
    normalize_recovery_code,
)
from app.store.secrets import DataKey
from tests.conftest import FAST_KDF


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


@pytest.mark.slow
def test_production_parameters_meet_the_floor_and_take_half_a_second() -> None:
    """calibrate() never goes below 64 MiB / t=3 and one derivation takes about 0.5-1 s."""
    params = calibrate()
    assert params.meets_floor()
    assert params.memory_kib >= FLOOR_PARAMS.memory_kib
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
