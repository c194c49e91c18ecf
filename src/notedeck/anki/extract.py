"""The per-note extractor: walks a note's tokens and makes its one-line, multi-line and cloze cards
(opt-in table and heading cards: :mod:`.optin`), in the OSR plugin's syntax with its settings."""

from __future__ import annotations

import contextlib
import weakref
from bisect import bisect_right
from functools import cached_property
from pathlib import Path
from typing import Any

from markdown_it.token import Token

from ..vault import Diagnostic, Note, Vault
from ..vault.annotations import block_ref_of, callout_of
from .card import Card, Extraction, Kind, normalize
from .cloze import _footnotes, to_cloze
from .decks import Groups, cards_mode, deck_of, is_deck_tag, lead_tag, note_key, opens_card, tag_deck, tags_of
from .lookalikes import indented, setext, untagged
from .optin import heading_cards, table_cards, table_directive_before
from .schedule import schedule_of
from .settings import DEFAULT, CardSettings, load_settings
from .structure import Structure
from .text import Part, _blank_side, _inline_only, _join, _lines, _split_separator, _strip, _text, line_text, plain, plain_parts

_WALK = frozenset({"paragraph_open", "obsidian_comment_open", "obsidian_comment_close", "table_open",
                   "footnote_block_open", "heading_open", "code_block"})


