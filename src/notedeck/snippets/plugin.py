"""pytest plugin: collects Python blocks of Markdown notes (being built)."""
