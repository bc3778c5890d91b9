"""What a package may never carry, and returns a trainee's vault must refuse.

The canary test puts the partners' names in every field an intensive has
and checks both the file's bytes and the decrypted payload. The crafted
returns are sealed with the supervisor's real keys, so only the checks of
`review_return` stand between them and the trainee's records.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from crucible.app.domain.review import CoSignature
from crucible.app.domain.review_package import open_package, seal_package
from crucible.app.domain.review_payload import cosign_message, return_payload
from crucible.app.domain.vocabulary import Role
from crucible.app.services.errors import InputError
from crucible.app.services.identity import own_card, own_keys
from crucible.app.services.intensive_exchange import import_intensive
from crucible.app.services.review_open import open_package_file
from crucible.app.services.review_return import review_report
from crucible.app.services.review_send import send_for_review
from crucible.app.store.vault import Vault
from tests.conftest import FakeClock
from tests.services.test_review_loop import _exchange_cards, _vault, supervised_sample

CANARIES = ("Zyxwoquent", "Qavlorian", "Brimbleforth", "Ostrakova")


def canary_intensive() -> bytes:
    """The sample with both partners' names (canaries) in every free-text field."""
    a, b = "Zyxwoquent Qavlorian", "Brimbleforth Ostrakova"
    mention = f"{a} told {b.split()[0]} that Qavlorian's mother and OSTRAKOVA's were alike."
    document = json.loads(supervised_sample())
    document["couple"]["partners"][0]["name"] = a
    document["couple"]["partners"][1]["name"] = b
    body = document["intensive"]
    body["title"] = f"Intensive of {a}"
    body["reflections"] = mention
    for day in body["days"]:
        for block in day["blocks"]:
            block["title"] = f"{b.split()[1]} block"
            note = block["note"]
            for section in note["sections"]:
                section["title"] = f"About {a.split()[0]}"
                section["text"] = mention
            if note.get("signed_at"):
                note["addenda"] = [
                    {"at": note["signed_at"], "by": "Alex Kim", "reason": mention, "text": mention}
                ]
            for observation in block["observations"]:
                for field in ("trigger", "quote", "intervention", "response", "note"):
                    observation[field] = mention
    return json.dumps(document).encode()


@pytest.fixture
def pair(tmp_path: Path, clock: FakeClock) -> Iterator[tuple[Vault, Vault]]:
    trainee = _vault(tmp_path / "trainee", clock, "Alex Kim", Role.TRAINEE)
    supervisor = _vault(tmp_path / "supervisor", clock, "Dr. Sam Lee", Role.SUPERVISOR)
    _exchange_cards(trainee, supervisor, tmp_path)
    yield trainee, supervisor
    trainee.lock()
    supervisor.lock()


def test_no_couple_name_in_the_file_nor_in_the_decrypted_payload(
    pair: tuple[Vault, Vault], tmp_path: Path
) -> None:
    trainee, supervisor = pair
    intensive_id = import_intensive(trainee, canary_intensive(), actor="t")
    package = tmp_path / "p.crucible-review"
    send_for_review(trainee, intensive_id, "1", package, actor="t")
    data = package.read_bytes()
    opened = open_package(data, own_keys(supervisor, actor="t"), own_card(supervisor, actor="t"))
    payload = json.dumps(opened.payload, ensure_ascii=False)
    assert "Partner A" in payload  # the text is there, de-identified
    assert len(payload) > 50_000
    for canary in CANARIES:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            assert canary.encode(encoding) not in data
            assert canary.lower().encode(encoding) not in data.lower()
        assert canary.casefold() not in payload.casefold()


def _sent_and_opened(pair: tuple[Vault, Vault], tmp_path: Path) -> tuple[int, str, str]:
    """Send a review, open it on the supervisor's side; its package id and digest."""
    trainee, supervisor = pair
    intensive_id = import_intensive(trainee, supervised_sample(), actor="t")
    package = tmp_path / "p.crucible-review"
    send_for_review(trainee, intensive_id, "1", package, actor="t")
    opened = open_package(
        package.read_bytes(), own_keys(supervisor, actor="t"), own_card(supervisor, actor="t")
    )
    open_package_file(supervisor, package, confirm=lambda card: True, actor="t")
    return intensive_id, str(opened.payload["package_id"]), str(opened.payload["digest"])


