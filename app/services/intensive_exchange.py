"""Importing and exporting intensives in the exchange format (crucible.intensive/1 and /1.1)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crucible.app.domain.exchange import FormatError, intensive_to_document, parse_intensive
from crucible.app.domain.intensive import Intensive, supervision_problem
from crucible.app.domain.json_outline import OutlineRefused, outline
from crucible.app.services.audit_log import AuditAction
from crucible.app.services.clock import Clock, system_clock
from crucible.app.services.errors import InputError, NotFoundError
from crucible.app.store import staged_import
from crucible.app.store.audit import append_event
from crucible.app.store.intensives import CoupleConflictError, load_intensive
from crucible.app.store.observation_insert import insert_until_wanted
from crucible.app.store.signatures import signed_notes
from crucible.app.store.vault import Vault

MAX_DOCUMENT_BYTES = 256 * 1024 * 1024
log = logging.getLogger(__name__)


def decode_document(data: bytes) -> Any:
    """Decode UTF-8 JSON, with a one-sentence error that says where it went wrong."""
    return _loads(_text_of(data))


def _text_of(data: bytes) -> str:
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InputError("The file is larger than 256 MB; it is not an intensive document.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"The file is not UTF-8 text (byte {error.start}).") from None


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            f"The file is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        ) from None
    except RecursionError:
        raise InputError("The file's JSON is nested too deeply to be an intensive.") from None


def _outline_document(data: bytes, pace: Callable[[], None]) -> Any:
    """The document with its observations left as text until validated one by one (issue 16).

    Whatever the outline does not read is decoded by `json.loads`, whose
    error message (or result) is the reference. `pace` runs once per
    observation, scanned and validated (decision 0032).
    """
    text = _text_of(data)
    try:
        return outline(text, pace)
    except OutlineRefused:
        return _loads(text)


def parse_document(data: bytes) -> Intensive:
    """Decode and validate a document without touching the vault."""
    return _parse(decode_document(data))


def _parse(document: Any) -> Intensive:
    """The document as an intensive, refused (InputError) as the app refuses the same intensive."""
    try:
        intensive = parse_intensive(document)
    except FormatError as error:
        raise InputError(str(error)) from None
    problem = supervision_problem(intensive.trainee, intensive.supervisor)
    if problem:
        raise InputError(problem)
    return intensive


IMPORT_BATCH_ROWS = 500
"""Observations committed per transaction of an import (see `import_intensive`).

Most of a row's insert is the search index's trigger: 500 rows held the
writer about 10 ms on a busy two-core Xeon (1,000: 19-25 ms), which is what
a live key pressed meanwhile could wait (decision 0031). A batch's
transaction now also ends after the statement under way (64 rows) once a
live key waits for the writer (`insert_until_wanted`)."""


def import_intensive(
    vault: Vault,
    data: bytes,
    *,
    actor: str,
    clock: Clock = system_clock,
    between_batches: Callable[[], None] | None = None,
) -> int:
    """Validate the whole document first, then write it in short transactions; return its id.

    Nothing is written for a document that fails validation. The writing
    then commits in steps (`crucible.app.store.staged_import`): the intensive
    hidden, its observations `IMPORT_BATCH_ROWS` at a time, and a last
    transaction that publishes it with the IMPORT audit event and the
    signature anchors. Between steps the vault's writer goes first to any
    thread waiting for it (`Vault.give_way`): a live key pressed during a
    long import commits within a step, not after the whole import (issue
    16). Throughout, the import steps aside for the clinician's input
    (`Vault.foreground`, decision 0032): while validating, every few
    observations; while writing, between two statements, with the writer
    let go. Readers never see the intensive before it is published; a failure
    at any step removes what was staged and raises the same one sentence.
    `between_batches` runs after each committed step but the last (tests
    pause an import there; raising from it cancels the import).
    """
    started = time.monotonic()
    document = _outline_document(data, vault.foreground.pace)
    intensive = _parse(document)
    format_name = document["format"]
    del document  # the outline holds the text; the validated intensive is all that is needed
    now = clock()
    try:
        with vault.write_session() as session:
            staged = staged_import.stage(session, intensive, now)
    except CoupleConflictError as error:
        raise InputError(str(error)) from None
    except IntegrityError:
        raise InputError(CONFLICT) from None
    try:
        _write_observations(vault, intensive, staged, between_batches)
        with vault.write_session() as session:
            staged_import.publish(session, intensive, staged)
            append_event(
                session,
                at=now,
                actor=actor,
                action=AuditAction.IMPORT,
                intensive_id=staged.intensive_id,
                detail={"format": format_name},
            )
            _anchor_imported_signatures(session, staged.intensive_id, now, actor)
    except BaseException as error:
        _remove_after_failure(vault, staged.intensive_id, error)
        if isinstance(error, IntegrityError):
            raise InputError(CONFLICT) from None
        raise
    log.info(
        "imported intensive %d: %d days, %d blocks, %d observations, %d bytes in %.3f s",
        staged.intensive_id,
        len(intensive.days),
        len(staged.block_ids),
        sum(len(block.observations) for day in intensive.days for block in day.blocks),
        len(data),
        time.monotonic() - started,
    )
    return staged.intensive_id


CONFLICT = "The document conflicts with what the vault already holds."


def _write_observations(
    vault: Vault,
    intensive: Intensive,
    staged: staged_import.StagedIntensive,
    between_batches: Callable[[], None] | None,
) -> None:
    """The staged intensive's observations, one short transaction per batch."""
    foreground = vault.foreground

    def wanted() -> bool:
        return vault.writers_waiting > 0 or foreground.wanted

    batches = staged_import.observation_batches(
        intensive, staged.block_ids, IMPORT_BATCH_ROWS, foreground.pace
    )
    for rows in batches:
        first = 0
        while first < len(rows):  # a batch, or its part before a live key asked for the writer
            if between_batches is not None:
                between_batches()
            foreground.wait_turn()  # the writer is not held here
            vault.give_way()
            with vault.staging_connection() as connection:  # made durable by the publishing commit
                first = insert_until_wanted(connection, rows, first, wanted)
    if between_batches is not None:
        between_batches()
    vault.give_way()


