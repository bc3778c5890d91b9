"""This vault's identity and the cards of the people it exchanges reviews with.

A vault's key pair (X25519 to be sealed to, Ed25519 to sign) is made the
first time anything needs it (showing or exporting the card, sending or
opening a package) and kept only inside the encrypted database; a vault
from before issue 13 gets its keys the same way, on first need. The card
carries the owner's name and role from the profile, so a profile change
shows on the next card exported; the keys, and so the fingerprint, stay.

Someone else's card is trusted once its owner's fingerprint was compared
out of band (the CLI and the app ask before importing); a trainee links
their supervisor's card, and only that card's return packages are taken.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from crucible.app.domain.audit_vocabulary import AuditAction
from crucible.app.domain.review import Card
from crucible.app.domain.review_package import (
    CardError,
    KeyPair,
    card_from_bytes,
    card_to_bytes,
    new_key_pair,
)
from crucible.app.domain.vocabulary import Role
from crucible.app.services.clock import Clock, system_clock
from crucible.app.services.errors import InputError, NotFoundError
from crucible.app.services.files import refuse_inside_vault, write_user_file
from crucible.app.services.profile import get_profile, needs_completion
from crucible.app.store import models
from crucible.app.store.audit import append_event
from crucible.app.store.vault import Vault

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StoredCard:
    """A card imported into this vault.

    Attributes:
        id: Its id in this vault (what `crucible card list` prints).
        card: The card itself.
        imported_at: When its fingerprint was confirmed and it was stored.
        is_supervisor: Whether it is the supervisor's card this trainee linked.
    """

    id: int
    card: Card
    imported_at: datetime
    is_supervisor: bool = False


def keys_in(session: Session, at: datetime, actor: str) -> KeyPair:
    """The vault's key pair, made and stored now (in the caller's write session) if missing."""
    row = session.get(models.OwnIdentity, 1)
    if row is None:
        keys = new_key_pair()
        row = models.OwnIdentity(
            id=1,
            sealing_private=keys.sealing_private,
            signing_private=keys.signing_private,
            created_at=at,
        )
        session.add(row)
        session.flush()
        append_event(session, at=at, actor=actor, action=AuditAction.IDENTITY_CREATED)
        log.info("made this vault's key pair")
    return KeyPair(bytes(row.sealing_private), bytes(row.signing_private))


def own_keys(vault: Vault, *, actor: str, clock: Clock = system_clock) -> KeyPair:
    """The vault's key pair, made on first need."""
    with vault.session() as session:
        row = session.get(models.OwnIdentity, 1)
        if row is not None:
            return KeyPair(bytes(row.sealing_private), bytes(row.signing_private))
    with vault.write_session() as session:
        return keys_in(session, clock(), actor)


def ensure_keys(vault: Vault, *, actor: str, clock: Clock = system_clock) -> None:
    """Make the vault's key pair now if it has none (the app calls this after each unlock).

    A vault gets its identity at the first unlock after the supervision loop
    landed, so its card is ready before anyone needs it, and the keys are in
    that day's backup. Nothing leaves the worker: the private keys are not
    handed to the UI thread.
    """
    own_keys(vault, actor=actor, clock=clock)


def own_card(vault: Vault, *, actor: str, clock: Clock = system_clock) -> Card:
    """This vault's card: the profile's signature line and role, with the vault's public keys."""
    profile = get_profile(vault)
    if profile is None or needs_completion(profile):
        raise InputError("Complete your profile (name and role) before using your card.")
    return own_keys(vault, actor=actor, clock=clock).card(profile.signature, profile.role)


def export_card(vault: Vault, path: Path, *, actor: str, clock: Clock = system_clock) -> Card:
    """Write this vault's card to ``path`` (never inside the vault's folder)."""
    refuse_inside_vault(vault.folder, path)
    keys = own_keys(vault, actor=actor, clock=clock)
    card = own_card(vault, actor=actor, clock=clock)
    write_user_file(path, card_to_bytes(card, keys))
    with vault.write_session() as session:
        append_event(session, at=clock(), actor=actor, action=AuditAction.CARD_EXPORTED)
    return card


def read_card_file(path: Path) -> Card:
    """Read and check a card file, or InputError with the one sentence that says why not."""
    try:
        data = path.read_bytes()
    except OSError:
        raise InputError(f"The file {path.name!r} cannot be read.") from None
    try:
        return card_from_bytes(data)
    except CardError as error:
        raise InputError(str(error)) from None


def _stored(row: models.Card, supervisor_id: int | None) -> StoredCard:
    card = Card(row.name, Role(row.role), bytes(row.sealing_key), bytes(row.signing_key))
    return StoredCard(row.id, card, row.imported_at, row.id == supervisor_id)


def _supervisor_id(session: Session) -> int | None:
    return session.scalar(select(models.OwnIdentity.supervisor_card_id))


def cards_in(session: Session) -> list[StoredCard]:
    """Every imported card, in the order they were imported (in the caller's session)."""
    supervisor = _supervisor_id(session)
    rows = session.scalars(select(models.Card).order_by(models.Card.id))
    return [_stored(row, supervisor) for row in rows]


