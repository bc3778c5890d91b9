"""Use-cases, one module per feature. Each takes an unlocked vault, returns domain objects."""
