"""The card and package formats without a vault: round trips, refusals, and fuzzing.

The readers are fuzzed as the key file reader is (tests/store/test_keyfile.py):
random byte edits of a valid file give a valid result or the reader's one
error type, never a crash and never a different sender.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crucible.app.domain.review_package import (
    HEADER_BYTES,
    MAGIC,
    CardError,
    KeyPair,
    PackageError,
    card_from_bytes,
    card_to_bytes,
    new_key_pair,
    open_package,
    seal_package,
)
from crucible.app.domain.vocabulary import Role

TRAINEE_KEYS, SUPERVISOR_KEYS, OTHER_KEYS = new_key_pair(), new_key_pair(), new_key_pair()
TRAINEE = TRAINEE_KEYS.card("Alex Kim", Role.TRAINEE)
SUPERVISOR = SUPERVISOR_KEYS.card("Dr. Sam Lee, PhD", Role.SUPERVISOR)
OTHER = OTHER_KEYS.card("Dr. Other", Role.SUPERVISOR)
PAYLOAD = {"kind": "review", "note": "Partner A softened", "n": [1, 2, 3]}


def _sealed() -> bytes:
    return seal_package(PAYLOAD, TRAINEE_KEYS, TRAINEE, SUPERVISOR)


def test_a_card_round_trips_and_shows_a_readable_fingerprint() -> None:
    data = card_to_bytes(SUPERVISOR, SUPERVISOR_KEYS)
    assert card_from_bytes(data) == SUPERVISOR
    groups = SUPERVISOR.fingerprint.split(" ")
    assert len(groups) == 8
    assert all(len(g) == 4 for g in groups)
    assert json.loads(data)["fingerprint"] == SUPERVISOR.fingerprint
    with pytest.raises(ValueError, match="own keys"):
        card_to_bytes(SUPERVISOR, TRAINEE_KEYS)


def test_a_package_round_trips_to_its_recipient_only() -> None:
    data = _sealed()
    opened = open_package(data, SUPERVISOR_KEYS, SUPERVISOR)
    assert opened.sender == TRAINEE
    assert {k: v for k, v in opened.payload.items() if k != "sender"} == PAYLOAD
    assert data.startswith(MAGIC)
    assert b"Partner A" not in data
    assert b"Alex Kim" not in data
    with pytest.raises(PackageError, match="addressed to another card"):
        open_package(data, OTHER_KEYS, OTHER)
    assert _sealed() != data  # a fresh ephemeral key and nonce each time


def test_the_header_cannot_be_re_addressed() -> None:
    """Rewriting the recipient id to another card makes the package fail, not open for them."""
    data = bytearray(_sealed())
    start = len(MAGIC) + 1
    other_id = bytes.fromhex(OTHER.fingerprint.replace(" ", ""))
    data[start : start + 16] = other_id
    with pytest.raises(PackageError, match="changed or damaged"):
        open_package(bytes(data), OTHER_KEYS, OTHER)


def test_a_payload_signed_with_another_key_than_its_card_is_refused() -> None:
    """A sender card naming the trainee, with the package signed by someone else's key."""
    from crucible.app.domain import review_package

    forged = dict(PAYLOAD)
    real_sign = KeyPair.sign

    def sign_with_other(self: KeyPair, message: bytes) -> bytes:
        if message.startswith(b"crucible-review-package-v1"):
            return real_sign(OTHER_KEYS, message)
        return real_sign(self, message)

    KeyPair.sign = sign_with_other  # type: ignore[method-assign]
    try:
        data = review_package.seal_package(forged, TRAINEE_KEYS, TRAINEE, SUPERVISOR)
    finally:
        KeyPair.sign = real_sign  # type: ignore[method-assign]
    with pytest.raises(PackageError, match="signature does not match"):
        open_package(data, SUPERVISOR_KEYS, SUPERVISOR)


@pytest.mark.parametrize(
    ("data", "sentence"),
    [
        (b"", "not a Crucible review package"),
        (b"CRUCIBLE-REV", "truncated"),
        (MAGIC + b"\x07" + bytes(200), "newer format (version 7)"),
        (MAGIC + b"\x00" + bytes(200), "version 0 is unknown"),
        (MAGIC + b"\x01" + bytes(HEADER_BYTES), "truncated"),
    ],
)
def test_bad_packages_are_one_sentence(data: bytes, sentence: str) -> None:
    with pytest.raises(PackageError, match=re.escape(sentence)):
        open_package(data, SUPERVISOR_KEYS, SUPERVISOR)


