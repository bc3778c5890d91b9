"""Building blocks every screen uses: forms, dialogs, prompts, the background helper."""
