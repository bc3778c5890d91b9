"""`Open review package…`: one way in for both kinds of package, on either side of the loop.

The seal and the signature are checked first (with this vault's keys);
only then does the payload say which kind it is: a trainee's review goes to
the supervisor's inbox (:mod:`app.services.review_inbox`), a supervisor's
return to the trainee's intensive (:mod:`app.services.review_return`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from crucible.app.domain.review import Card
from crucible.app.domain.review_package import (
    MAX_PACKAGE_BYTES,
    OpenedPackage,
    PackageError,
    open_package,
)
from crucible.app.domain.review_payload import RETURN_KIND, REVIEW_KIND
from crucible.app.services.clock import Clock, system_clock
from crucible.app.services.errors import InputError
from crucible.app.services.identity import own_card, own_keys
from crucible.app.services.review_inbox import Confirm, open_review
from crucible.app.services.review_return import open_return
from crucible.app.store.vault import Vault


@dataclass(frozen=True, slots=True)
class OpenedFile:
    """What a package turned out to be and where it went.

    Attributes:
        kind: "review" (a trainee's package, now in the Reviews section) or
            "return" (the supervisor's answer, now beside the intensive).
        sender: The card that signed it.
        review_id: The new review's id (kind "review").
        intensive_id: The intensive it answers (kind "return").
        changed_after_review: Block positions changed since the review was sent (kind "return").
    """

    kind: Literal["review", "return"]
    sender: Card
    review_id: int | None = None
    intensive_id: int | None = None
    changed_after_review: tuple[int, ...] = ()


def read_package_bytes(path: Path) -> bytes:
    """The file's bytes, or InputError (unreadable, or too large to be a package)."""
    try:
        if path.stat().st_size > MAX_PACKAGE_BYTES:
            raise InputError("The file is larger than 256 MB; it is not a review package.")
        return path.read_bytes()
    except OSError:
        raise InputError(f"The file {path.name!r} cannot be read.") from None


def unseal(vault: Vault, data: bytes, *, actor: str, clock: Clock = system_clock) -> OpenedPackage:
    """Check the seal and the signature with this vault's keys, or InputError saying why not."""
    keys = own_keys(vault, actor=actor, clock=clock)
    card = own_card(vault, actor=actor, clock=clock)
    try:
        return open_package(data, keys, card)
    except PackageError as error:
        raise InputError(str(error)) from None


def open_package_file(
    vault: Vault,
    path: Path,
    *,
    confirm: Confirm,
    actor: str,
    clock: Clock = system_clock,
) -> OpenedFile:
    """Open either kind of package; nothing is stored unless every check passed."""
    opened = unseal(vault, read_package_bytes(path), actor=actor, clock=clock)
    kind = opened.payload.get("kind")
    if kind == REVIEW_KIND:
        review_id = open_review(vault, opened, confirm=confirm, actor=actor, clock=clock)
        return OpenedFile("review", opened.sender, review_id=review_id)
    if kind == RETURN_KIND:
        returned = open_return(vault, opened, actor=actor, clock=clock)
        return OpenedFile(
            "return",
            opened.sender,
            intensive_id=returned.intensive_id,
            changed_after_review=returned.review.changed_after_review,
        )
    raise InputError("The package is of a kind this build does not know; update Crucible.")


__all__ = ["OpenedFile", "open_package_file", "read_package_bytes", "unseal"]
