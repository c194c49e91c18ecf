"""Cards → one ``.apkg`` (a deck with its sub-decks) written with genanki, atomically.

genanki provides the package format (schema, collection, note types, decks, media, zip); two subclasses
make it fit our needs: note rows carry their own modification time (see :mod:`.state`) and are inserted
in bulk, and the collection is built in memory.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import sqlite3
import time
import warnings
import zipfile
from datetime import date
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from collections.abc import Sequence

import genanki
from genanki.apkg_col import APKG_COL
from genanki.apkg_schema import APKG_SCHEMA

from ..emitters import atomic_target
from .card import Card
from .identity import Decision, identify
from .models import MODELS
from .render import RenderContext, render_blocks, render_inline
from .text import Part
from .state import ANSWER_CHARS, HASH_CHARS, State

_CLOZE_NUM = re.compile(r"{{c(\d+)::.+?}}", re.DOTALL)


class _Deck(genanki.Deck):
    """A genanki deck whose notes are inserted in bulk, each with its own modification time.

    genanki writes the package (schema, collection, note types, decks, media, zip); only the rows of
    ``notes`` and ``cards`` are written here, with the values genanki's ``Note``/``Card`` would write,
    except ``mod``: it comes from :class:`State`, not from the build time (Anki re-imports a note only
    when it is newer). One ``executemany`` per table, constant columns written as SQL literals.
    """

    def __init__(self, deck_id: int, name: str) -> None:
        super().__init__(deck_id, name)
        # one per note: guid, note type, mod, tags (as :func:`tags_field` gives them), fields joined by
        # ``\x1f``, sort field
        self.rows: list[tuple[str, genanki.Model, int, str, str, str]] = []
        self.schedules: dict[str, tuple] = {}  # guid → OSR schedule per card (review cards, not new ones)

    def write_to_db(self, cursor, timestamp: float, id_gen):  # type: ignore[override]
        for model in dict.fromkeys(row[1] for row in self.rows):
            self.models[model.model_id] = model
        super().write_to_db(cursor, timestamp, id_gen)  # deck and note types (self.notes is empty)
        notes, cards, reviews = [], [], []
        add_note, add_card = notes.append, cards.append
        schedules = self.schedules
        did = self.deck_id
        fixed = {m: range(len(m.templates)) for m in self.models.values() if m.model_type != genanki.Model.CLOZE}
        for guid, model, mod, tags, flds, sfld in self.rows:
            nid = next(id_gen)
            add_note((nid, guid, model.model_id, mod, tags, flds, sfld))
            ords = fixed.get(model)
            sched = schedules.get(guid) if schedules else None
            if sched is None:
                for ord_ in ords if ords is not None else _ords(model, sfld):
                    add_card((next(id_gen), nid, did, ord_, mod))
                continue
            for k, ord_ in enumerate(ords if ords is not None else _ords(model, sfld)):
                entry = sched[k] if k < len(sched) else None
                if entry is None:
                    add_card((next(id_gen), nid, did, ord_, mod))
                else:  # OSR's review state: a review card (Anki's importer keeps it with "import scheduling")
                    reviews.append((next(id_gen), nid, did, ord_, mod, *_review(entry, timestamp)))
        # notes: id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data
        cursor.executemany("INSERT INTO notes VALUES(?,?,?,?,-1,?,?,?,0,0,'')", notes)
        # cards: id, nid, did, ord, mod, usn, then type … data all zero / empty, as genanki writes them
        cursor.executemany("INSERT INTO cards VALUES(?,?,?,?,?,-1,0,0,0,0,0,0,0,0,0,0,0,'')", cards)
        # type 2 / queue 2 (review), due (days since the package's creation day), interval, ease factor
        cursor.executemany("INSERT INTO cards VALUES(?,?,?,?,?,-1,2,2,?,?,?,0,0,0,0,0,0,'')", reviews)


_PACKAGE_CREATED = 1411124400  # ``crt`` of genanki's collection: review due dates count days from it


def _review(entry: tuple[str, int, int], timestamp: float) -> tuple[int, int, int]:
    """OSR's (due date, interval, ease) → the package's (due, ivl, factor)."""
    due, ivl, ease = entry
    today = int((timestamp - _PACKAGE_CREATED) // 86400)
    try:
        days = (date.fromisoformat(due) - date.fromtimestamp(timestamp)).days
    except ValueError:
        days = 0
    return today + days, max(1, ivl), ease * 10


def _ords(model: genanki.Model, first_field: str) -> Sequence[int]:
    """Card ordinals of a note: one per template; for a cloze, one per cloze number used."""
    if model.model_type == genanki.Model.CLOZE:
        return sorted({int(n) - 1 for n in _CLOZE_NUM.findall(first_field) if int(n) > 0}) or [0]
    return range(len(model.templates))


def tags_field(tags: list[str]) -> str:
    """Tags as Anki's ``notes.tags`` column holds them: space-separated, with a space on each side."""
    return " " + " ".join(tags) + " " if tags else ""


