"""The one HTML renderer: a note's markdown-it tokens → HTML, for every output.

markdown-it-py's :class:`RendererHTML` with rules for the tokens notedeck's parser adds (wikilinks, embeds,
highlights, comments, tags, block ids, callouts, tasks, math, footnotes) and for Material's markup. What differs
between outputs (URLs, media, math, code) is asked of a :class:`~notedeck.render.target.Target`. Nothing here
parses Markdown: every fact comes from the vault model.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from ..vault import BlockRef, Callout, CodeBlock, Heading, Note, Vault
from ..vault.annotations import block_ref_of, callout_of, is_callout_title
from ..vault.syntax import parser
from .cards import card_block, cloze_close, cloze_open
from .embeds import LinkRules, close_index
from .target import CALLOUT_TYPES, Target

_OPTIONS = parser().options
_CALLOUT_MARK = re.compile(r"^\[![^\]]*\][+-]?[ \t]*")


@dataclass
class Context:
    """The state of one render: the page's note, the note whose tokens are being rendered (another one inside a
    transclusion), and what the rules share while walking."""

    vault: Vault
    target: Target
    host: Note
    note: Note
    stack: list[tuple[str, int, int]] = field(default_factory=list)  # transclusions being expanded
    embedded: bool = False
    drop_heading: int | None = None  # line of a heading the transclusion's title already shows
    skip: set[int] = field(default_factory=set)  # ids of tokens not to render
    inline_from: dict[int, int] = field(default_factory=dict)  # inline token id → first child to render
    paragraphs: list[BlockRef | None] = field(default_factory=list)
    in_paragraph: int = 0
    line: int = 1  # line of the block being rendered (for a diagnostic when a rule fails)
    closers: list[str] = field(default_factory=list)  # what each open Markdown link's close writes
    _headings: dict[int, dict[int, Heading]] = field(default_factory=dict)
    _blocks: dict[int, dict[int, CodeBlock]] = field(default_factory=dict)

    def heading_at(self, tok: Token) -> Heading | None:
        note = self.note
        by_line = self._headings.get(id(note))
        if by_line is None:
            by_line = self._headings[id(note)] = {h.line: h for h in note.headings}
        return by_line.get(tok.map[0] + 1) if tok.map else None

    def code_block_of(self, tok: Token) -> CodeBlock | None:
        note = self.note
        blocks = self._blocks.get(id(note))
        if blocks is None:
            blocks = self._blocks[id(note)] = {id(note.tokens[cb.token_index]): cb for cb in note.code_blocks
                                               if 0 <= cb.token_index < len(note.tokens)}
        return blocks.get(id(tok))


class HtmlRenderer(LinkRules, RendererHTML):
    """Rules for notedeck's tokens; the walk skips ``%% comments %%`` and what a rule has already shown."""

    def render(self, tokens: Sequence[Token], options: Any, env: dict) -> str:
        ctx: Context = env["nd"]
        rules = self.rules
        out: list[str] = []
        i, n = 0, len(tokens)
        while i < n:
            tok = tokens[i]
            t = tok.type
            if t == "obsidian_comment_open":
                i = close_index(tokens, i) + 1
                continue
            if tok.map:
                ctx.line = tok.map[0] + 1
            if id(tok) in ctx.skip:
                i += 1
                continue
            if tok.nesting >= 0 and tok.block and tok.map:
                by_line = ctx.target.cards_at(ctx.note)
                shown = card_block(self, tokens, i, options, env, by_line,
                                   lambda t: _card_anchor(t, ctx)) if by_line else None
                if shown is not None:
                    out.append(shown[0])
                    i = shown[1] + 1
                    continue
            if t == "inline":
                children = tok.children or []
                start = ctx.inline_from.get(id(tok), 0)
                out.append(self.renderInline(children[start:] if start else children, options, env))
            elif t in rules:
                if tok.block and tok.nesting != -1 and i and tokens[i - 1].hidden and tokens[i - 1].type == "paragraph_close":
                    out.append("\n")  # after a tight list item's text, as markdown-it's own renderToken does
                out.append(rules[t](tokens, i, options, env))
            else:
                out.append(self.renderToken(tokens, i, options, env))
            i += 1
        return "".join(out)

    # -- paragraphs and block ids
    def paragraph_open(self, tokens, idx, options, env) -> str:
        ctx: Context = env["nd"]
        tok = tokens[idx]
        ref = block_ref_of(tok)
        if ref is not None and ref.standalone:  # ``^id`` alone on its line: an anchor, no paragraph
            inline, close = tokens[idx + 1], tokens[idx + 2]
            ctx.skip.update((id(inline), id(close)))
            return "" if ctx.embedded or not ctx.target.block_anchors else _anchor(ref) + "\n"
        ctx.paragraphs.append(ref)
        if tok.hidden:
            return ""
        ctx.in_paragraph += 1
        return "<p>"

    def paragraph_close(self, tokens, idx, options, env) -> str:
        ctx: Context = env["nd"]
        ref = ctx.paragraphs.pop() if ctx.paragraphs else None
        anchor = " " + _anchor(ref) if ref is not None and not ctx.embedded and ctx.target.block_anchors else ""
        if tokens[idx].hidden:
            return anchor
        ctx.in_paragraph -= 1
        return anchor + "</p>\n"

    def softbreak(self, tokens, idx, options, env) -> str:
        return "<br>\n" if env["nd"].target.line_breaks else "\n"

    # -- headings
    def heading_open(self, tokens, idx, options, env) -> str:
        ctx: Context = env["nd"]
        tok = tokens[idx]
        if ctx.embedded:
            if ctx.drop_heading is not None and tok.map and tok.map[0] + 1 == ctx.drop_heading:
                ctx.skip.update((id(tokens[idx + 1]), id(tokens[idx + 2])))
                return ""
            return "<p><strong>"
        h = ctx.heading_at(tok) if ctx.target.heading_ids else None
        return f'<{tok.tag} id="{html.escape(h.anchor)}">' if h is not None else f"<{tok.tag}>"

    def heading_close(self, tokens, idx, options, env) -> str:
        ctx: Context = env["nd"]
        tok = tokens[idx]
        if ctx.embedded:
            return "</strong></p>\n"
        opening = tokens[idx - 2] if idx >= 2 else None
        h = ctx.heading_at(opening) if (opening is not None and ctx.target.heading_ids) else None
        if h is None:
            return f"</{tok.tag}>\n"
        anchor = html.escape(h.anchor)
        return f'<a class="headerlink" href="#{anchor}" title="Permanent link">&para;</a></{tok.tag}>\n'

    # -- callouts
    def blockquote_open(self, tokens, idx, options, env) -> str:
        ctx: Context = env["nd"]
        callout = callout_of(tokens[idx])
        if callout is None:
            return "<blockquote>\n"
        first, inline = tokens[idx + 1], tokens[idx + 2]
        children = inline.children or []
        if is_callout_title(first):  # ``> [!note] T`` over ``> ---``: the title, then a rule
            title_children, rest = children, []
            ctx.skip.update((id(first), id(inline), id(tokens[idx + 3])))
            after_title = "<hr>\n"
        else:
            cut = next((k for k, c in enumerate(children) if c.type in ("softbreak", "hardbreak")), len(children))
            title_children, rest = children[:cut], children[cut + 1:]
            after_title = ""
            if rest:
                ctx.inline_from[id(inline)] = cut + 1
            else:
                ctx.skip.update((id(first), id(inline), id(tokens[idx + 3])))
                ref = block_ref_of(first)
                if ref is not None and not ctx.embedded and ctx.target.block_anchors:
                    after_title = _anchor(ref) + "\n"
        title = self._callout_title(title_children, options, env) or html.escape(callout.type.capitalize())
        return self._callout_open(callout, title, after_title)

    def _callout_open(self, callout: Callout, title: str, after_title: str) -> str:
        kind = CALLOUT_TYPES.get(callout.type, "note")
        classes = kind if kind == callout.type else f"{kind} {_css_class(callout.type)}"
        if callout.fold:
            opened = ' open="open"' if callout.fold == "+" else ""
            return f'<details class="{classes}"{opened}>\n<summary>{title}</summary>\n{after_title}'
        return f'<div class="admonition {classes}">\n<p class="admonition-title">{title}</p>\n{after_title}'

    def admonition_open(self, tokens, idx, options, env) -> str:
        callout = callout_of(tokens[idx])
        assert callout is not None
        return self._callout_open(callout, html.escape(callout.title), "")

    def admonition_close(self, tokens, idx, options, env) -> str:
        callout = callout_of(tokens[_open_index(tokens, idx)])
        return "</details>\n" if callout is not None and callout.fold else "</div>\n"

    def blockquote_close(self, tokens, idx, options, env) -> str:
        opening = _open_index(tokens, idx)
        callout = callout_of(tokens[opening]) if opening >= 0 else None
        if callout is None:
            return "</blockquote>\n"
        return "</details>\n" if callout.fold else "</div>\n"

    def _callout_title(self, children: list[Token], options, env) -> str:
        if not children:
            return ""
        head = children[0]
        if head.type == "text":
            stripped = Token("text", "", 0, content=_CALLOUT_MARK.sub("", head.content, count=1))
            children = [stripped, *children[1:]]
        return self.renderInline(children, options, env).strip()

    # -- lists: Obsidian's task items
    def task(self, tokens, idx, options, env) -> str:
        checked = " checked" if tokens[idx].content not in (" ", "") else ""
        return (f'<label class="task-list-control"><input type="checkbox" disabled{checked}/>'
                '<span class="task-list-indicator"></span></label>')

    # -- code and math
    def fence(self, tokens, idx, options, env) -> str:
        ctx: Context = env["nd"]
        tok = tokens[idx]
        block = ctx.code_block_of(tok)
        lang = block.lang if block is not None else (tok.info.split()[0].lower() if tok.info.strip() else "")
        return ctx.target.code(tok.content, lang, block)

    def code_block(self, tokens, idx, options, env) -> str:
        return env["nd"].target.code(tokens[idx].content, "", None)

    def math_inline(self, tokens, idx, options, env) -> str:
        return env["nd"].target.math(tokens[idx].content, False, env["nd"])

    def math_inline_double(self, tokens, idx, options, env) -> str:
        return env["nd"].target.math(tokens[idx].content, True, env["nd"])

    def math_block(self, tokens, idx, options, env) -> str:
        ctx: Context = env["nd"]
        ref = block_ref_of(tokens[idx])
        anchor = _anchor(ref) + "\n" if ref is not None and not ctx.embedded and ctx.target.block_anchors else ""
        return ctx.target.math(tokens[idx].content, True, ctx) + "\n" + anchor

    math_block_label = math_block

    def front_matter(self, tokens, idx, options, env) -> str:
        return ""

    # -- Obsidian's inline syntax
    def obsidian_comment(self, tokens, idx, options, env) -> str:
        return ""

    def mark_open(self, tokens, idx, options, env) -> str:
        return "<mark>"

    def mark_close(self, tokens, idx, options, env) -> str:
        return "</mark>"

    def tag(self, tokens, idx, options, env) -> str:
        name = tokens[idx].content
        if env["nd"].target.hidden_tag(name):
            return ""
        url = env["nd"].target.tag_url(name)
        text = html.escape("#" + name)
        if url:
            return f'<a class="notedeck-tag" href="{html.escape(url)}">{text}</a>'
        return f'<span class="notedeck-tag">{text}</span>'

    # -- cards' cloze deletions (the site's card widgets: :mod:`notedeck.render.cards`)
    def cloze_open(self, tokens, idx, options, env) -> str:
        return cloze_open(tokens, idx)

    def cloze_close(self, tokens, idx, options, env) -> str:
        return cloze_close(tokens, idx)

    # -- footnotes, in Python-Markdown's markup (Material styles it and shows it as tooltips)
    def footnote_ref(self, tokens, idx, options, env) -> str:
        meta = tokens[idx].meta
        n = meta["id"] + 1
        if env["nd"].embedded:
            return f"<sup>{n}</sup>"
        sub = meta.get("subId", 0)
        ref = f"fnref{sub + 1}:{n}" if sub > 0 else f"fnref:{n}"
        return f'<sup id="{ref}"><a class="footnote-ref" href="#fn:{n}">{n}</a></sup>'

    def footnote_block_open(self, tokens, idx, options, env) -> str:
        return '<div class="footnote">\n<hr>\n<ol>\n'

    def footnote_block_close(self, tokens, idx, options, env) -> str:
        return "</ol>\n</div>\n"

    def footnote_open(self, tokens, idx, options, env) -> str:
        return f'<li id="fn:{tokens[idx].meta["id"] + 1}">\n'

    def footnote_close(self, tokens, idx, options, env) -> str:
        return "</li>\n"

    def footnote_anchor(self, tokens, idx, options, env) -> str:
        meta = tokens[idx].meta
        n = meta["id"] + 1
        sub = meta.get("subId", 0)
        ref = f"fnref{sub + 1}:{n}" if sub > 0 else f"fnref:{n}"
        return (f'&#160;<a class="footnote-backref" href="#{ref}" '
                f'title="Jump back to footnote {n} in the text">&#8617;</a>')


class RenderError(Exception):
    """A rule failed on a note (a bug of ours): where, and why."""

    def __init__(self, line: int, cause: Exception) -> None:
        super().__init__(f"line {line}: {type(cause).__name__}: {cause}")
        self.line = line
        self.cause = f"{type(cause).__name__}: {cause}"


def _open_index(tokens: Sequence[Token], close: int) -> int:
    depth = 0
    for j in range(close, -1, -1):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return -1


def _anchor(ref: BlockRef) -> str:
    return f'<span class="notedeck-block" id="^{html.escape(ref.id)}"></span>'


def _card_anchor(tok: Token, ctx: Context) -> str:
    ref = block_ref_of(tok)
    return _anchor(ref) if ref is not None and not ctx.embedded and ctx.target.block_anchors else ""


def _css_class(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name) or "note"


RENDERER = HtmlRenderer()


def render_tokens(tokens: Sequence[Token], ctx: Context) -> str:
    """HTML of a slice of a note's block tokens in ``ctx``."""
    return RENDERER.render(tokens, _OPTIONS, {"nd": ctx})


def render_inline(children: Sequence[Token], ctx: Context) -> str:
    """HTML of inline tokens."""
    return RENDERER.renderInline(children, _OPTIONS, {"nd": ctx})
