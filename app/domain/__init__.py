"""Pure domain code: the vocabulary, value objects and analytics. No Qt, no SQLAlchemy."""
