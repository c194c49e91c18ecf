"""The card model: one Anki note to write, and its GUID (``genanki.guid_for(note key, card key)``)."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

import genanki.util

from ..vault import Diagnostic, Note
from .text import Part, plain_parts

Kind = Literal["basic", "reversed", "cloze"]


@dataclass(slots=True)
class Card:
    """One Anki note to write (a reversed pair or a cloze with c1, c2 … gives several Anki cards)."""

    note: Note
    line: int  # first line of the card (1-based)
    end_line: int
    kind: Kind
    front: list[Part]
    back: list[Part]
    key: str  # ``^block-id`` or the normalized question (cloze: text without markers)
    deck: str
    tags: list[str]
    context: tuple[str, ...]  # note title › heading › sub-heading
    anchor: str = ""  # anchor of the innermost heading ("" at the top of the note)
    origin: Literal["inline", "multiline", "cloze", "table", "heading"] = "inline"
    front_text: str = ""
    _back_text: str | None = None  # computed on demand (previews), unless given
    note_key: str = ""
    _guid: str = field(default="", repr=False, compare=False)  # memo of guid_for(note_key, _guid_key)
    _guid_key: str | None = field(default=None, repr=False, compare=False)
    schedule: tuple[tuple[str, int, int], ...] = ()  # OSR's ``<!--SR:!due,interval,ease-->``, one per Anki card
    inherited: str = ""  # a GUID kept from the last build (a reworded card, a renamed note): see :mod:`.identity`

    @property
    def back_text(self) -> str:
        if self._back_text is None:
            self._back_text = plain_parts(self.back, html=True)
        return self._back_text

    @property
    def guid(self) -> str:
        """``genanki.guid_for(note key, card key)`` (memoised; the key is final once extraction ends), or the
        GUID this card inherited from a card of the last build."""
        if self.inherited:
            return self.inherited
        key = self.key
        if self._guid_key != key:
            self._guid, self._guid_key = guid_for(self.note_key, key), key
        return self._guid

    @property
    def own_guid(self) -> str:
        """The GUID from the card's own note key and card key (what :attr:`guid` is unless inherited)."""
        key = self.key
        if self._guid_key != key:
            self._guid, self._guid_key = guid_for(self.note_key, key), key
        return self._guid

    @property
    def source(self) -> str:
        return f"{self.note.rel}:{self.line}"

    @property
    def breadcrumb(self) -> str:
        return " › ".join(self.context)


@dataclass
class Extraction:
    cards: list[Card] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


_BASE91 = genanki.util.BASE91_TABLE
_BASE91_PAIRS = [a + b for a in _BASE91 for b in _BASE91]


def guid_for(note_key: str, card_key: str) -> str:
    """Exactly ``genanki.guid_for(note_key, card_key)``: Anki's base91 of a SHA-256 prefix, without genanki's
    per-byte loop."""
    n = int.from_bytes(hashlib.sha256(f"{note_key}__{card_key}".encode()).digest()[:8], "big")
    # n < 2**64 < 8281**5: five pairs of base-91 digits, leading zero digits dropped as genanki does
    n, a = divmod(n, 8281)
    n, b = divmod(n, 8281)
    n, c = divmod(n, 8281)
    e, d = divmod(n, 8281)
    pairs = _BASE91_PAIRS
    return (pairs[e] + pairs[d] + pairs[c] + pairs[b] + pairs[a]).lstrip(_BASE91[0])



def normalize(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())

