"""Card sides (slices of a note's markdown-it tokens) → Anki HTML.

Math becomes ``\\(..\\)`` / ``\\[..\\]`` (Anki's MathJax), fences are highlighted with Pygments (the CSS
lives in the note type), images are collected as media under flat content-hashed names, and
``[[links]]`` point at the note's page on the site. Nothing here re-parses Markdown.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any
from collections.abc import Sequence
from urllib.parse import quote

from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from ..vault import Link, Note, Vault, media_kind, parser, split_wikilink

_FORMATTER = HtmlFormatter(cssclass="highlight")


def page_path(rel: str, directory_urls: bool = True) -> str:
    """The site path MkDocs gives ``rel``: ``a/b.md`` → ``a/b/``; ``a/index.md`` → ``a/``."""
    stem = rel[:-3] if rel.endswith(".md") else rel
    head, _, name = stem.rpartition("/")
    if name in ("index", "README"):  # as MkDocs: these two names are their folder's page
        return f"{head}/" if head else ""
    if not directory_urls:
        return stem + ".html"
    return stem + "/"


def site_url_of(site_url: str, rel: str, anchor: str = "", directory_urls: bool = True) -> str:
    """Absolute URL of a note (and heading anchor) on the site; ``""`` without ``site_url``."""
    if not site_url:
        return ""
    base = site_url if site_url.endswith("/") else site_url + "/"
    url = base + quote(page_path(rel, directory_urls), safe="/")
    return url + ("#" + quote(anchor, safe="") if anchor else "")


def obsidian_url(vault_name: str, rel: str) -> str:
    """``obsidian://open?vault=…&file=…`` for a note (path without ``.md``)."""
    stem = rel[:-3] if rel.endswith(".md") else rel
    return f"obsidian://open?vault={quote(vault_name, safe='')}&file={quote(stem, safe='')}"


@dataclass
class RenderContext:
    """What rendering needs besides tokens; collects media and unresolved images."""

    vault: Vault
    site_url: str = ""
    directory_urls: bool = True
    media: dict[str, Path] = field(default_factory=dict)  # media file name in Anki → file on disk
    missing: list[tuple[Note, Link]] = field(default_factory=list)
    note: Note | None = None
    in_cloze: int = 0
    _hashes: dict[Path, str] = field(default_factory=dict)
    env: dict = field(default_factory=dict)
    _pages: dict[str, str] = field(default_factory=dict)  # note rel → page URL on the site
    _fragments: dict[str, str] = field(default_factory=dict)  # heading anchor → "#…" (quoted)
    _obsidian: dict[str, str] = field(default_factory=dict)  # note rel → obsidian:// URL
    _quoted_rels: dict[str, str] = field(default_factory=dict)
    _vault_quoted: str | None = None
    sources: dict[tuple[str, str], str] = field(default_factory=dict)  # (rel, anchor) → Source field
    contexts: dict[tuple[str, ...], str] = field(default_factory=dict)  # breadcrumb → Context field

    def __post_init__(self) -> None:
        self.env = {"nd": self}

    def media_name(self, path: Path) -> str:
        """Flat, content-hashed name: two ``a.png`` in different folders never collide."""
        name = self._hashes.get(path)
        if name is None:
            digest = hashlib.sha1(path.read_bytes()).hexdigest()[:16]
            ext = path.suffix.lower()
            name = f"nd-{digest}{ext}"
            self._hashes[path] = name
            self.media[name] = path
        return name

    def note_url(self, note: Note, anchor: str = "") -> str:
        """The note's page (and heading) on the site; ``""`` for private notes or without ``site_url``.
        Same URL as :func:`site_url_of`; the path is quoted once per note (shared with
        :meth:`obsidian_url`), an anchor once per build."""
        if note.private or not self.site_url:
            return ""
        page = self._pages.get(note.rel)
        if page is None:
            base = self.site_url if self.site_url.endswith("/") else self.site_url + "/"
            page = self._pages[note.rel] = base + page_path(self._quoted(note.rel), self.directory_urls)
        if not anchor:
            return page
        fragment = self._fragments.get(anchor)
        if fragment is None:
            fragment = self._fragments[anchor] = "#" + quote(anchor, safe="")
        return page + fragment

    def obsidian_url(self, note: Note) -> str:
        """:func:`obsidian_url` of the note (once per note)."""
        url = self._obsidian.get(note.rel)
        if url is None:
            if self._vault_quoted is None:
                self._vault_quoted = quote(self.vault.root.name, safe="")
            file = self._quoted(note.rel).replace("/", "%2F")  # ``quote(rel, safe="")``
            file = file[:-3] if file.endswith(".md") else file
            url = self._obsidian[note.rel] = f"obsidian://open?vault={self._vault_quoted}&file={file}"
        return url

    def _quoted(self, rel: str) -> str:
        """``quote(rel, safe="/")``, once per note: quoting keeps ``/``, ``.md``, ``index`` and ``README`` as
        they are, so :func:`page_path` of it is the quoted page path."""
        q = self._quoted_rels.get(rel)
        if q is None:
            q = self._quoted_rels[rel] = quote(rel, safe="/")
        return q


