"""Exporting coded observations for research: tidy CSV tables, a codebook and a data package.

The tables are written row by row while the observations stream out of the
vault (one block's observations in memory at a time), into a private
staging folder beside the target; only when every file is complete and
synced are they moved into place, so a crash, a full disk or a refusal
leaves the old export or none, never half of one.

De-identified unless asked otherwise, as the supervision report is: the
partners' names appear nowhere (free text goes through the same
`name_redactor`), couples and intensives are pseudonyms drawn for this
export, and with a date shift every date moves by a secret whole number of
weeks, so weekdays and intervals stay true.
"""

from __future__ import annotations

import contextlib
import csv
import logging
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from crucible.app.domain.research_codebook import (
    BLOCKS_CSV,
    CODEBOOK_JSON,
    CODEBOOK_MD,
    DATAPACKAGE_JSON,
    EXPORT_FILES,
    INTENSIVES_CSV,
    MAX_SHIFT_WEEKS,
    OBSERVATIONS_CSV,
    Pseudonyms,
    ResearchOptions,
    codebook_json,
    codebook_markdown,
    datapackage_json,
    tables,
    week_shift,
)
from crucible.app.domain.research_table import (
    BlockPlace,
    IntensiveFacts,
    Moment,
    block_row,
    block_span,
    intensive_origin,
    intensive_row,
    observation_csv,
)
from crucible.app.services.clock import Clock, system_clock
from crucible.app.services.errors import InputError, NotFoundError

if TYPE_CHECKING:  # the store loads only when a vault is open
    from sqlalchemy.orm import Session

    from crucible.app.domain.intensive import Intensive
    from crucible.app.store.vault import Vault

log = logging.getLogger(__name__)
_OUTLINE_BATCH = 50
"""Intensives whose outlines are read in one go: the ORM's cost per query, paid once per batch."""
Progress = Callable[[int, int], None]
"""Called after each intensive with (intensives done, intensives in the export)."""


def crucible_version() -> str:
    """The installed Crucible's version, from package metadata (app.domain.release)."""
    from crucible.app.domain.release import version

    return version()


def random_shift_days() -> int:
    """A secret shift of 1 to 104 whole weeks, earlier or later, drawn once per export."""
    weeks = 1 + secrets.randbelow(MAX_SHIFT_WEEKS)
    return week_shift(weeks if secrets.randbelow(2) else -weeks)


@dataclass(frozen=True, slots=True)
class ResearchExportResult:
    """What was written: the folder, and how many rows each table got."""

    folder: Path
    intensives: int
    blocks: int
    observations: int


def check_export_folder(vault_folder: Path, folder: Path, *, force: bool) -> None:
    """Refuse a target before anything is unlocked or written, with the sentence to show.

    The folder may be new (its parent must exist) or an existing folder; an
    earlier export's files in it are replaced only with ``force``.
    """
    from crucible.app.services.files import refuse_inside_vault

    refuse_inside_vault(vault_folder, folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder.name!r} is a file; give a folder to export into.")
    place = folder if folder.is_dir() else folder.parent
    if not place.is_dir():
        raise InputError(f"The folder that would hold {folder.name!r} does not exist.")
    if not os.access(place, os.W_OK | os.X_OK):
        raise InputError(f"The folder {place.name or str(place)!r} cannot be written.")
    if folder.is_dir() and not force:
        taken = [name for name in EXPORT_FILES if (folder / name).exists()]
        if taken:
            raise InputError(
                f"{folder.name!r} already holds an export ({taken[0]}); choose another folder, "
                "or add --force to replace it."
            )


def resolve_ids(vault: Vault, ids: list[int] | None) -> list[int]:
    """The intensives to export: every one for None; unknown ids and nothing at all are refused."""
    from crucible.app.store.research_reader import existing_ids

    with vault.session() as session:
        found = existing_ids(session, None if ids is None else sorted(set(ids)))
    if ids is not None:
        missing = sorted(set(ids) - set(found))
        if missing:
            listed = ", ".join(str(i) for i in missing)
            noun = "intensive" if len(missing) == 1 else "intensives"
            raise NotFoundError(f"There is no {noun} {listed} in the vault; nothing was written.")
    if not found:
        raise InputError("There is no intensive to export; nothing was written.")
    return found


