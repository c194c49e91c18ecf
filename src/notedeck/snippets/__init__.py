"""notedeck.snippets (being built)."""
