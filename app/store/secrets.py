"""Holders for secrets that keep them out of reprs, logs and tracebacks."""

from __future__ import annotations

import secrets

DATA_KEY_BYTES = 32


class DataKey:
    """The vault's random 256-bit database key.

    Kept in a bytearray so `wipe()` can overwrite it when the vault locks.
    Python may still hold transient copies (the hex string handed to
    SQLCipher), which is why every holder drops its reference at lock too.
    """

    __slots__ = ("_key",)

    def __init__(self, raw: bytes | bytearray) -> None:
        if len(raw) != DATA_KEY_BYTES:
            raise ValueError("a data key is 32 bytes")
        self._key = bytearray(raw)

    @classmethod
    def generate(cls) -> DataKey:
        """Draw a fresh key from the operating system's CSPRNG."""
        return cls(secrets.token_bytes(DATA_KEY_BYTES))

    def raw(self) -> bytes:
        """The key bytes, for wrapping; fails once wiped."""
        if not any(self._key):
            raise ValueError("the data key was wiped")
        return bytes(self._key)

    def sqlcipher_pragma(self) -> str:
        """The `PRAGMA key` statement for a raw key, so SQLCipher skips its own KDF."""
        return "PRAGMA key = \"x'" + self.raw().hex() + "'\""

    def wipe(self) -> None:
        """Overwrite the key in place."""
        for index in range(len(self._key)):
            self._key[index] = 0

    def __repr__(self) -> str:
        return "DataKey(<redacted>)"

    __str__ = __repr__