def test_every_truncation_is_refused() -> None:
    data = _sealed()
    for length in range(0, len(data), max(1, len(data) // 97)):
        with pytest.raises(PackageError):
            open_package(data[:length], SUPERVISOR_KEYS, SUPERVISOR)


def _card_doc() -> dict[str, str]:
    document: dict[str, str] = json.loads(card_to_bytes(TRAINEE, TRAINEE_KEYS))
    return document


@pytest.mark.parametrize(
    ("edit", "sentence"),
    [
        ({"sealing_key": base64.b64encode(bytes(32)).decode()}, "not a usable X25519 key"),
        ({"sealing_key": "!!"}, "not base64"),
        ({"signing_key": base64.b64encode(bytes(31)).decode()}, "not 32 bytes"),
        ({"fingerprint": "AAAA " * 7 + "AAAA"}, "fingerprint does not match"),
        ({"role": "boss"}, "role"),
        ({"name": "Two\nlines"}, "one line"),
        ({"name": "Someone Else"}, "self-signature"),
        ({"format": "crucible.card/9"}, "newer or unknown format"),
        ({"format": "something"}, "not a Crucible card"),
        ({"extra": "field"}, "self-signature"),
    ],
)
def test_bad_cards_are_one_sentence(edit: dict[str, str], sentence: str) -> None:
    with pytest.raises(CardError, match=sentence):
        card_from_bytes(json.dumps({**_card_doc(), **edit}).encode())


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_fuzzed_cards_never_crash(data: st.DataObject) -> None:
    """Random byte edits give the same card (an edit that changes nothing) or CardError."""
    raw = bytearray(card_to_bytes(TRAINEE, TRAINEE_KEYS))
    for _ in range(data.draw(st.integers(1, 6))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    try:
        card = card_from_bytes(bytes(raw))
    except CardError:
        return
    assert card == TRAINEE


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_fuzzed_packages_never_crash(data: st.DataObject) -> None:
    """Random byte edits or cuts give PackageError, never a crash or a changed payload."""
    raw = bytearray(_sealed())
    for _ in range(data.draw(st.integers(1, 6))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        del raw[data.draw(st.integers(0, len(raw))) :]
    try:
        opened = open_package(bytes(raw), SUPERVISOR_KEYS, SUPERVISOR)
    except PackageError:
        return
    assert opened.sender == TRAINEE
    assert opened.payload["note"] == PAYLOAD["note"]


def test_a_cosignature_time_is_part_of_what_is_signed() -> None:
    from crucible.app.domain.review_payload import cosign_message

    now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    assert cosign_message("ab", now) != cosign_message("ab", now.replace(minute=1))


def test_the_confusion_table_counts_matched_pairs_by_stance() -> None:
    from datetime import timedelta

    from crucible.app.domain.agreement import compare_coders
    from crucible.app.domain.intensive import Block, Observation
    from crucible.app.domain.review import confusion_table
    from crucible.app.domain.vocabulary import BlockKind, PartnerKey, Stance

    start = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    mine = [Stance.ONE_UP, Stance.ONE_DOWN, Stance.SAME_AS]
    theirs = [Stance.ONE_UP, Stance.SAME_AS, Stance.SAME_AS]

    def block(stances: list[Stance]) -> Block:
        observations = tuple(
            Observation(start + timedelta(minutes=n), PartnerKey.A, stance)
            for n, stance in enumerate(stances)
        )
        return Block(
            "b", BlockKind.JOINT, start, start + timedelta(hours=1), observations=observations
        )

    table = confusion_table(compare_coders(block(mine), block(theirs)))
    assert len(table) == 9
    assert table[(Stance.ONE_UP, Stance.ONE_UP)] == 1
    assert table[(Stance.ONE_DOWN, Stance.SAME_AS)] == 1
    assert table[(Stance.SAME_AS, Stance.SAME_AS)] == 1
    assert sum(table.values()) == 3
