"""The hours service on a real vault: the fast read agrees with the full one; marks; targets."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from crucible.app.domain.block_span import effective_span
from crucible.app.domain.hours import (
    BlockMark,
    ContactKind,
    ManualContact,
    ObservableData,
    SupervisionEntry,
    SupervisionFormat,
)
from crucible.app.domain.hours_targets import CustomTarget, Measure, Ratio, RatioPeriod
from crucible.app.services.audit_log import list_events
from crucible.app.services.errors import InputError, NotFoundError
from crucible.app.services.hours import (
    add_manual_contact,
    add_supervision,
    choose_target,
    hours_for,
    mark_block,
    mark_other_block,
    read_record,
    remove_entry,
)
from crucible.app.services.hours_report import export_hours_report
from crucible.app.services.intensive_exchange import get_intensive, import_intensive
from crucible.app.store.vault import Vault
from tests.conftest import SAMPLE_PATH

DEMO_TOTAL = 735  # minutes of contact in the sample intensive (tests/cli/test_hours_cli.py)


def _document_with(blocks: list[dict[str, object]]) -> bytes:
    document = json.loads(SAMPLE_PATH.read_text("utf-8"))
    document["intensive"]["days"] = [
        {"day": 1, "date": "2026-11-09", "blocks": blocks},
    ]
    return json.dumps(document).encode("utf-8")


def test_the_practice_read_gives_every_block_its_effective_span(vault: Vault) -> None:
    """The hours read first and last observation only; their spans equal the full rule's."""
    intensive_id = import_intensive(vault, SAMPLE_PATH.read_bytes(), actor="test")
    full = {
        block.id: effective_span(block)
        for day in get_intensive(vault, intensive_id).days
        for block in day.blocks
    }
    record = read_record(vault)
    assert {r.block_id: r.span() for r in record.blocks} == full
    assert all(r.observed is not None for r in record.blocks)


def test_marks_confirm_a_run_and_count_an_other_block(vault: Vault, clock: object) -> None:
    blocks = [
        {"title": "Joint, nothing logged", "kind": "joint",
         "start": "2026-11-09T09:00:00-05:00", "end": "2026-11-09T10:30:00-05:00"},
        {"title": "Psychoeducation", "kind": "other",
         "start": "2026-11-09T11:00:00-05:00", "end": "2026-11-09T11:45:00-05:00"},
    ]  # fmt: skip
    import_intensive(vault, _document_with(blocks), actor="test")
    assert hours_for(vault).contact.total == 0  # nothing shows either ran
    ids = [r.block_id for r in read_record(vault).blocks]
    assert all(isinstance(i, int) for i in ids)
    mark_block(vault, ids[0], BlockMark(confirmed_ran=True))
    assert hours_for(vault).contact.relational == 90
    mark_block(vault, ids[1], BlockMark(ContactKind.INDIVIDUAL, confirmed_ran=True))
    assert hours_for(vault).contact.individual == 45
    mark_block(vault, ids[0], BlockMark())  # cleared
    assert hours_for(vault).contact.total == 45
    with pytest.raises(NotFoundError):
        mark_block(vault, 99_999, BlockMark(confirmed_ran=True))


def test_an_other_block_is_marked_and_unmarked_keeping_its_confirmed_run(vault: Vault) -> None:
    blocks = [
        {"title": "Joint", "kind": "joint",
         "start": "2026-11-09T09:00:00-05:00", "end": "2026-11-09T10:30:00-05:00"},
        {"title": "Psychoeducation", "kind": "other",
         "start": "2026-11-09T11:00:00-05:00", "end": "2026-11-09T11:45:00-05:00"},
        {"title": "Lunch", "kind": "break",
         "start": "2026-11-09T12:00:00-05:00", "end": "2026-11-09T13:00:00-05:00"},
    ]  # fmt: skip
    import_intensive(vault, _document_with(blocks), actor="test")
    joint, other, lunch = (r.block_id for r in read_record(vault).blocks)
    assert isinstance(other, int)
    assert hours_for(vault).other_not_counted == ()  # nothing shows it ran: nothing to decide
    mark_block(vault, other, BlockMark(confirmed_ran=True))
    assert [b.block_id for b in hours_for(vault).other_not_counted] == [other]
    mark_other_block(vault, other, ContactKind.RELATIONAL)
    log = hours_for(vault)
    assert (log.contact.relational, log.other_not_counted) == (45, ())
    mark_other_block(vault, other, None)
    marks = {r.block_id: r.mark for r in read_record(vault).blocks}
    assert marks[other] == BlockMark(None, confirmed_ran=True)  # the run is kept
    assert hours_for(vault).contact.total == 0
    for refused, words in ((joint, "by its kind already"), (lunch, "never count")):
        assert isinstance(refused, int)
        with pytest.raises(InputError, match=words):
            mark_other_block(vault, refused, ContactKind.INDIVIDUAL)
    with pytest.raises(NotFoundError):
        mark_other_block(vault, 99_999, ContactKind.INDIVIDUAL)
    assert {r.block_id: r.mark for r in read_record(vault).blocks} == marks  # nothing stored
    marked = [e.detail for e in list_events(vault) if e.action == "hours-block-marked"]
    assert marked[-2:] == [
        {"block": other, "counts_as": "relational"},
        {"block": other, "counts_as": "not-contact"},
    ]


