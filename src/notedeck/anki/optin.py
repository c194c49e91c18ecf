"""Opt-in cards: a table after ``%% notedeck: table-cards %%`` (one card per row) and front matter
``cards: headings`` (one card per heading section)."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from markdown_it.token import Token
from ..vault.annotations import directive_of

from .card import normalize
from .structure import _Block
from .text import Part, plain, plain_parts

if TYPE_CHECKING:
    from .extract import _NoteCards


def table_directive_before(tokens: list[Token], i: int) -> bool:
    """``%% notedeck: table-cards %%`` is the block right before the table at token ``i``."""
    return (i >= 2 and tokens[i - 1].type == "obsidian_comment_close"
            and tokens[i - 2].type == "obsidian_comment_open"
            and directive_of(tokens[i - 2])[:1] == ("table-cards",))


def table_cards(self: _NoteCards, start: int, end: int) -> None:
    """One card per body row: front = first cell (with its header), back = the other cells."""
    tokens = self.tokens
    headers: list[list[Token]] = []
    rows: list[tuple[int, list[list[Token]]]] = []
    current: list[list[Token]] | None = None
    in_head = False
    row_line = 0
    for t in tokens[start:end + 1]:
        if t.type == "thead_open":
            in_head = True
        elif t.type == "thead_close":
            in_head = False
        elif t.type == "tr_open":
            current = []
            row_line = (t.map[0] + 1) if t.map else 0
        elif t.type == "tr_close" and current is not None:
            if in_head:
                headers = current
            else:
                rows.append((row_line, current))
            current = None
        elif t.type == "inline" and current is not None:
            current.append(t.children or [])
    head_text = [" ".join(plain(h).split()) for h in headers]
    for line, cells in rows:
        if not cells:
            continue
        first_head = head_text[0] if head_text else ""
        front: list[Part] = []
        if first_head:
            front.append(("html", f'<span class="nd-th">{escape(first_head)}:</span> '))
        front.append(("inline", cells[0]))
        back: list[Part] = []
        for c, cell in enumerate(cells[1:], 1):
            name = head_text[c] if c < len(head_text) else ""
            if name:
                back.append(("html", f'<div class="nd-row"><span class="nd-th">{escape(name)}:</span> '))
            else:
                back.append(("html", '<div class="nd-row">'))
            back.append(("inline", cell))
            back.append(("html", "</div>"))
        back_text = "\n".join(f"{head_text[c] + ': ' if c < len(head_text) and head_text[c] else ''}{plain(cell)}"
                              for c, cell in enumerate(cells[1:], 1) if plain(cell).strip())
        self.add(line, line, "basic", front, back, "table", key=normalize(plain(cells[0])),
                 front_text=plain(cells[0]), back_text=back_text)

def heading_cards(self: _NoteCards) -> None:
    """``cards: headings``: front = breadcrumb, back = the section's own blocks."""
    top = self.structure.top_blocks()
    for k, b in enumerate(top):
        if self.tokens[b.start].type != "heading_open":
            continue
        body: list[_Block] = []
        for nb in top[k + 1:]:
            if self.tokens[nb.start].type == "heading_open":
                break
            body.append(nb)
        toks = [t for t in self.structure.block_tokens(body) if t.type != "footnote_block_open"]
        line = b.first + 1
        if not plain_parts([("blocks", toks)]).strip():
            continue  # a heading that only groups sub-headings
        ctx, _ = self.context(line)
        crumb = " › ".join(ctx)
        self.add(line, body[-1].last if body else line, "basic", [("html", escape(crumb))], [("blocks", toks)],
                 "heading", key=normalize(crumb), front_text=crumb)