def _remove_after_failure(vault: Vault, intensive_id: int, error: BaseException) -> None:
    """Remove what a failed import staged; the import's own error is the one raised.

    If the removal fails too (the disk is full, the vault locked), the staged
    rows stay hidden and the next unlock removes them; that failure is
    logged by type, never in place of the import's.
    """
    try:
        staged_import.remove_staged(vault, intensive_id)
    except Exception as cleanup:  # the import's error is raised by the caller
        log.warning(
            "a failed import (%s) left staged intensive %d: its removal failed (%s)",
            type(error),
            intensive_id,
            type(cleanup),
        )


def _anchor_imported_signatures(
    session: Session, intensive_id: int, at: datetime, actor: str
) -> None:
    """One keyed event per note that came in signed, holding its hash.

    `crucible check` compares each signed note's stored hash with the one
    recorded here, so rewriting an imported signed note means relinking the
    keyed audit chain too, not only recomputing a documented hash.
    """
    for note in signed_notes(session, intensive_id):
        append_event(
            session,
            at=at,
            actor=actor,
            action=AuditAction.SIGNATURE_IMPORTED,
            intensive_id=intensive_id,
            detail={"block": note.block_id, "content_hash": note.stored_hash},
        )


def get_intensive(
    vault: Vault,
    intensive_id: int,
    *,
    observations_of: Collection[int] | None = None,
    notes: bool = True,
) -> Intensive:
    """Load one intensive as domain objects.

    With `observations_of`, only those blocks carry their observations (the
    others none): an outline to open one block fast, the rest read later.
    With `notes` False the blocks' notes come empty (the caller reads the one
    it needs).
    """
    with vault.session() as session:
        intensive = load_intensive(
            session, intensive_id, observations_of=observations_of, notes=notes
        )
    if intensive is None:
        raise NotFoundError(f"There is no intensive with id {intensive_id} in this vault.")
    return intensive


def export_intensive(
    vault: Vault, intensive_id: int, *, actor: str, clock: Clock = system_clock
) -> bytes:
    """The intensive as an exchange document (UTF-8 JSON), recorded in the audit trail."""
    document = intensive_to_document(get_intensive(vault, intensive_id))
    with vault.write_session() as session:
        append_event(
            session,
            at=clock(),
            actor=actor,
            action=AuditAction.EXPORT_JSON,
            intensive_id=intensive_id,
        )
    data = (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    log.info("exported intensive %d as JSON: %d bytes", intensive_id, len(data))
    return data


__all__ = ["decode_document", "export_intensive", "get_intensive", "import_intensive"]
