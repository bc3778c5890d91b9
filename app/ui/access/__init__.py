"""Getting in: the first run, unlocking, and the recovery code."""
