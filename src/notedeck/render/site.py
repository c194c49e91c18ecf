"""The site's target: page-relative URLs and Material's markup (heading permalinks, admonitions, Pygments in
``.highlight``, arithmatex math, ``<pre class="mermaid">``), plus what a page adds around its note (backlinks).

:func:`render_page` is the pure function the site engine calls: note + vault → HTML, table of contents, title.
It imports nothing of MkDocs.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from collections.abc import Callable
from dataclasses import dataclass, field

from pymdownx.highlight import Highlight

from ..vault import CodeBlock, Link, Note, Vault, slugify
from .graph import local_graph
from .html import Context, RenderError, render_tokens
from .math import tex_to_html
from .target import RenderedPage, Target, TocEntry
from .urls import page_path, relative_url, url_fragment

_PIECE = re.compile("\x00([0-9]+)\x00")
_HIGHLIGHT = Highlight(None, anchor_linenums=True, stripnl=False)  # code as written, blank lines too


@dataclass
class SiteIndex:
    """What the site's pages need besides the model, computed once per build."""

    vault: Vault
    use_directory_urls: bool = True
    tags_page: str | None = None  # vault-relative .md path of the tags index, when there is one
    backlinks: dict[str, list[str]] = field(default_factory=dict)  # target rel → source rels
    backlinks_title: str = "Linked mentions"
    graph_title: str = "Local graph"
    own_folder: frozenset[str] = frozenset()  # README/index notes whose page is ``<folder>/<stem>/`` (a clash)
    line_breaks: bool = True
    home: str | None = None  # the note that is the site's home page (``Home.md`` …), when not index/README
    cards: dict[str, dict[int, list]] = field(default_factory=dict)  # rel → line → cards shown as widgets
    hide_tag: Callable[[str], bool] | None = None  # tags left off pages (those that only switch cards on)
    #: The last test run's outcome of a runnable block (``(status, message)``), None for a block that is not run:
    #: the site shows it on the block; building never runs code.
    block_status: Callable[[Note, CodeBlock], tuple[str, str] | None] | None = None
    _pages: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, vault: Vault, **kw) -> SiteIndex:
        site = cls(vault, **kw)
        site.backlinks = compute_backlinks(vault)
        return site

    def page_of(self, rel: str) -> str:
        """The site path of a note's page (``a/b/``), as MkDocs writes it."""
        page = self._pages.get(rel)
        if page is None:
            if rel == self.home:
                page = self._pages[rel] = "" if self.use_directory_urls else "index.html"
            else:
                page = self._pages[rel] = page_path(rel, self.use_directory_urls, rel in self.own_folder)
        return page


def compute_backlinks(vault: Vault) -> dict[str, list[str]]:
    """Published target note → published notes linking or embedding it (sorted by path)."""
    back: dict[str, set[str]] = {}
    for note in vault.notes.values():
        if note.private:
            continue
        for link in note.links:
            r = vault.resolve(link, note)
            t = r.note
            if r.ok and t is not None and not t.private and t.rel != note.rel:
                back.setdefault(t.rel, set()).add(note.rel)
    return {k: sorted(v) for k, v in back.items()}


class SiteTarget(Target):
    """One page of the site: URLs relative to that page's own URL."""

    heading_ids = True
    transclude = True
    block_anchors = True
    keep_query = True
    preview_attr = " data-preview"

    def __init__(self, site: SiteIndex, host: Note) -> None:
        self.site = site
        self.host = host
        self.page = site.page_of(host.rel)
        self.line_breaks = site.line_breaks
        self.count = -1  # code blocks so far (pymdownx numbers their line anchors per page)
        self.problems: list[tuple[Note, int, str]] = []  # formulas that could not be rendered
        self.statuses: list[str] = []  # test status of each runnable block shown on the page
        self.pieces: list[tuple[str, str]] = []  # (page HTML, search HTML) of the parts the two differ in

    def piece(self, page_html: str, search_html: str) -> str:
        """A placeholder for markup the search index reads in a lighter form (the same text, fewer tags)."""
        self.pieces.append((page_html, search_html))
        return f"\x00{len(self.pieces) - 1}\x00"

    def fill(self, text: str, which: int) -> str:
        """``text`` with its placeholders replaced by the page's (0) or the search index's (1) markup."""
        if not self.pieces:
            return text
        return _PIECE.sub(lambda m: self.fill(self.pieces[int(m.group(1))][which], which), text)

    def note_url(self, note: Note, anchor: str) -> str:
        if note.private:
            return ""
        frag = "#" + url_fragment(anchor) if anchor else ""
        if note.rel == self.host.rel and frag:
            return frag
        return relative_url(self.site.page_of(note.rel), self.page) + frag

    def file_url(self, rel: str, link: Link | None) -> str:
        return relative_url(rel, self.page)

    def hidden_tag(self, name: str) -> bool:
        return self.site.hide_tag is not None and self.site.hide_tag(name)

    def cards_at(self, note: Note) -> dict[int, list]:
        return self.site.cards.get(note.rel, {})

    def transclusion(self, title_html: str, inner_html: str) -> str:
        """Left out of the search index: the embedded note is found on its own page (no duplicate hits)."""
        block = super().transclusion(title_html, inner_html).replace(' embed">', ' embed" data-search-exclude>', 1)
        return self.piece(block, "")

    def card(self, widget_html: str, text_html: str) -> str:
        """The search index reads a card as its question and answer (not the widget's "答案 / Answer" label)."""
        return self.piece(widget_html, text_html)

    def tag_url(self, name: str) -> str:
        tags = self.site.tags_page
        if not tags:
            return ""
        return relative_url(self.site.page_of(tags), self.page) + "#" + url_fragment("tag:" + slugify(name))

    def math(self, tex: str, display: bool, ctx: Context | None = None) -> str:
        """MathML, rendered now (no script, no network); the search index leaves it out. TeX the converter
        cannot show is reported and shown as source."""
        result = tex_to_html(tex, display)
        if result.error and ctx is not None:
            self.problems.append((ctx.note, ctx.line, result.error))
        return self.piece(_searchless(result.html), "")  # left out of the index either way

    def code(self, content: str, lang: str, block: CodeBlock | None) -> str:
        plain = f"<pre><code>{html.escape(content, quote=False)}</code></pre>\n"
        if lang == "mermaid":
            return f'<pre class="mermaid"><code>{html.escape(content, quote=False)}</code></pre>\n'
        options = block.options if block is not None else {}
        hl_lines = [int(x) for x in options.get("hl_lines", "").split() if x.isdigit()] or None
        linenums = options.get("linenums", "")
        start = int(linenums.split()[0]) if linenums.split() and linenums.split()[0].isdigit() else -1
        self.count += 1
        code = _highlight(content, lang, tuple(hl_lines or ()), start, options.get("title") or "")
        if self.count:  # line anchors are numbered per block of the page
            code = code.replace('"__codelineno-0-', f'"__codelineno-{self.count}-').replace(
                '"#__codelineno-0-', f'"#__codelineno-{self.count}-')
        title = html.escape(options["title"], quote=False) if options.get("title") else ""
        if lang == "output":  # the expected output of the block above, shown as its output
            head = '<div class="notedeck-output"><p class="notedeck-output-title">输出 · Output</p>\n'
            return self.piece(f"{head}{code}</div>\n", f"{head}{plain}</div>\n")
        return self.piece(code + "\n", title + plain) + self.badge(block)

    def badge(self, block: CodeBlock | None) -> str:
        """The last test run's verdict on a runnable block (a block edited since then: not run)."""
        if block is None or self.site.block_status is None:
            return ""
        found = self.site.block_status(self.host, block)
        if found is None:
            return ""
        status, message = found
        self.statuses.append(status)
        label = {"passed": "✓ 已验证", "failed": "✗ 失败", "skipped": "— 已跳过", "xfail": "✓ 预期失败",
                 "not-run": "— 未运行"}.get(status, status)
        detail = f": {html.escape(message)}" if message and status != "passed" else ""
        return (f'<p class="notedeck-status notedeck-status-{status}" data-notedeck-status="{status}" '
                f'data-search-exclude>{label}{detail}</p>\n')


