"""Search through the service on real encrypted vaults: words, scripts, edits, filters."""

from __future__ import annotations

import json
import threading
import time
from datetime import date
from typing import Any

import pytest
from sqlalchemy import text

from crucible.app.domain.intensive import NoteSection
from crucible.app.services.casebook import set_archived
from crucible.app.services.errors import InputError
from crucible.app.services.intensive_exchange import get_intensive, import_intensive
from crucible.app.services.notes import add_addendum, save_note
from crucible.app.services.observations import delete_observation
from crucible.app.services.search import (
    MATCH_END,
    MATCH_START,
    HitKind,
    SearchFilters,
    SearchStop,
    SearchSuperseded,
    search,
)
from crucible.app.store.vault import Vault
from tests.conftest import SAMPLE_PATH

MIXED = "Hebrew שלום עולם, Arabic مرحبا بالعالم, Chinese 我的父亲很生气。"


def searchable_document(code: str = "C-ZOE", *, other: bool = False) -> dict[str, Any]:
    """The sample intensive with known words in each searchable field."""
    document = json.loads(SAMPLE_PATH.read_text("utf-8"))
    document["couple"]["code"] = code
    document["couple"]["partners"][0]["name"] = "Zoë Brontë" if not other else "Ruth Ames"
    intensive = document["intensive"]
    intensive["title"] = "Spring intensive" if not other else "Winter follow-up"
    intensive["reflections"] = "Trainee reflection: the turning point came with the lighthouse."
    day1 = intensive["days"][0]
    signed, draft = day1["blocks"][0], day1["blocks"][1]
    signed["title"] = "Joint: the kestrel hour"
    signed["note"]["sections"][0]["text"] = (
        "Partner A spoke about her father and the silence at dinner."
    )
    signed["note"]["addenda"][0]["text"] = "Partner B added context about the harbour trip."
    draft["note"]["sections"][0]["text"] = MIXED
    observations = signed["observations"]
    observations[0].update(quote="I always feel invisible", partner="A", stance="one-up")
    observations[1].update(trigger="money conversation about the mortgage", partner="B")
    observations[1]["stance"] = "one-down"
    if other:
        for day in intensive["days"]:
            day["date"] = "2027-03-0" + str(day["day"])
            for block in day["blocks"]:
                for key in ("start", "end"):
                    if block.get(key):
                        block[key] = day["date"] + block[key][10:]
                for item in block["observations"]:
                    item["at"] = day["date"] + item["at"][10:]
                note = block.get("note")
                if note and note.get("signed_at"):
                    note["signed_at"] = day["date"] + note["signed_at"][10:]
                    for addendum in note["addenda"]:
                        addendum["at"] = day["date"] + addendum["at"][10:]
    return document


def load(vault: Vault, document: dict[str, Any]) -> int:
    return import_intensive(vault, json.dumps(document).encode(), actor="test")


@pytest.fixture
def loaded(vault: Vault) -> tuple[Vault, int]:
    return vault, load(vault, searchable_document())


def plain(snippet: str) -> str:
    return snippet.replace(MATCH_START, "[").replace(MATCH_END, "]")


def test_diacritics_and_case_fold(loaded: tuple[Vault, int]) -> None:
    vault, new_id = loaded
    hits = search(vault, "zoe bronte ")
    assert [(h.kind, h.field, h.partner) for h in hits] == [(HitKind.PARTNER, "name", "A")]
    assert plain(hits[0].snippet) == "[Zoë] [Brontë]"
    assert hits[0].intensive_id == new_id
    assert search(vault, "FATHER")[0].kind is HitKind.NOTE


@pytest.mark.parametrize("word", ["שלום", "مرحبا", "我的父亲很生气", "父亲", "父亲 生气"])
def test_hebrew_arabic_and_chinese(loaded: tuple[Vault, int], word: str) -> None:
    vault, _ = loaded
    hits = search(vault, word + " ")
    assert [h.kind for h in hits] == [HitKind.NOTE]
    assert hits[0].section_title
    assert hits[0].day_number == 1
    assert MATCH_START in hits[0].snippet


