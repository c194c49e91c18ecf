"""Anki decks from the vault: cards (Spaced Repetition plugin syntax) → rendered HTML → genanki .apkg."""
