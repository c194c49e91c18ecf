"""Cards from the vault model's tokens, in the Obsidian Spaced Repetition plugin's syntax (the public entry
points; the work is split by concern):

- :mod:`.card`: the card model and its GUID;
- :mod:`.decks`: which notes make cards, their deck and tags;
- :mod:`.settings`: the OSR plugin's settings (separators, cloze patterns, flashcard tags);
- :mod:`.text`: plain text of tokens, cutting a line at a separator;
- :mod:`.cloze`: cloze deletions;
- :mod:`.structure`: the block structure that multi-line cards need;
- :mod:`.extract`: the per-note extractor (one-line, multi-line and cloze cards), :mod:`.optin` (table and
  heading cards).

Only paragraphs are read (never code spans, fences, math or ``%% comments %%``): a separator counts only
inside a plain ``text`` token, so ``a `x::y` b`` or ``$a::b$`` is never a card.
"""

from __future__ import annotations

from .card import Card, Extraction, Kind, guid_for, normalize
from .decks import anki_tag, cards_mode, deck_of, note_key, tags_of
from .extract import extract, extract_note
from .text import Part, Piece, plain, plain_parts

__all__ = ["Card", "Extraction", "Kind", "Part", "Piece", "anki_tag", "cards_mode", "deck_of", "extract",
           "extract_note", "guid_for", "normalize", "note_key", "plain", "plain_parts", "tags_of"]
