"""Reading a backup file back: untrusted input until every check has passed.

Anything that is not exactly the three stored members of `app.store.backup`'s
format, with a manifest that parses and sizes and hashes that match, is a
`BackupError` with one sentence, never another exception. Copying a finished
backup to a mirror folder lives here too, since the copy is read back and
checked before it is renamed into place.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import struct
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any, TypeGuard

from crucible.app.store.backup import (
    BACKUP_FORMAT,
    BACKUP_SUFFIX,
    CHUNK,
    DB_MEMBER,
    KEY_MEMBER,
    MANIFEST,
    MAX_SMALL_MEMBER,
    MEMBERS,
    BackupError,
    _prepare_folder,
    remove_database_file,
    verify_database_copy,
)
from crucible.app.store.files import FILE_MODE, ensure_private_dir, fsync_dir, storage_error
from crucible.app.store.secrets import DataKey

DAMAGED_BACKUP = "The backup file is damaged or is not a Crucible backup; nothing was changed."

# What zipfile and json raise on bytes that are not what they claim; all of
# it means "damaged backup" to the user.
_UNREADABLE: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    EOFError,
    OSError,
    ValueError,  # includes UnicodeDecodeError and json.JSONDecodeError
    NotImplementedError,
    RuntimeError,  # "File is encrypted", and RecursionError from json
    struct.error,
    OverflowError,
)


@dataclass(frozen=True, slots=True)
class BackupManifest:
    """The parsed manifest.json of a backup: what it claims to hold."""

    created_at: datetime
    reason: str
    schema_revision: str | None
    db_sha256: str
    db_size: int
    key_sha256: str
    key_size: int | None  # absent from the first backups written


@dataclass(frozen=True, slots=True)
class ExtractedBackup:
    """A backup whose members matched their hashes: the key file bytes and a db copy on disk."""

    manifest: BackupManifest
    key_bytes: bytes
    db_copy: Path


class _SinkError(Exception):
    """A write of ours failed (not the backup's bytes): report it as a storage problem."""

    def __init__(self, error: OSError) -> None:
        super().__init__("write failed")
        self.error = error


def copy_backup_file(source: Path, folder: Path) -> Path:
    """Copy a finished backup into another folder (a mirror), atomically and owner-only.

    The copy is read back and its members checked against the manifest
    before the rename, so a mirror on a flaky drive never holds a backup
    that only looks complete.
    """
    target = folder / source.name
    temp = folder / f".{secrets.token_hex(6)}{BACKUP_SUFFIX}.tmp"
    try:
        _prepare_folder(folder, own=False)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "wb") as out, source.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        check_backup_hashes(temp)
        os.replace(temp, target)
        fsync_dir(folder)
    except OSError as error:
        raise storage_error(error) from None
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()
    return target


# ---------------------------------------------------------------------- reading


