"""Which notes make cards, in which deck, with which tags."""

from __future__ import annotations

from typing import Any

from ..vault import Note

Groups = dict[tuple[tuple[str, ...], str], tuple[str, list[str]]]  # (tag names, folder) → (deck, tags)


def cards_mode(note: Note, options: dict[str, Any]) -> str | None:
    """``"cards"``, ``"headings"`` (also heading cards) or None when the note makes no cards."""
    fm = note.frontmatter.get("cards")
    if fm is False or (isinstance(fm, str) and fm.lower() in ("false", "no", "off")):
        return None
    if isinstance(fm, str) and fm.lower() == "headings":
        return "headings"
    vault_wide = options.get("cards")
    if fm is True or any(_is_deck_tag(t) for t in note.tag_names) or vault_wide is True or str(vault_wide).lower() == "all":
        return "cards"
    return None


def _is_deck_tag(name: str) -> bool:
    name = name.casefold()  # Obsidian's tags are case-insensitive
    return name == "flashcards" or name.startswith("flashcards/")


def anki_tag(name: str) -> str:
    """An Anki-safe tag: no spaces; Obsidian's ``a/b`` nesting becomes Anki's ``a::b``."""
    return "::".join("_".join(p.split()) for p in name.split("/") if p.strip())


def deck_of(note: Note, base: str) -> str:
    """``base::a::b`` for ``#flashcards/a/b``; else ``base::<folder path>``; else ``base``."""
    for name in note.tag_names:
        if _is_deck_tag(name) and "/" in name:
            sub = [p.strip() for p in name.split("/")[1:] if p.strip()]
            if sub:
                return "::".join([base, *sub])
    if note.folder:
        return "::".join([base, *note.folder.split("/")])
    return base


def tags_of(note: Note) -> list[str]:
    """Obsidian tags (without the ``flashcards`` deck tags) plus the folder path."""
    tags = [anki_tag(t) for t in note.tag_names if not _is_deck_tag(t)]
    if note.folder:
        tags.append(anki_tag(note.folder))
    return list(dict.fromkeys(t for t in tags if t))


def note_key(note: Note) -> str:
    nid = note.frontmatter.get("id")
    return str(nid) if nid not in (None, "") else note.rel
