"""The clinician profile: who owns the vault, and whether they work under supervision.

One row. Reports print it, new intensives take their clinician line from it,
and a trainee's intensives default to their supervisor. A vault made by
`crucible init` without a TTY or profile options holds a stand-in profile
(`complete` False, no name) until the app has asked the clinician for it;
nothing is signed in a stand-in's name.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from crucible.app.domain.audit_vocabulary import AuditAction
from crucible.app.domain.text_rules import line_problem
from crucible.app.domain.vocabulary import Role
from crucible.app.services.clock import Clock, system_clock
from crucible.app.services.errors import InputError
from crucible.app.store import models
from crucible.app.store.audit import append_event
from crucible.app.store.vault import Vault


@dataclass(frozen=True, slots=True)
class ClinicianProfile:
    """The vault owner's name, credentials and role (with a supervisor for a trainee)."""

    name: str
    credentials: str = ""
    role: Role = Role.CLINICIAN
    supervisor: str | None = None
    complete: bool = True

    @property
    def signature(self) -> str:
        """How the clinician signs: "Jordan Reyes, LMFT"."""
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


STAND_IN = ClinicianProfile("", complete=False)
"""What `crucible init` stores when it was given no profile and could not ask."""
STAND_IN_ACTOR = "crucible"
"""Who the audit trail names for changes made before the profile is complete."""


def needs_completion(profile: ClinicianProfile | None) -> bool:
    """Whether the app should ask for the profile (none stored, or only the stand-in)."""
    return profile is None or not profile.complete or not profile.name.strip()


def signer_of(profile: ClinicianProfile | None) -> str:
    """The name signatures carry; empty (so signing is refused) until the profile is complete."""
    return "" if profile is None or needs_completion(profile) else profile.signature


def actor_of(profile: ClinicianProfile | None) -> str:
    """The audit trail's actor: the clinician's signature, or a neutral name before it exists."""
    return signer_of(profile) or STAND_IN_ACTOR


def validated(profile: ClinicianProfile) -> ClinicianProfile:
    """Trim the profile, or say in one sentence what is missing or not allowed."""
    for value, field in (
        (profile.name, "Your name"),
        (profile.credentials, "Your credentials"),
        (profile.supervisor or "", "The supervisor's name"),
    ):
        problem = line_problem(value)
        if problem:  # it signs notes and heads reports: one plain line
            raise InputError(f"{field} {problem}.")
    name = profile.name.strip()
    if not name:
        raise InputError("Please enter your name as it should appear on reports.")
    supervisor = (profile.supervisor or "").strip() or None
    if profile.role is Role.TRAINEE and supervisor is None:
        raise InputError("A trainee needs a supervisor's name.")
    if profile.role is not Role.TRAINEE:
        supervisor = None
    return ClinicianProfile(name, profile.credentials.strip(), profile.role, supervisor)


def get_profile(vault: Vault) -> ClinicianProfile | None:
    """The stored profile, or None before setup has saved one."""
    with vault.session() as session:
        row = session.scalar(select(models.ClinicianProfile).limit(1))
        if row is None:
            return None
        return ClinicianProfile(
            row.name, row.credentials, Role(row.role), row.supervisor, bool(row.complete)
        )


def save_profile(vault: Vault, profile: ClinicianProfile, *, clock: Clock = system_clock) -> None:
    """Create or replace the profile, and record that it changed (not what it says)."""
    _store(vault, validated(profile), clock)


def save_stand_in_profile(vault: Vault, *, clock: Clock = system_clock) -> None:
    """Store the stand-in profile, for the app to complete at the next unlock."""
    _store(vault, STAND_IN, clock)


def _store(vault: Vault, profile: ClinicianProfile, clock: Clock) -> None:
    with vault.write_session() as session:
        row = session.scalar(select(models.ClinicianProfile).limit(1))
        if row is None:
            row = models.ClinicianProfile()
            session.add(row)
        row.name, row.credentials = profile.name, profile.credentials
        row.role, row.supervisor = profile.role.value, profile.supervisor
        row.complete = profile.complete
        session.flush()
        append_event(
            session,
            at=clock(),
            actor=actor_of(profile),
            action=AuditAction.PROFILE_SAVED,
            detail={"role": profile.role.value, "complete": profile.complete},
        )


__all__ = [
    "STAND_IN",
    "ClinicianProfile",
    "actor_of",
    "get_profile",
    "needs_completion",
    "save_profile",
    "save_stand_in_profile",
    "signer_of",
    "validated",
]