_INDEXES = [line for line in APKG_SCHEMA.splitlines() if line.upper().startswith("CREATE INDEX")]
_TABLES = "\n".join(line for line in APKG_SCHEMA.splitlines() if line not in _INDEXES)


class _Package(genanki.Package):
    """genanki's package, with the collection built in memory and stored into the zip directly
    (genanki goes through a temporary database file); ``media``: (name in Anki, file) pairs."""

    def __init__(self, decks: list[_Deck], media: list[tuple[str, Path]]) -> None:
        super().__init__(decks)
        self.media = media

    def write_to_file(self, file, timestamp: float | None = None):  # type: ignore[override]
        conn = sqlite3.connect(":memory:")
        cursor = conn.cursor()
        timestamp = time.time() if timestamp is None else timestamp
        cursor.executescript(_TABLES)  # rows first, indexes after: faster than updating them per row
        cursor.executescript(APKG_COL)
        id_gen = itertools.count(int(timestamp * 1000))
        for deck in self.decks:
            deck.write_to_db(cursor, timestamp, id_gen)
        cursor.executescript("\n".join(_INDEXES))
        conn.commit()
        data = conn.serialize()
        conn.close()
        with zipfile.ZipFile(file, "w") as outzip:
            outzip.writestr("collection.anki2", data)
            outzip.writestr("media", json.dumps({str(k): name for k, (name, _) in enumerate(self.media)}))
            for k, (_, path) in enumerate(self.media):
                outzip.write(path, str(k))


def deck_id(name: str) -> int:
    """A stable deck id derived from the deck name."""
    return (1 << 40) + int(hashlib.sha1(("notedeck-deck:" + name).encode("utf-8")).hexdigest()[:10], 16)


def render_side(parts: list[Part], ctx: RenderContext) -> str:
    """HTML of one side: inline parts, block parts and ready-made HTML, in order."""
    if len(parts) == 1 and parts[0][0] == "inline":
        return render_inline(parts[0][1], ctx)
    out: list[str] = []
    for kind, value in parts:
        if kind == "inline":
            out.append(render_inline(value, ctx))
        elif kind == "blocks":
            out.append(render_blocks(value, ctx))
        else:
            out.append(str(value))
    return "".join(out)


def source_html(card: Card, ctx: RenderContext) -> str:
    """Links to the card's place on the site (when published and ``site_url`` is set) and in Obsidian."""
    key = (card.note.rel, card.anchor)
    html = ctx.sources.get(key)
    if html is None:
        links = []
        url = ctx.note_url(card.note, card.anchor)
        if url:
            links.append(f'<a href="{escape(url)}">site</a>')
        links.append(f'<a href="{escape(ctx.obsidian_url(card.note))}">Obsidian</a>')
        html = ctx.sources[key] = " · ".join(links)
    return html


def answer_html(card: Card, ctx: RenderContext) -> str:
    """A card's answer as the state keeps it (for :mod:`.identity`): its HTML, as in its Back field."""
    ctx.note = card.note
    return render_side(card.back, ctx)


