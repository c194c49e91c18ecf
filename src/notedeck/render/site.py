"""The site's target: page-relative URLs and Material's markup (heading permalinks, admonitions, Pygments in
``.highlight``, arithmatex math, ``<pre class="mermaid">``), plus what a page adds around its note (backlinks).

:func:`render_page` is the pure function the site engine calls: note + vault → HTML, table of contents, title.
It imports nothing of MkDocs.
"""

from __future__ import annotations

import html
from functools import lru_cache
from dataclasses import dataclass, field

from pymdownx.highlight import Highlight

from ..vault import CodeBlock, Link, Note, Vault, slugify
from .graph import local_graph
from .html import Context, RenderError, render_tokens
from .math import tex_to_html
from .target import RenderedPage, Target, TocEntry
from .urls import page_path, relative_url, url_fragment

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

    def note_url(self, note: Note, anchor: str) -> str:
        if note.private:
            return ""
        frag = "#" + url_fragment(anchor) if anchor else ""
        if note.rel == self.host.rel and frag:
            return frag
        return relative_url(self.site.page_of(note.rel), self.page) + frag

    def file_url(self, rel: str, link: Link | None) -> str:
        return relative_url(rel, self.page)

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
        return _searchless(result.html)

    def code(self, content: str, lang: str, block: CodeBlock | None) -> str:
        if lang == "mermaid":
            return f'<pre class="mermaid"><code>{html.escape(content, quote=False)}</code></pre>\n'
        options = block.options if block is not None else {}
        hl_lines = [int(x) for x in options.get("hl_lines", "").split() if x.isdigit()] or None
        linenums = options.get("linenums", "")
        start = int(linenums.split()[0]) if linenums.split() and linenums.split()[0].isdigit() else -1
        self.count += 1
        return _HIGHLIGHT.highlight(content, lang, hl_lines=hl_lines, linestart=start, title=options.get("title"),
                                    code_block_count=self.count) + "\n"


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
    if backlinks:
        body += backlinks_section(note, site)
    if backlinks if graph is None else graph:
        body += local_graph(note, site, site.graph_title)
    title = next((h.text for h in note.headings if h.level == 1), "")
    return RenderedPage(body, toc_of(note), title, [(n.rel, line, msg) for n, line, msg in target.problems])


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
