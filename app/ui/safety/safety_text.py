"""How backups, check results and stretches of time read in the data-safety windows.

One place for these words, so the Backups window, the restore dialog and
the damaged-vault prompt describe a backup and "what would be lost" the
same way.
"""

from __future__ import annotations

from datetime import datetime, timedelta

REASON_LABELS = {
    "manual": "Manual",
    "daily": "Daily",
    "on-quit": "On quit",
    "pre-migration": "Before upgrade",
}

VERIFICATION_LABELS = {
    "full": "Verified: opens with the vault's key and passes both integrity checks",
    "hashes": "Intact: every byte matches its manifest",
    "structure": "Not checked yet",
    "damaged": "Damaged",
}

VERIFICATION_TIPS = {
    "full": "A temporary copy was opened with the vault's key and passed "
    "quick_check and cipher_integrity_check.",
    "hashes": "Both members match the SHA-256 in the manifest; it was not opened "
    "(it was made with another key file).",
    "structure": "Only the archive's table of contents has been read so far.",
    "damaged": "This file is not a usable backup.",
}


def describe_reason(reason: str | None) -> str:
    """A backup's reason as a word for people."""
    if reason is None:
        return "Unknown"
    return REASON_LABELS.get(reason, reason.replace("-", " ").capitalize())


def describe_when(moment: datetime | None) -> str:
    """A date and time in the computer's local time, to the minute."""
    if moment is None:
        return "Unknown date"
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def describe_size(size: int) -> str:
    """A byte count as KB, MB or GB."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            value = size / scale
            return f"{value:.1f} {unit}" if value < 100 else f"{value:.0f} {unit}"
    return f"{size} bytes"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def describe_gap(gap: timedelta | None) -> str:
    """A stretch of time in its two largest units ("2 days 3 hours", "40 minutes")."""
    if gap is None:
        return "an unknown amount of time"
    seconds = int(gap.total_seconds())
    if seconds < 60:
        return "less than a minute"
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    if days:
        return _plural(days, "day") + (f" {_plural(hours, 'hour')}" if hours else "")
    if hours:
        return _plural(hours, "hour") + (f" {_plural(minutes, 'minute')}" if minutes else "")
    return _plural(minutes, "minute")
