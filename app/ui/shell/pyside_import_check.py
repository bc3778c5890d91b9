"""PySide's per-import check, made to read each module's file without keeping its source.

PySide6 hooks `__import__`: every module imported after it is asked
whether it uses PySide (for `from __feature__ import ...`, which Crucible
does not use), by `inspect.getsource(module)` and a search for "PySide6"
in the text. That reads, splits and keeps the whole source of every
module in `linecache`: on an unlock (SQLAlchemy, the models, the services,
the casebook's widgets: about 360 modules) 20 MiB that stay resident for
the whole session, and 0.2-0.25 s of reading on the early-import thread
and the UI thread (decision 0027).

`use_lean_check` swaps PySide's check for one with the same answer, found
in the file's bytes, read once and dropped. Anything it cannot answer
that way (no `.py` file) goes to PySide's own check, so a module's answer
never differs from PySide's. Called once, by the launcher's process policy.
"""

from __future__ import annotations

import linecache
import logging
import sys
from collections.abc import Callable
from types import ModuleType

log = logging.getLogger(__name__)

FEATURE_MODULE = "shibokensupport.feature"
"""Where PySide6 (6.5-6.11, decision 0005) keeps the check; absent, nothing is changed."""
CHECK_NAME = "_mod_uses_pyside"
MARKER = b"PySide6"


def _lean(original: Callable[[ModuleType], bool]) -> Callable[[ModuleType], bool]:
    """PySide's question, answered from the module file's bytes; else by `original`."""

    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return original(module)
        try:
            with open(path, "rb") as source:
                return MARKER in source.read()
        except OSError:
            return original(module)

    uses_pyside.lean = True  # type: ignore[attr-defined]
    return uses_pyside


def use_lean_check() -> bool:
    """Install the lean check once and drop the sources cached so far; whether it is in use."""
    feature = sys.modules.get(FEATURE_MODULE)
    original = getattr(feature, CHECK_NAME, None)
    if feature is None or not callable(original):
        log.info("PySide's import check not found; left as it is")
        return False
    if not getattr(original, "lean", False):
        setattr(feature, CHECK_NAME, _lean(original))
    linecache.clearcache()  # what the imports before this kept: a cache, read again if needed
    return True