class _NoteCards:
    def __init__(self, vault: Vault, note: Note, mode: str, base_deck: str, settings: CardSettings = DEFAULT,
                 groups: Groups | None = None) -> None:
        self.vault, self.note, self.mode, self.base = vault, note, mode, base_deck
        self.settings = settings
        group = (tuple(note.tag_names), note.folder)  # notes with the same tags and folder share deck and tags
        found = groups.get(group) if groups is not None else None
        if found is None:
            found = (deck_of(note, base_deck, settings), tags_of(note, settings))
            if groups is not None:
                groups[group] = found
        self.deck, self.tags = found
        self.note_key = note_key(note)
        self.tokens = note.tokens
        self.structure = Structure(note.tokens, note.text)
        self.result = Extraction()
        self.has_sr = "<!--SR:" in note.text
        self._seps, self._rev = settings.inline_seps, settings.sep_rev
        self._default_seps = self._seps == (":::", "::") and self._rev == ":::"
        self._index: tuple[list[int], list[tuple[int, int, tuple[str, ...], str]]] | None = None
        self._last_context: tuple[int, int, tuple[tuple[str, ...], str]] | None = None  # lines [from, to)
        self._deck_lines: list[int] = []
        self._deck_names: list[str] = []
        if not settings.folders_to_decks:
            body = [(t.span.line, t.name) for t in note.tags if t.span is not None and is_deck_tag(t.name, settings)]
            if len(body) > 1:
                lines = note.text.split("\n")
                body = [(line, name) for line, name in body if not opens_card(lines, line, name, settings)]
            if len(body) > 1:  # one tag or none: every card is in the note's deck
                body.sort()
                self._deck_lines = [line for line, _ in body]
                self._deck_names = [name for _, name in body]

    @cached_property
    def footnotes(self) -> dict[int, str]:
        return _footnotes(self.tokens)

    @cached_property
    def sr_blocks(self) -> dict[int, str]:
        """First line (1-based) → content of the ``<!--SR:…-->`` HTML blocks (a schedule on its own line)."""
        if "<!--SR:" not in self.note.text:
            return {}
        return {t.map[0] + 1: t.content for t in self.tokens
                if t.type == "html_block" and t.map and t.content.startswith("<!--SR:")}

    # -- helpers
    def diag(self, line: int, code: str, message: str, severity: str = "warning") -> None:
        self.result.diagnostics.append(Diagnostic(str(self.note.path), line, 1, severity, code, message))  # type: ignore[arg-type]

    def quote(self, line: int, end_line: int, width: int = 80) -> str:
        """The card's source lines, quoted on one line (a diagnostic shows which card it means)."""
        starts = self.note.line_starts
        last = min(end_line, line + 2, len(starts))
        a = starts[line - 1] if 0 < line <= len(starts) else 0
        b = starts[last] - 1 if last < len(starts) else len(self.note.text)
        text = " / ".join(ln.strip() for ln in self.note.text[a:b].split("\n") if ln.strip())
        return "'" + (text if len(text) <= width else text[: width - 1] + "…") + "'"

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
        last = self._last_context
        if last is not None and last[0] <= line < last[1]:
            return last[2]
        starts, sections = self._index or self._section_index()
        k = bisect_right(starts, line)
        upto = starts[k] if k < len(starts) else 1 << 30  # the next heading: the answer holds until there
        found = None
        while k:
            k -= 1
            _, end, crumb, anchor = sections[k]
            if end >= line:
                found = (crumb, anchor)
                upto = min(upto, end + 1)
                break
        if found is None:
            found = (self.note.title,), ""
        self._last_context = (line, upto, found)
        return found

    def deck_at(self, line: int, tag: str | None = None) -> str:
        """The deck of a card at ``line``: the flashcard tag on or right above it, else the last one in the
        note before it (OSR), else the note's deck."""
        if self.settings.folders_to_decks:
            return self.deck
        if tag is not None:
            return tag_deck(tag, self.note, self.base)
        if self._deck_lines:
            k = bisect_right(self._deck_lines, line)
            if k:
                return tag_deck(self._deck_names[k - 1], self.note, self.base)
        return self.deck

    def add(self, line: int, end_line: int, kind: Kind, front: list[Part], back: list[Part], origin: str,
            key: str | None = None, front_text: str | None = None, back_text: str | None = None) -> Card | None:
        cloze = kind == "cloze"
        tag = None
        if front and front[0][0] == "inline" and front[0][1] and front[0][1][0].type in ("tag", "text"):
            tag, children = lead_tag(front[0][1], self.settings)
            if tag is not None:
                front = [("inline", children), *front[1:]]
        if front_text is None:
            front_text = plain(front[0][1], cloze) if _inline_only(front) else plain_parts(front, cloze)
        if not cloze and (not front_text.strip() or (
                _blank_side(back) if back_text is None else not back_text.strip())):
            side = "question" if not front_text.strip() else "answer"
            self.diag(line, "empty-card", f"card has an empty {side}: {self.quote(line, end_line)}; not written")
            return None
        if key is None or tag is not None:
            key = normalize(front_text)
        return self._card(line, end_line, kind, front, back, origin, key, front_text, back_text, tag)

    def _card(self, line: int, end_line: int, kind: Kind, front: list[Part], back: list[Part], origin: str,
              key: str, front_text: str, back_text: str | None = None, tag: str | None = None) -> Card:
        ctx, anchor = self.context(line)
        deck = self.deck_at(line, tag) if (tag is not None or self._deck_lines) else self.deck
        card = Card(self.note, line, end_line, kind, front, back, key, deck, self.tags, ctx, anchor,
                    origin, front_text, back_text, self.note_key)  # type: ignore[arg-type]
        if self.has_sr:
            schedule = self._schedule(back if kind != "cloze" else front, end_line)
            if schedule:
                card.schedule = schedule
        self.result.cards.append(card)
        return card

    def _schedule(self, parts: list[Part], end_line: int) -> tuple[tuple[str, int, int], ...]:
        """OSR's schedule of a card: a ``<!--SR:…-->`` at the end of its text or on the line below it."""
        for kind, value in reversed(parts):
            for t in reversed(value) if kind != "html" else ():
                if t.type in ("html_inline", "html_block") and t.content.lstrip().startswith("<!--SR:"):
                    return schedule_of(t.content)
        below = self.sr_blocks.get(end_line + 1)
        return schedule_of(below) if below else ()

    def question_card(self, line: int, children: list[Token], source: str) -> Card | None:
        """The usual one-line ``Q::A`` in one step: the separator in the first token, which is text without Anki
        cloze braces, and both sides non-empty; None otherwise (:func:`_split_separator` and :meth:`add` decide)."""
        first = children[0]
        c = first.content
        if first.type != "text" or "{{" in c or "}}" in c:
            return None
        if self._default_seps:  # ``::`` / ``:::``: one search
            p = c.find("::")
            if p < 0:
                return None
            sep = ":::" if c.startswith(":::", p) else "::"
            if sep == "::" and ":::" in source:
                return None  # a ``:::`` further on wins (OSR): the general split decides
        else:
            for sep in self._seps:  # the longest present wins (OSR)
                if sep in source:
                    p = c.find(sep)
                    if p < 0:
                        return None  # the separator is further on: the general split decides
                    break
            else:
                return None
        rev = sep == self._rev
        question, answer = c[:p].strip(), c[p + len(sep):].lstrip()
        if not question or not answer.strip():
            return None
        back = _strip([_text(answer), *children[1:]], copy=False)
        return self._card(line, line, "reversed" if rev else "basic", [("inline", [_text(question)])],
                          [("inline", back)], "inline", normalize(question), question)

    # -- the walk
    def run(self) -> Extraction:
        tokens = self.tokens
        comment = 0
        consumed_to = -1  # blocks up to here were used as a multi-line answer
        last_cards: dict[int, Card] = {}  # paragraph end line → last card made from it
        walk = _WALK
        needles = self.settings._needles
        for i in [k for k, t in enumerate(tokens) if t.type in walk]:
            t = tokens[i]
            tt = t.type
            if tt == "paragraph_open":
                if comment:
                    continue
                made: list[Card] = []
                if i > consumed_to:
                    source = tokens[i + 1].content
                    for n in needles:  # cheap pre-check (settings.may_hold_card, inlined: once per paragraph)
                        if n in source:
                            made, upto = self.paragraph(i)
                            consumed_to = max(consumed_to, upto)
                            break
                ref = block_ref_of(t)
                if ref is not None:
                    target = made[-1] if (made and not ref.standalone) else (
                        last_cards.get(ref.end_line) if ref.standalone else None)
                    if target is not None:
                        target.key = ref.id
                if made:
                    last_cards[made[-1].end_line] = made[-1]
            elif tt == "heading_open":
                if not comment and i > consumed_to and t.markup in ("=", "-") and \
                        self.settings.may_hold_card(tokens[i + 1].content):
                    setext(self, i)
            elif tt == "code_block":
                if not comment and i > consumed_to and self.settings.may_hold_card(t.content):
                    indented(self, t)
            elif tt == "obsidian_comment_open":
                comment += 1
            elif tt == "obsidian_comment_close":
                comment -= 1
            elif tt == "table_open":
                if not comment and i > consumed_to and table_directive_before(tokens, i):
                    table_cards(self, i, self.structure.close_of(i))
            else:  # footnote_block_open: the rest are footnote bodies
                break
        if self.mode == "headings":
            heading_cards(self)
        self.check_duplicates()
        return self.result

    def paragraph(self, i: int) -> tuple[list[Card], int]:
        """Cards of the paragraph (or setext heading) opened at token ``i``; returns them and the last token
        index used."""
        tokens = self.tokens
        s = self.settings
        inline = tokens[i + 1]
        children = inline.children or []
        first_line = inline.map[0] + 1 if inline.map else 1
        skip_first = i > 0 and tokens[i - 1].type == "blockquote_open" and callout_of(tokens[i - 1]) is not None
        made: list[Card] = []
        upto = i + 2
        source = inline.content
        if "\n" not in source and not skip_first and (len(source) > s.mark_len or not s.question_mark(source)):  # one line
            if children:
                card = self.question_card(first_line, children, source)  # the usual case, in one step
                if card is not None:
                    return [card], upto
            has_sep = any(sep in source for sep in self._seps)
            split = _split_separator(children, s.inline_seps, s.sep_rev) if has_sep else None
            if split is not None:
                front_t, back_t, rev = split
                card = self.add(first_line, first_line, "reversed" if rev else "basic",
                                [("inline", front_t)], [("inline", back_t)], "inline")
                if card:
                    made.append(card)
            elif s.may_hold_cloze(source):
                self.cloze(first_line, first_line, children, made)
            return made, upto
        has_sep = any(sep in source for sep in self._seps)
        lines = _lines(children)
        start = 1 if skip_first else 0
        multi = (s.ml and s.ml in source) or (s.ml_rev and s.ml_rev in source)
        for k in range(start, len(lines) if multi else 0):
            text = line_text(lines[k])
            mark = s.question_mark(text) if text is not None else None
            if mark is None:
                continue
            return self.multiline(i, lines, start, k, mark, first_line)
        run: list[tuple[int, list[Token]]] = []
        clozes = s.may_hold_cloze(source)

        def flush() -> None:
            if run and clozes:
                self.cloze(run[0][0], run[-1][0], _join([ln for _, ln in run]), made)
            run.clear()

        for k in range(start, len(lines)):
            split = _split_separator(lines[k], s.inline_seps, s.sep_rev) if has_sep else None
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

    def multiline(self, i: int, lines: list[list[Token]], start: int, k: int, mark: str,
                  first_line: int) -> tuple[list[Card], int]:
        """The multi-line card of the paragraph at ``i`` whose separator is its line ``k``."""
        st = self.structure
        upto = i + 2
        q_lines = lines[start:k]
        a_lines = lines[k + 1:]
        end_marker = self.settings.end_marker
        if end_marker:
            cut = next((j for j, ln in enumerate(a_lines) if line_text(ln) is not None
                        and line_text(ln).strip() == end_marker), None)  # type: ignore[union-attr]
            if cut is not None:
                a_lines = a_lines[:cut]
        front: list[Part] = [("inline", _join(q_lines))] if q_lines else []
        q_line = first_line + start
        in_list = st.list_question(i, q_lines) if q_lines and start == 0 else None
        if in_list is not None:  # ``- a`` / ``- b`` / ``?``: the "?" ended the list's last item (lazily)
            front, q_line = in_list
        elif not q_lines:
            above = st.preceding(i)
            if above:
                front = [("blocks", st.block_tokens(above))]
                q_line = above[0].first + 1
        back: list[Part] = [("inline", _join(a_lines))] if a_lines and any(a_lines) else []
        below = st.following(i, end_marker if not back else "")
        end_line = first_line + len(lines) - 1
        if below:
            back.append(("blocks", st.block_tokens(below)))
            upto = below[-1].end
            end_line = below[-1].last
        card = self.add(q_line, end_line, mark, front, back, "multiline")  # type: ignore[arg-type]
        return ([card] if card else []), upto

    def cloze(self, line: int, end_line: int, children: list[Token], made: list[Card]) -> None:
        footnotes = self.footnotes if any(t.type == "footnote_ref" for t in children) else {}
        converted, problem = to_cloze(children, footnotes, self.settings)
        if problem:
            self.diag(line, "bad-cloze", f"{problem} in {self.quote(line, end_line)}; card not written")
            return
        if not any(t.type == "cloze_open" for t in converted):
            return
        for k, t in enumerate(converted):
            if t.type == "cloze_open" and k + 1 < len(converted) and converted[k + 1].type == "cloze_close":
                self.diag(line, "bad-cloze", f"empty cloze deletion in {self.quote(line, end_line)}; card not written")
                return
        front = _strip(converted)
        tag, front = lead_tag(front, self.settings)
        text = plain(front)
        if not text.strip():
            self.diag(line, "empty-card", f"cloze card has no text: {self.quote(line, end_line)}")
            return
        card = self._card(line, end_line, "cloze", [("inline", front)], [], "cloze", normalize(text),
                          plain(front, True), None, tag)
        made.append(card)

    def check_duplicates(self) -> None:
        seen: dict[str, Card] = {}
        kept: list[Card] = []
        for card in self.result.cards:
            first = seen.get(card.key)
            if first is not None and card.kind == "cloze" and first.kind == "cloze":
                marked = normalize(card.front_text)  # same text, other numbers or hints: keyed with its markers
                if marked not in seen and marked != normalize(first.front_text):
                    card.key = marked
                    first = None
            if first is not None:
                self.diag(card.line, "duplicate-card",
                          f"card key '{card.key}' is already used by the card at line {first.line} "
                          f"(same GUID); give one a ^block-id. Not written")
                continue
            seen[card.key] = card
            kept.append(card)
        self.result.cards = kept