def read_manifest(path: Path) -> BackupManifest:
    """The backup's manifest, after checking the archive's structure (no hashing).

    Cheap enough for listing a folder of backups: only the ZIP directory and
    the small manifest are read.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            return _manifest_of(archive)
    except BackupError:
        raise
    except _UNREADABLE:
        raise BackupError(DAMAGED_BACKUP) from None


def check_backup_hashes(path: Path) -> BackupManifest:
    """Check structure, sizes and the SHA-256 of both members; no secret needed."""
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = _manifest_of(archive)
            _check_key_member(archive, manifest)
            digest = _stream_member(archive, DB_MEMBER, None)
    except BackupError:
        raise
    except _UNREADABLE:
        raise BackupError(DAMAGED_BACKUP) from None
    if digest != manifest.db_sha256:
        raise BackupError("The backup's database does not match its manifest; the file is damaged.")
    return manifest


def extract_backup(path: Path, folder: Path) -> ExtractedBackup:
    """Check the backup and write its database to a temp file in `folder`, hashing as it goes.

    The caller owns the returned copy and must remove it (and any side
    files) when done; on any failure here nothing is left behind.
    """
    copy = folder / f".restore-{secrets.token_hex(6)}.db"
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = _manifest_of(archive)
            key_bytes = _check_key_member(archive, manifest)
            try:
                fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            except OSError as error:
                raise _SinkError(error) from None
            with os.fdopen(fd, "wb") as out:
                digest = _stream_member(archive, DB_MEMBER, out)
                try:
                    out.flush()
                    os.fsync(out.fileno())
                except OSError as error:
                    raise _SinkError(error) from None
        if digest != manifest.db_sha256:
            raise BackupError(
                "The backup's database does not match its manifest; the file is damaged."
            )
    except BaseException as failure:
        with contextlib.suppress(OSError):
            copy.unlink()
        if isinstance(failure, _SinkError):
            raise storage_error(failure.error) from None
        if isinstance(failure, _UNREADABLE):
            raise BackupError(DAMAGED_BACKUP) from None
        raise
    return ExtractedBackup(manifest=manifest, key_bytes=key_bytes, db_copy=copy)


def verify_backup(path: Path, data_key: DataKey, work_folder: Path) -> BackupManifest:
    """Full verification with a known data key: hashes, then the copy opened and checked.

    The database is extracted to a temp file in `work_folder` (SQLite cannot
    open a file inside a ZIP) and removed afterwards.
    """
    try:
        ensure_private_dir(work_folder)
    except OSError as error:
        raise storage_error(error) from None
    extracted = extract_backup(path, work_folder)
    try:
        verify_database_copy(extracted.db_copy, data_key)
    finally:
        remove_database_file(extracted.db_copy)
    return extracted.manifest


# ---------------------------------------------------------------------- internals


def _manifest_of(archive: zipfile.ZipFile) -> BackupManifest:
    infos = archive.infolist()
    if len(infos) != len(MEMBERS) or {info.filename for info in infos} != MEMBERS:
        raise BackupError(DAMAGED_BACKUP)
    for info in infos:
        # Stored and unencrypted only: no decompressor ever sees these bytes.
        if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 0x1:
            raise BackupError(DAMAGED_BACKUP)
    data = _read_small(archive, MANIFEST)
    try:
        document = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        raise BackupError(DAMAGED_BACKUP) from None
    manifest = _parse_manifest(document)
    if archive.getinfo(DB_MEMBER).file_size != manifest.db_size:
        raise BackupError(DAMAGED_BACKUP)
    return manifest


def _parse_manifest(document: Any) -> BackupManifest:
    if not isinstance(document, dict) or document.get("format") != BACKUP_FORMAT:
        raise BackupError(
            "The file is not a Crucible backup, or one made by a newer version of Crucible."
        )
    created = document.get("created_at")
    reason = document.get("reason")
    revision = document.get("schema_revision")
    db, key = document.get(DB_MEMBER), document.get(KEY_MEMBER)
    if not (
        isinstance(created, str)
        and isinstance(reason, str)
        and len(reason) <= 40
        and (revision is None or (isinstance(revision, str) and len(revision) <= 64))
        and isinstance(db, dict)
        and isinstance(key, dict)
    ):
        raise BackupError(DAMAGED_BACKUP)
    try:
        created_at = datetime.fromisoformat(created)
    except ValueError:
        raise BackupError(DAMAGED_BACKUP) from None
    if created_at.tzinfo is None:
        raise BackupError(DAMAGED_BACKUP)
    key_size = key.get("size")
    if key_size is not None and not _is_size(key_size):
        raise BackupError(DAMAGED_BACKUP)
    db_hash, key_hash, db_size = db.get("sha256"), key.get("sha256"), db.get("size")
    if not (_is_sha256(db_hash) and _is_sha256(key_hash) and _is_size(db_size)):
        raise BackupError(DAMAGED_BACKUP)
    return BackupManifest(
        created_at=created_at,
        reason=reason,
        schema_revision=revision,
        db_sha256=db_hash,
        db_size=db_size,
        key_sha256=key_hash,
        key_size=key_size,
    )


_SHA256 = re.compile(r"[0-9a-f]{64}")


def _is_sha256(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and _SHA256.fullmatch(value) is not None


def _is_size(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _read_small(archive: zipfile.ZipFile, name: str) -> bytes:
    if archive.getinfo(name).file_size > MAX_SMALL_MEMBER:
        raise BackupError(DAMAGED_BACKUP)
    with archive.open(name) as member:
        data = member.read(MAX_SMALL_MEMBER + 1)
    if len(data) > MAX_SMALL_MEMBER:
        raise BackupError(DAMAGED_BACKUP)
    return data


def _check_key_member(archive: zipfile.ZipFile, manifest: BackupManifest) -> bytes:
    key_bytes = _read_small(archive, KEY_MEMBER)
    if hashlib.sha256(key_bytes).hexdigest() != manifest.key_sha256 or (
        manifest.key_size is not None and manifest.key_size != len(key_bytes)
    ):
        raise BackupError("The backup's key file does not match its manifest; the file is damaged.")
    return key_bytes


def _stream_member(archive: zipfile.ZipFile, name: str, sink: IO[bytes] | None) -> str:
    """SHA-256 of a member read in chunks, copied to `sink` if given; zipfile checks the CRC."""
    digest = hashlib.sha256()
    with archive.open(name) as member:
        while chunk := member.read(CHUNK):
            digest.update(chunk)
            if sink is not None:
                try:
                    sink.write(chunk)
                except OSError as error:
                    raise _SinkError(error) from None
    return digest.hexdigest()
