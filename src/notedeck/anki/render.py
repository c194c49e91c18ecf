"""Card sides (slices of a note's markdown-it tokens) → Anki HTML, with the one renderer of
:mod:`notedeck.render` and the cards' own :class:`~notedeck.render.target.Target`.

Math becomes ``\\(..\\)`` / ``\\[..\\]`` (Anki's MathJax), fences are highlighted with Pygments (the CSS lives
in the note type), images are collected as media under flat content-hashed names, and ``[[links]]`` point at
the note's page on the site. Nothing here re-parses Markdown.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from pathlib import Path
from urllib.parse import quote

from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from ..render.html import Context, HtmlRenderer
from ..render.target import Target
from ..render.urls import obsidian_url, page_path, site_url_of
from ..vault import CodeBlock, Link, Note, Vault
from ..vault.syntax import parser

__all__ = ["RenderContext", "obsidian_url", "page_path", "render_blocks", "render_inline", "site_url_of"]

_FORMATTER = HtmlFormatter(cssclass="highlight")


@dataclass
class RenderContext(Target):
    """The cards' target: site URLs, bundled media, Anki's math; collects media and unresolved images."""

    vault: Vault
    site_url: str = ""
    directory_urls: bool = True
    media: dict[str, Path] = field(default_factory=dict)  # media file name in Anki → file on disk
    missing: list[tuple[Note, Link]] = field(default_factory=list)
    note: Note | None = None
    in_cloze: int = 0
    _hashes: dict[Path, str] = field(default_factory=dict)
    _pages: dict[str, str] = field(default_factory=dict)  # note rel → page URL on the site
    _fragments: dict[str, str] = field(default_factory=dict)  # heading anchor → "#…" (quoted)
    _obsidian: dict[str, str] = field(default_factory=dict)  # note rel → obsidian:// URL
    _quoted_rels: dict[str, str] = field(default_factory=dict)
    _vault_quoted: str | None = None
    _render: Context | None = None
    sources: dict[tuple[str, str], str] = field(default_factory=dict)  # (rel, anchor) → Source field
    contexts: dict[tuple[str, ...], str] = field(default_factory=dict)  # breadcrumb → Context field

    label_separator = " › "

    def render_context(self) -> Context:
        """The renderer's state for the current note (one per note, reused by every side of its cards)."""
        note = self.note
        ctx = self._render
        if ctx is None or ctx.note is not note:
            ctx = self._render = Context(self.vault, self, note, note)  # type: ignore[arg-type]
        return ctx

    # -- the Target
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

    def file_url(self, rel: str, link: Link | None) -> str:
        path = self.vault.attachments.get(rel)
        if path is None or not path.is_file():
            return ""
        return self.media_name(path)

    def math(self, tex: str, display: bool, ctx: object = None) -> str:
        return _math(tex, display, self)

    def code(self, content: str, lang: str, block: CodeBlock | None) -> str:
        return _highlight(content, lang)

    def audio(self, url: str) -> str:
        return f"[sound:{url}]"

    def broken(self, text_html: str, message: str) -> str:
        return f'<span class="nd-link">{text_html}</span>'

    def missing_media(self, text_html: str, link: Link, message: str) -> str:
        if self.note is not None:
            self.missing.append((self.note, link))
        return f'<span class="nd-missing">{escape(link.raw or link.target)}</span>'

    # -- media and URLs
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


class CardRenderer(HtmlRenderer):
    """The one renderer, plus Anki's cloze markers; comments (the SR plugin's ``<!--SR:…-->``) and footnote
    references (they become cloze hints) are left out."""

    def tag(self, tokens, idx, options, env) -> str:
        return f'<span class="nd-tag">#{escape(tokens[idx].content)}</span>'

    def footnote_ref(self, tokens, idx, options, env) -> str:
        return ""

    def html_inline(self, tokens, idx, options, env) -> str:
        if tokens[idx].content.startswith("<!--"):
            return ""
        return super().html_inline(tokens, idx, options, env)

    def html_block(self, tokens, idx, options, env) -> str:
        if tokens[idx].content.lstrip().startswith("<!--"):
            return ""
        return super().html_block(tokens, idx, options, env)

    def cloze_open(self, tokens, idx, options, env) -> str:
        env["nd"].target.in_cloze += 1
        return f"{{{{c{tokens[idx].meta['n']}::"

    def cloze_close(self, tokens, idx, options, env) -> str:
        env["nd"].target.in_cloze -= 1
        hint = tokens[idx].meta.get("hint")
        return f"::{escape(hint, quote=False)}}}}}" if hint else "}}"


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
    env = None  # the renderer's state, made only when a token needs a rule
    out: list[str] = []
    append, special = out.append, _HTML_SPECIAL.search
    for i, t in enumerate(children):
        tt = t.type
        if tt == "text":  # the common cases, without the rule lookup
            content = t.content
            append(escapeHtml(content) if special(content) else content)
        elif tt == "math_inline":
            append(_math(t.content, False, ctx))
        else:
            if env is None:
                env = {"nd": ctx.render_context()}
            rule = _RULES.get(tt)
            append(rule(children, i, _OPTIONS, env) if rule else _RENDERER.renderToken(children, i, _OPTIONS, env))
    return "".join(out).strip()


def render_blocks(tokens: Sequence[Token], ctx: RenderContext) -> str:
    """HTML of a slice of block tokens (``%% … %%`` comment blocks are left out)."""
    return _RENDERER.render(tokens, _OPTIONS, {"nd": ctx.render_context()}).strip()
