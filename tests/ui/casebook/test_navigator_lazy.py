"""The navigator on a big vault: children read on expand, one row updated after an edit."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QTime

from crucible.app.services import casebook
from crucible.app.ui.casebook.navigator_filter import NavigatorFilter
from crucible.app.ui.casebook.navigator_model import (
    BLOCK,
    INTENSIVE,
    NavigatorModel,
    key_of,
)
from crucible.app.ui.shell.launch import Desktop
from tests.ui.conftest import add_couple, add_template_intensive


def _intensive_index(model: Any, intensive_id: int) -> QModelIndex:
    for row in range(model.rowCount()):
        couple = model.index(row, 0)
        for child in range(model.rowCount(couple)):
            index = model.index(child, 0, couple)
            if key_of(index) == (INTENSIVE, intensive_id):
                return index
    raise AssertionError(f"intensive {intensive_id} is not listed")


def _two_intensives(unlocked: Desktop) -> tuple[Any, int, int]:
    ws = unlocked.session.workspace
    ws.today = lambda: date(2030, 1, 1)  # neither intensive is current: both stay headers
    couple = add_couple(ws.vault, "C-0300", ("Ari", "Bo"), pronouns=("", ""), colours=("", ""))
    second = add_template_intensive(ws.vault, couple, "Second intensive")
    ws.refresh()
    first = next(
        i.id for c in casebook.load_couples(ws.vault) for i in c.intensives if i.id != second
    )
    return ws, first, second


def test_intensives_listed_without_their_days_until_expanded(unlocked: Desktop) -> None:
    """At unlock the tree holds couples and intensives; expanding one reads its days and blocks."""
    ws, first, second = _two_intensives(unlocked)
    model = ws.model
    for intensive_id in (first, second):
        index = _intensive_index(model, intensive_id)
        assert model.rowCount(index) == 0
        assert model.hasChildren(index)
        assert model.canFetchMore(index)
    assert not any(label.startswith("Day ") for label in model.all_labels())

    ws.view.tree.expand(ws.proxy.mapFromSource(_intensive_index(model, second)))

    expanded = _intensive_index(model, second)
    assert [model.index(r, 0, expanded).data() for r in range(model.rowCount(expanded))] == [
        "Day 1 · Mon 7 Dec",
        "Day 2 · Tue 8 Dec",
    ]
    assert not model.canFetchMore(expanded)
    assert model.rowCount(_intensive_index(model, first)) == 0  # the other one is still unread


def test_a_block_found_by_key_reads_only_its_intensive(unlocked: Desktop) -> None:
    """Selecting a block of an unread intensive (search, hours, a restored place) reads that one."""
    ws, first, second = _two_intensives(unlocked)
    block = casebook.load_intensive(ws.vault, second).days[1].blocks[0]
    assert ws.select((BLOCK, block.id))
    assert ws.selected_key() == (BLOCK, block.id)
    assert ws.view.details.block_title.text() == block.title
    assert ws.model.rowCount(_intensive_index(ws.model, first)) == 0


def test_intensive_details_read_its_days(unlocked: Desktop) -> None:
    """The intensive page counts blocks and signed notes from the whole outline, read on select."""
    ws, _first, second = _two_intensives(unlocked)
    assert ws.select((INTENSIVE, second))
    assert ws.view.details.intensive_records.text() == "7 blocks, 0 signed notes"


class _Loader:
    def __init__(self, vault: Any) -> None:
        self.vault = vault

    def intensive(self, intensive_id: int) -> Any:
        return casebook.load_intensive(self.vault, intensive_id)

    def holder(self, key: Any) -> int | None:
        return casebook.intensive_holding(self.vault, *key)


def test_lazy_model_passes_qtmodeltester(qtmodeltester: Any, unlocked: Desktop) -> None:
    """The lazy model (headers first, children fetched as asked) keeps Qt's model contracts."""
    ws, first, _second = _two_intensives(unlocked)
    model = NavigatorModel(loader=_Loader(ws.vault))
    model.set_casebook(casebook.load_couples(ws.vault, include_archived=True))
    qtmodeltester.check(model, force_py=True)
    model.fetchMore(_intensive_index(model, first))
    qtmodeltester.check(model, force_py=True)
    proxy = NavigatorFilter()
    proxy.setSourceModel(model)
    proxy.setFilterFixedString("repair")
    qtmodeltester.check(proxy, force_py=True)


