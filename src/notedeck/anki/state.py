"""Per-card build state in ``<out>/anki/state.json``: GUID → [content hash, modification time written last
time, note type, note key, card key, question, answer, note path, position in the note].

Anki's importer updates a note only when the incoming one is newer, so an unchanged card keeps its old time
(edits made inside Anki survive) and a changed card gets a strictly newer one. The rest lets the next build
recognise a card whose question was reworded, or whose note was renamed (:mod:`.identity`). A version-2 state
(hash, time, type only) is still read: its times are kept, its cards just cannot be matched by similarity.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ..emitters import atomic_write

STATE_NAME = "state.json"
VERSION = 3
ANSWER_CHARS = 100  # characters of a question and of an answer (its HTML) kept for matching
HASH_CHARS = 20  # of a card's content hash (80 bits; a version-2 state kept 40, still compared)


class Entry(NamedTuple):
    """One card of a build (a tuple: written to JSON as a list as it is)."""

    hash: str
    mod: int
    kind: str
    note_key: str = ""
    key: str = ""
    question: str = ""  # "" when it is the card key itself
    answer: str = ""
    note: str = ""  # vault path of the note ("" when it is the note key)
    index: int = 0  # position among the note's cards


@dataclass
class State:
    path: Path
    cards: dict[str, Entry] = field(default_factory=dict)  # the last build's
    now: int = field(default_factory=lambda: int(time.time()))
    seen: dict[str, tuple] = field(default_factory=dict)  # this build's, in card order: Entry's fields as a tuple
    changed: int = 0

    @classmethod
    def load(cls, folder: Path) -> State:
        path = folder / STATE_NAME
        state = cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") == VERSION:
                state.cards = {g: Entry(str(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]), str(r[6]),
                                        str(r[7]), int(r[8])) for g, r in data["cards"].items()}
            elif data.get("version") == 2:
                state.cards = {g: Entry(str(h), int(m), str(k)) for g, (h, m, k) in data["cards"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
            pass  # no state (first build) or unreadable: every card is new
        return state

    def update(self, guid: str, content_hash: str, kind: str, note_key: str = "", key: str = "", question: str = "",
               answer: str = "", note: str = "", index: int = 0) -> tuple[int, str]:
        """Remember this card (``answer``: its HTML, at most :data:`ANSWER_CHARS`); returns the modification time
        to write for it, and the note type it had in the last build ("" when new)."""
        prev = self.cards.get(guid)
        if prev is None:
            mod, before = self.now, ""
            self.changed += 1
        elif prev.hash == content_hash or (len(prev.hash) == 40 and content_hash == prev.hash[:HASH_CHARS]):
            mod, before = prev.mod, prev.kind
        else:
            mod, before = max(self.now, prev.mod + 1), prev.kind
            self.changed += 1
        self.seen[guid] = (content_hash, mod, kind, note_key, key, question, answer, note, index)
        return mod, before

    def save(self) -> None:
        """Write the state of this build's cards (atomically; card order, which is the vault's path order)."""
        data = {"version": VERSION, "cards": self.seen}
        atomic_write(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":"), check_circular=False))
