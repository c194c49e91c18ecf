"""Cards → one ``.apkg`` (a deck with its sub-decks) written with genanki, atomically."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from html import escape
from pathlib import Path

import genanki

from .cards import Card, Part
from .models import MODELS
from .render import RenderContext, obsidian_url, render_blocks, render_inline
from .state import State


class _Note(genanki.Note):
    """A genanki note written with its own modification time (from :class:`State`), not the build's."""

    mod: int = 0

    def write_to_db(self, cursor, timestamp: float, deck_id, id_gen):  # type: ignore[override]
        return super().write_to_db(cursor, self.mod, deck_id, id_gen)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def deck_id(name: str) -> int:
    """A stable deck id derived from the deck name."""
    return (1 << 40) + int(hashlib.sha1(("notedeck-deck:" + name).encode("utf-8")).hexdigest()[:10], 16)


def render_side(parts: list[Part], ctx: RenderContext) -> str:
    out: list[str] = []
    for kind, value in parts:
        if kind == "inline":
            out.append(render_inline(value, ctx))
        elif kind == "blocks":
            out.append(render_blocks(value, ctx))
        else:
            out.append(str(value))
    return "".join(p if p.startswith("<") or k == 0 else "<br>" + p for k, p in enumerate(out) if p)


def source_html(card: Card, ctx: RenderContext) -> str:
    links = []
    url = ctx.note_url(card.note, card.anchor)
    if url:
        links.append(f'<a href="{escape(url)}">site</a>')
    links.append(f'<a href="{escape(obsidian_url(ctx.vault.root.name, card.note.rel))}">Obsidian</a>')
    return " · ".join(links)


def fields_of(card: Card, ctx: RenderContext) -> list[str]:
    """Field values in the order of the card's note type."""
    ctx.note = card.note
    front = render_side(card.front, ctx)
    back = render_side(card.back, ctx)
    context = escape(card.breadcrumb)
    return [front, back, context, source_html(card, ctx)]


def content_hash(card: Card, fields: list[str]) -> str:
    h = hashlib.sha1()
    for part in (card.kind, card.deck, " ".join(card.tags), *fields):
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()


@dataclass
class WriteStats:
    path: Path
    notes: int
    cards_changed: int
    media: int


def package_name(deck: str) -> str:
    """File name for a deck: its name with characters file systems dislike replaced."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", deck).strip() or "notedeck"


def write_package(cards: list[Card], ctx: RenderContext, base_deck: str, folder: Path) -> WriteStats:
    """Write ``folder/<base_deck>.apkg`` and ``folder/state.json``."""
    folder.mkdir(parents=True, exist_ok=True)
    state = State.load(folder)
    decks: dict[str, genanki.Deck] = {}
    for card in cards:
        fields = fields_of(card, ctx)
        model = MODELS[card.kind]
        if card.kind == "cloze":
            fields[1] = ""  # Extra
        note = _Note(model=model, fields=fields, tags=card.tags, guid=card.guid)
        note.mod = state.mod_for(card.guid, content_hash(card, fields))
        deck = decks.get(card.deck)
        if deck is None:
            deck = decks[card.deck] = genanki.Deck(deck_id(card.deck), card.deck)
        deck.add_note(note)
    if base_deck not in decks:
        decks[base_deck] = genanki.Deck(deck_id(base_deck), base_deck)
    target = folder / f"{package_name(base_deck)}.apkg"
    with tempfile.TemporaryDirectory(prefix=".notedeck-media-", dir=folder) as media_dir:
        media_paths = []
        for name, src in sorted(ctx.media.items()):
            dst = os.path.join(media_dir, name)
            try:
                os.link(src, dst)
            except OSError:
                shutil.copyfile(src, dst)
            media_paths.append(dst)
        package = genanki.Package([decks[k] for k in sorted(decks)], media_files=media_paths)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        os.close(fd)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                package.write_to_file(tmp)
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, target)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    state.save()
    return WriteStats(target, len(cards), state.changed, len(ctx.media))
