"""Run inside a venv with `boris-behav-obs`: BORIS's own reader and time budget on a project file.

Usage: python boris_probe.py PROJECT.boris OBSERVATION_ID
Prints one JSON object: the reader's error (if any), its integrity report,
the observations it found, and BORIS's time budget (occurrences) for the
observation as {"subject|behavior": number}, with modifiers, and for every
observation of the project.
"""

import json
import os
import sys
from decimal import Decimal

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _boris_without_its_gui() -> None:
    """Make `boris` importable without its `__init__`, which starts loading the GUI's core.

    BORIS 8's `boris/__init__.py` imports `boris.core` (the main window), which
    needs QtMultimedia and PulseAudio, and `boris.utilities` imports the mpv
    player's binding, which needs libmpv; the project reader and the analyses
    use neither. Every other module is BORIS's own, unchanged.
    """
    import importlib.util
    import types

    spec = importlib.util.find_spec("boris")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("boris-behav-obs is not installed here")
    package = types.ModuleType("boris")
    package.__path__ = list(spec.submodule_search_locations)
    sys.modules["boris"] = package
    # The media player's binding loads libmpv at import; reading a LIVE project never plays media.
    player = types.ModuleType("boris.mpv2")
    player.sofile = "libmpv.so.2"  # type: ignore[attr-defined]  # what `utilities` checks
    sys.modules["boris.mpv2"] = player


_boris_without_its_gui()

from boris import config as cfg  # noqa: E402
from boris import db_functions, project_functions, time_budget_functions  # noqa: E402
from boris import version as boris_version  # noqa: E402


def _budget(pj: dict, observation: str, with_modifiers: bool) -> dict[str, int]:
    """BORIS's time budget of one observation: occurrences per subject and behaviour."""
    subjects = [pj[cfg.SUBJECTS][k]["name"] for k in sorted(pj[cfg.SUBJECTS])]
    behaviors = [pj[cfg.ETHOGRAM][k]["code"] for k in sorted(pj[cfg.ETHOGRAM])]
    cursor = db_functions.load_events_in_db(pj, subjects, [observation], behaviors)
    parameters = {
        cfg.SELECTED_SUBJECTS: subjects,
        cfg.SELECTED_BEHAVIORS: behaviors,
        cfg.INCLUDE_MODIFIERS: with_modifiers,
        cfg.EXCLUDE_BEHAVIORS: False,
        cfg.START_TIME: Decimal("0.000"),
        cfg.END_TIME: Decimal("0.000"),
    }
    rows, _ = time_budget_functions.time_budget_analysis(
        pj[cfg.ETHOGRAM], cursor, [observation], parameters
    )
    key = "{subject}|{behavior}|{modifiers}" if with_modifiers else "{subject}|{behavior}"
    return {key.format(**r): int(r["number"]) for r in rows}


def main() -> None:
    path, observation = sys.argv[1], sys.argv[2]
    _, _, pj, message = project_functions.open_project_json(path)
    out = {"boris": boris_version.__version__, "message": message}
    if "error" in pj:
        out["error"] = pj["error"]
        print(json.dumps(out))
        return
    out["integrity"] = project_functions.check_project_integrity(
        pj, cfg.HHMMSS, path, media_file_available=True
    )
    out["observations"] = sorted(pj[cfg.OBSERVATIONS])
    out["time_budget"] = _budget(pj, observation, with_modifiers=False)
    out["by_modifiers"] = _budget(pj, observation, with_modifiers=True)
    out["every_budget"] = {
        obs: _budget(pj, obs, with_modifiers=False) for obs in pj[cfg.OBSERVATIONS]
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
