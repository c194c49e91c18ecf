"""Typed access to what the parser learned about a token (emitters call these, never ``token.meta`` keys).

The parser records each fact once, on the token it concerns; these accessors are the only readers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from markdown_it.token import Token

if TYPE_CHECKING:
    from .note import BlockRef, Callout, Link

_LINK, _HTML_LINKS, _CALLOUT, _CALLOUT_TITLE, _BLOCK, _DIRECTIVE, _WEB = (
    "link", "links", "callout", "callout_title", "block_id", "directive", "web_embed")


def link_of(tok: Token) -> Link | None:
    """The model's link of a ``wikilink``/``embed``/``link_open``/``image`` token (None: an external URL)."""
    return tok.meta.get(_LINK)


def web_embed_of(tok: Token) -> Link | None:
    """``![alt|300](https://…)``: the external image (or video page) an ``image`` token shows."""
    return tok.meta.get(_WEB)


def html_links_of(tok: Token) -> list[tuple[Link, int, int]]:
    """Vault paths in a raw HTML token: each link with where its value sits in ``tok.content``."""
    return tok.meta.get(_HTML_LINKS) or []


def callout_of(tok: Token) -> Callout | None:
    """The callout a ``blockquote_open`` token opens (None for a plain quote)."""
    return tok.meta.get(_CALLOUT)


def is_callout_title(tok: Token) -> bool:
    """A ``heading_open`` that is a callout's title line over ``---`` (not a heading)."""
    return bool(tok.meta.get(_CALLOUT_TITLE))


def block_ref_of(tok: Token) -> BlockRef | None:
    """The ``^id`` a ``paragraph_open`` (or ``math_block``) carries."""
    ref = tok.meta.get(_BLOCK)
    return ref if ref is not None and not isinstance(ref, str) else None


def directive_of(tok: Token) -> tuple[str, ...]:
    """The words of a ``%% notedeck: … %%`` comment (``obsidian_comment_open``)."""
    return tok.meta.get(_DIRECTIVE, ())


def set_link(tok: Token, link: Link) -> None:
    tok.meta[_LINK] = link


def set_web_embed(tok: Token, link: Link) -> None:
    tok.meta[_WEB] = link


def set_html_links(tok: Token, found: list[tuple[Link, int, int]]) -> None:
    tok.meta[_HTML_LINKS] = found


def set_callout(tok: Token, callout: Callout) -> None:
    tok.meta[_CALLOUT] = callout


def set_callout_title(tok: Token) -> None:
    tok.meta[_CALLOUT_TITLE] = True


def set_block_ref(tok: Token, ref: BlockRef) -> None:
    tok.meta[_BLOCK] = ref


def set_directive(tok: Token, words: tuple[str, ...]) -> None:
    tok.meta[_DIRECTIVE] = words
