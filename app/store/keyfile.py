"""vault.key: the data key wrapped twice, under the passphrase and under the recovery code.

Format (JSON, versioned)::

    {"format": "crucible.vault-key/1",
     "kdf": {"name": "argon2id", "memory_kib": 262144, "time_cost": 3,
             "parallelism": 4, "salt": "<b64>"},
     "passphrase_wrap": {"nonce": "<b64>", "ciphertext": "<b64>"},
     "recovery_wrap": {"salt": "<b64>", "nonce": "<b64>", "ciphertext": "<b64>",
                       "aad_kdf": {"memory_kib": 262144, "time_cost": 3,
                                   "parallelism": 4}}}

Both wraps are AES-256-GCM. The passphrase is stretched with Argon2id because
people choose guessable passphrases; the recovery code carries 160 random bits,
so HKDF-SHA256 is enough for it. The associated data binds each wrap to the
format and to KDF parameters, so parameters edited in the file fail the unwrap
instead of silently weakening it.

The passphrase wrap is bound to the top-level `kdf`, which every passphrase
change recalibrates. The recovery wrap is made once, at creation, and never
rewrapped (the recovery code is not stored, so it cannot be), so it must not
follow `kdf`: it is bound to the parameters in force when it was made, which
it records as `recovery_wrap.aad_kdf` (they derive nothing; they only rebuild
its associated data). Key files written before that field existed lack it;
their recovery wrap is bound to the top-level `kdf`, which is still the
creation's as long as the file was never rewrapped, and the first rewrap by
this code records it. (Before this, a rewrap with recalibrated parameters
broke the recovery code.)

Calibration starts from a floor, RFC 9106's second recommended setting
(64 MiB, t=3, p=4), raised to the previous key file's parameters on a
passphrase change, and only ever goes up from there.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from crucible.app.domain.passphrase import normalize_passphrase
from crucible.app.store.errors import KeyFileError, WrongSecretError
from crucible.app.store.files import write_atomically
from crucible.app.store.secrets import DataKey

FORMAT = "crucible.vault-key/1"
# RFC 9106 section 4, second recommended option: 64 MiB, three passes, four lanes.
MIN_MEMORY_KIB = 64 * 1024
MIN_TIME_COST = 3
MIN_PARALLELISM = 4
TARGET_SECONDS = (0.5, 1.0)
MAX_MEMORY_KIB = 256 * 1024  # beyond this, add passes: laptops under memory pressure swap
CALIBRATION_RUNS = 3  # each probe is timed this often and the fastest run counts
CALIBRATION_BUDGET_S = 6.0  # stop probing (keeping what was reached) past this much timing
RECOVERY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
RECOVERY_GROUPS = 8
RECOVERY_GROUP_SIZE = 4  # 32 symbols x 5 bits = 160 bits


@dataclass(frozen=True, slots=True)
class KdfParams:
    """Argon2id cost parameters, stored in vault.key so old vaults still open."""

    memory_kib: int
    time_cost: int
    parallelism: int = 1

    def meets_floor(self) -> bool:
        """Whether these parameters are at least the production minimum in every dimension."""
        return self.at_least(FLOOR_PARAMS) == self

    def at_least(self, other: KdfParams) -> KdfParams:
        """These parameters, each raised to `other`'s where that is higher."""
        return KdfParams(
            max(self.memory_kib, other.memory_kib),
            max(self.time_cost, other.time_cost),
            max(self.parallelism, other.parallelism),
        )


FLOOR_PARAMS = KdfParams(
    memory_kib=MIN_MEMORY_KIB, time_cost=MIN_TIME_COST, parallelism=MIN_PARALLELISM
)

# Ceilings for parameters read from a key file: far above anything calibration
# picks (256 MiB, a handful of passes), low enough that a tampered file cannot
# make an unlock run for hours or exhaust memory before the tag check refuses it.
KDF_LIMITS = {"memory_kib": 2 * 1024 * 1024, "time_cost": 64, "parallelism": 16}


