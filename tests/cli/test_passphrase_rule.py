"""Finding 15: one passphrase rule for init, passwd and recover: eight characters that show."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Crucible
from tests.conftest import PASSPHRASE, folder_snapshot

SPACES = ["        ", " \t \u3000 \u00a0  \u2003 ", "abc     "]


@pytest.mark.parametrize("weak", SPACES, ids=["eight-spaces", "unicode-spaces", "three-letters"])
def test_init_refuses_a_passphrase_of_spaces(crucible: Crucible, weak: str) -> None:
    """No vault is created; the sentence says what counts."""
    result = crucible("init", stdin=weak + "\n")
    assert result.status == 2
    assert "at least 8 characters that are not spaces" in result.err
    assert not (crucible.folder / "vault.key").exists()


@pytest.mark.parametrize("weak", SPACES, ids=["eight-spaces", "unicode-spaces", "three-letters"])
def test_passwd_and_recover_refuse_it_too(crucible: Crucible, weak: str) -> None:
    """The old passphrase keeps working; the key file is not rewritten."""
    out = crucible("init").out
    code = next(line.strip() for line in out.splitlines() if line.count("-") == 7)
    before = folder_snapshot(crucible.folder)
    for args, stdin in (
        (("passwd",), f"{PASSPHRASE}\n{weak}\n"),
        (("recover",), f"{code}\n{weak}\n"),
    ):
        result = crucible(*args, stdin=stdin)
        assert result.status == 2, result.err
        assert "at least 8 characters that are not spaces" in result.err
    assert folder_snapshot(crucible.folder) == before
    assert crucible("list").status == 0


def test_eight_visible_characters_with_spaces_between_are_fine(crucible: Crucible) -> None:
    """Spaces between words are welcome; they just do not count towards the eight."""
    assert crucible("init", stdin="a b c d e f g h\n").status == 0
    assert crucible("list", stdin="a b c d e f g h\n").status == 0