def test_entries_can_be_removed_and_refusals_store_nothing(vault: Vault) -> None:
    import_intensive(vault, SAMPLE_PATH.read_bytes(), actor="test")
    now = lambda: datetime(2026, 12, 1, 12, tzinfo=datetime.now().astimezone().tzinfo)  # noqa: E731
    entry = ManualContact(date(2026, 11, 20), 60, ContactKind.RELATIONAL, "F-1")
    new_id = add_manual_contact(vault, entry, clock=now)
    assert hours_for(vault).contact.total == DEMO_TOTAL + 60
    with pytest.raises(InputError, match="in the future"):
        add_manual_contact(
            vault, ManualContact(date(2026, 12, 2), 60, ContactKind.INDIVIDUAL), clock=now
        )
    remove_entry(vault, supervision=False, entry_id=new_id)
    assert hours_for(vault).contact.total == DEMO_TOTAL
    with pytest.raises(NotFoundError):
        remove_entry(vault, supervision=True, entry_id=new_id)


def test_a_custom_target_is_stored_and_read_back(vault: Vault) -> None:
    import_intensive(vault, SAMPLE_PATH.read_bytes(), actor="test")
    custom = CustomTarget({Measure.CONTACT_TOTAL: 10}, Ratio(5, RatioPeriod.WEEK)).preset()
    choose_target(vault, "custom", custom=custom, starts=date(2026, 11, 1))
    log = hours_for(vault)
    assert log.target.preset == custom
    assert log.target.starts == date(2026, 11, 1)
    # 5:1 per week and no supervision: nothing is claimable, all 735 minutes logged.
    assert [(p.logged, p.claimable, p.required) for p in log.progress] == [(DEMO_TOTAL, 0, 600)]
    with pytest.raises(InputError, match="no hours target preset"):
        choose_target(vault, "oregon")
    with pytest.raises(InputError, match="after it ends"):
        choose_target(vault, "coamfte-500", starts=date(2026, 2, 1), ends=date(2026, 1, 1))
    assert hours_for(vault).target.preset == custom  # refused choices changed nothing


def test_every_change_to_the_hours_log_is_in_the_audit_trail_without_names(
    vault: Vault, tmp_path: Path
) -> None:
    """Added, removed, marked, the target and the PDF: each an event, ids and numbers only."""
    intensive_id = import_intensive(vault, SAMPLE_PATH.read_bytes(), actor="test")
    block_id = get_intensive(vault, intensive_id).days[0].blocks[0].id
    now = lambda: datetime(2026, 12, 1, 12, tzinfo=datetime.now().astimezone().tzinfo)  # noqa: E731
    contact = add_manual_contact(
        vault, ManualContact(date(2026, 11, 20), 60, ContactKind.RELATIONAL, "F-1"), clock=now
    )
    supervision = add_supervision(
        vault,
        SupervisionEntry(
            date(2026, 11, 21),
            45,
            SupervisionFormat.INDIVIDUAL,
            ObservableData.VIDEO,
            "Dr Canary Supervisorname",
        ),
        clock=now,
        actor="crucible-cli",
    )
    remove_entry(vault, supervision=False, entry_id=contact)
    mark_block(vault, block_id, BlockMark(confirmed_ran=True))
    choose_target(vault, "montana-lmft")
    export_hours_report(vault, tmp_path / "hours.pdf", None, None, clock=now)
    events = list_events(vault)
    actions = [e.action for e in events]
    for action in (
        "hours-entry-added",
        "hours-entry-removed",
        "hours-block-marked",
        "hours-target-set",
        "export-hours",
    ):
        assert action in actions, action
    added = [e for e in events if e.action == "hours-entry-added"]
    assert [e.detail for e in added] == [
        {"entry": "contact", "id": contact},
        {"entry": "supervision", "id": supervision},
    ]
    assert added[1].actor == "crucible-cli"
    assert "Canary" not in json.dumps([e.detail for e in events])
    assert "F-1" not in json.dumps([e.detail for e in events])