def derive_passphrase_key(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    """Stretch a passphrase into a 256-bit wrapping key with Argon2id."""
    return hash_secret_raw(
        secret=passphrase.encode("utf-8"),
        salt=salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def calibrate(
    target: tuple[float, float] = TARGET_SECONDS,
    clock: Callable[[], float] = time.perf_counter,
    *,
    floor: KdfParams | None = None,
    runs: int = CALIBRATION_RUNS,
) -> KdfParams:
    """Pick Argon2id parameters that take about 0.5-1 s on this machine, never below a floor.

    The floor is FLOOR_PARAMS raised to `floor` (the current key file's
    parameters on a passphrase change), so a busy or slower machine can keep
    the parameters as they are but never weaken them. From there memory grows
    first (it is what hurts GPU attackers), up to 256 MiB, then passes. Each
    probe is real derivations, timed `runs` times with the fastest counting:
    other programs can only make a run slower, and a slowed run would settle
    calibration too low. That costs a few seconds at vault creation and
    passphrase change, never at unlock.
    """
    params = FLOOR_PARAMS if floor is None else FLOOR_PARAMS.at_least(floor)
    salt = secrets.token_bytes(16)
    low, high = target
    # Aim below the middle of the band: unlocking also opens the database,
    # and a first derivation in a fresh process is slower than a warm one.
    aim = low + (high - low) * 0.3
    spent = 0.0
    for _ in range(12):
        timings = [_timed_derivation(params, salt, clock) for _ in range(max(1, runs))]
        elapsed, spent = min(timings), spent + sum(timings)
        if elapsed >= low or spent >= CALIBRATION_BUDGET_S:
            return params
        params = _grown(params, max(1.2, aim / max(elapsed, 1e-3)))
    return params


def _timed_derivation(params: KdfParams, salt: bytes, clock: Callable[[], float]) -> float:
    started = clock()
    derive_passphrase_key("calibration", salt, params)
    return float(clock() - started)


def _grown(params: KdfParams, factor: float) -> KdfParams:
    """More memory while under 256 MiB, else more passes; never fewer of either."""
    if params.memory_kib < MAX_MEMORY_KIB:
        memory = max(params.memory_kib, min(MAX_MEMORY_KIB, int(params.memory_kib * factor)))
        return KdfParams(memory, params.time_cost, params.parallelism)
    passes = min(KDF_LIMITS["time_cost"], int(params.time_cost * factor) + 1)
    return KdfParams(params.memory_kib, max(params.time_cost, passes), params.parallelism)


def new_recovery_code() -> str:
    """Draw a 160-bit recovery code, grouped in fours for reading aloud."""
    symbols = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(32))
    groups = [symbols[i : i + RECOVERY_GROUP_SIZE] for i in range(0, 32, RECOVERY_GROUP_SIZE)]
    return "-".join(groups)


def normalize_recovery_code(code: str) -> str:
    """Accept the code as people type it: any case, spaces or dashes, O for 0, I or L for 1."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans("OIL", "011"))


def _recovery_key(code: str, salt: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"crucible recovery wrap")
    return hkdf.derive(normalize_recovery_code(code).encode("ascii"))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: object, where: str) -> bytes:
    if not isinstance(value, str):
        raise KeyFileError(f"The vault's key file (vault.key) is damaged: {where} is missing.")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise KeyFileError(
            f"The vault's key file (vault.key) is damaged: {where} is not valid."
        ) from None


@dataclass(frozen=True, slots=True)
class KeyFile:
    """The parsed contents of vault.key."""

    kdf: KdfParams
    kdf_salt: bytes
    passphrase_nonce: bytes
    passphrase_ciphertext: bytes
    recovery_salt: bytes
    recovery_nonce: bytes
    recovery_ciphertext: bytes
    # The parameters the recovery wrap's associated data is bound to: those in
    # force when it was made. None only in key files written before the field
    # existed, whose recovery wrap is bound to `kdf` (see the module docstring).
    recovery_aad_kdf: KdfParams | None = None

    @property
    def recovery_binding(self) -> KdfParams:
        """The KDF parameters in the recovery wrap's associated data."""
        return self.kdf if self.recovery_aad_kdf is None else self.recovery_aad_kdf

    # ------------------------------------------------------------------ create
    @classmethod
    def wrap(
        cls, data_key: DataKey, passphrase: str, recovery_code: str, kdf: KdfParams
    ) -> KeyFile:
        """Wrap the data key under both secrets with fresh salts and nonces."""
        recovery_salt = secrets.token_bytes(16)
        recovery_nonce = secrets.token_bytes(12)
        draft = cls(kdf, b"", b"", b"", recovery_salt, recovery_nonce, b"", recovery_aad_kdf=kdf)
        rec_ct = AESGCM(_recovery_key(recovery_code, recovery_salt)).encrypt(
            recovery_nonce, data_key.raw(), draft._aad("recovery")
        )
        return replace(draft, recovery_ciphertext=rec_ct).rewrap_passphrase(
            data_key, passphrase, kdf
        )

    def rewrap_passphrase(self, data_key: DataKey, passphrase: str, kdf: KdfParams) -> KeyFile:
        """Replace the passphrase wrap only; the recovery wrap and its binding are kept as is."""
        passphrase = normalize_passphrase(passphrase)  # NFC: see app.domain.passphrase
        kdf_salt = secrets.token_bytes(16)
        nonce = secrets.token_bytes(12)
        draft = replace(
            self,
            kdf=kdf,
            kdf_salt=kdf_salt,
            passphrase_nonce=nonce,
            passphrase_ciphertext=b"",
            recovery_aad_kdf=self.recovery_binding,  # pinned before `kdf` moves on
        )
        ciphertext = AESGCM(derive_passphrase_key(passphrase, kdf_salt, kdf)).encrypt(
            nonce, data_key.raw(), draft._aad("passphrase")
        )
        return replace(draft, passphrase_ciphertext=ciphertext)

    # ------------------------------------------------------------------ open
    def unwrap_with_passphrase(self, passphrase: str) -> DataKey:
        """Recover the data key; a wrong passphrase fails the GCM tag check.

        The NFC form is tried first (key files are written with it); a key file
        written before passphrases were normalised may hold the raw string, so
        that is tried next when it differs. An ASCII passphrase costs one
        derivation, as before.
        """
        normalized = normalize_passphrase(passphrase)
        candidates = [normalized] if normalized == passphrase else [normalized, passphrase]
        for candidate in candidates:
            try:
                return self._unwrap(
                    derive_passphrase_key(candidate, self.kdf_salt, self.kdf),
                    self.passphrase_nonce,
                    self.passphrase_ciphertext,
                    "passphrase",
                    "The passphrase is not correct.",
                )
            except WrongSecretError:
                continue
        raise WrongSecretError("The passphrase is not correct.")

    def unwrap_with_recovery_code(self, code: str) -> DataKey:
        """Recover the data key from the recovery code shown at creation."""
        key = _recovery_key(code, self.recovery_salt)
        return self._unwrap(
            key,
            self.recovery_nonce,
            self.recovery_ciphertext,
            "recovery",
            "The recovery code is not correct.",
        )

    def _unwrap(
        self, key: bytes, nonce: bytes, ciphertext: bytes, which: str, wrong: str
    ) -> DataKey:
        try:
            raw = AESGCM(key).decrypt(nonce, ciphertext, self._aad(which))
        except InvalidTag:
            raise WrongSecretError(wrong) from None
        except ValueError:
            raise KeyFileError() from None
        try:
            return DataKey(raw)
        except ValueError:
            raise KeyFileError() from None

    def _aad(self, which: str) -> bytes:
        bound = self.recovery_binding if which == "recovery" else self.kdf
        header = {"format": FORMAT, "wrap": which, "kdf": asdict(bound)}
        return json.dumps(header, sort_keys=True).encode("ascii")

    # ------------------------------------------------------------------ (de)serialize
    def to_json(self) -> bytes:
        """Serialize as the documented JSON format."""
        document = {
            "format": FORMAT,
            "kdf": {"name": "argon2id", **asdict(self.kdf), "salt": _b64(self.kdf_salt)},
            "passphrase_wrap": {
                "nonce": _b64(self.passphrase_nonce),
                "ciphertext": _b64(self.passphrase_ciphertext),
            },
            "recovery_wrap": {
                "salt": _b64(self.recovery_salt),
                "nonce": _b64(self.recovery_nonce),
                "ciphertext": _b64(self.recovery_ciphertext),
                "aad_kdf": asdict(self.recovery_binding),
            },
        }
        return (json.dumps(document, indent=2) + "\n").encode("ascii")

    @classmethod
    def from_json(cls, data: bytes) -> KeyFile:
        """Parse vault.key; anything unexpected is a damaged key file, never a crash."""
        try:
            document = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            raise KeyFileError() from None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise KeyFileError(
                "The vault's key file (vault.key) is damaged or of an unknown format."
            )
        kdf = document.get("kdf")
        wrap = document.get("passphrase_wrap")
        recovery = document.get("recovery_wrap")
        if not (isinstance(kdf, dict) and isinstance(wrap, dict) and isinstance(recovery, dict)):
            raise KeyFileError()
        if kdf.get("name") != "argon2id":
            raise KeyFileError()
        binding = recovery.get("aad_kdf")
        parsed = cls(
            kdf=_parse_params(kdf, "kdf"),
            kdf_salt=_unb64(kdf.get("salt"), "kdf.salt"),
            passphrase_nonce=_unb64(wrap.get("nonce"), "passphrase_wrap.nonce"),
            passphrase_ciphertext=_unb64(wrap.get("ciphertext"), "passphrase_wrap.ciphertext"),
            recovery_salt=_unb64(recovery.get("salt"), "recovery_wrap.salt"),
            recovery_nonce=_unb64(recovery.get("nonce"), "recovery_wrap.nonce"),
            recovery_ciphertext=_unb64(recovery.get("ciphertext"), "recovery_wrap.ciphertext"),
            recovery_aad_kdf=(
                None if binding is None else _parse_params(binding, "recovery_wrap.aad_kdf")
            ),
        )
        if (
            len(parsed.kdf_salt) < 8
            or len(parsed.passphrase_nonce) != 12
            or len(parsed.recovery_nonce) != 12
        ):
            raise KeyFileError()
        return parsed


def _parse_params(value: object, where: str) -> KdfParams:
    """Three integers within KDF_LIMITS, with Argon2's 8 KiB per lane; else a damaged file."""
    if not isinstance(value, dict):
        raise KeyFileError(f"The vault's key file (vault.key) is damaged: {where} is not valid.")
    params = []
    for name in ("memory_kib", "time_cost", "parallelism"):
        number = value.get(name)
        if (
            not isinstance(number, int)
            or isinstance(number, bool)
            or not 1 <= number <= KDF_LIMITS[name]
        ):
            raise KeyFileError(
                f"The vault's key file (vault.key) is damaged: {where}.{name} is not valid."
            )
        params.append(number)
    if params[0] < 8 * params[2]:  # Argon2 needs 8 KiB per lane
        raise KeyFileError()
    return KdfParams(*params)


def read_key_file(path: Path) -> KeyFile:
    """Read and parse vault.key."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise KeyFileError("The vault's key file (vault.key) is missing.") from None
    except OSError:
        raise KeyFileError("The vault's key file (vault.key) cannot be read.") from None
    if len(data) > 64 * 1024:
        raise KeyFileError()
    return KeyFile.from_json(data)


def write_key_file(path: Path, key_file: KeyFile) -> None:
    """Write vault.key atomically: a crash leaves the old file or the new one, never neither."""
    write_atomically(path, key_file.to_json())


__all__ = [
    "FLOOR_PARAMS",
    "KdfParams",
    "KeyFile",
    "calibrate",
    "new_recovery_code",
    "normalize_recovery_code",
    "read_key_file",
    "write_key_file",
]