@lru_cache(maxsize=4096)
def _highlight(content: str, lang: str, hl_lines: tuple[int, ...], start: int, title: str) -> str:
    """Pygments in Material's markup, as the page's first block (a transcluded block is highlighted once)."""
    return _HIGHLIGHT.highlight(content, lang, hl_lines=list(hl_lines) or None, linestart=start, title=title or None,
                                code_block_count=0)


@lru_cache(maxsize=8192)
def _searchless(math_html: str) -> str:
    return math_html.replace(' class="notedeck-math', ' data-search-exclude class="notedeck-math', 1)


def render_page(note: Note, site: SiteIndex, *, backlinks: bool = True, graph: bool | None = None) -> RenderedPage:
    """The HTML of ``note``'s page (front matter left out), its table of contents and its first H1; then the
    backlinks and the local graph (:mod:`.graph`; by default drawn when the backlinks are)."""
    target = SiteTarget(site, note)
    ctx = Context(site.vault, target, note, note)
    try:
        body = render_tokens(note.tokens, ctx).replace("<p></p>\n", "")
    except Exception as e:
        raise RenderError(ctx.line, e) from e
    if target.statuses:
        passed = sum(s in ("passed", "xfail") for s in target.statuses)
        line = (f'<p class="notedeck-tested" data-search-exclude>本页 {len(target.statuses)} 个代码块，'
                f"{passed} 个已验证 · {passed} of {len(target.statuses)} code blocks verified</p>\n")
        at = body.index("</h1>\n") + 6 if body.startswith("<h1") else 0  # under the page's title
        body = body[:at] + line + body[at:]
    page, search = target.fill(body, 0), target.fill(body, 1)
    if backlinks:
        section = backlinks_section(note, site)
        page += section  # excluded from the search index; there only its opening tag counts (it opens a section)
        search += '<div data-search-exclude></div>\n' if section else ""
    if backlinks if graph is None else graph:
        page += local_graph(note, site, site.graph_title)  # (not indexed for search)
    title = next((h.text for h in note.headings if h.level == 1), "")
    return RenderedPage(page, toc_of(note), title, [(n.rel, line, msg) for n, line, msg in target.problems], search)


def toc_of(note: Note) -> list[TocEntry]:
    """The table of contents from the model's headings (their ids are the page's)."""
    root: list[TocEntry] = []
    stack: list[TocEntry] = []
    for h in note.headings:
        entry = TocEntry(h.level, h.anchor, html.escape(h.text))
        while stack and stack[-1].level >= h.level:
            stack.pop()
        (stack[-1].children if stack else root).append(entry)
        stack.append(entry)
    return root


def backlinks_section(note: Note, site: SiteIndex) -> str:
    sources = site.backlinks.get(note.rel, [])
    if not sources:
        return ""
    here = site.page_of(note.rel)
    items = "".join(f'<li><a href="{html.escape(relative_url(site.page_of(rel), here))}">'
                    f"{html.escape(site.vault.notes[rel].title)}</a></li>\n" for rel in sources)
    return (f'<div class="notedeck-backlinks" data-search-exclude>\n'
            f'<p class="notedeck-backlinks-title">{html.escape(site.backlinks_title)}</p>\n<ul>\n{items}</ul>\n</div>\n')
