"""Crucible's one import root: crucible.app, .db, .reports and .resources.

The repository keeps app/, db/, reports/ and resources/ at its top (the
handbook's layout); crucible/ holds a symlink to each, so every tool sees one
real package tree under this name: Python, pytest, mypy, import-linter,
setuptools (the wheel carries the files themselves), PyInstaller and Alembic.
Installed, Crucible claims only the top-level name `crucible`, so it lives
beside any other package called `app`, `db`, `reports` or `resources`
(decision 0024).
"""