def export_research_csv(
    vault: Vault,
    ids: list[int] | None,
    folder: Path,
    options: ResearchOptions,
    *,
    actor: str,
    force: bool = False,
    progress: Progress | None = None,
    clock: Clock = system_clock,
) -> ResearchExportResult:
    """Write observations.csv, blocks.csv, intensives.csv, the codebook and datapackage.json.

    Args:
        vault: The unlocked vault.
        ids: The intensives, or None for all.
        folder: Where the files go (created if missing).
        options: De-identification and the flip window.
        actor: Who exports, for the audit trail.
        force: Replace an earlier export's files in ``folder``.
        progress: Told after each intensive.
        clock: For the audit entry.

    Raises:
        InputError: A folder that cannot take the export (nothing is written).
        NotFoundError: An id that names no intensive (nothing is written).
    """
    check_export_folder(vault.folder, folder, force=force)
    chosen = resolve_ids(vault, ids)
    staging = _staging_folder(folder)
    try:
        counts = _write_tables(vault, chosen, staging, options, progress)
        version = crucible_version()
        _write_file(staging / CODEBOOK_MD, codebook_markdown(options, version))
        _write_file(staging / CODEBOOK_JSON, codebook_json(options, version))
        _write_file(staging / DATAPACKAGE_JSON, datapackage_json(options, version))
        _publish(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    log.info(
        "research export: %d intensives, %d blocks, %d observations",
        len(chosen),
        counts[1],
        counts[2],
    )
    _audit(vault, chosen, options, actor, clock())
    return ResearchExportResult(folder, len(chosen), counts[1], counts[2])


def _staging_folder(folder: Path) -> Path:
    """A private folder on the target's file system, so the final moves are renames."""
    place = folder if folder.is_dir() else folder.parent
    try:
        return Path(tempfile.mkdtemp(prefix=".crucible-export-", dir=place))
    except OSError as error:
        raise _write_error(error) from None


def _write_error(error: OSError) -> InputError:
    import errno

    if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return InputError("The disk is full; nothing was written.")
    return InputError("The export folder cannot be written; nothing was written.")


def _private(path: Path) -> int:
    """A new file only its owner may read, as every export is (it holds client data)."""
    from crucible.app.store.files import FILE_MODE

    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)


