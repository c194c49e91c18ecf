"""The MkDocs plugin ``notedeck``: a thin adapter that gives MkDocs the pages notedeck renders.

Hooks, and why:

* ``on_config`` — Material's defaults notedeck relies on (toc slugify for the generated pages, our CSS);
* ``on_files`` — load the vault once (or take the one ``notedeck build`` loaded) and drop what must not be
  published (private notes, their attachments, dot-folders) from MkDocs' file list, so they have no page, nav
  entry or search entry; add the generated home and tags pages;
* ``on_pre_page`` — a note's page becomes a :class:`NotePage`, whose ``read_source`` takes the metadata from the
  vault model and whose ``render`` takes the HTML and table of contents from :func:`notedeck.render.render_page`.
  This is the one place where MkDocs would run Python-Markdown on a page; for notes it never does. Every other
  event (tags, search, templates, ``serve``) sees an ordinary page.
"""

from __future__ import annotations

import gc
import html
import logging
import os
import re

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

from .. import report as build_report
from ..home import ROOT_HOMES, home_note
from ..render import SiteIndex, TocEntry, render_page
from ..render.html import RenderError
from ..render.urls import url_path
from ..vault import Diagnostics, Note, Vault
from ..vault.files import SKIP_DIRS
from . import assets, search
from .publish import (home_page, include_templates, make_home, page_cards, private_attachments,
                      separate_folder_pages, strict_line_breaks)

log = get_plugin_logger(__name__)

#: Markdown extensions the generated pages (home, tags) rely on, added when a mkdocs.yml lacks them.
REQUIRED_EXTENSIONS = ("attr_list", "toc")
TAGS_PAGE_TEXT = "# 标签 · Tags\n\n<!-- material/tags -->\n"
#: What Material's tags plugin puts in a page's Markdown where a ``<!-- material/tags -->`` listing goes.
_LISTING_MARK = re.compile(r"^(#+) (\S+)/name \{ #\2/slug \}$", re.M)
_LISTING_DIRECTIVE = re.compile(r"<!--\s*?material/tags.*?-->", re.S)


class NotedeckConfig(Config):
    backlinks = c.Type(bool, default=True)
    backlinks_title = c.Type(str, default="Linked mentions")
    graph = c.Type(bool, default=True)  # a local graph (inline SVG) at the end of each page
    graph_title = c.Type(str, default="Local graph")
    tags_page = c.Type(str, default="tags.md")  # generated (with Material's tag listing) unless the vault has it
    site_url = c.Optional(c.Type(str))  # used by the Anki emitter for card links
    card_widgets = c.Type(bool, default=True)  # cards shown as a question with a folded answer (render/cards.py)
    show_card_tags = c.Type(bool, default=False)  # show #flashcards… (tags that only switch cards on) as tags
    results = c.Type(str, default="build/notedeck-results.json")  # the last pytest run (relative to mkdocs.yml)


class NotePage(Page):
    """A note's page: metadata from the vault model, HTML and table of contents from notedeck's renderer."""

    _notedeck: tuple[NotedeckPlugin, Note]
    search_html: str | None = None

    def read_source(self, config) -> None:
        plugin, note = self._notedeck
        self.markdown = note.text[note.frontmatter_end:]
        self.meta = page_meta(note, plugin.site.hide_tag if plugin.site is not None else None)

    def render(self, config, files) -> None:
        plugin, note = self._notedeck
        assert plugin.site is not None
        try:
            page = render_page(note, plugin.site, backlinks=plugin.config.backlinks, graph=plugin.config.graph)
        except RenderError as e:  # never a traceback on a user's vault: report it, show the source
            plugin.diagnostic(note, e.line, f"could not render this note ({e.cause}); its text is shown as is")
            self.content = f'<pre class="notedeck-unrendered">{html.escape(note.text[note.frontmatter_end:])}</pre>'
            self.toc = TableOfContents([])
            return
        self.content, toc = page.html, [_anchor_link(e) for e in page.toc]
        self.search_html, _ = _tags_listings(self.markdown or "", page.search_html, [])
        self.content, toc = _tags_listings(self.markdown or "", self.content, toc)
        self.toc = TableOfContents(toc)
        if toc:
            toc[0].active = True  # type: ignore[attr-defined]  (as MkDocs' get_toc does)
        self._title_from_render = page.title or None
        for rel, line, message in page.problems:
            plugin.diagnostic(plugin.vault.notes[rel], line, message, "warning", "math")  # type: ignore[union-attr]


def light_search(plugin) -> None:
    """Material's search plugin reads each page's HTML; for a note it reads the page's search HTML instead: the
    same text with Pygments' markup and the parts it leaves out anyway (formulas, backlinks) taken away, and a
    card widget as its question and answer (without the widget's "答案 / Answer" label)."""
    index = getattr(plugin, "search_index", None)
    add = getattr(index, "add_entry_from_context", None)
    if add is None or getattr(add, "_notedeck", False):
        return

    def add_entry(page):
        light = getattr(page, "search_html", None)
        if light is None:
            return add(page)
        full, page.content = page.content, light
        try:
            return add(page)
        finally:
            page.content = full

    add_entry._notedeck = True  # type: ignore[attr-defined]
    index.add_entry_from_context = add_entry


