"""A note's block structure, computed only when a card needs it (multi-line, table and heading cards):
the blocks of each container, the blocks right above/below a block, the note's blank lines."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from markdown_it.token import Token

from .text import Part, _join



@dataclass(slots=True)
class _Block:
    start: int  # token index of the opening token (or the leaf token)
    end: int  # token index of the matching close (== start for leaves)
    first: int  # first line (0-based, from token.map)
    last: int  # line after the block


def _siblings(tokens: list[Token]) -> dict[int, list[_Block]]:
    """Block children of each container (key: opening index of the parent, -1 for the top level)."""
    out: dict[int, list[_Block]] = {}
    stack: list[int] = [-1]
    opened: list[int] = []
    for i, t in enumerate(tokens):
        if t.type == "inline":
            continue
        if t.nesting == 1:
            stack.append(i)
            opened.append(i)
        elif t.nesting == -1:
            start = opened.pop()
            stack.pop()
            m = tokens[start].map
            if m:
                out.setdefault(stack[-1], []).append(_Block(start, i, m[0], m[1]))
        elif t.block and t.map:
            out.setdefault(stack[-1], []).append(_Block(i, i, t.map[0], t.map[1]))
    return out


class Structure:
    def __init__(self, tokens: list[Token], text: str) -> None:
        self.tokens = tokens
        self.text = text

    @cached_property
    def _siblings(self) -> dict[int, list[_Block]]:
        return _siblings(self.tokens)

    @cached_property
    def _parent(self) -> dict[int, tuple[int, int]]:
        """Block start → (parent, index among its siblings)."""
        out: dict[int, tuple[int, int]] = {}
        for parent, blocks in self._siblings.items():
            for k, b in enumerate(blocks):
                out[b.start] = (parent, k)
        return out

    @cached_property
    def _blank(self) -> set[int]:
        """0-based numbers of the note's blank lines."""
        text = self.text
        return {k for k, line in enumerate(text.split("\n")) if not line.strip()}

    def _end(self, b: _Block) -> int:
        """Line after the block's last non-blank line."""
        last = b.last
        while last - 1 > b.first and (last - 1) in self._blank:
            last -= 1
        return last

    def following(self, i: int, until: str = "") -> list[_Block]:
        """Sibling blocks directly below the block opened at ``i`` (no blank line between); with ``until`` (OSR's
        end marker, e.g. ``---``), blank lines do not stop them, the marker does (a thematic break, or the
        underline of a setext heading, whose lines are then the last ones taken)."""
        parent, k = self._parent[i]
        sibs = self._siblings[parent]
        out: list[_Block] = []
        last = self._end(sibs[k])
        tokens = self.tokens
        for b in sibs[k + 1:]:
            t = tokens[b.start]
            if until:
                if t.type == "hr" or (t.type == "paragraph_open" and tokens[b.start + 1].content.strip() == until):
                    break
                out.append(b)
                if t.type == "heading_open" and set(until) == {t.markup}:
                    break
                continue
            if b.first != last or t.type in ("heading_open", "obsidian_comment_open"):
                break
            out.append(b)
            last = self._end(b)
        return out

    def preceding(self, i: int) -> list[_Block]:
        """Sibling blocks directly above the block opened at ``i`` (no blank line between)."""
        parent, k = self._parent[i]
        sibs = self._siblings[parent]
        out: list[_Block] = []
        first = sibs[k].first
        for b in reversed(sibs[:k]):
            if self._end(b) != first or self.tokens[b.start].type in ("heading_open", "obsidian_comment_open"):
                break
            out.insert(0, b)
            first = b.first
        return out

    def block_tokens(self, blocks: list[_Block]) -> list[Token]:
        return [t for b in blocks for t in self.tokens[b.start:b.end + 1]]

    def list_question(self, i: int, q_lines: list[list[Token]]) -> tuple[list[Part], int] | None:
        """The question of a multi-line card whose ``?`` line markdown-it read as a lazy continuation of a
        list's last item: the blocks above the list, the list, its last item cut before the ``?``."""
        tokens = self.tokens
        if i < 1 or tokens[i - 1].type != "list_item_open" or i + 3 >= len(tokens) \
                or tokens[i + 3].type != "list_item_close":
            return None
        level = tokens[i - 1].level - 1  # the list's
        start = next((j for j in range(i - 2, -1, -1) if tokens[j].level == level and tokens[j].nesting == 1), None)
        close = i + 4
        if start is None or close >= len(tokens) or tokens[close].level != level or tokens[close].nesting != -1:
            return None  # not the list's last item
        cut = tokens[i + 1].copy(children=_join(q_lines))
        above = self.preceding(start) if start in self._parent else []
        listed = [*tokens[start:i + 1], cut, *tokens[i + 2:close + 1]]
        first = (above[0].first if above else tokens[start].map[0]) + 1 if tokens[start].map else 1
        return [("blocks", self.block_tokens(above) + listed)], first

    def close_of(self, i: int) -> int:
        """Token index closing the block opened at ``i``."""
        parent, k = self._parent.get(i, (None, None))
        if parent is None:
            return i
        return self._siblings[parent][k].end

    def top_blocks(self) -> list[_Block]:
        return self._siblings.get(-1, [])
