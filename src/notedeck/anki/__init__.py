"""notedeck.anki (being built)."""
