"""Per-card build state in ``<out>/anki/state.json``: GUID → [content hash, modification time written
last time, note type]. Anki's importer updates a note only when the incoming one is newer, so an unchanged
card keeps its old time (edits made inside Anki survive) and a changed card gets a strictly newer one."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..emitters import atomic_write

STATE_NAME = "state.json"
VERSION = 2

Entry = tuple[str, int, str]  # content hash, modification time, note type


@dataclass
class State:
    path: Path
    cards: dict[str, Entry] = field(default_factory=dict)  # the last build's
    now: int = field(default_factory=lambda: int(time.time()))
    seen: dict[str, Entry] = field(default_factory=dict)  # this build's, in card order
    changed: int = 0

    @classmethod
    def load(cls, folder: Path) -> State:
        path = folder / STATE_NAME
        state = cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") == VERSION:
                state.cards = {g: (str(h), int(m), str(k)) for g, (h, m, k) in data["cards"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass  # no state (first build) or unreadable: every card is new
        return state

    def update(self, guid: str, content_hash: str, kind: str) -> tuple[int, str]:
        """Remember this card; returns the modification time to write for it, and the note type it had
        in the last build ("" when new)."""
        prev = self.cards.get(guid)
        if prev is None:
            mod, before = self.now, ""
            self.changed += 1
        elif prev[0] == content_hash:
            mod, before = prev[1], prev[2]
        else:
            mod, before = max(self.now, prev[1] + 1), prev[2]
            self.changed += 1
        self.seen[guid] = (content_hash, mod, kind)
        return mod, before

    def save(self) -> None:
        """Write the state of this build's cards (atomically; card order, which is the vault's path order)."""
        data = {"version": VERSION, "cards": self.seen}
        atomic_write(self.path, json.dumps(data, separators=(",", ":"), check_circular=False))  # ASCII: GUIDs, hashes