def _anchor_link(entry: TocEntry) -> AnchorLink:
    link = AnchorLink(entry.title, entry.id, entry.level)
    link.children = [_anchor_link(c) for c in entry.children]
    return link


def _tags_listings(markdown: str, content: str, toc: list[AnchorLink]) -> tuple[str, list[AnchorLink]]:
    """A note holding Material's ``<!-- material/tags -->`` listing: the injection point Material's tags plugin
    left in the page's Markdown (a heading it later replaces with the listing) goes where the directive is."""
    marks = _LISTING_MARK.findall(markdown)
    if not marks:
        return content, toc
    found = iter(marks)

    def inject(_):
        level, ident = next(found, ("", ""))
        if not level:
            return ""
        toc.append(AnchorLink(f"{ident}/name", f"{ident}/slug", len(level)))
        return f'<h{len(level)} id="{ident}/slug">{ident}/name</h{len(level)}>'

    return _LISTING_DIRECTIVE.sub(inject, content), toc


def page_meta(note: Note, hide_tag=None) -> dict:  # noqa: ANN001 - Callable[[str], bool] | None
    """Page metadata from the model: Material tags (front matter + inline, less those ``hide_tag`` leaves out),
    the title Obsidian shows (the file name or front-matter title, not the H1; ``index``/``README`` keep their
    H1)."""
    meta: dict = {k: v for k, v in note.frontmatter.items() if k not in ("tags", "title")}
    tags = [t for t in note.tag_names if not hide_tag(t)] if hide_tag is not None else note.tag_names
    if tags:
        meta["tags"] = tags
    title = note.frontmatter.get("title")
    if isinstance(title, str) and title:
        meta["title"] = title
    elif note.stem.lower() not in ("index", "readme"):
        meta["title"] = note.title
    return meta


