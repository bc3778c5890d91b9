"""Database migrations, shipped with the app as package data."""
