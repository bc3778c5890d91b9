"""The casebook: the navigator, the details panel, and edits to couples and intensives."""