def fields_of(card: Card, ctx: RenderContext) -> list[str]:
    """Field values in the order of the card's note type."""
    ctx.note = card.note
    front = render_side(card.front, ctx)
    back = render_side(card.back, ctx)
    context = ctx.contexts.get(card.context)
    if context is None:
        context = ctx.contexts[card.context] = escape(card.breadcrumb)
    return [front, back, context, source_html(card, ctx)]


def content_hash(kind: str, deck_and_tags: str, flds: str) -> str:
    """What decides "changed": note type, deck, tags and every field (``flds``: joined by ``\\x1f``)."""
    return hashlib.sha1(f"{kind}\x1f{deck_and_tags}\x1f{flds}".encode()).hexdigest()[:HASH_CHARS]


@dataclass
class WriteStats:
    path: Path
    notes: int
    cards_changed: int
    media: int
    retyped: list[tuple[Card, str]]  # cards whose note type changed since the last build, with the old one
    decisions: list[Decision] = field(default_factory=list)  # GUIDs kept by similarity (:mod:`.identity`)


def package_name(deck: str) -> str:
    """File name for a deck: its name with characters file systems dislike replaced."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", deck).strip() or "notedeck"


def write_package(cards: list[Card], ctx: RenderContext, base_deck: str, folder: Path,
                  state: State | None = None) -> WriteStats:
    """Write ``folder/<base_deck>.apkg`` and ``folder/state.json``; each card first gets its GUID from the
    last build's state (:func:`.identity.identify`)."""
    folder.mkdir(parents=True, exist_ok=True)
    if state is None:
        state = State.load(folder)
    decisions = identify(cards, state, lambda card: answer_html(card, ctx))
    index, note_key = 0, None
    decks: dict[str, _Deck] = {}
    retyped: list[tuple[Card, str]] = []
    old, seen, now = state.cards, state.seen, state.now
    changed = 0
    deck_name, tags = None, None
    for card in cards:
        if card.tags is not tags or card.deck != deck_name:  # a new note (its cards share deck and tags)
            deck_name, tags = card.deck, card.tags
            deck = decks.get(deck_name)
            if deck is None:
                deck = decks[deck_name] = _Deck(deck_id(deck_name), deck_name)
            tags_str = tags_field(tags)
            deck_and_tags = f"{deck_name}\x1f{' '.join(tags)}"
        fields = fields_of(card, ctx)
        if card.kind == "cloze":
            fields[1] = ""  # Extra
        flds = "\x1f".join(fields)
        guid = card.guid
        kind = card.kind
        if card.note_key != note_key:
            note_key, index = card.note_key, 0
        key = card.key
        answer = fields[1] if kind != "cloze" else ""
        front = card.front_text
        rel = card.note.rel
        # what State.update does, inlined (once per card): the time to write, and the state row
        h = content_hash(kind, deck_and_tags, flds)
        prev = old.get(guid)
        if prev is None:
            mod, before = now, ""
            changed += 1
        elif prev[0] == h or (len(prev[0]) == 40 and h == prev[0][:HASH_CHARS]):
            mod, before = prev[1], prev[2]
        else:
            mod, before = max(now, prev[1] + 1), prev[2]
            changed += 1
        seen[guid] = (h, mod, kind, note_key, key, "" if front == key else front[:ANSWER_CHARS],  # "": the key says it
                      answer if len(answer) <= ANSWER_CHARS else answer[:ANSWER_CHARS],
                      "" if note_key == rel else rel, index)
        index += 1
        if before and before != kind:
            retyped.append((card, before))
        deck.rows.append((guid, MODELS[kind], mod, tags_str, flds, fields[0]))
        if card.schedule and prev is None:  # first build of this card only
            deck.schedules[guid] = card.schedule
    if base_deck not in decks:
        decks[base_deck] = _Deck(deck_id(base_deck), base_deck)
    target = folder / f"{package_name(base_deck)}.apkg"
    package = _Package([decks[k] for k in sorted(decks)], media=sorted(ctx.media.items()))
    with atomic_target(target) as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        package.write_to_file(str(tmp))
    state.changed += changed
    state.save()
    return WriteStats(target, len(cards), state.changed, len(ctx.media), retyped, decisions)
