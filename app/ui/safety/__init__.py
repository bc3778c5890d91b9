"""Data safety: backups, restore, the audit trail and integrity checks."""