def extract_note(vault: Vault, note: Note, base_deck: str, options: dict[str, Any] | None = None,
                 groups: Groups | None = None, settings: CardSettings | None = None) -> Extraction:
    """Cards of one note (empty when the note is not card-enabled); ``groups`` carries deck and tags
    per (tags, folder) from note to note within one extraction."""
    options = options or {}
    if settings is None:
        settings, _ = load_settings(getattr(vault, "root", None), options)
    mode = cards_mode(note, options, settings)
    if mode is None:
        fm = note.frontmatter.get("cards")
        explicit_off = fm is False or (isinstance(fm, str) and fm.lower() in ("false", "no", "off"))
        d = None if explicit_off else untagged(note, settings)
        return Extraction(diagnostics=[d] if d else [])
    return _NoteCards(vault, note, mode, base_deck, settings, groups).run()


_LAST: tuple[weakref.ref, Extraction] | None = None  # this process's last extraction of a whole vault


def last_extraction(vault: Vault) -> Extraction | None:
    """The last :func:`extract` of this very vault object in this process (``notedeck build``'s site shows the Anki
    step's cards instead of extracting them again), else None."""
    last = _LAST
    return last[1] if last is not None and last[0]() is vault else None


def extract(vault: Vault, base_deck: str, options: dict[str, Any] | None = None) -> Extraction:
    """Cards of every card-enabled note of the vault, in path order, with the card diagnostics (those of the
    OSR settings file first)."""
    options = options or {}
    root = getattr(vault, "root", None)
    settings, problems = load_settings(Path(root) if root is not None else None, options)
    total = Extraction(diagnostics=list(problems))
    groups: Groups = {}
    for rel in sorted(vault.notes):
        r = extract_note(vault, vault.notes[rel], base_deck, options, groups, settings)
        total.cards.extend(r.cards)
        total.diagnostics.extend(r.diagnostics)
    global _LAST
    with contextlib.suppress(TypeError):  # (a stand-in vault that takes no weak reference: nothing kept)
        _LAST = (weakref.ref(vault), total)
    return total