def list_cards(vault: Vault) -> list[StoredCard]:
    """Every imported card, in the order they were imported."""
    with vault.session() as session:
        return cards_in(session)


def find_card(vault: Vault, reference: str) -> StoredCard:
    """An imported card by its id, or by its fingerprint (spaces and case do not matter)."""
    wanted = reference.replace(" ", "").upper()
    for stored in list_cards(vault):
        if reference.strip() == str(stored.id) or (
            len(wanted) >= 8 and stored.card.fingerprint.replace(" ", "").startswith(wanted)
        ):
            return stored
    raise NotFoundError("No imported card has that id or fingerprint (see 'crucible card list').")


def card_by_fingerprint(session: Session, fingerprint: str) -> StoredCard | None:
    """The imported card with this exact fingerprint, if any (in the caller's session)."""
    row = session.scalar(select(models.Card).where(models.Card.fingerprint == fingerprint))
    return None if row is None else _stored(row, _supervisor_id(session))


def add_card_in(session: Session, card: Card, at: datetime, actor: str) -> int:
    """Store a confirmed card in the caller's write session; its id (an existing one's if known)."""
    existing = card_by_fingerprint(session, card.fingerprint)
    if existing is not None:
        return existing.id
    row = models.Card(
        name=card.name,
        role=card.role.value,
        sealing_key=card.sealing_key,
        signing_key=card.signing_key,
        fingerprint=card.fingerprint,
        imported_at=at,
    )
    session.add(row)
    session.flush()
    append_event(
        session,
        at=at,
        actor=actor,
        action=AuditAction.CARD_IMPORTED,
        detail={"card": row.id, "role": card.role.value},
    )
    return row.id


def import_card(
    vault: Vault,
    card: Card,
    *,
    actor: str,
    link_as_supervisor: bool = False,
    clock: Clock = system_clock,
) -> StoredCard:
    """Store a card whose fingerprint the user confirmed; optionally link it as the supervisor's.

    Raises:
        InputError: It is this vault's own card, or another card already
            uses the same name with different keys (someone posing as them).
    """
    keys = own_keys(vault, actor=actor, clock=clock)
    if card.sealing_key == keys.card(card.name, card.role).sealing_key:
        raise InputError("That is this vault's own card; import the other person's card.")
    for stored in list_cards(vault):
        if stored.card.name == card.name and stored.card.fingerprint != card.fingerprint:
            raise InputError(
                f"A different card for {card.name!r} is already imported "
                f"(fingerprint {stored.card.fingerprint}); remove it first if the keys changed."
            )
    now = clock()
    with vault.write_session() as session:
        card_id = add_card_in(session, card, now, actor)
        if link_as_supervisor:
            _link(session, card_id, now, actor)
    return next(stored for stored in list_cards(vault) if stored.id == card_id)


def _link(session: Session, card_id: int, at: datetime, actor: str) -> None:
    keys_in(session, at, actor)
    row = session.get(models.Card, card_id)
    if row is None:
        raise NotFoundError(
            "No imported card has that id or fingerprint (see 'crucible card list')."
        )
    if row.role != Role.SUPERVISOR.value:
        raise InputError("Only a supervisor's card can be linked as your supervisor's.")
    identity = session.get(models.OwnIdentity, 1)
    assert identity is not None
    identity.supervisor_card_id = card_id
    append_event(
        session, at=at, actor=actor, action=AuditAction.CARD_LINKED, detail={"card": card_id}
    )


def link_supervisor_card(
    vault: Vault, card_id: int, *, actor: str, clock: Clock = system_clock
) -> None:
    """Link an imported supervisor's card to this (trainee's) profile."""
    with vault.write_session() as session:
        _link(session, card_id, clock(), actor)


def linked_supervisor(vault: Vault) -> StoredCard | None:
    """The supervisor's card this vault linked, if any."""
    return next((stored for stored in list_cards(vault) if stored.is_supervisor), None)


def remove_card(vault: Vault, card_id: int, *, actor: str, clock: Clock = system_clock) -> Card:
    """Remove an imported card (reviews already received keep their own copy of it)."""
    with vault.write_session() as session:
        row = session.get(models.Card, card_id)
        if row is None:
            raise NotFoundError(
                "No imported card has that id or fingerprint (see 'crucible card list')."
            )
        card = _stored(row, None).card
        session.delete(row)
        append_event(
            session,
            at=clock(),
            actor=actor,
            action=AuditAction.CARD_REMOVED,
            detail={"card": card_id},
        )
    return card


__all__ = [
    "StoredCard",
    "add_card_in",
    "card_by_fingerprint",
    "cards_in",
    "export_card",
    "find_card",
    "import_card",
    "keys_in",
    "link_supervisor_card",
    "linked_supervisor",
    "list_cards",
    "own_card",
    "own_keys",
    "read_card_file",
    "remove_card",
]
