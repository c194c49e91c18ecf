"""Rules about links that every output shares: the text a link shows, and what an embed becomes."""

from __future__ import annotations

from typing import Literal

from ..vault import Link, media_kind

EmbedKind = Literal["image", "audio", "video", "pdf", "note", "file"]


def link_label(link: Link, separator: str = " > ") -> str:
    """The text a link shows: its alias (``[[a|text]]``, ``[text](a.md)``), else its target and fragment
    (``note > heading``, ``note > ^block``), as Obsidian does. A size (``![[img.png|300]]``) is no label."""
    if link.alias and not (link.embed and link.width):
        return link.alias
    parts = [p for p in (link.target, *link.headings) if p]
    if link.block:
        parts.append("^" + link.block)
    return separator.join(parts) if parts else link.raw


def embed_kind(link: Link, rel: str | None = None) -> EmbedKind:
    """What an embed shows: the target file's kind by extension (the resolved path's when known)."""
    return media_kind(rel or link.target)