def test_an_edit_updates_one_row(qtbot: Any, unlocked: Desktop) -> None:
    """Saving a block's title changes that row only: no reset, no rows removed or inserted."""
    ws, first, second = _two_intensives(unlocked)
    block = casebook.load_intensive(ws.vault, second).days[0].blocks[1]
    ws.select((BLOCK, block.id))
    ws.select((INTENSIVE, first))  # read, so a reload would have to rebuild it too
    ws.select((BLOCK, block.id))
    model = ws.model
    other = _intensive_index(model, first).internalPointer()
    signals: list[str] = []
    changed: list[Any] = []
    model.modelAboutToBeReset.connect(lambda: signals.append("reset"))
    model.rowsAboutToBeRemoved.connect(lambda *_a: signals.append("removed"))
    model.rowsAboutToBeInserted.connect(lambda *_a: signals.append("inserted"))
    model.dataChanged.connect(lambda top, _bottom, *_r: changed.append(key_of(top)))

    d = ws.view.details
    d.block_title.setText("Individual: Ari")
    d.block_start.setTime(QTime(12, 45))
    d.block_end.setTime(QTime(13, 40))
    d.save_block.click()

    assert signals == []
    assert set(changed) == {(BLOCK, block.id)}  # (the open workspace may say it again)
    assert ws.selected_key() == (BLOCK, block.id)
    label = model.find((BLOCK, block.id)).data()
    assert label == "12:45–13:40  Individual: Ari"
    assert _intensive_index(model, first).internalPointer() is other  # untouched
    assert d.block_title.text() == "Individual: Ari"


def test_moving_a_block_replaces_only_its_intensive(qtbot: Any, unlocked: Desktop) -> None:
    """A move changes the order: the intensive's own rows are rebuilt, the tree is not reset."""
    ws, _first, second = _two_intensives(unlocked)
    day = casebook.load_intensive(ws.vault, second).days[0]
    ws.select((BLOCK, day.blocks[1].id))
    signals: list[str] = []
    ws.model.modelAboutToBeReset.connect(lambda: signals.append("reset"))
    ws.view.details.block_up.click()
    assert "reset" not in signals
    assert ws.selected_key() == (BLOCK, day.blocks[1].id)
    assert ws.view.tree.currentIndex().row() == 0


def test_filtering_by_couple_code_reads_no_days(unlocked: Desktop) -> None:
    """Typing a couple code filters couples and intensives without reading any intensive's days."""
    ws, first, second = _two_intensives(unlocked)
    for text in ("C", "C-0", "C-03"):
        ws.view.filter.setText(text)
        for intensive_id in (first, second):
            assert ws.model.canFetchMore(_intensive_index(ws.model, intensive_id)), text
    assert [ws.proxy.index(r, 0).data() for r in range(ws.proxy.rowCount())] == [
        "C-0300 — Ari & Bo"
    ]


def test_an_intensive_running_this_week_opens_at_unlock_down_to_its_days(
    unlocked: Desktop,
) -> None:
    """Home, Down, Down, Right reaches a block of today's intensive; older ones stay headers."""
    ws = unlocked.session.workspace
    couple = add_couple(ws.vault, "C-0301", ("Ari", "Bo"), pronouns=("", ""), colours=("", ""))
    current = add_template_intensive(ws.vault, couple, "This week", date(2026, 12, 7))
    ws.today = lambda: date(2026, 12, 3)
    ws.refresh()
    model, tree = ws.model, ws.view.tree
    opened = _intensive_index(model, current)
    assert tree.isExpanded(ws.proxy.mapFromSource(opened))
    assert model.rowCount(opened) == 2  # its days were read
    demo = next(
        i.id for c in casebook.load_couples(ws.vault) for i in c.intensives if i.id != current
    )  # the demo, a month earlier
    assert model.canFetchMore(_intensive_index(model, demo))


def _expanded_labels(ws: Any) -> list[str]:
    """The labels of every open row of the navigator, depth first."""
    tree, proxy, found = ws.view.tree, ws.proxy, []
    stack = [proxy.index(r, 0) for r in range(proxy.rowCount())]
    while stack:
        index = stack.pop()
        if tree.isExpanded(index):
            found.append(index.data())
        stack.extend(proxy.index(r, 0, index) for r in range(proxy.rowCount(index)))
    return sorted(found)


def test_filter_keystrokes_open_the_tree_without_laying_it_all_out(
    unlocked: Desktop, monkeypatch: Any
) -> None:
    """Each key leaves the tree open as `expandToDepth(0)` did, without calling it (issue 16).

    Couples open (one the clinician closed opens again), a read intensive that
    matches opens down to its days, and clearing the text closes it again;
    a key that only narrows the text walks no couple rows at all.
    """
    ws, _first, second = _two_intensives(unlocked)
    tree = ws.view.tree
    tree.expand(ws.proxy.mapFromSource(_intensive_index(ws.model, second)))  # read: its days
    laid_out: list[int] = []
    monkeypatch.setattr(tree, "expandToDepth", lambda depth: laid_out.append(depth))
    couple = ws.proxy.index(ws.proxy.rowCount() - 1, 0)
    assert couple.data() == "C-0300 — Ari & Bo"

    ws.view.filter.setText("Sec")
    opened = _expanded_labels(ws)
    assert "C-0300 — Ari & Bo" in opened
    assert [label for label in opened if label.startswith("Second intensive")]
    assert [label for label in opened if label.startswith("Day 2")]

    tree.collapse(ws.proxy.index(0, 0))  # the clinician closes the couple
    ws.view.filter.setText("Seco")
    assert _expanded_labels(ws) == opened

    walked: list[object] = []
    real = tree.isExpanded
    monkeypatch.setattr(tree, "isExpanded", lambda index: walked.append(index) or real(index))
    ws.view.filter.setText("Secon")
    assert walked == []  # nothing came back: no couple row visited
    monkeypatch.setattr(tree, "isExpanded", real)

    ws.view.filter.setText("")
    closed = _expanded_labels(ws)
    assert "C-0300 — Ari & Bo" in closed
    assert not [label for label in closed if label.startswith(("Second", "Day "))]
    assert laid_out == []


