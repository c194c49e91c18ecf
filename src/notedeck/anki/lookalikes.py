"""Lines that look like cards but are not one (or are one only in OSR's eyes): said, never silently dropped."""

from __future__ import annotations

from typing import TYPE_CHECKING

from markdown_it.token import Token

from ..vault import Diagnostic, Note
from .settings import CardSettings
from .text import _lines, _split_separator, line_text

if TYPE_CHECKING:
    from .extract import _NoteCards


def setext(self: _NoteCards, i: int) -> None:
    """A paragraph underlined by ``---`` / ``===`` is a heading in Markdown; OSR still reads its lines as a
    card (the end marker ``---`` even ends it on purpose). Its cards are made, with a warning unless the
    underline is the configured end marker."""
    made, _ = self.paragraph(i)
    inline = self.tokens[i + 1]
    under = inline.map[1] + 1 if inline.map else 0  # the underline's line (1-based)
    if made and set(self.settings.end_marker) != {self.tokens[i].markup}:
        self.diag(made[-1].line, "setext-card",
                  f"the line '{self.tokens[i].markup * 3}' below this card (line {under}) makes its text a heading "
                  f"in Obsidian and on the site; put a blank line before it")

def indented(self: _NoteCards, t: Token) -> None:
    """An indented code block holding ``Q::A`` or a ``?`` line: code in Markdown (and on the site), so not a
    card here; OSR reads such lines as cards, so say it."""
    s = self.settings
    lines = t.content.split("\n")
    hit = next((k for k, ln in enumerate(lines) if any(sep in ln for sep in s.inline_seps)
                or s.question_mark(ln)), None)
    if hit is not None and t.map:
        self.diag(t.map[0] + 1 + hit, "indented-card",
                  "this card line is indented 4 spaces or more, which makes it a code block in Markdown: "
                  "not a card (remove the indentation to make it one)")


def _asks(front: list[Token]) -> bool:
    """A one-line card's question that asks something (ends with ``?``): ``key:: value`` lines are mostly
    Dataview's inline fields, not cards."""
    return bool(front) and front[-1].type == "text" and front[-1].content.rstrip().endswith(("?", "？"))


def untagged(note: Note, settings: CardSettings) -> Diagnostic | None:
    """A note that makes no cards but has a line that would be one (a question ending with ``?`` before a
    separator, or a multi-line card): said once, at its first such line."""
    text = note.text
    if not any(sep in text for sep in settings.inline_seps) and not (settings.ml and settings.ml in text):
        return None
    for k, t in enumerate(note.tokens):
        if t.type != "inline" or k == 0 or note.tokens[k - 1].type != "paragraph_open":
            continue
        lines = _lines(t.children or [])
        for n, line in enumerate(lines):
            text_ = line_text(line)
            split = _split_separator(line, settings.inline_seps, settings.sep_rev)
            if (split is not None and _asks(split[0])) or (
                    text_ is not None and settings.question_mark(text_) and 0 < n):
                tags = " or ".join("#" + tg for tg in settings.tags)
                return Diagnostic(str(note.path), (t.map[0] if t.map else 0) + 1 + n, 1, "info", "untagged-card",
                                  f"this line looks like a card, but the note is not tagged {tags} (nor "
                                  f"'cards: true'): no card")
    return None