def test_phrases_prefixes_and_exclusion(loaded: tuple[Vault, int]) -> None:
    vault, _ = loaded
    assert search(vault, '"the silence at dinner"')[0].kind is HitKind.NOTE
    assert search(vault, '"dinner silence"') == []
    prefix = search(vault, "lightho")
    assert {h.kind for h in prefix} == {HitKind.REFLECTIONS}
    assert search(vault, "lightho ") == []  # a finished word is a word
    assert {h.kind for h in search(vault, "partner father")} == {HitKind.NOTE}
    assert search(vault, "father -dinner ") == []
    assert search(vault, "father -kestrel ") != []
    assert search(vault, "-father") == []  # nothing to look for
    assert search(vault, 'AND OR NEAR( "*:^') == []  # operators are text, never an error


def test_kinds_fields_and_context(loaded: tuple[Vault, int]) -> None:
    vault, new_id = loaded
    observation = search(vault, "invisible ")[0]
    assert (observation.kind, observation.field, observation.partner) == (
        HitKind.OBSERVATION,
        "quote",
        "A",
    )
    assert observation.observation_id
    assert observation.block_title == "Joint: the kestrel hour"
    assert search(vault, "mortgage ")[0].field == "trigger"
    addendum = search(vault, "harbour ")[0]
    assert (addendum.kind, addendum.field) == (HitKind.ADDENDUM, "text")
    assert search(vault, "kestrel ")[0].kind is HitKind.BLOCK_TITLE
    assert search(vault, "spring ")[0].kind is HitKind.INTENSIVE_TITLE
    couple = search(vault, "c-zoe")[0]
    assert (couple.kind, couple.couple_code, couple.intensive_id) == (
        HitKind.COUPLE,
        "C-ZOE",
        new_id,
    )


def test_an_edited_note_is_found_by_its_new_words_only(loaded: tuple[Vault, int]) -> None:
    vault, new_id = loaded
    block = get_intensive(vault, new_id).days[0].blocks[1]  # a draft note
    save_note(vault, block.id, [NoteSection("Session", "The albatross returned to the harbour.")])
    assert [h.block_id for h in search(vault, "albatross ")] == [block.id]
    assert search(vault, "父亲") == []
    assert search(vault, "שלום ") == []


def test_a_refused_change_to_a_signed_note_leaves_the_index_alone(
    loaded: tuple[Vault, int],
) -> None:
    vault, new_id = loaded
    signed = get_intensive(vault, new_id).days[0].blocks[0]
    with pytest.raises(Exception, match="signed"), vault.write_connection() as connection:
        connection.exec_driver_sql(
            "UPDATE note_section SET text = 'overwritten pelican' WHERE note_id = "
            f"(SELECT id FROM block_note WHERE block_id = {signed.id})"
        )
    assert search(vault, "pelican") == []
    assert search(vault, "father ")[0].block_id == signed.id
    add_addendum(vault, signed.id, by="Jordan", reason="a quokka seen", text="later")
    found = search(vault, "quokka ")
    assert [(h.kind, h.field) for h in found] == [(HitKind.ADDENDUM, "reason")]


def test_a_deleted_observation_is_gone(loaded: tuple[Vault, int]) -> None:
    vault, _ = loaded
    hit = search(vault, "invisible ")[0]
    assert hit.observation_id is not None
    delete_observation(vault, hit.observation_id)
    assert search(vault, "invisible ") == []


def test_across_two_intensives_and_the_filters(vault: Vault) -> None:
    first = load(vault, searchable_document())
    second = load(vault, searchable_document("C-0099", other=True))
    assert {h.intensive_id for h in search(vault, "father ")} == {first, second}
    by_couple = search(vault, "father ", SearchFilters(couple_code="C-0099"))
    assert {h.intensive_id for h in by_couple} == {second}
    later = search(vault, "father ", SearchFilters(date_from=date(2027, 1, 1)))
    assert {h.intensive_id for h in later} == {second}
    earlier = search(vault, "lighthouse ", SearchFilters(date_to=date(2026, 12, 31)))
    assert {h.intensive_id for h in earlier} == {first}
    a_only = search(vault, "invisible mortgage", SearchFilters(partner="A"))
    assert a_only == []
    b_only = search(vault, "mortgage ", SearchFilters(partner="B", stance="one-down"))
    assert {h.kind for h in b_only} == {HitKind.OBSERVATION}
    assert len(b_only) == 2
    assert search(vault, "mortgage ", SearchFilters(stance="same-as")) == []
    signed = search(vault, "father harbour", SearchFilters(signed=True))
    assert len(signed) == 0
    assert {h.kind for h in search(vault, "harbour ", SearchFilters(signed=True))} == {
        HitKind.ADDENDUM
    }
    assert {h.kind for h in search(vault, "father ", SearchFilters(signed=True))} == {HitKind.NOTE}
    assert search(vault, "father ", SearchFilters(signed=False)) == []
    assert len(search(vault, "父亲", SearchFilters(signed=False))) == 2
    set_archived(vault, second, True, actor="test")
    assert {h.intensive_id for h in search(vault, "father ")} == {first}
    archived = search(vault, "father ", SearchFilters(include_archived=True))
    assert {h.intensive_id for h in archived} == {first, second}


