"""The per-note extractor: walks a note's tokens and makes its cards."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from html import escape
from typing import Any

from markdown_it.token import Token

from ..vault import Diagnostic, Note, Vault
from .card import Card, Extraction, Kind, normalize
from .cloze import _footnotes, _has_cloze, to_cloze
from .decks import Groups, cards_mode, deck_of, note_key, tags_of
from .text import (Part, _blank_side, _inline_only, _is_question_mark, _join, _lines, _split_separator, _strip, _text,
                   plain, plain_parts)

_WALK = frozenset({"paragraph_open", "obsidian_comment_open", "obsidian_comment_close", "table_open",
                   "footnote_block_open"})


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


class _NoteCards:
    def __init__(self, vault: Vault, note: Note, mode: str, base_deck: str, options: dict[str, Any],
                 groups: Groups | None = None) -> None:
        self.vault, self.note, self.mode = vault, note, mode
        group = (tuple(note.tag_names), note.folder)  # notes with the same tags and folder share deck and tags
        found = groups.get(group) if groups is not None else None
        if found is None:
            found = (deck_of(note, base_deck), tags_of(note))
            if groups is not None:
                groups[group] = found
        self.deck, self.tags = found
        self.note_key = note_key(note)
        self.cloze_highlights = options.get("cloze_highlights", True) is not False
        self.tokens = note.tokens
        self.result = Extraction()
        self._index: tuple[list[int], list[tuple[int, int, tuple[str, ...], str]]] | None = None

    @cached_property
    def footnotes(self) -> dict[int, str]:
        return _footnotes(self.tokens)

    # -- block structure, computed only when a card needs it (multi-line, table, heading cards)
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
        text = self.note.text
        return {k for k, line in enumerate(text.split("\n")) if not line.strip()}

    # -- helpers
    def diag(self, line: int, code: str, message: str, severity: str = "warning") -> None:
        self.result.diagnostics.append(Diagnostic(str(self.note.path), line, 1, severity, code, message))  # type: ignore[arg-type]

    def _section_index(self) -> tuple[list[int], list[tuple[int, int, tuple[str, ...], str]]]:
        """Per heading, once: its line, and (line, end line, breadcrumb, anchor)."""
        if self._index is None:
            title = self.note.title
            sections = []
            for h in self.note.headings:
                chain = [*h.parents, h.text]
                if chain[0].strip() == title.strip():
                    chain = chain[1:]
                sections.append((h.line, h.end_line, (title, *chain), h.anchor))
            self._index = [s[0] for s in sections], sections
        return self._index

    def context(self, line: int) -> tuple[tuple[str, ...], str]:
        """Breadcrumb (note title › headings) and anchor of the innermost heading around ``line``;
        cards of one section share the same tuple."""
        starts, sections = self._section_index()
        k = bisect_right(starts, line)
        while k:
            k -= 1
            _, end, crumb, anchor = sections[k]
            if end >= line:
                return crumb, anchor
        return (self.note.title,), ""

    def add(self, line: int, end_line: int, kind: Kind, front: list[Part], back: list[Part], origin: str,
            key: str | None = None, front_text: str | None = None, back_text: str | None = None) -> Card | None:
        cloze = kind == "cloze"
        if front_text is None:
            front_text = plain(front[0][1], cloze) if _inline_only(front) else plain_parts(front, cloze)
        if not cloze and (not front_text.strip() or (
                _blank_side(back) if back_text is None else not back_text.strip())):
            side = "question" if not front_text.strip() else "answer"
            self.diag(line, "empty-card", f"card has an empty {side}; not written")
            return None
        key = key if key is not None else normalize(front_text)
        return self._card(line, end_line, kind, front, back, origin, key, front_text, back_text)

    def _card(self, line: int, end_line: int, kind: Kind, front: list[Part], back: list[Part], origin: str,
              key: str, front_text: str, back_text: str | None = None) -> Card:
        ctx, anchor = self.context(line)
        card = Card(self.note, line, end_line, kind, front, back, key, self.deck, self.tags, ctx, anchor,
                    origin, front_text, back_text, self.note_key)  # type: ignore[arg-type]
        self.result.cards.append(card)
        return card

    def question_card(self, line: int, children: list[Token]) -> Card | None:
        """The usual one-line ``Q::A`` in one step: the separator in the first token, which is text without Anki
        cloze braces, and both sides non-empty; None otherwise (:func:`_split_separator` and :meth:`add` decide)."""
        c = children[0].content
        p = c.find("::")
        if children[0].type != "text" or p < 0 or "{{" in c or "}}" in c:
            return None
        rev = c.startswith(":::", p)
        question, answer = c[:p].strip(), c[p + (3 if rev else 2):].lstrip()
        if not question or not answer.strip():
            return None
        back = _strip([_text(answer), *children[1:]], copy=False)
        return self._card(line, line, "reversed" if rev else "basic", [("inline", [_text(question)])],
                          [("inline", back)], "inline", normalize(question), question)

    def _end(self, b: _Block) -> int:
        """Line after the block's last non-blank line."""
        last = b.last
        while last - 1 > b.first and (last - 1) in self._blank:
            last -= 1
        return last

    def following(self, i: int) -> list[_Block]:
        """Sibling blocks directly below the block opened at ``i`` (no blank line between)."""
        parent, k = self._parent[i]
        sibs = self._siblings[parent]
        out: list[_Block] = []
        last = self._end(sibs[k])
        for b in sibs[k + 1:]:
            if b.first != last or self.tokens[b.start].type in ("heading_open", "obsidian_comment_open"):
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

    # -- the walk
    def run(self) -> Extraction:
        tokens = self.tokens
        comment = 0
        consumed_to = -1  # blocks up to here were used as a multi-line answer
        last_cards: dict[int, Card] = {}  # paragraph end line → last card made from it
        walk = _WALK
        for i in [k for k, t in enumerate(tokens) if t.type in walk]:
            t = tokens[i]
            tt = t.type
            if tt == "paragraph_open":
                if comment:
                    continue
                made: list[Card] = []
                source = tokens[i + 1].content
                if i > consumed_to and ("::" in source or "?" in source or "{{c" in source
                                        or (self.cloze_highlights and "==" in source)):  # cheap pre-check
                    made, upto = self.paragraph(i)
                    consumed_to = max(consumed_to, upto)
                ref = t.meta.get("block_id")
                if ref is not None:
                    target = made[-1] if (made and not ref.standalone) else (
                        last_cards.get(ref.end_line) if ref.standalone else None)
                    if target is not None:
                        target.key = ref.id
                if made:
                    last_cards[made[-1].end_line] = made[-1]
            elif tt == "obsidian_comment_open":
                comment += 1
            elif tt == "obsidian_comment_close":
                comment -= 1
            elif tt == "table_open":
                if not comment and i > consumed_to and self.table_directive_before(i):
                    self.table(i, self._close_of(i))
            else:  # footnote_block_open: the rest are footnote bodies
                break
        if self.mode == "headings":
            self.heading_cards()
        self.check_duplicates()
        return self.result

    def table_directive_before(self, i: int) -> bool:
        """``%% notedeck: table-cards %%`` is the block right before the table at token ``i``."""
        tokens = self.tokens
        return (i >= 2 and tokens[i - 1].type == "obsidian_comment_close"
                and tokens[i - 2].type == "obsidian_comment_open"
                and tokens[i - 2].meta.get("directive", ())[:1] == ("table-cards",))

    def _close_of(self, i: int) -> int:
        parent, k = self._parent.get(i, (None, None))
        if parent is None:
            return i
        return self._siblings[parent][k].end

    def paragraph(self, i: int) -> tuple[list[Card], int]:
        """Cards of the paragraph opened at token ``i``; returns them and the last token index used."""
        tokens = self.tokens
        inline = tokens[i + 1]
        children = inline.children or []
        first_line = inline.map[0] + 1 if inline.map else 1
        skip_first = i > 0 and tokens[i - 1].type == "blockquote_open" and tokens[i - 1].meta.get("callout")
        made: list[Card] = []
        upto = i + 2
        source = inline.content
        if "\n" not in source and not skip_first and source.strip() not in ("?", "??"):  # one line: the common case
            card = self.question_card(first_line, children) if "::" in source else None
            if card is not None:
                return [card], upto
            split = _split_separator(children) if "::" in source else None
            if split is not None:
                front_t, back_t, rev = split
                card = self.add(first_line, first_line, "reversed" if rev else "basic",
                                [("inline", front_t)], [("inline", back_t)], "inline")
                if card:
                    made.append(card)
            elif "{{c" in source or (self.cloze_highlights and "==" in source):
                if _has_cloze(children, self.cloze_highlights):
                    self.cloze(first_line, first_line, children, made)
            return made, upto
        lines = _lines(children)
        start = 1 if skip_first else 0
        for k in range(start, len(lines) if "?" in source else 0):
            mark = _is_question_mark(lines[k])
            if mark is None:
                continue
            q_lines = lines[start:k]
            a_lines = lines[k + 1:]
            front: list[Part] = [("inline", _join(q_lines))] if q_lines else []
            q_line = first_line + start
            in_list = self.list_question(i, q_lines) if q_lines and not skip_first else None
            if in_list is not None:  # ``- a`` / ``- b`` / ``?``: the "?" ended the list's last item (lazily)
                front, q_line = in_list
            elif not q_lines:
                above = self.preceding(i)
                if above:
                    front = [("blocks", self.block_tokens(above))]
                    q_line = above[0].first + 1
            back: list[Part] = [("inline", _join(a_lines))] if a_lines and any(a_lines) else []
            below = self.following(i)
            end_line = first_line + len(lines) - 1
            if below:
                back.append(("blocks", self.block_tokens(below)))
                upto = below[-1].end
                end_line = below[-1].last
            card = self.add(q_line, end_line, "reversed" if mark == "??" else "basic", front, back, "multiline")
            return ([card] if card else []), upto
        run: list[tuple[int, list[Token]]] = []

        clozes = "{{c" in source or (self.cloze_highlights and "==" in source)

        def flush() -> None:
            if run and clozes:
                joined = _join([l for _, l in run])
                if _has_cloze(joined, self.cloze_highlights):
                    self.cloze(run[0][0], run[-1][0], joined, made)
            run.clear()

        for k in range(start, len(lines)):
            split = _split_separator(lines[k])
            if split is None:
                run.append((first_line + k, lines[k]))
                continue
            flush()
            front_t, back_t, rev = split
            card = self.add(first_line + k, first_line + k, "reversed" if rev else "basic",
                            [("inline", front_t)], [("inline", back_t)], "inline")
            if card:
                made.append(card)
        flush()
        return made, upto

    def cloze(self, line: int, end_line: int, children: list[Token], made: list[Card]) -> None:
        footnotes = self.footnotes if any(t.type == "footnote_ref" for t in children) else {}
        converted, problem = to_cloze(children, footnotes, self.cloze_highlights)
        if problem:
            self.diag(line, "bad-cloze", problem + "; card not written")
            return
        if not any(t.type == "cloze_open" for t in converted):
            return
        for k, t in enumerate(converted):
            if t.type == "cloze_open" and k + 1 < len(converted) and converted[k + 1].type == "cloze_close":
                self.diag(line, "bad-cloze", "empty cloze deletion; card not written")
                return
        front = _strip(converted)
        text = plain(front)
        if not text.strip():
            self.diag(line, "empty-card", "cloze card has no text")
            return
        card = self.add(line, end_line, "cloze", [("inline", front)], [], "cloze", key=normalize(text))
        if card:
            made.append(card)

    def table(self, start: int, end: int) -> None:
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

    def heading_cards(self) -> None:
        """``cards: headings``: front = breadcrumb, back = the section's own blocks."""
        top = self._siblings.get(-1, [])
        for k, b in enumerate(top):
            if self.tokens[b.start].type != "heading_open":
                continue
            body: list[_Block] = []
            for nb in top[k + 1:]:
                if self.tokens[nb.start].type == "heading_open":
                    break
                body.append(nb)
            toks = [t for t in self.block_tokens(body) if t.type != "footnote_block_open"]
            line = b.first + 1
            if not plain_parts([("blocks", toks)]).strip():
                continue  # a heading that only groups sub-headings
            ctx, _ = self.context(line)
            crumb = " › ".join(ctx)
            self.add(line, body[-1].last if body else line, "basic", [("html", escape(crumb))], [("blocks", toks)],
                     "heading", key=normalize(crumb), front_text=crumb)

    def check_duplicates(self) -> None:
        seen: dict[str, Card] = {}
        kept: list[Card] = []
        for card in self.result.cards:
            first = seen.get(card.key)
            if first is not None:
                self.diag(card.line, "duplicate-card",
                          f"card key '{card.key}' is already used by the card at line {first.line} "
                          f"(same GUID); give one a ^block-id. Not written")
                continue
            seen[card.key] = card
            kept.append(card)
        self.result.cards = kept


def extract_note(vault: Vault, note: Note, base_deck: str, options: dict[str, Any] | None = None,
                 groups: Groups | None = None) -> Extraction:
    """Cards of one note (empty when the note is not card-enabled); ``groups`` carries deck and tags
    per (tags, folder) from note to note within one extraction."""
    options = options or {}
    mode = cards_mode(note, options)
    if mode is None:
        return Extraction()
    return _NoteCards(vault, note, mode, base_deck, options, groups).run()


def extract(vault: Vault, base_deck: str, options: dict[str, Any] | None = None) -> Extraction:
    """Cards of every card-enabled note of the vault, in path order."""
    total = Extraction()
    groups: Groups = {}
    for rel in sorted(vault.notes):
        r = extract_note(vault, vault.notes[rel], base_deck, options, groups)
        total.cards.extend(r.cards)
        total.diagnostics.extend(r.diagnostics)
    return total
