"""Which notes make cards, in which deck, with which tags."""

from __future__ import annotations

from typing import Any

from markdown_it.token import Token

from ..vault import Note
from .settings import DEFAULT, CardSettings
from .text import _strip

Groups = dict[tuple[tuple[str, ...], str], tuple[str, list[str]]]  # (tag names, folder) → (deck, tags)


def cards_mode(note: Note, options: dict[str, Any], settings: CardSettings = DEFAULT) -> str | None:
    """``"cards"``, ``"headings"`` (also heading cards) or None when the note makes no cards."""
    fm = note.frontmatter.get("cards")
    if fm is False or (isinstance(fm, str) and fm.lower() in ("false", "no", "off")):
        return None
    if isinstance(fm, str) and fm.lower() == "headings":
        return "headings"
    vault_wide = options.get("cards")
    if fm is True or any(is_deck_tag(t, settings) for t in note.tag_names) or vault_wide is True \
            or str(vault_wide).lower() == "all":
        return "cards"
    return None


def is_deck_tag(name: str, settings: CardSettings = DEFAULT) -> bool:
    """A flashcard tag (OSR's ``flashcardTags``, ``#flashcards`` by default) or one nested below it."""
    name = name.casefold()  # Obsidian's tags are case-insensitive
    return any(name == t or name.startswith(t + "/") for t in settings.tags)


def anki_tag(name: str) -> str:
    """An Anki-safe tag: no spaces; Obsidian's ``a/b`` nesting becomes Anki's ``a::b``."""
    return "::".join("_".join(p.split()) for p in name.split("/") if p.strip())


def sub_deck(name: str) -> list[str]:
    """The sub-deck path a flashcard tag names: ``flashcards/a/b`` → ``["a", "b"]``."""
    return [p.strip() for p in name.split("/")[1:] if p.strip()]


def folder_deck(note: Note, base: str) -> str:
    return "::".join([base, *note.folder.split("/")]) if note.folder else base


def deck_of(note: Note, base: str, settings: CardSettings = DEFAULT) -> str:
    """The note's deck: ``base::<folder path>`` with OSR's ``convertFoldersToDecks``; else ``base::a::b`` for
    its first ``#flashcards/a/b``; else ``base::<folder path>``; else ``base``."""
    if settings.folders_to_decks:
        return folder_deck(note, base)
    for name in note.tag_names:
        if is_deck_tag(name, settings) and "/" in name:
            sub = sub_deck(name)
            if sub:
                return "::".join([base, *sub])
    return folder_deck(note, base)


def tag_deck(name: str, note: Note, base: str) -> str:
    """The deck of a flashcard tag written in the text (on or above a card, or before it in the note)."""
    sub = sub_deck(name)
    return "::".join([base, *sub]) if sub else folder_deck(note, base)


def tags_of(note: Note, settings: CardSettings = DEFAULT) -> list[str]:
    """Obsidian tags (without the flashcard deck tags) plus the folder path."""
    tags = [anki_tag(t) for t in note.tag_names if not is_deck_tag(t, settings)]
    if note.folder:
        tags.append(anki_tag(note.folder))
    return list(dict.fromkeys(t for t in tags if t))


def note_key(note: Note) -> str:
    nid = note.frontmatter.get("id")
    return str(nid) if nid not in (None, "") else note.rel


def opens_card(lines: list[str], line: int, name: str, settings: CardSettings) -> bool:
    """The tag opens a one-line card (``#flashcards/a Q::A``): it is that card's deck, not the note's."""
    text = lines[line - 1].lstrip() if 0 < line <= len(lines) else ""
    return text.startswith("#" + name) and any(s in text for s in settings.inline_seps)


def lead_tag(children: list[Token], settings: CardSettings) -> tuple[str | None, list[Token]]:
    """A flashcard tag opening a card's question (``#flashcards/a Q::A``, or alone on the line above it): its
    name, and the question without it (as OSR, it picks the card's deck and is not part of the question)."""
    k = 0
    while k < len(children) and children[k].type == "text" and not children[k].content.strip():
        k += 1
    if k >= len(children) or children[k].type != "tag" or not is_deck_tag(children[k].content, settings):
        return None, children
    rest = list(children[k + 1:])
    if rest and rest[0].type in ("softbreak", "hardbreak"):
        rest = rest[1:]
    return children[k].content, _strip(rest, copy=False)
