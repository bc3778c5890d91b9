"""Finding 9 for the profile: the name that signs notes is one plain line."""

from __future__ import annotations

import pytest

from crucible.app.domain.text_rules import line_problem
from crucible.app.domain.vocabulary import Role
from crucible.app.services.errors import InputError
from crucible.app.services.profile import ClinicianProfile, validated


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        (ClinicianProfile("Jordan\x1b[2J"), "Your name must not contain"),
        (ClinicianProfile("Jordan", "LMFT\n"), "Your credentials must not contain"),
        (ClinicianProfile("Robin", "", Role.TRAINEE, "Dr.\u202eMoss"), "The supervisor's name"),
    ],
    ids=["name", "credentials", "supervisor"],
)
def test_profile_refuses_control_characters(profile: ClinicianProfile, expected: str) -> None:
    """The sentence names the field; nothing is trimmed into acceptance."""
    with pytest.raises(InputError, match=expected):
        validated(profile)


def test_what_one_line_fields_allow() -> None:
    """Right-to-left names with direction marks, joiners and emoji pass; breaks and ESC do not."""
    for fine in ("דנה\u200f כהן", "क्\u200dष", "👩\u200d👩\u200d👧", "Ève-Marie O'Neil"):
        assert line_problem(fine) is None, fine
    for bad in ("a\nb", "a\tb", "\x1b[2J", "\x7f", "\x85", "a\u2029b", "\u2066x\u2069", "\ud800"):
        assert line_problem(bad) is not None, repr(bad)
