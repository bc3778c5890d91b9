"""Who the new vault belongs to: `crucible init`'s profile, from options or asked on a TTY.

The desktop app's first-run wizard asks for the profile; `crucible init`
must leave a vault the app can use just as well. Options come first
(`--name`, `--credentials`, `--role`, `--supervisor`); on a TTY whatever is
missing is asked; without a TTY and without any option the vault gets the
stand-in profile, which the app asks the clinician to complete at the first
unlock. Everything is checked before the vault is created, so a wrong
option leaves nothing behind.
"""

from __future__ import annotations

import argparse

from crucible.app.cli import Terminal, UsageError
from crucible.app.domain.vocabulary import Role
from crucible.app.services.profile import ClinicianProfile, validated

ROLE_PROMPT = "Role: clinician, trainee or supervisor [clinician]: "


def profile_for_init(args: argparse.Namespace, terminal: Terminal) -> ClinicianProfile | None:
    """The profile to store, or None for the stand-in (no TTY and no profile option)."""
    given = [args.name, args.credentials, args.role, args.supervisor]
    if not terminal.interactive:
        if all(value is None for value in given):
            return None
        if args.name is None:
            raise UsageError("Give --name with the other profile options; no vault was created.")
    role = Role(args.role) if args.role else None
    if args.supervisor is not None and role is not Role.TRAINEE:
        raise UsageError("--supervisor goes with --role trainee only; no vault was created.")
    if terminal.interactive:
        return validated(_ask_missing(args, role, terminal))
    role = role or Role.CLINICIAN
    if role is Role.TRAINEE and not (args.supervisor or "").strip():
        raise UsageError("A trainee needs --supervisor NAME; no vault was created.")
    return validated(ClinicianProfile(args.name, args.credentials or "", role, args.supervisor))


def _ask_missing(
    args: argparse.Namespace, role: Role | None, terminal: Terminal
) -> ClinicianProfile:
    name = args.name
    while name is None or not name.strip():
        name = terminal.ask("Your name, as on reports and signatures: ")
    credentials = args.credentials
    if credentials is None:
        credentials = terminal.ask("Credentials, e.g. LMFT (Enter for none): ")
    while role is None:
        answer = terminal.ask(ROLE_PROMPT).lower() or Role.CLINICIAN.value
        role = Role(answer) if answer in set(Role) else None
    supervisor = args.supervisor
    while role is Role.TRAINEE and not (supervisor or "").strip():
        supervisor = terminal.ask("Supervisor's name: ")
    return ClinicianProfile(name, credentials, role, supervisor)
