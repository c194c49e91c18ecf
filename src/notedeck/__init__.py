"""notedeck: one Obsidian vault → executable notes, a MkDocs Material site and Anki decks."""

__version__ = "0.1.0"