class NotedeckPlugin(BasePlugin[NotedeckConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        super().__init__()
        self.vault: Vault | None = None
        self.site: SiteIndex | None = None
        self.preloaded: Vault | None = None  # set by ``notedeck build`` (the vault is already loaded)
        self.collect: Diagnostics | None = None  # set by ``notedeck build``: diagnostics go there, not to the log
        self.use_directory_urls = True
        self.tags_enabled = False
        self.reported: set[tuple[str, int, str, str]] = set()
        self.results_path: str | None = None  # set by ``notedeck build``: ``<out>/notedeck-results.json``
        self.cards: list | None = None  # set by ``notedeck build``: the cards its Anki step extracted
        self.pages_written = 0  # this build's pages (for notedeck build's summary)
        self.search = None  # Material's search plugin, when enabled (see notedeck.site.search)
        self._search_pages: dict[str, Note] = {}  # page URL → note, for the search keys

    # -- configuration
    def on_config(self, config):
        self.use_directory_urls = bool(config.use_directory_urls)
        for ext in REQUIRED_EXTENSIONS:
            if ext not in config.markdown_extensions:
                config.markdown_extensions.append(ext)
        mdx = config.mdx_configs
        if ext_missing_slugify(mdx):
            from pymdownx.slugs import slugify

            mdx.setdefault("toc", {})["slugify"] = slugify(case="lower")
        for css in (assets.CSS_PATH, assets.MATH_CSS_PATH):
            if css not in config.extra_css:
                config.extra_css.append(css)
        self.tags_enabled = any(name in ("tags", "material/tags") for name in config.plugins)
        for plugin in config.plugins.values():
            light_search(plugin)
        try:
            import jieba

            jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" chatter on every build
        except ImportError:  # pragma: no cover - search then indexes Chinese without segmentation
            pass
        self.search = search.find_search_plugin(config.plugins)
        if self.search is not None and not search.configure(self.search):
            self.search = None
        return config

    # -- the vault, once per build
    def on_files(self, files: Files, config) -> Files:
        vault = self.preloaded if self.preloaded is not None else Vault.load(config.docs_dir, progress=False)
        self.preloaded = None if self.collect is None else self.preloaded
        self.vault = vault
        # The model (every note's tokens) lives for the whole build: keep the garbage collector from
        # re-scanning it on every collection while MkDocs renders pages (unfrozen in on_post_build;
        # ``notedeck build`` froze it already, right after loading it).
        if not gc.get_freeze_count():
            gc.collect()
        gc.freeze()
        if self.collect is None:
            report(vault.diagnostics)
        private_only = private_attachments(vault)
        docs = os.path.normpath(config.docs_dir) + os.sep
        for f in list(files):
            parts = f.src_uri.split("/")
            in_vault = bool(f.abs_src_path) and os.path.normpath(f.abs_src_path).startswith(docs)
            if any(p.startswith(".") or p in SKIP_DIRS for p in parts) or f.src_uri in private_only:
                files.remove(f)
            elif f.src_uri.lower().endswith(".md"):
                note = vault.notes.get(f.src_uri)
                if note is None or note.private:
                    files.remove(f)
            elif in_vault and f.src_uri not in vault.attachments:
                files.remove(f)  # e.g. a symlink leaving the vault: the model never read it, nor do we
        include_templates(files, config)
        tags_page = None
        if self.tags_enabled and any(n.tag_names for n in vault.published):
            tags_page = self.config.tags_page
            existing = vault.notes.get(tags_page)
            if existing is None and files.get_file_from_path(tags_page) is None:
                files.append(File.generated(config, tags_page, content=TAGS_PAGE_TEXT))
            elif existing is not None and (existing.private or "material/tags" not in existing.text):
                tags_page = None  # the vault's own tags.md has no listing to link to
        home = home_note(vault)
        home_rel = home.rel if home is not None and home.rel.lower() not in ROOT_HOMES else None
        if home_rel is not None and files.get_file_from_path("index.md") is None:
            make_home(files.get_file_from_path(home_rel), self.use_directory_urls)
        elif not any(files.get_file_from_path(p) is not None for p in ("index.md", "README.md")):
            files.append(File.generated(config, "index.md", content=home_page(vault, config.site_name)))
            home_rel = None
        for path, source in assets.files().items():
            if files.get_file_from_path(path) is None:
                files.append(File.generated(config, path, abs_src_path=str(source)) if not isinstance(source, str)
                             else File.generated(config, path, content=source))
        own_folder = separate_folder_pages(files) if self.use_directory_urls else frozenset()
        self.site = SiteIndex.build(vault, use_directory_urls=self.use_directory_urls, tags_page=tags_page,
                                    backlinks_title=self.config.backlinks_title, own_folder=own_folder,
                                    graph_title=self.config.graph_title,
                                    line_breaks=not strict_line_breaks(config.docs_dir), home=home_rel,
                                    block_status=self.block_status(config),
                                    **page_cards(vault, dict(self.config), self.collect, self.cards))
        self.pages_written = 0
        build_report.expect(len(files.documentation_pages()))  # notedeck build's progress bar
        if self.search is not None:
            search.add_words(search.vault_words(vault))
            self._search_pages = {url_path(self.site.page_of(n.rel)): n for n in vault.published}
        return files

    def block_status(self, config):
        """The last pytest run's verdict per runnable block (``build/notedeck-results.json``); building runs none."""
        from ..snippets import results
        from ..snippets.blocks import kind_of

        path = self.results_path or os.path.join(os.path.dirname(config.config_file_path or "."), self.config.results)
        run = results.load(path)

        def status(note: Note, block) -> tuple[str, str] | None:
            if kind_of(block) is None:
                return None
            found = run.status(note.rel, block)
            return found.status, found.message

        return status

    @event_priority(50)  # before Material's search plugin writes its index
    def on_post_build(self, *, config) -> None:
        gc.unfreeze()
        index = getattr(self.search, "search_index", None)
        if index is not None:
            search.annotate(index.entries, self._search_sources,
                            search.compile_separator(self.search.config.get("separator")))  # type: ignore[union-attr]

    def _search_sources(self, page_url: str, anchor: str) -> tuple[str, list[str]] | None:
        note = self._search_pages.get(page_url)
        if note is None:
            return None
        if not anchor:
            return search.note_sources(note)
        return next(((h.text, []) for h in note.headings if h.anchor == anchor), None)

    def on_build_error(self, *, error) -> None:
        gc.unfreeze()

    # -- each page
    def on_pre_page(self, page, *, config, files):
        note = self.vault.notes.get(page.file.src_uri) if self.vault is not None else None
        if note is not None and not note.private and type(page) is Page:
            page.__class__ = NotePage
            page._notedeck = (self, note)
        return page

    def on_post_page(self, output: str, *, page, config) -> str:
        self.pages_written += 1
        build_report.tick()
        return output

    def diagnostic(self, note: Note, line: int, message: str, severity: str = "error", code: str = "site-transform") -> None:
        assert self.vault is not None
        key = (note.rel, line, code, message)
        if key in self.reported:  # (a note embedded in several pages is rendered more than once)
            return
        self.reported.add(key)
        d = self.vault.diagnostics.add(str(note.path), line, 1, severity, code, message)  # type: ignore[arg-type]
        if self.collect is not None:
            self.collect.extend([d])
        else:
            log.error(str(d))


def ext_missing_slugify(mdx: dict) -> bool:
    return "slugify" not in (mdx.get("toc") or {})


def report(diagnostics: Diagnostics) -> None:
    """Print the vault's diagnostics through MkDocs' log (compiler-style lines)."""
    for d in diagnostics.sorted():
        level = {"error": logging.ERROR, "warning": logging.WARNING}.get(d.severity, logging.INFO)
        log.log(level, str(d))