def _label(link: Link) -> str:
    if link.alias and not (link.embed and link.width):
        return link.alias
    return " › ".join(p for p in (link.target, *link.headings) if p) or link.raw


class CardRenderer(RendererHTML):
    """markdown-it's HTML renderer with rules for notedeck's tokens and Anki's needs."""

    # -- line breaks: Obsidian shows a single newline as a line break
    def softbreak(self, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
        return "<br>\n"

    # -- math
    def math_inline(self, tokens, idx, options, env) -> str:
        return _math(tokens[idx].content, False, env["nd"])

    def math_inline_double(self, tokens, idx, options, env) -> str:
        return _math(tokens[idx].content, True, env["nd"])

    def math_block(self, tokens, idx, options, env) -> str:
        return f'<div class="nd-math">{_math(tokens[idx].content, True, env["nd"])}</div>\n'

    math_block_label = math_block

    # -- code
    def fence(self, tokens, idx, options, env) -> str:
        tok = tokens[idx]
        lang = tok.info.strip().split(maxsplit=1)[0].lower() if tok.info.strip() else ""
        return _highlight(tok.content, lang)

    def code_block(self, tokens, idx, options, env) -> str:
        return _highlight(tokens[idx].content, "")

    # -- Obsidian syntax
    def obsidian_comment(self, tokens, idx, options, env) -> str:
        return ""

    def tag(self, tokens, idx, options, env) -> str:
        return f'<span class="nd-tag">#{escape(tokens[idx].content)}</span>'

    def footnote_ref(self, tokens, idx, options, env) -> str:
        return ""

    def html_inline(self, tokens, idx, options, env) -> str:
        content = tokens[idx].content
        if content.startswith("<!--"):  # e.g. the SR plugin's ``<!--SR:…-->``
            return ""
        return self._html_paths(tokens[idx], content, env)

    def html_block(self, tokens, idx, options, env) -> str:
        content = tokens[idx].content
        if content.lstrip().startswith("<!--"):
            return ""
        return self._html_paths(tokens[idx], content, env)

    def cloze_open(self, tokens, idx, options, env) -> str:
        env["nd"].in_cloze += 1
        return f"{{{{c{tokens[idx].meta['n']}::"

    def cloze_close(self, tokens, idx, options, env) -> str:
        env["nd"].in_cloze -= 1
        hint = tokens[idx].meta.get("hint")
        return f"::{escape(hint, quote=False)}}}}}" if hint else "}}"

    def wikilink(self, tokens, idx, options, env) -> str:
        tok = tokens[idx]
        link: Link | None = tok.meta.get("link")
        if link is None:
            target, headings, block, alias = split_wikilink(tok.content)
            return escape(alias or target)
        return self._link_html(link, escape(_label(link)), env)

    def embed(self, tokens, idx, options, env) -> str:
        link: Link | None = tokens[idx].meta.get("link")
        if link is None:
            return escape(tokens[idx].content)
        return self._embed_html(link, env)

    def image(self, tokens, idx, options, env) -> str:
        tok = tokens[idx]
        link: Link | None = tok.meta.get("link")
        alt = escape(self.renderInlineAsText(tok.children or [], options, env))
        if link is None:  # remote image: keep the URL
            return f'<img src="{escape(str(tok.attrGet("src") or ""))}" alt="{alt}">'
        return self._embed_html(link, env, alt)

    def link_open(self, tokens, idx, options, env) -> str:
        tok = tokens[idx]
        link: Link | None = tok.meta.get("link")
        if link is None:
            return f'<a href="{escape(str(tok.attrGet("href") or ""))}">'
        url = self._url(link, env)
        return f'<a href="{escape(url)}">' if url else '<a class="nd-link">'

    # -- helpers
    def _html_paths(self, tok: Token, content: str, env: dict) -> str:
        """Raw HTML with its vault paths (the model's links of the tag) pointing at the card's media or at the
        site's page (``#`` without one)."""
        ctx: RenderContext = env["nd"]
        note = ctx.note
        found: list[tuple[Link, int, int]] = tok.meta.get("links") or []
        if not found or note is None:
            return content
        out, pos = [], 0
        for link, a, b in found:
            r = ctx.vault.resolve(link, note)
            if r.note is not None:
                url = ctx.note_url(r.note, r.anchor) if r.ok else ""
                url = url or "#"
            elif r.ok and (path := ctx.vault.attachments.get(r.target.rel)) is not None and path.is_file():
                url = ctx.media_name(path)
            else:
                continue
            out += [content[pos:a], escape(url)]
            pos = b
        return "".join(out) + content[pos:]

    def _url(self, link: Link, env: dict) -> str:
        ctx: RenderContext = env["nd"]
        note = ctx.note
        if note is None:
            return ""
        r = ctx.vault.resolve(link, note)
        if not r.ok:
            return ""
        if r.note is None:
            return ""
        return ctx.note_url(r.note, r.anchor)

    def _link_html(self, link: Link, label_html: str, env: dict) -> str:
        url = self._url(link, env)
        if url:
            return f'<a href="{escape(url)}">{label_html}</a>'
        return f'<span class="nd-link">{label_html}</span>'

    def _embed_html(self, link: Link, env: dict, alt: str = "") -> str:
        ctx: RenderContext = env["nd"]
        note = ctx.note
        kind = media_kind(link.target)
        if kind == "note":  # a note embed is shown as a link to that page (no transclusion in cards)
            return self._link_html(link, escape(_label(link)), env)
        r = ctx.vault.resolve(link, note) if note is not None else None
        path = ctx.vault.attachments.get(r.target.rel) if (r is not None and r.ok and r.target.rel) else None
        if path is None or not path.is_file():
            if note is not None:
                ctx.missing.append((note, link))
            return f'<span class="nd-missing">{escape(link.raw or link.target)}</span>'
        name = ctx.media_name(path)
        if kind == "image":
            size = ""
            if link.width:
                size += f' width="{link.width}"'
            if link.height:
                size += f' height="{link.height}"'
            return f'<img src="{escape(name)}" alt="{alt or escape(path.name)}"{size}>'
        if kind == "audio":
            return f"[sound:{name}]"
        return f'<a href="{escape(name)}">{escape(path.name)}</a>'


@lru_cache(maxsize=256)
def _lexer(lang: str):
    try:
        return get_lexer_by_name(lang) if lang else None
    except ClassNotFound:
        return None


def _highlight(code: str, lang: str) -> str:
    lexer = _lexer(lang)
    if lexer is None:
        return f'<div class="highlight"><pre><code>{escape(code, quote=False)}</code></pre></div>\n'
    return highlight(code, lexer, _FORMATTER)


_RENDERER = CardRenderer()


_RULES = _RENDERER.rules
_OPTIONS = parser().options


_HTML_SPECIAL = re.compile(r'[&<>"]')


def _escape_text(s: str) -> str:
    """markdown-it's ``escapeHtml``, skipped for the (usual) text with nothing to escape."""
    return escapeHtml(s) if _HTML_SPECIAL.search(s) else s


def _math(content: str, display: bool, ctx: RenderContext) -> str:
    """TeX for Anki's MathJax: ``\\(..\\)`` or ``\\[..\\]``."""
    body = content.strip()
    if _HTML_SPECIAL.search(body):
        body = escape(body, quote=False)
    if ctx.in_cloze:
        body = body.replace("}}", "} }")  # ``}}`` would end the cloze early
    return f"\\[{body}\\]" if display else f"\\({body}\\)"


def render_inline(children: Sequence[Token], ctx: RenderContext) -> str:
    """HTML of inline tokens (a line, part of a line, a paragraph's children)."""
    if len(children) == 1 and children[0].type == "text":  # no Markdown syntax at all
        return _escape_text(children[0].content).strip()
    env = ctx.env
    out: list[str] = []
    for i, t in enumerate(children):
        tt = t.type
        if tt == "text":  # the common cases, without the rule lookup
            out.append(_escape_text(t.content))
            continue
        if tt == "math_inline":
            out.append(_math(t.content, False, ctx))
            continue
        rule = _RULES.get(tt)
        out.append(rule(children, i, _OPTIONS, env) if rule else _RENDERER.renderToken(children, i, _OPTIONS, env))
    return "".join(out).strip()


def render_blocks(tokens: Sequence[Token], ctx: RenderContext) -> str:
    """HTML of a slice of block tokens (``%% … %%`` comment blocks are left out)."""
    kept: list[Token] = []
    depth = 0
    for t in tokens:
        if t.type == "obsidian_comment_open":
            depth += 1
        elif t.type == "obsidian_comment_close":
            depth -= 1
        elif not depth:
            kept.append(t)
    return _RENDERER.render(kept, _OPTIONS, ctx.env).strip()