def _crafted_return(
    supervisor: Vault,
    trainee: Vault,
    path: Path,
    answers: str,
    digest: str,
    clock: FakeClock,
    *,
    cosigned_digest: str | None = None,
) -> Path:
    keys, card = own_keys(supervisor, actor="t"), own_card(supervisor, actor="t")
    signed = None
    if cosigned_digest is not None:
        now = clock()
        signed = CoSignature(
            card.name,
            card.fingerprint,
            now,
            digest,
            keys.sign(cosign_message(cosigned_digest, now)),
        )
    payload = return_payload(uuid.uuid4().hex, answers, digest, clock(), (), {}, signed)
    path.write_bytes(seal_package(payload, keys, card, own_card(trainee, actor="t")))
    return path


def test_a_return_answering_no_package_sent_is_refused(
    pair: tuple[Vault, Vault], tmp_path: Path, clock: FakeClock
) -> None:
    trainee, supervisor = pair
    intensive_id, _package_id, digest = _sent_and_opened(pair, tmp_path)
    back = _crafted_return(supervisor, trainee, tmp_path / "r", uuid.uuid4().hex, digest, clock)
    with pytest.raises(InputError, match="did not send"):
        open_package_file(trainee, back, confirm=lambda card: False, actor="t")
    assert review_report(trainee, intensive_id) is None


def test_a_return_answering_another_version_is_refused(
    pair: tuple[Vault, Vault], tmp_path: Path, clock: FakeClock
) -> None:
    trainee, supervisor = pair
    intensive_id, package_id, _digest = _sent_and_opened(pair, tmp_path)
    back = _crafted_return(supervisor, trainee, tmp_path / "r", package_id, "0" * 64, clock)
    with pytest.raises(InputError, match="another version"):
        open_package_file(trainee, back, confirm=lambda card: False, actor="t")
    assert review_report(trainee, intensive_id) is None


def test_a_cosignature_over_other_hashes_is_refused(
    pair: tuple[Vault, Vault], tmp_path: Path, clock: FakeClock
) -> None:
    trainee, supervisor = pair
    intensive_id, package_id, digest = _sent_and_opened(pair, tmp_path)
    back = _crafted_return(
        supervisor, trainee, tmp_path / "r", package_id, digest, clock, cosigned_digest="f" * 64
    )
    with pytest.raises(InputError, match="co-signature does not verify"):
        open_package_file(trainee, back, confirm=lambda card: False, actor="t")
    assert review_report(trainee, intensive_id) is None
    good = _crafted_return(
        supervisor, trainee, tmp_path / "g", package_id, digest, clock, cosigned_digest=digest
    )
    open_package_file(trainee, good, confirm=lambda card: False, actor="t")
    report = review_report(trainee, intensive_id)
    assert report is not None
    assert report.cosignature is not None


def test_a_return_from_another_supervisor_is_refused(
    pair: tuple[Vault, Vault], tmp_path: Path, clock: FakeClock
) -> None:
    """Even one sealed to the trainee and answering the right package, with the right hashes."""
    trainee, _supervisor = pair
    other = _vault(tmp_path / "other", clock, "Dr. Other", Role.SUPERVISOR)
    try:
        intensive_id, package_id, digest = _sent_and_opened(pair, tmp_path)
        back = _crafted_return(other, trainee, tmp_path / "r", package_id, digest, clock)
        with pytest.raises(InputError, match="not signed by the supervisor"):
            open_package_file(trainee, back, confirm=lambda card: True, actor="t")
        assert review_report(trainee, intensive_id) is None
    finally:
        other.lock()


def test_an_older_return_never_replaces_a_newer_one(
    pair: tuple[Vault, Vault], tmp_path: Path, clock: FakeClock
) -> None:
    trainee, supervisor = pair
    intensive_id, package_id, digest = _sent_and_opened(pair, tmp_path)
    first = _crafted_return(supervisor, trainee, tmp_path / "1", package_id, digest, clock)
    clock.advance(60)
    second = _crafted_return(
        supervisor, trainee, tmp_path / "2", package_id, digest, clock, cosigned_digest=digest
    )
    open_package_file(trainee, second, confirm=lambda card: False, actor="t")
    with pytest.raises(InputError, match="newer return"):
        open_package_file(trainee, first, confirm=lambda card: False, actor="t")
    report = review_report(trainee, intensive_id)
    assert report is not None
    assert report.cosignature is not None
