"""The casebook service on a real vault: couples, template intensives, day and block edits."""

from __future__ import annotations

import json
from datetime import date, time

import pytest

from crucible.app.services import casebook
from crucible.app.services.errors import InputError
from crucible.app.services.intensive_exchange import get_intensive, import_intensive
from crucible.app.store.vault import Vault
from tests.conftest import FakeClock

ACTOR = "Jordan Reyes, LMFT"


def partners(a: str = "Avery Stone", b: str = "Blake Rivera") -> list[casebook.PartnerOutline]:
    return [
        casebook.PartnerOutline("A", a, "they/them", "#2E6DB4"),
        casebook.PartnerOutline("B", b, "he/him", "#C2571A"),
    ]


@pytest.fixture
def couple_id(vault: Vault, clock: FakeClock) -> int:
    return casebook.create_couple(vault, "C-0100", partners(), actor=ACTOR, clock=clock)


@pytest.fixture
def intensive_id(vault: Vault, clock: FakeClock, couple_id: int) -> int:
    template = casebook.list_templates()[0]
    return casebook.create_intensive(
        vault,
        couple_id,
        template,
        first_date=date(2026, 12, 7),
        title="",
        clinician=ACTOR,
        actor=ACTOR,
        clock=clock,
    )


def blocks_of(vault: Vault, intensive_id: int) -> list[list[tuple[str, str, str]]]:
    intensive = get_intensive(vault, intensive_id)
    return [
        [
            (b.title, b.start.strftime("%H:%M"), b.end.strftime("%H:%M") if b.end else "")
            for b in day.blocks
        ]
        for day in intensive.days
    ]


def test_default_template_matches_the_demo_schedule() -> None:
    """The shipped two-day template has the demo intensive's blocks, titles, kinds and times."""
    from pathlib import Path

    demo = json.loads(
        (Path(__file__).parents[2] / "resources" / "demo-intensive.json").read_text("utf-8")
    )
    expected = [
        [(b["title"], b["kind"], b["start"][11:16], b["end"][11:16]) for b in day["blocks"]]
        for day in demo["intensive"]["days"]
    ]
    template = casebook.list_templates()[0]
    assert template.key == "two-day"
    got = [
        [(p.title, p.kind, p.start.strftime("%H:%M"), p.end.strftime("%H:%M")) for p in day]
        for day in template.days
    ]
    assert got == expected


def test_intensive_from_template_has_two_consecutive_days(vault: Vault, intensive_id: int) -> None:
    """Days follow the first date one calendar day apart, in the clock's zone."""
    intensive = get_intensive(vault, intensive_id)
    assert [d.date for d in intensive.days] == [date(2026, 12, 7), date(2026, 12, 8)]
    assert intensive.title == "Two-day intensive"
    assert [len(d.blocks) for d in intensive.days] == [4, 3]
    assert intensive.days[0].blocks[0].start.utcoffset() is not None


def test_duplicate_couple_code_is_refused(vault: Vault, clock: FakeClock, couple_id: int) -> None:
    """A second couple with the same code gets a one-sentence refusal."""
    with pytest.raises(InputError, match="already used"):
        casebook.create_couple(vault, "C-0100", partners(), actor=ACTOR, clock=clock)


def test_blocks_reorder_retime_add_remove(
    vault: Vault, clock: FakeClock, intensive_id: int
) -> None:
    """Blocks move, change times, come and go, and positions stay 0..n-1."""
    day1 = casebook.load_casebook(vault)[0].intensives[0].days[0]
    first, second = day1.blocks[0].id, day1.blocks[1].id
    casebook.move_block(vault, second, -1, actor=ACTOR, clock=clock)
    casebook.update_block(
        vault,
        first,
        title="Joint: history",
        kind="joint",
        start=time(9, 15),
        end=time(11, 45),
        actor=ACTOR,
        clock=clock,
    )
    new_id = casebook.add_block(
        vault,
        day1.id,
        casebook.BlockPlan("Homework review", "homework", time(17, 0), None),
        actor=ACTOR,
        clock=clock,
    )
    casebook.remove_block(vault, day1.blocks[3].id, actor=ACTOR, clock=clock)
    day = blocks_of(vault, intensive_id)[0]
    assert day == [
        ("Individual: partner A", "12:30", "13:30"),
        ("Joint: history", "09:15", "11:45"),
        ("Individual: partner B", "13:45", "14:45"),
        ("Homework review", "17:00", ""),
    ]
    positions = [b.position for b in casebook.load_casebook(vault)[0].intensives[0].days[0].blocks]
    assert positions == [0, 1, 2, 3]
    assert new_id


