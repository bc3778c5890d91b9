"""The supervision loop through the services, on two real vaults (a trainee's, a supervisor's)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from crucible.app.domain.intensive import Observation
from crucible.app.domain.review import Card, numbered_blocks, review_agreement
from crucible.app.domain.vocabulary import PartnerKey, Role, Stance
from crucible.app.services.audit_log import list_events
from crucible.app.services.casebook import load_casebook
from crucible.app.services.errors import InputError
from crucible.app.services.identity import export_card, import_card, read_card_file
from crucible.app.services.intensive_exchange import get_intensive, import_intensive
from crucible.app.services.notes import add_addendum
from crucible.app.services.profile import ClinicianProfile, save_profile
from crucible.app.services.review_inbox import (
    add_comment,
    add_layer_observation,
    agreement,
    cosign,
    import_coding,
    list_reviews,
    return_review,
    review_comments,
    review_intensive,
    supervisor_layer,
)
from crucible.app.services.review_open import open_package_file
from crucible.app.services.review_return import cosigned_intensives, review_report
from crucible.app.services.review_send import send_for_review
from crucible.app.services.vault_access import new_vault
from crucible.app.store.vault import Vault
from tests.conftest import FAST_KDF, PASSPHRASE, SAMPLE_PATH, FakeClock

NAMES = ("Dana", "Whitfield", "Okafor")


def supervised_sample() -> bytes:
    """The sample intensive, supervised (a trainee's), with the partners' names in free text."""
    document = json.loads(SAMPLE_PATH.read_bytes())
    document["intensive"]["trainee"] = "Alex Kim"
    document["intensive"]["supervisor"] = "Dr. Sam Lee"
    document["intensive"]["reflections"] = "Dana Whitfield softened; Okafor stayed walled off."
    return json.dumps(document).encode()


def _vault(folder: Path, clock: FakeClock, name: str, role: Role) -> Vault:
    vault, _code = new_vault(folder, PASSPHRASE, kdf=FAST_KDF, clock=clock)
    supervisor = "Dr. Sam Lee" if role is Role.TRAINEE else None
    save_profile(vault, ClinicianProfile(name, "", role, supervisor), clock=clock)
    return vault


@pytest.fixture
def pair(tmp_path: Path, clock: FakeClock) -> Iterator[tuple[Vault, Vault]]:
    trainee = _vault(tmp_path / "trainee", clock, "Alex Kim", Role.TRAINEE)
    supervisor = _vault(tmp_path / "supervisor", clock, "Dr. Sam Lee", Role.SUPERVISOR)
    yield trainee, supervisor
    trainee.lock()
    supervisor.lock()


def _exchange_cards(trainee: Vault, supervisor: Vault, tmp_path: Path) -> Card:
    export_card(trainee, tmp_path / "alex.crucible-card", actor="t")
    export_card(supervisor, tmp_path / "sam.crucible-card", actor="t")
    import_card(
        trainee,
        read_card_file(tmp_path / "sam.crucible-card"),
        actor="t",
        link_as_supervisor=True,
    )
    trainee_card = read_card_file(tmp_path / "alex.crucible-card")
    import_card(supervisor, trainee_card, actor="t")
    return trainee_card


def _never(card: Card) -> bool:
    raise AssertionError("a known card needs no confirmation")


def test_the_whole_loop(pair: tuple[Vault, Vault], tmp_path: Path, clock: FakeClock) -> None:
    trainee, supervisor = pair
    _exchange_cards(trainee, supervisor, tmp_path)
    intensive_id = import_intensive(trainee, supervised_sample(), actor="t")
    package = tmp_path / "out" / "C-0007.crucible-review"
    package.parent.mkdir()
    send_for_review(trainee, intensive_id, "1", package, actor="t", clock=clock)
    raw = package.read_bytes()
    for name in NAMES:
        assert name.encode() not in raw

    opened = open_package_file(supervisor, package, confirm=_never, actor="t", clock=clock)
    assert opened.kind == "review"
    assert opened.review_id is not None
    review_id = opened.review_id
    shown = review_intensive(supervisor, review_id)
    assert [p.name for p in shown.couple.partners] == ["Partner A", "Partner B"]
    assert "Partner A softened" in shown.reflections
    with pytest.raises(InputError, match="already opened"):
        open_package_file(supervisor, package, confirm=_never, actor="t", clock=clock)

    blocks = numbered_blocks(shown)
    coding = [{**_doc(o), "block": 1} for o in blocks[0].observations[:40]] + [
        {**_doc(replace(o, stance=Stance.SAME_AS)), "block": 3} for o in blocks[2].observations
    ]
    counts = import_coding(supervisor, review_id, json.dumps(coding).encode(), actor="t")
    assert counts == {1: 40, 3: len(blocks[2].observations)}
    extra = Observation(blocks[0].start + timedelta(minutes=1), PartnerKey.A, Stance.ONE_UP)
    add_layer_observation(supervisor, review_id, 1, extra, actor="t")
    add_comment(supervisor, review_id, None, "Good pacing overall.", actor="t", clock=clock)
    add_comment(supervisor, review_id, 3, "Watch Partner B's withdrawal here.", actor="t")
    with pytest.raises(InputError, match="Block 99 is not in this intensive"):
        add_comment(supervisor, review_id, 99, "x", actor="t")
    figures = agreement(supervisor, review_id)
    assert set(figures.blocks) == {1, 3}
    signed = cosign(supervisor, review_id, actor="t", clock=clock)
    assert signed.signer == "Dr. Sam Lee"
    with pytest.raises(InputError, match="already co-signed"):
        cosign(supervisor, review_id, actor="t")
    [listed] = list_reviews(supervisor)
    assert (listed.comments, listed.coded_blocks, listed.cosigned_at) == (
        2,
        (1, 3),
        signed.signed_at,
    )

    with supervisor.engine.begin() as connection, pytest.raises(DatabaseError, match="read-only"):
        connection.execute(text("UPDATE review_received SET title = 'x'"))

    clock.advance(3600)
    back = tmp_path / "out" / "C-0007.return.crucible-review"
    return_review(supervisor, review_id, back, actor="t", clock=clock)
    result = open_package_file(trainee, back, confirm=_never, actor="t", clock=clock)
    assert (result.kind, result.intensive_id, result.changed_after_review) == (
        "return",
        intensive_id,
        (),
    )
    report = review_report(trainee, intensive_id)
    assert report is not None
    assert report.cosignature == signed
    assert report.comments == review_comments(supervisor, review_id)
    ours = review_agreement(get_intensive(trainee, intensive_id), report.supervisor_layer)
    theirs = review_agreement(shown, supervisor_layer(supervisor, review_id))
    assert ours.overall.kappa == theirs.overall.kappa == figures.overall.kappa
    assert ours.overall.kappa is not None
    assert 0 < ours.overall.kappa < 1
    assert set(cosigned_intensives(trainee)) == {intensive_id}
    [couple] = load_casebook(trainee)
    assert [i.cosigned for i in couple.intensives] == [True]
    with pytest.raises(InputError, match="already opened"):
        open_package_file(trainee, back, confirm=_never, actor="t", clock=clock)

    # An addendum written afterwards is flagged as added after review.
    block_id = get_intensive(trainee, intensive_id).days[0].blocks[0].id
    assert block_id is not None
    add_addendum(trainee, block_id, by="Alex Kim", reason="late", text="More.", clock=clock)
    flagged = review_report(trainee, intensive_id)
    assert flagged is not None
    assert flagged.changed_after_review == (1,)

    # Each step is in each vault's audit trail, by ids and counts only.
    trainee_actions = {event.action for event in list_events(trainee)}
    supervisor_actions = {event.action for event in list_events(supervisor)}
    assert {
        "identity-created", "card-exported", "card-imported", "card-linked",
        "review-sent", "review-return-opened",
    } <= trainee_actions  # fmt: skip
    assert {
        "identity-created", "card-exported", "card-imported", "review-opened",
        "review-commented", "review-coded", "review-cosigned", "review-returned",
    } <= supervisor_actions  # fmt: skip
    details = json.dumps([event.detail for event in list_events(supervisor)])
    assert "Good pacing" not in details
    assert "Alex Kim" not in details


def _doc(observation: Observation) -> dict[str, object]:
    from crucible.app.domain.exchange import observation_document

    return observation_document(observation)


def test_a_stale_return_is_stored_and_flagged(
    pair: tuple[Vault, Vault], tmp_path: Path, clock: FakeClock
) -> None:
    trainee, supervisor = pair
    _exchange_cards(trainee, supervisor, tmp_path)
    intensive_id = import_intensive(trainee, supervised_sample(), actor="t")
    package, back = tmp_path / "p.crucible-review", tmp_path / "r.crucible-review"
    send_for_review(trainee, intensive_id, "1", package, actor="t", clock=clock)
    review_id = open_package_file(supervisor, package, confirm=_never, actor="t").review_id
    assert review_id is not None
    cosign(supervisor, review_id, actor="t", clock=clock)
    return_review(supervisor, review_id, back, actor="t", clock=clock)
    block_id = get_intensive(trainee, intensive_id).days[0].blocks[3].id
    assert block_id is not None
    add_addendum(trainee, block_id, by="Alex Kim", reason="late", text="More.", clock=clock)
    result = open_package_file(trainee, back, confirm=_never, actor="t", clock=clock)
    assert result.changed_after_review == (4,)
    assert cosigned_intensives(trainee).keys() == {intensive_id}


def test_an_unknown_sender_is_asked_about_and_refusal_stores_nothing(
    pair: tuple[Vault, Vault], tmp_path: Path, clock: FakeClock
) -> None:
    trainee, supervisor = pair
    export_card(supervisor, tmp_path / "sam.crucible-card", actor="t")
    import_card(trainee, read_card_file(tmp_path / "sam.crucible-card"), actor="t")
    intensive_id = import_intensive(trainee, supervised_sample(), actor="t")
    package = tmp_path / "p.crucible-review"
    send_for_review(trainee, intensive_id, "1", package, actor="t", clock=clock)
    asked: list[Card] = []

    def refuse(card: Card) -> bool:
        asked.append(card)
        return False

    with pytest.raises(InputError, match="not confirmed; nothing was stored"):
        open_package_file(supervisor, package, confirm=refuse, actor="t")
    assert [card.name for card in asked] == ["Alex Kim"]
    assert list_reviews(supervisor) == []
    opened = open_package_file(supervisor, package, confirm=lambda card: True, actor="t")
    assert opened.sender.name == "Alex Kim"
    assert len(list_reviews(supervisor)) == 1


def test_a_block_removed_after_the_return_keeps_the_review_readable(
    pair: tuple[Vault, Vault], tmp_path: Path, clock: FakeClock
) -> None:
    """The stored return is read as it came; the removed block's coding drops out of kappa."""
    from crucible.app.services.casebook import remove_block
    from crucible.app.services.review_return import review_summary

    trainee, supervisor = pair
    _exchange_cards(trainee, supervisor, tmp_path)
    intensive_id = import_intensive(trainee, supervised_sample(), actor="t")
    package, back = tmp_path / "p.crucible-review", tmp_path / "r.crucible-review"
    send_for_review(trainee, intensive_id, "1", package, actor="t", clock=clock)
    review_id = open_package_file(supervisor, package, confirm=_never, actor="t").review_id
    assert review_id is not None
    shown = numbered_blocks(review_intensive(supervisor, review_id))
    coding = [{**_doc(o), "block": n} for n in (1, 7) for o in shown[n - 1].observations]
    import_coding(supervisor, review_id, json.dumps(coding).encode(), actor="t")
    add_comment(supervisor, review_id, 7, "On the last block.", actor="t")
    return_review(supervisor, review_id, back, actor="t", clock=clock)
    open_package_file(trainee, back, confirm=_never, actor="t", clock=clock)
    last = get_intensive(trainee, intensive_id).days[1].blocks[-1].id
    assert last is not None
    remove_block(trainee, last, actor="t")
    report = review_report(trainee, intensive_id)
    assert report is not None
    assert report.changed_after_review == (7,)
    assert set(report.supervisor_layer) == {1, 7}
    summary = review_summary(trainee, intensive_id)
    assert summary is not None
    assert set(summary["kappa"]["blocks"]) == {"1"}
    assert summary["kappa"]["overall"] == 1.0