def test_current_intensives_are_found_without_asking_every_row(unlocked: Desktop) -> None:
    """At unlock the week's intensives are picked from the model's own items (issue 16)."""
    ws = unlocked.session.workspace
    couple = add_couple(ws.vault, "C-0302", ("Ari", "Bo"), pronouns=("", ""), colours=("", ""))
    current = add_template_intensive(ws.vault, couple, "This week", date(2026, 12, 7))
    ws.today = lambda: date(2026, 12, 3)
    ws.refresh()
    near = ws.model.intensives_starting_near(date(2026, 12, 3), 7)
    assert [key_of(index) for index in near] == [(INTENSIVE, current)]
    assert ws.model.intensives_starting_near(date(2027, 6, 1), 7) == []


def test_selecting_a_block_by_key_opens_its_workspace_once(
    unlocked: Desktop, monkeypatch: Any
) -> None:
    """A block found by key (search, hours) opens once; selected again, it is shown again."""
    ws, _first, second = _two_intensives(unlocked)
    block = casebook.load_intensive(ws.vault, second).days[1].blocks[0]
    opened: list[tuple[int | None, int | None]] = []
    details = ws.view.details
    opener = details._block_opener
    assert opener is not None

    def counted(intensive_id: int | None, block_id: int | None) -> Any:
        if block_id is not None:
            opened.append((intensive_id, block_id))
        return opener(intensive_id, block_id)

    monkeypatch.setattr(details, "_block_opener", counted)
    assert ws.select((BLOCK, block.id))
    assert opened == [(second, block.id)]  # once, not once per signal and once more
    assert ws.select((BLOCK, block.id))  # already current: no signal, still shown
    assert opened == [(second, block.id)] * 2


def test_a_refresh_opens_the_couples_without_laying_the_tree_out_at_once(
    unlocked: Desktop, monkeypatch: Any
) -> None:
    """A reload opens the couples and leaves intensives closed, without `expandToDepth(0)`.

    It laid 1,000 rows out through the Python model, and the view laid them
    out again when shown: twice at every unlock (issue 16).
    """
    ws, _first, _second = _two_intensives(unlocked)
    tree = ws.view.tree
    tree.collapse(ws.proxy.index(0, 0))  # the clinician closed a couple before the reload
    laid_out: list[int] = []
    monkeypatch.setattr(tree, "expandToDepth", lambda depth: laid_out.append(depth))
    ws.refresh()
    opened = _expanded_labels(ws)
    couples = [ws.proxy.index(row, 0).data() for row in range(ws.proxy.rowCount())]
    assert sorted(couples) == opened  # every couple open, no intensive open
    assert "C-0300 — Ari & Bo" in opened
    assert laid_out == []


def test_a_code_typed_on_asks_the_vault_for_block_titles_until_a_change(
    unlocked: Desktop, monkeypatch: Any
) -> None:
    """Text no block title holds is not looked up again as it grows; a change looks again."""
    ws, _first, second = _two_intensives(unlocked)
    asked: list[str] = []
    real = casebook.intensives_with_block_titled
    monkeypatch.setattr(
        casebook,
        "intensives_with_block_titled",
        lambda vault, text: asked.append(text) or real(vault, text),
    )
    for text in ("C-0", "C-03", "C-030", "C-0300"):
        ws.view.filter.setText(text)
    assert asked == ["C-0"]  # no title holds "C-0": none holds what was typed on after it
    ws.view.filter.setText("Joint")
    ws.view.filter.setText("Joint:")
    assert asked == ["C-0", "Joint", "Joint:"]  # titles hold these: asked at each key

    block = casebook.load_intensive(ws.vault, second).days[0].blocks[0]
    casebook.update_block(
        ws.vault,
        block.id,
        title="C-0300 check-in",
        kind=block.kind,
        start=block.start.time(),
        end=None,
        actor="t",
    )
    ws.refresh()
    ws.view.filter.setText("C-03")
    assert asked[-1] == "C-03"  # the casebook changed: asked again
    ws.view.filter.setText("C-0300 ch")
    labels = [ws.proxy.index(r, 0).data() for r in range(ws.proxy.rowCount())]
    assert labels == ["C-0300 — Ari & Bo"]
    assert any("C-0300 check-in" in label for label in ws.model.all_labels())  # its days read
