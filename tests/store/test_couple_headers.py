"""The navigator's first level, read as plain SQL, says what the full ORM read says.

`load_couples` reads couples and intensive headers through the driver's
cursor (issue 16: the ORM path cost 35-40 ms of the unlock); `load_casebook`
still reads everything through the ORM. Over a vault with archived,
supervised, co-signed and day-less intensives, the headers must be the full
outlines without their days, in the same order.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from crucible.app.services import casebook
from crucible.app.store import models
from crucible.app.store.casebook import CoupleOutline, load_casebook, load_couples
from crucible.app.store.vault import Vault

ACTOR = "Jordan Reyes, LMFT"


def _partners(a: str, b: str, pronouns: str = "") -> list[casebook.PartnerOutline]:
    return [
        casebook.PartnerOutline("A", a, pronouns, "#2E6DB4"),
        casebook.PartnerOutline("B", b, "", ""),
    ]


def _intensive(vault: Vault, couple: int, title: str, first: date) -> int:
    return casebook.create_intensive(
        vault,
        couple,
        casebook.list_templates()[0],
        first_date=first,
        title=title,
        clinician=ACTOR,
        actor=ACTOR,
    )


def _cosign(vault: Vault, intensive_id: int, package: str, *, cosigned: bool) -> None:
    """A sent review and its return, co-signed or not (what `_cosigned` looks for)."""
    now = datetime(2026, 12, 9, 12, tzinfo=UTC)
    with vault.write_session() as session:
        sent = models.ReviewSent(
            intensive_id=intensive_id,
            package_id=package,
            recipient_fingerprint="f" * 39,
            sent_at=now,
            digest="d" * 64,
            states_json="{}",
        )
        session.add(sent)
        session.flush()
        session.add(
            models.ReviewReturn(
                sent_id=sent.id,
                package_id=package,
                supervisor_name="Sam Lee",
                supervisor_role="supervisor",
                supervisor_sealing_key=b"s" * 32,
                supervisor_signing_key=b"k" * 32,
                returned_at=now,
                received_at=now,
                payload_json="{}",
                changed_after_review=[],
                cosigned_at=now if cosigned else None,
            )
        )


@pytest.fixture
def varied(vault: Vault) -> Vault:
    """Couples in an order unlike their ids, with every kind of intensive header."""
    late = casebook.create_couple(vault, "C-0900", _partners("Zoe", "Yan"), actor=ACTOR)
    early = casebook.create_couple(
        vault, "C-0100", _partners("Avery", "Blake", "they/them"), actor=ACTOR
    )
    casebook.create_couple(vault, "C-0500", _partners("Ida", "Jo"), actor=ACTOR)  # no intensive
    first = _intensive(vault, early, "First", date(2026, 12, 7))
    archived = _intensive(vault, early, "Old", date(2020, 3, 2))
    casebook.set_archived(vault, archived, True, actor=ACTOR)
    supervised = _intensive(vault, late, "Supervised", date(2027, 1, 11))
    casebook.set_supervision(vault, supervised, "Tia Trainee", "Sam Lee", actor=ACTOR)
    _cosign(vault, supervised, "p1", cosigned=True)
    _cosign(vault, first, "p2", cosigned=False)
    dayless = _intensive(vault, late, "No days", date(2027, 2, 1))
    for day in casebook.load_intensive(vault, dayless).days:
        casebook.remove_day(vault, day.id, actor=ACTOR)
    return vault


def _as_headers(couples: list[CoupleOutline]) -> list[CoupleOutline]:
    return [
        replace(
            couple,
            intensives=tuple(
                replace(i, days=(), loaded=False, first_date=i.first_day) for i in couple.intensives
            ),
        )
        for couple in couples
    ]


@pytest.mark.parametrize("include_archived", [False, True])
def test_headers_are_the_full_outlines_without_days(varied: Vault, include_archived: bool) -> None:
    with varied.session() as session:
        full = load_casebook(session, include_archived=include_archived)
    with varied.session() as session:
        headers = load_couples(session, include_archived=include_archived)
    assert headers == _as_headers(full)
    assert [c.code for c in headers] == ["C-0100", "C-0500", "C-0900"]
    titles = [i.title for c in headers for i in c.intensives]
    assert ("Old" in titles) is include_archived
    flags = {i.title: (i.cosigned, i.first_date, i.trainee) for c in headers for i in c.intensives}
    assert flags["Supervised"] == (True, date(2027, 1, 11), "Tia Trainee")
    assert flags["First"] == (False, date(2026, 12, 7), None)
    assert flags["No days"] == (False, None, None)
