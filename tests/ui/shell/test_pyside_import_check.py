"""PySide's per-import check keeps no module's source in memory, and answers as PySide does."""

from __future__ import annotations

import linecache
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6 import QtCore  # noqa: F401  (installs PySide's import hook and its check)

from crucible.app.ui.shell.process_policy import apply_process_policy
from crucible.app.ui.shell.pyside_import_check import FEATURE_MODULE, use_lean_check


@pytest.fixture
def module_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder on sys.path for modules made by the test, taken off again afterwards."""
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))
    for name in ("lean_check_plain", "lean_check_qt"):
        sys.modules.pop(name, None)


def test_a_module_imported_after_the_policy_leaves_no_source_in_linecache(
    module_folder: Path,
) -> None:
    """PySide's own check read each module with inspect.getsource: 20 MiB kept after an unlock."""
    apply_process_policy()
    plain = module_folder / "lean_check_plain.py"
    plain.write_text('"""No Qt here."""\n\nVALUE = 1\n' + "# filler line\n" * 500)
    qt = module_folder / "lean_check_qt.py"
    qt.write_text('"""Uses Qt."""\n\nfrom PySide6 import QtCore\n\nVALUE = 2\n')
    __import__("lean_check_plain")  # the import statement's way: PySide hooks __import__
    __import__("lean_check_qt")
    assert str(plain) not in linecache.cache
    assert str(qt) not in linecache.cache
    features = sys.modules[FEATURE_MODULE].pyside_feature_dict  # type: ignore[attr-defined]
    assert features["lean_check_plain"] == -1  # "ignore this module", as PySide decides
    assert features["lean_check_qt"] == 0  # "uses PySide: no feature selected"


def test_the_check_is_installed_once_and_found_in_this_pyside() -> None:
    """Found in the pinned PySide (decision 0005); a second call does not wrap it again."""
    assert use_lean_check()
    feature = sys.modules[FEATURE_MODULE]
    first = feature._mod_uses_pyside  # type: ignore[attr-defined]
    assert use_lean_check()
    assert feature._mod_uses_pyside is first  # type: ignore[attr-defined]
    assert getattr(first, "lean", False)
