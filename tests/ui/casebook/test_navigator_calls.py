"""How often Qt calls into the Python navigator model: each call is a few microseconds.

On a ten-year vault (500 couples) the unlock made about 12,000 such calls
before the window was usable (issue 16); these tests pin the parts that
were cut, counting calls on a real unlocked app.
"""

from __future__ import annotations

from typing import Any

import pytest

from crucible.app.ui.casebook.navigator_model import NavigatorModel
from crucible.app.ui.shell.launch import Desktop
from tests.ui.conftest import add_couple

COUPLES = 30


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Calls into NavigatorModel by method name, from Qt or from Python.

    Listed before `unlocked`: PySide finds a model's Python overrides when the
    model is made, so the methods are wrapped before the unlock makes it.
    """
    calls: dict[str, int] = {}
    for name in ("index", "parent", "rowCount", "data", "flags", "hasChildren", "canFetchMore"):
        original = getattr(NavigatorModel, name)

        def counting(*args: Any, _f: Any = original, _n: str = name) -> Any:
            calls[_n] = calls.get(_n, 0) + 1
            return _f(*args)

        monkeypatch.setattr(NavigatorModel, name, counting)
    return calls


def test_opening_the_couples_asks_the_model_little_per_couple(
    counted: dict[str, int], unlocked: Desktop
) -> None:
    """Not an `expand` per couple: each went through the filter to the model's flags twice."""
    ws = unlocked.session.workspace
    for n in range(COUPLES):
        add_couple(ws.vault, f"T-{n:04d}", ("Ari", "Bo"))
    ws.refresh()
    tree, proxy = ws.view.tree, ws.proxy
    tree.collapseAll()
    couples = proxy.rowCount()
    assert couples > COUPLES
    counted.clear()

    ws._open_couples()

    rows = [proxy.index(row, 0) for row in range(couples)]
    assert all(tree.isExpanded(row) for row in rows if proxy.hasChildren(row))  # else never open
    # 4 a couple on a shown tree (2 on the hidden one at unlock); one `expand` each made 6-7
    assert sum(counted.values()) <= 5 * couples, counted
