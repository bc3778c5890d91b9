"""The live keys: which single key logs which partner and stance, and which refines.

The clinician's eyes are on the couple, so the layout must be learnable by
the hands alone. The defaults follow one rule: the keyboard row is the
stance (top row one-up, home row same-as, bottom row one-down), the left
hand logs Partner A (Q / A / Z) and the right hand Partner B (P / L / M).
Follow-up keys refine the last observation: digits for intensity, mnemonic
letters for the losing strategies (R, C, U, T, W) and the boundary readings
(G guarded, B boundaryless, H healthy). A `KeyMap` is plain data, so a
setting can replace it without touching the pad.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from crucible.app.domain.vocabulary import Boundary, PartnerKey, Stance, Strategy


@dataclass(frozen=True, slots=True)
class LogStance:
    """Log a new observation of `partner` at `stance`, now."""

    partner: PartnerKey
    stance: Stance


@dataclass(frozen=True, slots=True)
class SetIntensity:
    """Set the last observation's intensity (1-5)."""

    value: int


@dataclass(frozen=True, slots=True)
class ToggleStrategy:
    """Tag (or untag) a losing strategy on the last observation."""

    strategy: Strategy


@dataclass(frozen=True, slots=True)
class ToggleBoundary:
    """Set (or clear, when pressed again) the last observation's boundary reading."""

    boundary: Boundary


@dataclass(frozen=True, slots=True)
class OpenDetails:
    """Open the inline row for trigger, quote, intervention, response and note."""


LiveAction = LogStance | SetIntensity | ToggleStrategy | ToggleBoundary | OpenDetails

LIVE_TOGGLE_KEYS = ("F2", "Ctrl+Space")
"""Shortcuts that switch live mode on and off (the first is shown on the pad)."""


def _default_bindings() -> dict[str, LiveAction]:
    bindings: dict[str, LiveAction] = {
        "Q": LogStance(PartnerKey.A, Stance.ONE_UP),
        "A": LogStance(PartnerKey.A, Stance.SAME_AS),
        "Z": LogStance(PartnerKey.A, Stance.ONE_DOWN),
        "P": LogStance(PartnerKey.B, Stance.ONE_UP),
        "L": LogStance(PartnerKey.B, Stance.SAME_AS),
        "M": LogStance(PartnerKey.B, Stance.ONE_DOWN),
        "R": ToggleStrategy(Strategy.BEING_RIGHT),
        "C": ToggleStrategy(Strategy.CONTROLLING),
        "U": ToggleStrategy(Strategy.UNBRIDLED_SELF_EXPRESSION),
        "T": ToggleStrategy(Strategy.RETALIATION),
        "W": ToggleStrategy(Strategy.WITHDRAWAL),
        "G": ToggleBoundary(Boundary.WALLED_OFF),
        "B": ToggleBoundary(Boundary.BOUNDARYLESS),
        "H": ToggleBoundary(Boundary.CONTAINED),
        "Return": OpenDetails(),
    }
    for value in range(1, 6):
        bindings[str(value)] = SetIntensity(value)
    return bindings


def key_code(text: str) -> int:
    """The Qt key code of a key written as QKeySequence text ("Q", "5", "Return")."""
    sequence = QKeySequence.fromString(text)
    if sequence.count() != 1:
        raise ValueError(f"not a single key: {text!r}")
    combination = sequence[0]  # type: ignore[index]
    if combination.keyboardModifiers() != Qt.KeyboardModifier.NoModifier:
        raise ValueError(f"live keys take no modifiers: {text!r}")
    return int(combination.key().value)


@dataclass(frozen=True, slots=True)
class KeyMap:
    """Key text to live action; every action appears once, every key once.

    Attributes:
        bindings: Key (QKeySequence text, no modifiers) to action.
    """

    bindings: Mapping[str, LiveAction] = field(default_factory=_default_bindings)
    _by_code: dict[int, LiveAction] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_code: dict[int, LiveAction] = {}
        for text, action in self.bindings.items():
            code = key_code(text)
            if code in by_code:
                raise ValueError(f"key {text!r} is bound twice")
            by_code[code] = action
        if len(set(self.bindings.values())) != len(self.bindings):
            raise ValueError("an action is bound to more than one key")
        # Enter on the keypad is the same gesture as Return for the hands.
        if int(Qt.Key.Key_Return.value) in by_code:
            by_code.setdefault(int(Qt.Key.Key_Enter.value), by_code[int(Qt.Key.Key_Return.value)])
        object.__setattr__(self, "_by_code", by_code)

    def action_for(self, key: int) -> LiveAction | None:
        """The action bound to a Qt key code, if any."""
        return self._by_code.get(key)

    def key_for(self, action: LiveAction) -> str:
        """The key text bound to `action`, for the labels on the pad ("" if unbound)."""
        for text, bound in self.bindings.items():
            if bound == action:
                return "Enter" if text == "Return" else text
        return ""


DEFAULT_KEY_MAP = KeyMap()


def _layout(stances: str, withdrawal: str = "W") -> KeyMap:
    """The default bindings with the six stance keys (A up/same/down, B up/same/down) moved."""
    bindings: dict[str, LiveAction] = {
        k: v for k, v in _default_bindings().items() if not isinstance(v, LogStance)
    }
    if withdrawal != "W":
        del bindings["W"]
        bindings[withdrawal] = ToggleStrategy(Strategy.WITHDRAWAL)
    for key, partner, stance in zip(
        stances, [PartnerKey.A] * 3 + [PartnerKey.B] * 3, list(Stance) * 2, strict=True
    ):
        bindings[key] = LogStance(partner, stance)
    return KeyMap(bindings)


# The same hand-and-row rule on the keyboards clinicians actually have: Qt
# reports the letter a key types, so on AZERTY the top-left key is "A".
KEY_LAYOUTS: Mapping[str, KeyMap] = MappingProxyType(
    {
        "qwerty": DEFAULT_KEY_MAP,
        "qwertz": _layout("QAYPLM"),
        "azerty": _layout("AQWPMN", withdrawal="D"),
    }
)


def key_map_for(layout: str) -> KeyMap:
    """The live keys for a keyboard layout setting; unknown names fall back to QWERTY."""
    return KEY_LAYOUTS.get(layout, DEFAULT_KEY_MAP)
