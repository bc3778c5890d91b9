"""`crucible init` makes the clinician profile: from options, from a TTY, or a stand-in."""

from __future__ import annotations

import getpass
import io
from typing import Any

import pytest

from crucible.app.cli import Terminal, main
from crucible.app.domain.vocabulary import Role
from crucible.app.services.profile import ClinicianProfile, get_profile, needs_completion
from crucible.app.services.vault_access import open_vault
from crucible.app.store.vault import UnlockThrottle
from tests.cli.conftest import Crucible
from tests.conftest import FAST_KDF, PASSPHRASE


def _profile(crucible: Crucible) -> ClinicianProfile | None:
    vault = open_vault(crucible.folder, PASSPHRASE, throttle=UnlockThrottle())
    try:
        return get_profile(vault)
    finally:
        vault.lock()


def test_options_make_a_complete_profile(crucible: Crucible) -> None:
    """--name, --credentials and --role are stored as given."""
    result = crucible(
        "init", "--name", "Jordan Reyes", "--credentials", "LMFT", "--role", "clinician"
    )
    assert result.status == 0, result.err
    assert _profile(crucible) == ClinicianProfile("Jordan Reyes", "LMFT", Role.CLINICIAN)


def test_a_trainee_names_a_supervisor(crucible: Crucible) -> None:
    """--role trainee takes --supervisor NAME."""
    result = crucible(
        "init", "--name", "Ari Lopez", "--role", "trainee", "--supervisor", "Morgan Hale"
    )
    assert result.status == 0, result.err
    assert _profile(crucible) == ClinicianProfile("Ari Lopez", "", Role.TRAINEE, "Morgan Hale")


def test_a_supervisor_role_is_accepted(crucible: Crucible) -> None:
    """The new role: a supervisor who reads trainees' reports."""
    result = crucible(
        "init", "--name", "Morgan Hale", "--credentials", "PhD", "--role", "supervisor"
    )
    assert result.status == 0, result.err
    assert _profile(crucible) == ClinicianProfile("Morgan Hale", "PhD", Role.SUPERVISOR)


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (("--name", "Ari Lopez", "--role", "trainee"), "supervisor"),
        (("--name", "Jordan Reyes", "--supervisor", "Morgan Hale"), "--role trainee"),
        (("--credentials", "LMFT"), "--name"),
        (("--name", "  "), "name"),
        (("--role", "intern"), "clinician"),
    ],
)
def test_incomplete_or_wrong_options_create_nothing(
    crucible: Crucible, options: tuple[str, ...], words: str
) -> None:
    """Without a TTY nothing can be asked: a clear sentence, status 2, and no vault."""
    result = crucible("init", *options)
    assert result.status == 2
    assert words in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err
    assert not (crucible.folder / "vault.key").exists()


def test_without_a_tty_or_options_a_stand_in_profile_is_made(crucible: Crucible) -> None:
    """Scripts that only pipe the passphrase get a stand-in the app asks to complete."""
    result = crucible("init")
    assert result.status == 0, result.err
    assert "the app will ask" in result.out
    assert "first unlock" in result.out
    profile = _profile(crucible)
    assert profile is not None
    assert needs_completion(profile)


class _Tty(io.StringIO):
    """A terminal's stdin: answers typed one per line."""

    def isatty(self) -> bool:
        return True


def test_on_a_tty_init_asks_for_what_is_missing(
    crucible: Crucible, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Name given; credentials, role and supervisor are asked; the passphrase twice, unechoed."""
    typed = _Tty("MFT\ntrainee\nMorgan Hale\n" + f"{PASSPHRASE}\n{PASSPHRASE}\n")
    prompts: list[str] = []

    def fake_getpass(prompt: str = "") -> str:  # the TTY's unechoed input
        prompts.append(prompt)
        return typed.readline().rstrip("\n")

    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    out, err = io.StringIO(), io.StringIO()
    status = main(
        ["--vault", str(crucible.folder), "init", "--name", "Ari Lopez"],
        terminal=Terminal(typed, out, err),
        kdf=FAST_KDF,
    )
    assert status == 0, err.getvalue()
    assert "Credentials" in out.getvalue()
    assert "Role" in out.getvalue()
    assert "Supervisor" in out.getvalue()
    assert len(prompts) == 2  # the passphrase and its repetition only
    assert _profile(crucible) == ClinicianProfile("Ari Lopez", "MFT", Role.TRAINEE, "Morgan Hale")


def test_on_a_tty_a_wrong_role_is_asked_again(
    crucible: Crucible, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A typo in the role gets a second chance instead of an error."""
    typed = _Tty(f"Jordan Reyes\n\nintern\nsupervisor\n{PASSPHRASE}\n{PASSPHRASE}\n")
    monkeypatch.setattr(getpass, "getpass", lambda _prompt="": typed.readline().rstrip("\n"))
    out, err = io.StringIO(), io.StringIO()
    status = main(
        ["--vault", str(crucible.folder), "init"], terminal=Terminal(typed, out, err), kdf=FAST_KDF
    )
    assert status == 0, err.getvalue()
    assert "clinician, trainee or supervisor" in out.getvalue()
    profile: Any = _profile(crucible)
    assert profile == ClinicianProfile("Jordan Reyes", "", Role.SUPERVISOR)
