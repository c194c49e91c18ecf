"""HTML rendering of a note's tokens (site and cards)."""
