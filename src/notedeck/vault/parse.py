"""One note's text → :class:`Note` (one markdown-it pass) plus its diagnostics."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from markdown_it.token import Token

from .annotations import (is_callout_title, set_block_ref, set_callout, set_callout_title, set_directive,
                          set_html_links, set_link, set_web_embed)
from .diagnostics import Diagnostic
from .frontmatter import read_front_matter
from .note import BlockRef, Callout, CodeBlock, Heading, Link, Note, Span, Tag
from .html_paths import html_links, local_link
from .slugs import slugify, unique
from .syntax import parse_tokens

#: ``[!type|metadata]± title``: the metadata (``|wide``, ``|label:第 4 章``) is for CSS snippets; it is dropped.
_CALLOUT_RE = re.compile(r"^\[!([^\]|]+)(?:\|[^\]]*)?\]([+-]?)[ \t]*(.*)$")
_BLOCK_ID_RE = re.compile(r"(?:^|[ \t])\^([A-Za-z0-9][A-Za-z0-9-]*)$")
_OPTION_RE = re.compile(r"""([A-Za-z_][\w-]*)=(?:"([^"]*)"|'([^']*)'|(\S+))|(\S+)""")
_SIZE_RE = re.compile(r"^\s*(\d+)\s*(?:x\s*(\d+)\s*)?$")
_DIRECTIVE_RE = re.compile(r"^notedeck:\s*(.+)$")
_TABS_RE = re.compile(r'^={3}[+!]?[ \t]+"')
_ATTR_LIST_RE = re.compile(r"\{:?[ \t]*[.#][\w-][^{}]*\}[ \t]*$|\{:[^{}]*\}[ \t]*$")


def _alt_and_size(alt: str) -> tuple[str | None, int | None, int | None]:
    """Obsidian's size in a Markdown image's alt text: ``![alt|300](…)``, ``![300x200](…)``."""
    text, _, size = alt.rpartition("|")
    m = _SIZE_RE.match(size)
    if not m:
        return alt or None, None, None
    return text or None, int(m.group(1)), int(m.group(2)) if m.group(2) else None


def line_starts_of(text: str) -> list[int]:
    starts = [0]
    find = text.find
    i = find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts


def parse_info(info: str) -> tuple[str, dict[str, str], frozenset[str]]:
    """``python title="a.py" notest`` → ("python", {"title": "a.py"}, {"notest"})."""
    info = info.strip()
    if info.startswith("{") and info.endswith("}"):  # ``{.python .annotate}`` (attr_list style)
        info = info[1:-1].replace(".", " ", 1).strip()
    lang, _, rest = info.partition(" ")
    options: dict[str, str] = {}
    flags: set[str] = set()
    for m in _OPTION_RE.finditer(rest):
        if m.group(1):
            options[m.group(1)] = next(g for g in m.group(2, 3, 4) if g is not None)
        elif m.group(5):
            flags.add(m.group(5))
    return lang.lower(), options, frozenset(flags)


def split_wikilink(content: str) -> tuple[str, tuple[str, ...], str | None, str | None]:
    """``target#A#B^id|alias`` → (target, headings, block, alias). ``\\|`` (tables) is a ``|``."""
    content = content.replace("\\|", "|")
    inner, sep, alias = content.partition("|")
    target, _, frag = inner.partition("#")
    headings: list[str] = []
    block = None
    if "^" in target and not frag:  # ``[[note^id]]`` is not Obsidian syntax, but be lenient
        target, _, block = target.partition("^")
    for part in frag.split("#") if frag else []:
        part = part.strip()
        if part.startswith("^"):
            block = part[1:]
        elif part:
            headings.append(part)
    return target.strip(), tuple(headings), (block.strip() if block else None), (alias.strip() if sep else None)


