"""PySide6 lives only here: windows, dialogs, Qt models, the background-work helper."""
