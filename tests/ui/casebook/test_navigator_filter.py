"""The navigator's filter shows exactly the rows Qt's recursive filtering showed, asking less.

`NavigatorFilter` reads the model's nodes in one Python function per row
instead of letting Qt's recursion call the Python model several times a row
(issue 16). The reference here is a plain `QSortFilterProxyModel` set up as
the navigator's filter used to be, over the same model.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QTreeView

from crucible.app.services.casebook import (
    BlockOutline,
    CoupleOutline,
    DayOutline,
    IntensiveOutline,
    PartnerOutline,
)
from crucible.app.ui.casebook.navigator_filter import NavigatorFilter
from crucible.app.ui.casebook.navigator_model import NavigatorModel
from tests.strategies import LINE, NAME

# Labels mix ASCII with letters whose case rules differ between Python and PCRE2
# (long s, Kelvin sign, final sigma, dotted I, sharp s).
WORD = st.one_of(NAME, st.text("abcKkSsſKΣσςİiẞß -0123", min_size=1, max_size=8))


def reference_filter() -> QSortFilterProxyModel:
    """The navigator's filter before issue 16: Qt's own recursion over the model."""
    proxy = QSortFilterProxyModel()
    proxy.setRecursiveFilteringEnabled(True)
    proxy.setAutoAcceptChildRows(True)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setFilterKeyColumn(0)
    return proxy


def shown(model: Any, parent: QModelIndex | None = None) -> list[str]:
    """Every row's label, depth first."""
    parent = parent or QModelIndex()
    rows = []
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        rows.append(index.data())
        rows.extend(shown(model, index))
    return rows


@st.composite
def casebooks(draw: st.DrawFn) -> list[CoupleOutline]:
    ids = iter(range(1, 10_000))
    couples = []
    for code in draw(st.lists(WORD, min_size=1, max_size=4, unique=True)):
        couple_id = next(ids)
        intensives = []
        for title in draw(st.lists(WORD, max_size=2)):
            days = []
            for number in range(1, draw(st.integers(0, 2)) + 1):
                day = date(2026, 11, number)
                blocks = tuple(
                    BlockOutline(
                        next(ids),
                        position,
                        block_title,
                        "joint",
                        datetime(2026, 11, number, 9) + timedelta(hours=position),
                        None,
                        False,
                        0,
                    )
                    for position, block_title in enumerate(draw(st.lists(WORD, max_size=2)))
                )
                days.append(DayOutline(next(ids), number, day, blocks))
            intensives.append(
                IntensiveOutline(
                    next(ids), couple_id, title, "Dr T", None, None, "active", tuple(days)
                )
            )
        partners = (
            PartnerOutline("A", draw(WORD), "", ""),
            PartnerOutline("B", draw(WORD), "", ""),
        )
        couples.append(CoupleOutline(couple_id, code, partners, tuple(intensives)))
    return couples


@st.composite
def typed(draw: st.DrawFn, labels: list[str]) -> str:
    """Part of a label in another case, or any line of text."""
    if labels and draw(st.booleans()):
        label = draw(st.sampled_from(labels))
        start = draw(st.integers(0, len(label)))
        text = label[start : draw(st.integers(start, len(label)))]
        return draw(st.sampled_from([text, text.upper(), text.lower(), text.swapcase()]))
    return draw(st.one_of(LINE, WORD))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_same_rows_as_qts_recursive_filter(qapp: Any, data: st.DataObject) -> None:
    model = NavigatorModel()
    model.set_casebook(data.draw(casebooks()))
    new, old = NavigatorFilter(), reference_filter()
    new.setSourceModel(model)
    old.setSourceModel(model)
    labels = model.all_labels()
    for _ in range(3):  # one after another, as typed
        text = data.draw(typed(labels))
        new.setFilterFixedString(text)
        old.setFilterFixedString(text)
        assert shown(new) == shown(old), text


def _couple(couple_id: int, code: str, block_titles: tuple[str, ...] = ()) -> CoupleOutline:
    blocks = tuple(
        BlockOutline(
            couple_id * 100 + n, n, title, "joint", datetime(2026, 11, 2, 9 + n), None, False, 0
        )
        for n, title in enumerate(block_titles)
    )
    day = DayOutline(couple_id * 10, 1, date(2026, 11, 2), blocks)
    intensive = IntensiveOutline(
        couple_id * 1000, couple_id, "Intensive", "Dr T", None, None, "active", (day,)
    )
    partners = (PartnerOutline("A", "Ari", "", ""), PartnerOutline("B", "Bo", "", ""))
    return CoupleOutline(couple_id, code, partners, (intensive,))


def test_a_change_under_a_set_filter_ends_as_qts(qtbot: Any) -> None:
    """An edit while filtering: rows come and go as with Qt's recursion (a loop turn later)."""
    model = NavigatorModel()
    model.set_casebook([_couple(1, "C-0001", ("Repair",)), _couple(2, "C-0002", ("Talk",))])
    new, old = NavigatorFilter(), reference_filter()
    new.setSourceModel(model)
    old.setSourceModel(model)
    for proxy in (new, old):
        proxy.setFilterFixedString("zz")
    assert shown(new) == shown(old) == []

    model.replace_couple(_couple(2, "C-zz02"))  # now matches: it and its children come
    qtbot.waitUntil(lambda: shown(new) == shown(old) != [])

    renamed = _couple(1, "C-0001", ("Repair zz",)).intensives[0]
    model.replace_intensive(renamed)  # a block now matches: its ancestors come
    qtbot.waitUntil(lambda: shown(new) == shown(old))
    assert "C-0001 — Ari & Bo" in shown(new)

    model.replace_intensive(_couple(1, "C-0001", ("Repair",)).intensives[0])  # and go again
    qtbot.waitUntil(lambda: shown(new) == shown(old))
    assert "C-0001 — Ari & Bo" not in shown(new)


def test_a_keystroke_asks_the_model_little(qtbot: Any, monkeypatch: Any) -> None:
    """Qt's recursion asked the Python model about five times a row; the filter reads nodes."""
    calls: list[str] = []
    for name in ("index", "parent", "rowCount", "data", "flags", "hasChildren"):
        original = getattr(NavigatorModel, name)

        def counting(*args: Any, _f: Any = original, _n: str = name) -> Any:
            calls.append(_n)
            return _f(*args)

        monkeypatch.setattr(NavigatorModel, name, counting)  # before the model is made
    model = NavigatorModel()
    model.set_casebook([_couple(n, f"C-{n:04d}", ("Repair", "Talk")) for n in range(1, 101)])
    proxy = NavigatorFilter()
    proxy.setSourceModel(model)
    tree = QTreeView()
    qtbot.addWidget(tree)
    tree.setModel(proxy)
    tree.expandAll()
    tree.doItemsLayout()
    calls.clear()

    proxy.setFilterFixedString("C-005")

    assert [proxy.index(r, 0).data()[:6] for r in range(proxy.rowCount())] == [
        f"C-{n:04d}" for n in range(50, 60)
    ]
    # 500 rows: Qt's recursion made about 2,800 calls (index, data, rowCount, parent); what is
    # left is Qt's own bookkeeping of the removed rows (`parent`, about 650)
    assert len(calls) < 1000, {n: calls.count(n) for n in set(calls)}