def test_block_must_end_after_it_starts(vault: Vault, clock: FakeClock, intensive_id: int) -> None:
    """Retiming to an end before the start is refused with a clear sentence."""
    block = casebook.load_casebook(vault)[0].intensives[0].days[0].blocks[0]
    with pytest.raises(InputError, match="end after it starts"):
        casebook.update_block(
            vault,
            block.id,
            title="x",
            kind="joint",
            start=time(10),
            end=time(9),
            actor=ACTOR,
            clock=clock,
        )


def test_days_add_move_redate_remove(vault: Vault, clock: FakeClock, intensive_id: int) -> None:
    """Days keep numbers 1..n in date order through every edit; blocks follow their day."""
    casebook.add_day(vault, intensive_id, actor=ACTOR, clock=clock)
    days = casebook.load_casebook(vault)[0].intensives[0].days
    assert [d.date for d in days] == [date(2026, 12, 7), date(2026, 12, 8), date(2026, 12, 9)]
    casebook.move_day(vault, days[1].id, -1, actor=ACTOR, clock=clock)
    intensive = get_intensive(vault, intensive_id)
    assert intensive.days[0].blocks[0].title == "Joint: skills, requests and the feedback wheel"
    assert intensive.days[0].blocks[0].start.date() == date(2026, 12, 7)
    casebook.redate_day(vault, days[2].id, date(2026, 12, 1), actor=ACTOR, clock=clock)
    days = casebook.load_casebook(vault)[0].intensives[0].days
    assert (days[0].number, days[0].date) == (1, date(2026, 12, 1))
    casebook.remove_day(vault, days[0].id, actor=ACTOR, clock=clock)
    days = casebook.load_casebook(vault)[0].intensives[0].days
    assert [d.number for d in days] == [1, 2]


def test_delete_refused_with_signed_note(
    vault: Vault, clock: FakeClock, sample_bytes: bytes
) -> None:
    """An intensive holding a signed note cannot be deleted, only archived."""
    new_id = import_intensive(vault, sample_bytes, actor=ACTOR, clock=clock)
    summary = next(i for c in casebook.load_casebook(vault) for i in c.intensives if i.id == new_id)
    if not summary.has_signed_note:
        pytest.skip("the sample has no signed note")
    assert not casebook.can_delete_intensive(vault, new_id)
    with pytest.raises(InputError, match="signed records cannot be deleted"):
        casebook.delete_intensive(vault, new_id, actor=ACTOR, clock=clock)
    casebook.set_archived(vault, new_id, True, actor=ACTOR, clock=clock)
    assert all(not c.intensives for c in casebook.load_casebook(vault))
    shown = casebook.load_casebook(vault, include_archived=True)
    assert [i.status for c in shown for i in c.intensives] == ["archived"]


def test_delete_unsigned_intensive(vault: Vault, clock: FakeClock, intensive_id: int) -> None:
    """An intensive with no signed note is deleted with its days and blocks."""
    casebook.delete_intensive(vault, intensive_id, actor=ACTOR, clock=clock)
    assert casebook.load_casebook(vault, include_archived=True)[0].intensives == ()


def test_supervision_is_recorded(vault: Vault, clock: FakeClock, intensive_id: int) -> None:
    """Marking an intensive supervised stores trainee and supervisor; blank clears them."""
    casebook.set_supervision(
        vault, intensive_id, "Robin Trainee", "Dr. Sup", actor=ACTOR, clock=clock
    )
    assert get_intensive(vault, intensive_id).is_supervised
    casebook.set_supervision(vault, intensive_id, " ", "", actor=ACTOR, clock=clock)
    assert not get_intensive(vault, intensive_id).is_supervised


@pytest.mark.parametrize(("trainee", "supervisor"), [("Robin Trainee", " "), ("", "Dr. Sup")])
def test_supervision_names_both_people(
    vault: Vault,
    clock: FakeClock,
    couple_id: int,
    intensive_id: int,
    trainee: str,
    supervisor: str,
) -> None:
    """One name alone is refused by the service, with the sentence the dialogs show."""
    with pytest.raises(InputError, match="needs the trainee's and the supervisor's names"):
        casebook.set_supervision(vault, intensive_id, trainee, supervisor, actor=ACTOR, clock=clock)
    with pytest.raises(InputError, match="needs the trainee's and the supervisor's names"):
        casebook.create_intensive(
            vault,
            couple_id,
            casebook.list_templates()[0],
            first_date=date(2027, 1, 4),
            title="Supervised",
            clinician=ACTOR,
            trainee=trainee,
            supervisor=supervisor,
            actor=ACTOR,
            clock=clock,
        )
    assert not get_intensive(vault, intensive_id).is_supervised
