r"""The supervision loop's files: the card and the sealed, signed package, as bytes.

Both formats are read and written here, without a vault, so they can be
tested and fuzzed on their own (docs/review-format.md; decision 0022).

**A card** (``.crucible-card``) is UTF-8 JSON: a display name, a role, the
X25519 sealing key and the Ed25519 signing key (base64, 32 bytes each), the
fingerprint people read to each other, and a self-signature by the signing
key over the rest, which proves the card was made by whoever holds that key.

**A package** (``.crucible-review``) is a small clear header and one
AES-256-GCM ciphertext::

    magic "CRUCIBLE-REVIEW\\0" (16) | version (1) | recipient id (16)
    | ephemeral X25519 public key (32) | nonce (12) | ciphertext + tag

The AES key comes from an X25519 agreement between a fresh ephemeral key
and the recipient's sealing key, through HKDF-SHA256; the header is the
associated data, so no byte of it can change unnoticed. The plaintext is
the sender's Ed25519 signature (64 bytes) over the header and the payload,
then the payload: UTF-8 JSON naming its kind and carrying the sender's
card. Signing the header binds the package to its recipient: a supervisor
cannot re-seal a trainee's package to someone else under the trainee's name.

The cryptography is the ``cryptography`` package's; this module decides
only the layout. Every refusal is one sentence (:class:`PackageError`,
:class:`CardError`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from crucible.app.domain.review import Card, fingerprint_of
from crucible.app.domain.text_rules import line_problem
from crucible.app.domain.vocabulary import Role

CARD_FORMAT: Final[str] = "crucible.card/1"
CARD_SUFFIX: Final[str] = ".crucible-card"
PACKAGE_SUFFIX: Final[str] = ".crucible-review"
MAX_CARD_BYTES: Final[int] = 16 * 1024
MAX_PACKAGE_BYTES: Final[int] = 256 * 1024 * 1024
MAX_NAME_LENGTH: Final[int] = 200

MAGIC: Final[bytes] = b"CRUCIBLE-REVIEW\x00"
PACKAGE_VERSION: Final[int] = 1
RECIPIENT_ID_BYTES: Final[int] = 16
KEY_BYTES: Final[int] = 32
NONCE_BYTES: Final[int] = 12
SIGNATURE_BYTES: Final[int] = 64
TAG_BYTES: Final[int] = 16
HEADER_BYTES: Final[int] = len(MAGIC) + 1 + RECIPIENT_ID_BYTES + KEY_BYTES + NONCE_BYTES
_HKDF_INFO: Final[bytes] = b"crucible-review-package-v1 aes-256-gcm"
_PACKAGE_SIGNING_CONTEXT: Final[bytes] = b"crucible-review-package-v1\x00"
_CARD_SIGNING_CONTEXT: Final[bytes] = b"crucible-card-v1\x00"


class CardError(ValueError):
    """A card file that cannot be trusted or read; the message is one sentence."""


class PackageError(ValueError):
    """A package that cannot be opened or trusted; the message is one sentence."""


@dataclass(frozen=True, slots=True, repr=False)
class KeyPair:
    """A vault's own private keys (32 raw bytes each); they never leave the encrypted vault.

    ``repr`` is withheld so a stray log line or traceback cannot print them.
    """

    sealing_private: bytes
    signing_private: bytes

    def card(self, name: str, role: Role) -> Card:
        """The public card that goes with these keys."""
        sealing = X25519PrivateKey.from_private_bytes(self.sealing_private).public_key()
        signing = Ed25519PrivateKey.from_private_bytes(self.signing_private).public_key()
        return Card(name, role, _raw(sealing), _raw(signing))

    def sign(self, message: bytes) -> bytes:
        """An Ed25519 signature by this vault's signing key."""
        return Ed25519PrivateKey.from_private_bytes(self.signing_private).sign(message)


def new_key_pair() -> KeyPair:
    """Fresh X25519 and Ed25519 private keys from the operating system's random source."""
    sealing = X25519PrivateKey.generate().private_bytes_raw()
    signing = Ed25519PrivateKey.generate().private_bytes_raw()
    return KeyPair(sealing, signing)


