"""The clinician profile: roles (supervisor too), the stand-in `crucible init` leaves, signers."""

from __future__ import annotations

import pytest

from crucible.app.domain.vocabulary import Role
from crucible.app.services.errors import InputError
from crucible.app.services.profile import (
    ClinicianProfile,
    actor_of,
    get_profile,
    needs_completion,
    save_profile,
    save_stand_in_profile,
    signer_of,
)
from crucible.app.store.vault import Vault


def test_a_supervisor_profile_is_stored_without_a_supervisor_of_its_own(vault: Vault) -> None:
    """Role supervisor reads back as such; a supervisor's own "supervisor" field is dropped."""
    save_profile(vault, ClinicianProfile("Morgan Hale", "PhD", Role.SUPERVISOR, "Someone"))
    profile = get_profile(vault)
    assert profile == ClinicianProfile("Morgan Hale", "PhD", Role.SUPERVISOR, None, True)
    assert not needs_completion(profile)
    assert signer_of(profile) == "Morgan Hale, PhD"


def test_a_trainee_still_needs_a_supervisor(vault: Vault) -> None:
    """The trainee rule is unchanged by the new role."""
    with pytest.raises(InputError, match="supervisor"):
        save_profile(vault, ClinicianProfile("Ari Trainee", "", Role.TRAINEE, " "))


def test_the_stand_in_profile_asks_to_be_completed_and_signs_nothing(vault: Vault) -> None:
    """The stand-in reads back incomplete, with no signer; saving a real one completes it."""
    assert needs_completion(get_profile(vault))  # no profile at all
    save_stand_in_profile(vault)
    stand_in = get_profile(vault)
    assert stand_in is not None
    assert needs_completion(stand_in)
    assert signer_of(stand_in) == ""
    assert actor_of(stand_in) == "crucible"
    save_profile(vault, ClinicianProfile("Jordan Reyes", "LMFT"))
    profile = get_profile(vault)
    assert profile is not None
    assert not needs_completion(profile)
    assert actor_of(profile) == "Jordan Reyes, LMFT"