def _write_file(path: Path, data: bytes) -> None:
    try:
        with open(_private(path), "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        raise _write_error(error) from None


def _publish(staging: Path, folder: Path) -> None:
    """Move the complete files into place: one rename for a new folder, else file by file."""
    from crucible.app.store.files import fsync_dir

    try:
        if not folder.exists():
            os.rename(staging, folder)
            fsync_dir(folder.parent)
            return
        for name in EXPORT_FILES:  # datapackage.json, which names the others, comes last
            os.replace(staging / name, folder / name)
        staging.rmdir()
        fsync_dir(folder)
    except OSError as error:
        raise _write_error(error) from None


class _CsvFile:
    """One CSV table being written: UTF-8, RFC 4180 quoting, LF line ends, synced at close."""

    def __init__(self, path: Path) -> None:
        self._handle = open(_private(path), "w", encoding="utf-8", newline="")  # noqa: SIM115
        self.writer = csv.writer(self._handle, lineterminator="\n")
        self.rows = 0

    def write(self, lines: str) -> None:
        """Rows already rendered as CSV text (`research_table.observation_csv`)."""
        self._handle.write(lines)

    def close(self) -> None:
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()

    def abandon(self) -> None:
        with contextlib.suppress(OSError):
            self._handle.close()


def _write_tables(
    vault: Vault,
    ids: list[int],
    staging: Path,
    options: ResearchOptions,
    progress: Progress | None,
) -> tuple[int, int, int]:
    """Stream every intensive's rows into the three tables; return the row counts."""
    from crucible.app.store.research_reader import intensive_outlines

    headers = {name: [c.name for c in columns] for name, columns in tables(options).items()}
    files: dict[str, _CsvFile] = {}
    try:
        for name in (OBSERVATIONS_CSV, BLOCKS_CSV, INTENSIVES_CSV):
            files[name] = _CsvFile(staging / name)
            files[name].writer.writerow(headers[name])
        pseudonyms = Pseudonyms(secrets.token_bytes(32))
        done = 0
        for start in range(0, len(ids), _OUTLINE_BATCH):
            batch = ids[start : start + _OUTLINE_BATCH]
            with vault.session() as session:
                outlines = intensive_outlines(session, batch)
                if len(outlines) != len(batch):  # deleted by another window since the ids were read
                    raise NotFoundError(
                        "An intensive was deleted during the export; nothing was written."
                    )
                for intensive in outlines:
                    _write_intensive(session, intensive, files, options, pseudonyms)
                    done += 1
                    if progress is not None:
                        progress(done, len(ids))
        for handle in files.values():
            handle.close()
    except OSError as error:
        for handle in files.values():
            handle.abandon()
        raise _write_error(error) from None
    except BaseException:
        for handle in files.values():
            handle.abandon()
        raise
    return (
        files[INTENSIVES_CSV].rows,
        files[BLOCKS_CSV].rows,
        files[OBSERVATIONS_CSV].rows,
    )


def _write_intensive(
    session: Session,
    intensive: Intensive,
    files: dict[str, _CsvFile],
    options: ResearchOptions,
    pseudonyms: Pseudonyms,
) -> None:
    """One intensive's blocks and observations, then its row of intensives.csv."""
    from crucible.app.domain.deidentify import name_redactor
    from crucible.app.store.research_reader import stream_moments

    assert intensive.id is not None  # read from the vault
    if options.identified:
        intensive_label = str(intensive.id)
    else:
        intensive_label = pseudonyms.intensive(intensive.id)
    code = intensive.couple.code
    couple = code if options.codes_kept else pseudonyms.couple(code)
    text = None
    if options.with_text:
        text = str if options.identified else name_redactor(intensive.couple.partners)
    blocks = [
        (day, position, block)
        for day in intensive.days
        for position, block in enumerate(day.blocks, start=1)
    ]
    stream = _Peekable(stream_moments(session, intensive.id, with_text=options.with_text))
    origin = None
    observations, block_table = files[OBSERVATIONS_CSV], files[BLOCKS_CSV]
    total = 0
    for day, position, block in blocks:
        assert block.id is not None
        moments = stream.take(block.id)  # in time order: ORDER BY the UTC instant, then id
        span = block_span(block, moments)
        if origin is None:  # the first block in schedule order
            origin = intensive_origin(block, moments)
        place = BlockPlace(intensive_label, couple, day.number, position, origin)
        observations.write(
            observation_csv(
                place,
                span.start,
                moments,
                block.kind,
                flip_window_s=options.flip_window_s,
                text=text,
            )
        )
        observations.rows += len(moments)
        total += len(moments)
        block_table.writer.writerow(
            block_row(place, block, span, len(moments), day.date, options.shift)
        )
        block_table.rows += 1
    names = None
    if options.identified:
        names = (intensive.couple.partners[0].name, intensive.couple.partners[1].name)
    facts = IntensiveFacts(
        intensive=intensive_label,
        couple=couple,
        dates=tuple(day.date for day in intensive.days),
        blocks=len(blocks),
        observations=total,
        supervised=intensive.is_supervised,
        names=names,
    )
    files[INTENSIVES_CSV].writer.writerow(intensive_row(facts, options.shift))
    files[INTENSIVES_CSV].rows += 1


class _Peekable:
    """The observation stream, taken block by block in the outline's order."""

    def __init__(self, stream: Iterator[tuple[int, list[Moment]]]) -> None:
        self._stream = stream
        self._next = next(stream, None)

    def take(self, block_id: int) -> list[Moment]:
        """This block's moments, or none if the stream's next block is another one."""
        if self._next is None or self._next[0] != block_id:
            return []
        observations = self._next[1]
        self._next = next(self._stream, None)
        return observations


def _audit(
    vault: Vault, ids: list[int], options: ResearchOptions, actor: str, now: datetime
) -> None:
    """One entry per intensive: each couple's record shows its data left the vault, and how."""
    from crucible.app.domain.audit_vocabulary import AuditAction
    from crucible.app.store.audit import append_event

    with vault.write_session() as session:
        for intensive_id in ids:
            append_event(
                session,
                at=now,
                actor=actor,
                action=AuditAction.EXPORT_RESEARCH,
                intensive_id=intensive_id,
                detail={
                    "format": "csv",
                    "identified": options.identified,
                    "codes_kept": options.codes_kept,
                    "dates_shifted": options.shift_days != 0,
                    "with_text": options.with_text,
                },
            )


__all__ = [
    "ResearchExportResult",
    "check_export_folder",
    "crucible_version",
    "export_research_csv",
    "random_shift_days",
    "resolve_ids",
]