def test_ranked_and_limited(vault: Vault) -> None:
    for number in range(3):
        load(vault, searchable_document(f"C-{number}"))
    hits = search(vault, "partner", limit=7)
    assert len(hits) == 7
    assert [h.rank for h in hits] == sorted(h.rank for h in hits)


def test_bad_input_is_one_sentence(loaded: tuple[Vault, int]) -> None:
    vault, _ = loaded
    for call in (
        lambda: search(vault, "x", limit=0),
        lambda: search(vault, "x", SearchFilters(couple_code="NOPE")),
        lambda: search(vault, "x", SearchFilters(partner="C")),
        lambda: search(vault, "x", SearchFilters(stance="sideways")),
        lambda: search(
            vault, "x", SearchFilters(date_from=date(2027, 1, 2), date_to=date(2027, 1, 1))
        ),
    ):
        with pytest.raises(InputError) as caught:
            call()
        assert str(caught.value).endswith(".")
        assert "\n" not in str(caught.value)
    assert search(vault, "   ") == []
    assert search(vault, "?!") == []


def test_search_writes_nothing(loaded: tuple[Vault, int]) -> None:
    vault, _ = loaded
    with vault.engine.connect() as connection:
        before = connection.exec_driver_sql("SELECT count(*) FROM audit_event").scalar()
    search(vault, "father")
    search(vault, "父亲")
    with vault.engine.connect() as connection:
        after = connection.exec_driver_sql("SELECT count(*) FROM audit_event").scalar()
    assert before == after


def test_ranking_a_bounded_set_never_hides_a_filtered_match(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the newest matches are ranked when there are many; a filter still finds older ones.

    The bound is set to one match here so that two intensives exceed it.
    """
    from crucible.app.store import search_index

    monkeypatch.setattr(search_index, "RANKED_CANDIDATES", 1)
    load(vault, searchable_document("C-OLD"))
    load(vault, searchable_document("C-NEW", other=True))
    older = search(vault, "father ", SearchFilters(couple_code="C-OLD"))
    assert {hit.couple_code for hit in older} == {"C-OLD"}
    assert {hit.couple_code for hit in search(vault, "father ")} == {"C-OLD", "C-NEW"}
    assert [hit.couple_code for hit in search(vault, "father ", limit=1)] == ["C-NEW"]


def test_a_stopped_search_raises_superseded_and_runs_nothing(loaded: tuple[Vault, int]) -> None:
    """Stopped before it starts, a search finds nothing and says it was superseded."""
    vault, _ = loaded
    stop = SearchStop()
    stop.stop()
    with pytest.raises(SearchSuperseded):
        search(vault, "whatever", stop=stop)
    assert search(vault, "whatever", stop=SearchStop())  # a fresh stop lets it run


def test_stop_interrupts_a_running_statement_from_another_thread(vault: Vault) -> None:
    """`stop()` from the UI thread ends the statement the search thread is in, at once.

    A recursive count that takes seconds stands in for a slow query; it is
    interrupted well before it could finish, and the connection works after.
    """
    stop = SearchStop()
    outcome: list[BaseException | int] = []
    slow = text(
        "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r WHERE x < 500000000) "
        "SELECT count(*) FROM r"
    )

    def run() -> None:
        with vault.session() as session:
            try:
                with stop.watching(session):
                    outcome.append(session.execute(slow).scalar_one())
            except SearchSuperseded as error:
                outcome.append(error)
            outcome.append(session.execute(text("SELECT 1")).scalar_one())

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.2)
    started = time.monotonic()
    stop.stop()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert time.monotonic() - started < 2
    assert isinstance(outcome[0], SearchSuperseded)
    assert outcome[1] == 1