def _raw(key: X25519PublicKey | Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def recipient_id(card: Card) -> bytes:
    """The 16 bytes in a package's clear header that say which card it is sealed to.

    It is the fingerprint's 128 bits: it lets a vault say "addressed to
    another card" instead of "damaged", and tells an onlooker no more than
    which card's owner can open the file.
    """
    return bytes.fromhex(card.fingerprint.replace(" ", ""))


def verify_signature(card: Card, signature: bytes, message: bytes) -> bool:
    """Whether ``signature`` is the card's Ed25519 signature over ``message``."""
    try:
        Ed25519PublicKey.from_public_bytes(card.signing_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


# ---------------------------------------------------------------------------- cards


def _card_body(card: Card) -> dict[str, str]:
    return {
        "format": CARD_FORMAT,
        "name": card.name,
        "role": card.role.value,
        "sealing_key": base64.b64encode(card.sealing_key).decode("ascii"),
        "signing_key": base64.b64encode(card.signing_key).decode("ascii"),
        "fingerprint": card.fingerprint,
    }


def _canonical(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def card_document(card: Card, keys: KeyPair) -> dict[str, str]:
    """The card as its JSON document, self-signed with ``keys`` (which must be the card's)."""
    if keys.card(card.name, card.role) != card:
        raise ValueError("a card is signed only with its own keys")
    body = _card_body(card)
    signature = keys.sign(_CARD_SIGNING_CONTEXT + _canonical(body))
    return {**body, "signature": base64.b64encode(signature).decode("ascii")}


def card_to_bytes(card: Card, keys: KeyPair) -> bytes:
    """The ``.crucible-card`` file: the self-signed document, indented, UTF-8."""
    return (json.dumps(card_document(card, keys), ensure_ascii=False, indent=1) + "\n").encode()


def card_from_bytes(data: bytes) -> Card:
    """Read a card file, checking its keys, fingerprint and self-signature."""
    if len(data) > MAX_CARD_BYTES:
        raise CardError("The file is too large to be a Crucible card.")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise CardError("The file is not a Crucible card (it is not card JSON).") from None
    return card_from_document(document)


def card_from_document(document: object) -> Card:
    """A card from its decoded JSON document; see :func:`card_from_bytes`."""
    if not isinstance(document, dict):
        raise CardError("The file is not a Crucible card (it is not card JSON).")
    fmt = document.get("format")
    if not isinstance(fmt, str) or not fmt.startswith("crucible.card/"):
        raise CardError("The file is not a Crucible card (its format is not crucible.card).")
    if fmt != CARD_FORMAT:
        raise CardError(
            f"The card is in a newer or unknown format ({_short(fmt)}); update Crucible to read it."
        )
    name = _card_text(document, "name")
    if not name.strip() or len(name) > MAX_NAME_LENGTH or line_problem(name):
        raise CardError("The card's name must be one line of at most 200 characters.")
    try:
        role = Role(_card_text(document, "role"))
    except ValueError:
        raise CardError("The card's role is not clinician, trainee or supervisor.") from None
    sealing = _card_key(document, "sealing_key")
    signing = _card_key(document, "signing_key")
    _check_keys(sealing, signing)
    card = Card(name, role, sealing, signing)
    if _card_text(document, "fingerprint") != fingerprint_of(sealing, signing):
        raise CardError("The card's fingerprint does not match its keys; it was altered.")
    signature = _b64(_card_text(document, "signature"), "signature", SIGNATURE_BYTES)
    body = {key: value for key, value in document.items() if key != "signature"}
    if body != _card_body(card) or not verify_signature(
        card, signature, _CARD_SIGNING_CONTEXT + _canonical(body)
    ):
        raise CardError("The card's self-signature does not verify; it was altered.")
    return card


def _short(text: str) -> str:
    return repr(text) if len(text) <= 40 else repr(text[:37] + "...")


def _card_text(document: Mapping[str, Any], key: str) -> str:
    value = document.get(key)
    if not isinstance(value, str):
        raise CardError(f"The card has no {key.replace('_', ' ')}.")
    return value


def _b64(text: str, what: str, length: int) -> bytes:
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise CardError(f"The card's {what.replace('_', ' ')} is not base64.") from None
    if len(raw) != length:
        raise CardError(f"The card's {what.replace('_', ' ')} is not {length} bytes long.")
    return raw


def _card_key(document: Mapping[str, Any], key: str) -> bytes:
    return _b64(_card_text(document, key), key, KEY_BYTES)


def _check_keys(sealing: bytes, signing: bytes) -> None:
    """Refuse keys that load but could not work: a low-order X25519 point, a bad Ed25519 point."""
    try:
        X25519PrivateKey.generate().exchange(X25519PublicKey.from_public_bytes(sealing))
    except ValueError:
        raise CardError("The card's sealing key is not a usable X25519 key.") from None
    try:
        Ed25519PublicKey.from_public_bytes(signing)
    except ValueError:
        raise CardError("The card's signing key is not a usable Ed25519 key.") from None


# ---------------------------------------------------------------------------- packages


@dataclass(frozen=True, slots=True)
class OpenedPackage:
    """A package whose seal and signature held: who sent it, and what it says.

    Attributes:
        sender: The card in the payload, whose key the signature was checked with.
            Whether the reader trusts that card is the caller's question.
        payload: The decoded JSON payload (an object with a ``kind``).
        digest: Hex SHA-256 of the whole file, to recognise it again (replays).
    """

    sender: Card
    payload: Mapping[str, Any]
    digest: str


def _hkdf_key(shared: bytes, ephemeral: bytes, recipient_sealing: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=ephemeral + recipient_sealing,
        info=_HKDF_INFO,
    ).derive(shared)


def seal_package(
    payload: Mapping[str, Any], sender_keys: KeyPair, sender_card: Card, recipient: Card
) -> bytes:
    """Sign ``payload`` (with the sender's card added) and seal it to ``recipient``.

    ``payload`` must be a JSON object with a ``kind``; the sender's card
    document is added under ``sender``.
    """
    document = {**payload, "sender": card_document(sender_card, sender_keys)}
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = _raw(ephemeral.public_key())
    nonce = os.urandom(NONCE_BYTES)
    header = (
        MAGIC
        + struct.pack(">B", PACKAGE_VERSION)
        + recipient_id(recipient)
        + ephemeral_public
        + nonce
    )
    signature = sender_keys.sign(_PACKAGE_SIGNING_CONTEXT + header + body)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient.sealing_key))
    key = _hkdf_key(shared, ephemeral_public, recipient.sealing_key)
    return header + AESGCM(key).encrypt(nonce, signature + body, header)


def package_version(data: bytes) -> int:
    """The format version of a package's header, after checking it is one at all."""
    if len(data) < len(MAGIC) + 1:
        if MAGIC.startswith(data[: len(MAGIC)]) and data:
            raise PackageError("The package is truncated; ask for it to be sent again.")
        raise PackageError("The file is not a Crucible review package.")
    if data[: len(MAGIC)] != MAGIC:
        raise PackageError("The file is not a Crucible review package.")
    return data[len(MAGIC)]


def check_package(data: bytes) -> None:
    """Refuse, without any key, what cannot be a package this build opens.

    Not a package at all, a newer or unknown version, too large, or too
    short to hold a header, a signature and a tag (truncated).
    """
    if len(data) > MAX_PACKAGE_BYTES:
        raise PackageError("The file is larger than 256 MB; it is not a review package.")
    version = package_version(data)
    if version != PACKAGE_VERSION:
        if version > PACKAGE_VERSION:
            raise PackageError(
                f"The package is in a newer format (version {version}); update Crucible to open it."
            )
        raise PackageError(f"The package's format version {version} is unknown.")
    if len(data) < HEADER_BYTES + TAG_BYTES + SIGNATURE_BYTES + 2:
        raise PackageError("The package is truncated; ask for it to be sent again.")


def open_package(data: bytes, own_keys: KeyPair, own_card: Card) -> OpenedPackage:
    """Check, decrypt and verify a package sealed to ``own_card``.

    Raises:
        PackageError: Not a package, a newer version, truncated, addressed to
            another card, changed, or signed with a key other than its card's.
    """
    check_package(data)
    header = data[:HEADER_BYTES]
    offset = len(MAGIC) + 1
    addressed_to = header[offset : offset + RECIPIENT_ID_BYTES]
    offset += RECIPIENT_ID_BYTES
    ephemeral_public = header[offset : offset + KEY_BYTES]
    nonce = header[offset + KEY_BYTES :]
    if addressed_to != recipient_id(own_card):
        raise PackageError("The package is addressed to another card, not to this vault's.")
    try:
        shared = X25519PrivateKey.from_private_bytes(own_keys.sealing_private).exchange(
            X25519PublicKey.from_public_bytes(ephemeral_public)
        )
        key = _hkdf_key(shared, ephemeral_public, own_card.sealing_key)
        plain = AESGCM(key).decrypt(nonce, data[HEADER_BYTES:], header)
    except (InvalidTag, ValueError):
        raise PackageError(
            "The package was changed or damaged after it was sealed; ask for it to be sent again."
        ) from None
    signature, body = plain[:SIGNATURE_BYTES], plain[SIGNATURE_BYTES:]
    payload = _payload(body)
    try:
        sender = card_from_document(payload.get("sender"))
    except CardError as error:
        raise PackageError(f"The package's sender card is not valid: {error}") from None
    if not verify_signature(sender, signature, _PACKAGE_SIGNING_CONTEXT + header + body):
        raise PackageError("The package's signature does not match its sender's card.")
    return OpenedPackage(sender, payload, hashlib.sha256(data).hexdigest())


def _payload(body: bytes) -> Mapping[str, Any]:
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise PackageError("The package's content is not readable.") from None
    if not isinstance(document, dict) or not isinstance(document.get("kind"), str):
        raise PackageError("The package's content is not readable.")
    return document


__all__ = [
    "CARD_FORMAT",
    "CARD_SUFFIX",
    "MAGIC",
    "PACKAGE_SUFFIX",
    "PACKAGE_VERSION",
    "CardError",
    "KeyPair",
    "OpenedPackage",
    "PackageError",
    "card_document",
    "card_from_bytes",
    "card_from_document",
    "card_to_bytes",
    "check_package",
    "new_key_pair",
    "open_package",
    "package_version",
    "recipient_id",
    "seal_package",
    "verify_signature",
]
