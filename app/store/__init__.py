"""The encrypted vault: key file, SQLCipher engine, ORM models, audit chain. No Qt."""