def test_the_linked_supervisor_card_signs_the_hours_log(vault: Vault, tmp_path: Path) -> None:
    """With a supervisor's card linked, its name is the log's supervisor, over the profile's."""
    import io

    from pypdf import PdfReader

    from crucible.app.domain.vocabulary import Role
    from crucible.app.services.hours_report import hours_report_bytes
    from crucible.app.services.identity import import_card
    from crucible.app.services.profile import ClinicianProfile, save_profile
    from crucible.app.services.vault_access import new_vault
    from tests.conftest import FAST_KDF

    save_profile(vault, ClinicianProfile("Alex Kim", "", Role.TRAINEE, "Sam (typed)"))
    other, _code = new_vault(tmp_path / "supervisor", "another long passphrase here", kdf=FAST_KDF)
    try:
        save_profile(other, ClinicianProfile("Dr. Sam Lee", "PhD", Role.SUPERVISOR))
        from crucible.app.services.identity import own_card

        card = own_card(other, actor="t")
    finally:
        other.lock()

    def text() -> str:
        pdf = hours_report_bytes(vault, None, None)
        return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)

    assert "Sam (typed)" in text()
    import_card(vault, card, actor="t", link_as_supervisor=True)
    assert "Dr. Sam Lee, PhD" in text()
    assert "Sam (typed)" not in text()


def test_entries_keep_their_setting_and_a_bad_one_is_refused(vault: Vault) -> None:
    now = lambda: datetime(2026, 12, 1, 12, tzinfo=datetime.now().astimezone().tzinfo)  # noqa: E731
    add_manual_contact(
        vault,
        ManualContact(date(2026, 11, 20), 60, ContactKind.RELATIONAL, setting="Private practice"),
        clock=now,
    )
    add_supervision(
        vault,
        SupervisionEntry(
            date(2026, 11, 21),
            45,
            SupervisionFormat.GROUP,
            ObservableData.NONE,
            setting="Private practice",
        ),
        clock=now,
    )
    record = read_record(vault)
    assert [m.setting for m in record.manual] == ["Private practice"]
    assert [s.setting for s in record.supervision] == ["Private practice"]
    with pytest.raises(InputError, match="at most 80 characters"):
        add_manual_contact(
            vault,
            ManualContact(date(2026, 11, 20), 60, ContactKind.INDIVIDUAL, setting="x" * 81),
            clock=now,
        )
    with pytest.raises(InputError, match="control character"):
        add_supervision(
            vault,
            SupervisionEntry(
                date(2026, 11, 21),
                45,
                SupervisionFormat.GROUP,
                ObservableData.NONE,
                setting="Clinic\nB",
            ),
            clock=now,
        )
    after = read_record(vault)
    assert (after.manual, after.supervision) == (record.manual, record.supervision)  # nothing new


def test_entries_stored_before_revision_0010_read_with_no_setting(vault: Vault) -> None:
    """Down to 0009 (no setting column) and up again: the entries are kept, naming no setting."""
    from crucible.app.store import migrate

    now = lambda: datetime(2026, 12, 1, 12, tzinfo=datetime.now().astimezone().tzinfo)  # noqa: E731
    add_manual_contact(
        vault, ManualContact(date(2026, 11, 20), 60, ContactKind.RELATIONAL, "F-1"), clock=now
    )
    add_supervision(
        vault,
        SupervisionEntry(date(2026, 11, 21), 45, SupervisionFormat.GROUP, ObservableData.NONE),
        clock=now,
    )
    migrate.downgrade(vault.engine, "0009")
    migrate.upgrade(vault.engine)
    record = read_record(vault)
    assert [(m.minutes, m.couple_code, m.setting) for m in record.manual] == [(60, "F-1", "")]
    assert [(s.minutes, s.setting) for s in record.supervision] == [(45, "")]
    migrate.check_no_drift(vault.engine)
