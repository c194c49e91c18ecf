"""notedeck.site (being built)."""