def _plain(children: list[Token] | None) -> str:
    """Plain text of an inline token's children, as a rendered page shows it."""
    out: list[str] = []
    for t in children or []:
        if t.type in ("text", "code_inline", "math_inline", "math_inline_double"):
            out.append(t.content)
        elif t.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif t.type == "wikilink":
            target, headings, block, alias = split_wikilink(t.content)
            out.append(alias or " > ".join(p for p in (target, *headings) if p))
        elif t.type == "tag":
            out.append("#" + t.content)
        elif t.type == "image":
            out.append(_plain(t.children))
    return "".join(out).strip()


class _Builder:
    def __init__(self, path: Path, rel: str, text: str, blocks_only: bool = False) -> None:
        self.note = Note(path=path, rel=rel, text=text, line_starts=line_starts_of(text))
        self.blocks_only = blocks_only
        self.diags: list[Diagnostic] = []
        self.display = str(path)

    # -- helpers
    def span(self, meta: dict[str, Any], fallback_line: int) -> Span:
        if "start" in meta:
            a, b = meta["start"], meta["end"]
            line = self.note.line_of(a)
            return Span(a, b, line, a - self.note.line_starts[line - 1] + 1)
        return Span(-1, -1, fallback_line, 1)

    def diag(self, line: int, col: int, severity: str, code: str, message: str) -> None:
        self.diags.append(Diagnostic(self.display, line, col, severity, code, message))  # type: ignore[arg-type]

    # -- front matter
    def front_matter(self, token: Token) -> None:
        note = self.note
        note.frontmatter_end = note.line_starts[token.map[1]] if token.map[1] < len(note.line_starts) else len(note.text)
        read_front_matter(note, token.content, self.diag)

    # -- walk
    def build(self) -> Note:
        note = self.note
        tokens = parse_tokens(note.text, note.line_starts, blocks_only=self.blocks_only)
        note.tokens = tokens
        taken: set[str] = set()
        stack: list[Heading] = []
        comment_depth = 0
        quote_depth = 0
        pending_directives: tuple[str, ...] = ()
        directive_used = True
        for i, tok in enumerate(tokens):
            t = tok.type
            if t == "front_matter":
                self.front_matter(tok)
            elif t == "obsidian_comment_open":
                comment_depth += 1
                start, end = tok.meta["start"], tok.meta["end"]
                note.comments.append(Span(start, end, tok.map[0] + 1, 1))
                m = _DIRECTIVE_RE.match(tok.content)
                if m:
                    pending_directives = tuple(m.group(1).split())
                    directive_used = False
                    set_directive(tok, pending_directives)
                if not tok.meta.get("closed"):
                    at = self.span({"start": start, "end": end}, tok.map[0] + 1)
                    self.diag(at.line, at.col, "warning", "unclosed-comment",
                              "'%%' comment is never closed; it hides the rest of the note")
                continue
            elif t == "obsidian_comment_close":
                comment_depth -= 1
                continue
            elif comment_depth and t != "fence":
                continue  # commented-out Markdown is not part of the note (only hidden code runs)
            elif t == "blockquote_open":
                quote_depth += 1
                self.callout(tokens, i, quote_depth)
            elif t == "blockquote_close" or t == "admonition_close":
                quote_depth -= 1
            elif t == "admonition_open":
                quote_depth += 1
                self.admonition(tok, quote_depth)
            elif t == "heading_open" and not is_callout_title(tok):
                inline = tokens[i + 1]
                text = _plain(inline.children)
                level = int(tok.tag[1])
                while stack and stack[-1].level >= level:
                    stack.pop()
                h = Heading(level, text, unique(slugify(text), taken), tok.map[0] + 1, tuple(s.text for s in stack))
                note.headings.append(h)
                stack.append(h)
            elif t == "fence":
                self.fence(tok, i, comment_depth > 0, pending_directives if not directive_used else ())
            elif t == "math_block" or t == "math_block_label":
                a = note.line_starts[tok.map[0]]
                b = note.line_starts[tok.map[1]] if tok.map[1] < len(note.line_starts) else len(note.text)
                note.math.append(Span(a, b, tok.map[0] + 1, 1))
                if "block_id" in tok.meta:
                    self.math_block_id(tok)
            elif t == "inline":
                self.inline(tok, tokens, i)
            elif t == "html_block" and tok.map:
                ls = note.line_starts
                found = self.html_links(tok.content, ls[tok.map[0]],
                                        ls[tok.map[1]] if tok.map[1] < len(ls) else len(note.text))
                if found:
                    set_html_links(tok, found)
            if t not in ("obsidian_comment_open", "obsidian_comment_close") and tok.nesting >= 0 and t != "inline":
                directive_used = True
        self.finish_headings()
        if not note.title:
            note.title = note.stem
        return note

    def callout(self, tokens: list[Token], i: int, depth: int) -> None:
        if i + 2 >= len(tokens) or tokens[i + 1].type not in ("paragraph_open", "heading_open"):
            return
        inline = tokens[i + 2]
        first = inline.content.split("\n", 1)[0]
        m = _CALLOUT_RE.match(first)
        if not m or not m.group(1).strip():
            return
        if tokens[i + 1].type == "heading_open":
            if tokens[i + 1].markup not in ("-", "="):
                return  # ``> # [!x]`` is a heading
            set_callout_title(tokens[i + 1])  # ``> [!note] T`` / ``> ---``: a title and a rule, not a heading
        open_ = tokens[i]
        start_line, end_line = open_.map[0] + 1, open_.map[1]
        ls = self.note.line_starts[start_line - 1]
        le = self.note.line_starts[start_line] - 1 if start_line < len(self.note.line_starts) else len(self.note.text)
        kind = "-".join(m.group(1).lower().split())  # ``[!my type]`` is the type ``my-type``, as in Obsidian
        c = Callout(kind, m.group(2), m.group(3).strip(), start_line, end_line, depth, Span(ls, le, start_line, 1))  # type: ignore[arg-type]
        set_callout(open_, c)
        self.note.callouts.append(c)

    def admonition(self, tok: Token, depth: int) -> None:
        """``!!! type "Title"`` (MkDocs' syntax): a callout, with the title as written."""
        start_line, end_line = tok.map[0] + 1, tok.map[1]
        fold = {"!!!": "", "???": "-", "???+": "+"}[tok.markup]
        ls = self.note.line_starts[start_line - 1]
        c = Callout(tok.info.lower(), fold, tok.content, start_line, end_line, depth,  # type: ignore[arg-type]
                    Span(ls, self.note.line_end(start_line - 1), start_line, 1))
        set_callout(tok, c)
        self.note.callouts.append(c)

    def fence(self, tok: Token, i: int, hidden: bool, directives: tuple[str, ...]) -> None:
        note = self.note
        lang, options, flags = parse_info(tok.info)
        start = tok.map[0] + 1
        end = tok.map[1]
        # markdown-it maps a closed fence to opening + content lines + closing line; an unclosed one runs
        # to the end of its container (a quote, a list item, the note) with no closing line. Counting
        # lines works at any depth, where the closing line carries the container's "> " prefix.
        content = tok.content
        closed = end - start == content.count("\n") + 1 and (not content or content.endswith("\n"))
        if not closed:
            self.diag(start, 1, "warning", "unclosed-fence", f"code fence '{tok.markup}' opened here is never closed")
        note.code_blocks.append(CodeBlock(lang, tok.info.strip(), options, flags, tok.content, start, start + 1,
                                          end, tok.markup, hidden, directives, i, closed))

    def inline(self, tok: Token, tokens: list[Token], i: int) -> None:
        note = self.note
        line = (tok.map[0] + 1) if tok.map else 1
        children = tok.children or []
        for child in children:
            ct = child.type
            if ct in ("wikilink", "embed"):
                target, headings, block, alias = split_wikilink(child.content)
                span = self.span(child.meta, line)
                raw = note.text[span.start:span.end] if span.start >= 0 else child.markup + child.content + "]]"
                link = Link(target, headings, block, alias, ct == "embed", "wiki", raw=raw, span=span)
                if link.embed and alias:
                    m = _SIZE_RE.match(alias)
                    if m:
                        link.width = int(m.group(1))
                        link.height = int(m.group(2)) if m.group(2) else None
                set_link(child, link)
                note.links.append(link)
            elif ct in ("link_open", "image"):
                href = child.attrGet("href" if ct == "link_open" else "src") or ""
                link = self.markdown_link(str(href), ct == "image", child, line)
                if link:
                    set_link(child, link)
                    note.links.append(link)
                elif ct == "image" and str(href).lower().startswith(("http://", "https://")):
                    web = Link(str(href), embed=True, kind="url", raw=str(href), span=self.span(child.meta, line))
                    web.alias, web.width, web.height = _alt_and_size(_plain(child.children))
                    set_web_embed(child, web)
                    note.web_embeds.append(web)
            elif ct == "html_inline" and "start" in child.meta:
                found = self.html_links(child.content, child.meta["start"], child.meta["end"])
                if found:
                    set_html_links(child, found)
            elif ct == "tag":
                note.tags.append(Tag(child.content, self.span(child.meta, line)))
            elif ct == "mark_open":
                note.highlights.append(self.span(child.meta, line))
            elif ct == "obsidian_comment" and "start" in child.meta:  # (an unclosed one: see the block after it)
                note.comments.append(self.span(child.meta, line))
            elif ct == "math_inline_double" and "start" in child.meta:
                note.display_math.append(self.span(child.meta, line))
            elif ct == "footnote_ref" and "start" in child.meta:
                note.footnotes.append(self.span(child.meta, line))
        self.block_id(tok, tokens, i, children)
        if i and tokens[i - 1].type == "paragraph_open":
            self.markdown_only(children, line)

    def markdown_only(self, children: list[Token], line: int) -> None:
        """Python-Markdown's own syntax, which Obsidian (and so the site) shows as text: reported, once per
        paragraph. Only text tokens are read, so code never counts."""
        at_line_start = True
        row = line
        for child in children:
            if child.type in ("softbreak", "hardbreak"):
                at_line_start, row = True, row + 1
                continue
            if child.type == "text":
                text = child.content
                what = None
                if at_line_start and _TABS_RE.match(text):
                    what = '`=== "Tab"` content tabs (pymdownx.tabbed)'
                elif at_line_start and row > line and text.startswith(": "):
                    what = "a `: definition` line (def_list)"
                elif at_line_start and text.startswith("--8<--"):
                    what = "`--8<--` snippets (pymdownx.snippets)"
                elif _ATTR_LIST_RE.search(text):
                    what = "`{ .class }` attributes (attr_list)"
                if what:
                    self.diag(row, 1, "warning", "markdown-syntax",
                              f"{what} is Python-Markdown syntax; Obsidian and the site show it as text")
                    return
            at_line_start = False

    def markdown_link(self, href: str, image: bool, tok: Token, line: int) -> Link | None:
        link = local_link(href, image, "markdown")
        if link is None:
            return None
        link.span = self.span(tok.meta, line)
        if image:
            link.alias, link.width, link.height = _alt_and_size(_plain(tok.children))
        else:
            link.alias = _plain(tok.children) or None
        return link

    def html_links(self, html_text: str, start: int, end: int) -> list[tuple[Link, int, int]]:
        """Vault paths in raw HTML (see :func:`~notedeck.vault.html_paths.html_links`), added to the note's links."""
        found = html_links(self.note, html_text, start, end)
        self.note.links.extend(link for link, _, _ in found)
        return found

    def block_id(self, tok: Token, tokens: list[Token], i: int, children: list[Token]) -> None:
        """``text ^id`` ends a paragraph/list item; ``^id`` alone names the block before it."""
        if i == 0 or tokens[i - 1].type != "paragraph_open" or not children or children[-1].type != "text":
            return
        m = _BLOCK_ID_RE.search(children[-1].content)
        if not m:
            return
        content = tok.content.rstrip()
        marker = "^" + m.group(1)
        if not content.endswith(marker):
            return
        note = self.note
        start_line = tok.map[0] + 1
        end_line = tok.map[1]
        standalone = content == marker
        # Position of the marker: on the paragraph's last line, at its end.
        last = end_line - 1
        ls = note.line_starts[last]
        le = note.line_starts[last + 1] - 1 if last + 1 < len(note.line_starts) else len(note.text)
        line_text = note.text[ls:le].rstrip()
        b = ls + len(line_text)
        a = b - len(marker)
        if standalone:
            prev = self._previous_block(tokens, i - 1)
            if prev is None:
                return
            start_line, end_line = prev  # the span is the marker alone (a quote's "> " stays)
        else:
            while a > ls and note.text[a - 1] in " \t":
                a -= 1
            # inside a list item the block is the whole item
            j = i - 2
            if j >= 0 and tokens[j].type == "list_item_open" and tokens[j].map:
                start_line, end_line = tokens[j].map[0] + 1, tokens[j].map[1]
        line = note.line_of(a)
        ref = BlockRef(m.group(1), start_line, end_line, Span(a, b, line, a - note.line_starts[line - 1] + 1), standalone)
        set_block_ref(tokens[i - 1], ref)
        if m.group(1) in note.blocks:
            self.diag(line, ref.span.col, "warning", "duplicate-block-id",
                      f"block id ^{m.group(1)} is defined twice in this note")
        note.blocks.setdefault(m.group(1), ref)
        if not standalone:
            children[-1].content = children[-1].content[: m.start()].rstrip()

    def math_block_id(self, tok: Token) -> None:
        """``$$ ^id`` closing a math block names that block."""
        note, block_id = self.note, tok.meta["block_id"]
        last = tok.map[1] - 1
        line_start = note.line_starts[last]
        line_end = note.line_starts[last + 1] - 1 if last + 1 < len(note.line_starts) else len(note.text)
        b = note.text.rfind("^" + block_id, line_start, line_end) + 1 + len(block_id)
        a = b - 1 - len(block_id)
        while a > line_start and note.text[a - 1] in " \t":
            a -= 1
        ref = BlockRef(block_id, tok.map[0] + 1, tok.map[1], Span(a, b, last + 1, a - line_start + 1), after_math=True)
        set_block_ref(tok, ref)
        if block_id in note.blocks:
            self.diag(last + 1, ref.span.col, "warning", "duplicate-block-id",
                      f"block id ^{block_id} is defined twice in this note")
        note.blocks.setdefault(block_id, ref)

    def _previous_block(self, tokens: list[Token], open_index: int) -> tuple[int, int] | None:
        level = tokens[open_index].level
        for j in range(open_index - 1, -1, -1):
            t = tokens[j]
            if t.level == level and t.nesting >= 0 and t.map and t.type not in ("inline",):
                return t.map[0] + 1, t.map[1]
            if t.level < level:
                return None
        return None

    def finish_headings(self) -> None:
        hs = self.note.headings
        last_line = len(self.note.line_starts)
        for k, h in enumerate(hs):
            h.end_line = last_line
            for later in hs[k + 1:]:
                if later.level <= h.level:
                    h.end_line = later.line - 1
                    break


def parse_note(path: Path, rel: str, text: str, display: str | None = None,
               blocks_only: bool = False) -> tuple[Note, list[Diagnostic]]:
    """Parse one note. ``text`` must already have ``\\n`` line ends. ``blocks_only``: headings, code blocks,
    callouts and block comments, but no links, tags or other inline syntax (for the pytest plugin)."""
    b = _Builder(path, rel, text, blocks_only)
    if display:
        b.display = display
    note = b.build()
    return note, b.diags
