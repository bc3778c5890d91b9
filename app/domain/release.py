"""Which release of Crucible this is, as the installed distribution says.

The version is written once, in pyproject.toml; an installed wheel, an
editable install and the desktop bundle all carry it in their distribution
metadata, so `crucible --version`, Help › About, every PDF and the audit
record of a schema upgrade read it from there rather than from a copy that
could drift. `importlib.metadata` costs a few milliseconds to import, so it
is loaded on the first question, not with the package.
"""

from __future__ import annotations

import functools

DISTRIBUTION = "crucible"


@functools.cache
def version() -> str:
    """The installed distribution's version, e.g. "0.1.0".

    Raises:
        importlib.metadata.PackageNotFoundError: If Crucible runs from a source
            tree that was never installed (`pip install -e .` fixes that).
    """
    from importlib.metadata import version as installed_version

    return installed_version(DISTRIBUTION)
