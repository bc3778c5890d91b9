"""Where the files shipped in `resources/` are: fonts, templates, word lists, the demo.

`resources` has no `__init__.py`, and Python 3.11's namespace-package reader
refuses some `sys.path` layouts (an editable install among them: its path
hook entry is not a directory). So the package-data lookup is tried first and
the folder beside the `app` package, which is where both a source tree and an
installed wheel put it, is the fallback. One function, so that no module
counts parent folders from its own depth.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

_BESIDE_APP = Path(__file__).resolve().parents[2] / "resources"


def resource(*parts: str) -> Traversable:
    """The shipped file or folder at `resources/<parts...>`."""
    try:
        found = resources.files("resources").joinpath(*parts)
        if found.is_file() or found.is_dir():
            return found
    except (ModuleNotFoundError, NotADirectoryError, TypeError):
        pass
    return _BESIDE_APP.joinpath(*parts)
