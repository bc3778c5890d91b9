"""Where the files shipped in `resources/` are: fonts, templates, word lists, the demo, icons.

`resources` is a regular package (it has an `__init__.py`), so
`importlib.resources` finds its files the same way in a source tree, an
editable install, an installed wheel and the desktop bundle: no path is
counted from this module's place in the tree. One function, so that every
caller asks the same way.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

RESOURCES_PACKAGE = "crucible.resources"


def resource(*parts: str) -> Traversable:
    """The shipped file or folder at `resources/<parts...>`."""
    return resources.files(RESOURCES_PACKAGE).joinpath(*parts)
