"""Crucible: an encrypted workbench for couples therapists running two-day intensives."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """`app.__version__`, read from the installed distribution on first use (app.domain.release).

    Lazy, so that importing the package costs no metadata lookup on the
    way to `crucible list`.
    """
    if name == "__version__":
        from crucible.app.domain.release import version

        return version()
    raise AttributeError(f"module 'crucible.app' has no attribute {name!r}")
