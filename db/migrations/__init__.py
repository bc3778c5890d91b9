"""Alembic environment and revisions for the vault schema."""
