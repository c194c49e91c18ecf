"""The MkDocs plugin ``notedeck``: a thin adapter that runs :func:`notedeck.site.transform.transform`.

The vault is loaded once per build (``on_files``); each page's Markdown is then produced from the model
in ``on_page_markdown``. Private notes (``publish: false`` / ``draft: true``) and every file the vault does
not publish are removed from MkDocs' file list, so they have no page, nav entry or search entry.
"""

from __future__ import annotations

import gc
import logging
import os
import posixpath
from urllib.parse import quote

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel

from ..vault import Diagnostics, Vault
from ..vault.files import SKIP_DIRS
from . import assets
from .transform import SiteIndex, page_meta, transform

log = get_plugin_logger(__name__)

#: Markdown extensions the transform's output relies on (added when a mkdocs.yml lacks them).
REQUIRED_EXTENSIONS = ("admonition", "pymdownx.details", "attr_list", "md_in_html", "footnotes", "tables",
                       "pymdownx.tasklist", "pymdownx.arithmatex", "pymdownx.superfences")
TAGS_PAGE_TEXT = "# 标签 · Tags\n\n<!-- material/tags -->\n"


def include_templates(files: Files, config) -> None:
    """MkDocs leaves a top-level ``templates/`` folder out by default (theme overrides live there); in a vault it
    holds notes that other notes link to, so they are published like the rest, unless ``exclude_docs`` says so."""
    user_exclude = config.get("exclude_docs")
    for f in files:
        if (f.inclusion == InclusionLevel.EXCLUDED and f.src_uri.startswith("templates/")
                and not (user_exclude and user_exclude.match_file(f.src_uri))):
            f.inclusion = InclusionLevel.INCLUDED


def separate_folder_pages(files: Files) -> frozenset[str]:
    """A folder note ``a/Projects.md`` and ``a/Projects/README.md`` (or ``index.md``) would both be
    ``a/Projects/index.html``: the folder note keeps that page, the other gets ``a/Projects/README/``.
    Returns the notes moved so (links to them follow: MkDocs resolves ``.md`` links through ``files``)."""
    by_dest: dict[str, list[File]] = {}
    for f in files.documentation_pages():
        by_dest.setdefault(f.dest_uri, []).append(f)
    moved = set()
    for clashing in (fs for fs in by_dest.values() if len(fs) > 1):
        stems = [(f, *posixpath.split(posixpath.splitext(f.src_uri)[0])) for f in clashing]
        if all(stem.lower() in ("readme", "index") for _, _, stem in stems):
            continue  # index.md and README.md of one folder: MkDocs itself keeps one
        for f, folder, stem in stems:
            if stem.lower() in ("readme", "index") and folder:
                f.dest_uri = posixpath.join(folder, stem, "index.html")
                f.url = quote(posixpath.join(folder, stem) + "/")
                moved.add(f.src_uri)
    return frozenset(moved)


class NotedeckConfig(Config):
    backlinks = c.Type(bool, default=True)
    backlinks_title = c.Type(str, default="Linked mentions")
    tags_page = c.Type(str, default="tags.md")  # generated (with Material's tag listing) unless the vault has it
    site_url = c.Optional(c.Type(str))  # used by the Anki emitter for card links


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

    # -- configuration
    def on_config(self, config):
        self.use_directory_urls = bool(config.use_directory_urls)
        names = list(config.markdown_extensions)
        for ext in REQUIRED_EXTENSIONS:
            if ext not in names:
                config.markdown_extensions.append(ext)
        mdx = config.mdx_configs
        if ext_missing_slugify(mdx):
            from pymdownx.slugs import slugify

            mdx.setdefault("toc", {})["slugify"] = slugify(case="lower")
            if "toc" not in config.markdown_extensions:
                config.markdown_extensions.append("toc")
        if "nl2br" in config.markdown_extensions and strict_line_breaks(config.docs_dir):
            config.markdown_extensions.remove("nl2br")
        if assets.CSS_PATH not in config.extra_css:
            config.extra_css.append(assets.CSS_PATH)
        self.tags_enabled = any(name in ("tags", "material/tags") for name in config.plugins)
        try:
            import jieba

            jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" chatter on every build
        except ImportError:  # pragma: no cover - search then indexes Chinese without segmentation
            pass
        return config

    # -- the vault, once per build
    def on_files(self, files: Files, config) -> Files:
        vault = self.preloaded if self.preloaded is not None else Vault.load(config.docs_dir, progress=False)
        self.preloaded = None if self.collect is None else self.preloaded
        self.vault = vault
        # The model (every note's tokens) lives for the whole build: keep the garbage collector from
        # re-scanning it on every collection while MkDocs renders pages (unfrozen in on_post_build).
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
        if not any(files.get_file_from_path(p) is not None for p in ("index.md", "README.md")):
            files.append(File.generated(config, "index.md", content=home_page(vault, config.site_name)))
        for path, content in ((assets.CSS_PATH, assets.CSS), (assets.MATHJAX_CONFIG_PATH, assets.MATHJAX_CONFIG)):
            if files.get_file_from_path(path) is None:
                files.append(File.generated(config, path, content=content))
        own_folder = separate_folder_pages(files) if self.use_directory_urls else frozenset()
        self.site = SiteIndex.build(vault, use_directory_urls=self.use_directory_urls, tags_page=tags_page,
                                    backlinks_title=self.config.backlinks_title, own_folder=own_folder)
        return files

    def on_post_build(self, *, config) -> None:
        gc.unfreeze()

    def on_build_error(self, *, error) -> None:
        gc.unfreeze()

    # -- each page
    def on_page_markdown(self, markdown: str, *, page, config, files) -> str:
        if self.vault is None or self.site is None:
            return markdown
        note = self.vault.notes.get(page.file.src_uri)
        if note is None or note.private:
            return markdown
        page.meta.pop("tags", None)  # MkDocs' raw front matter (``tags: 2024``, an empty item) would break Material
        page.meta.update(page_meta(note))  # Material tags: the model's (front matter + inline #tags)
        if not isinstance(page.meta.get("title"), str) and note.stem.lower() not in ("index", "readme"):
            page.meta["title"] = note.title  # as Obsidian: the file name (or front-matter title), not the H1
        try:
            return transform(note, self.site, backlinks=self.config.backlinks)
        except Exception as e:  # never a traceback on a user's vault: report it and publish the source
            d = self.vault.diagnostics.add(str(note.path), 1, 1, "error", "site-transform",
                                           f"could not transform this note for the site ({type(e).__name__}: {e}); "
                                           "its Markdown is published unchanged")
            if self.collect is not None:
                self.collect.extend([d])
            else:
                log.error(str(d))
            return markdown


def private_attachments(vault: Vault) -> set[str]:
    """Attachments that only private notes link to or embed: they stay off the site too."""
    used: dict[str, bool] = {}  # rel → used by a published note
    for note in vault.notes.values():
        for link in note.links:
            r = vault.resolve(link, note)
            if r.ok and r.note is None and r.rel:
                used[r.rel] = used.get(r.rel, False) or not note.private
    return {rel for rel, public in used.items() if not public}


def home_page(vault: Vault, site_name: str) -> str:
    """A generated home page (for a vault without ``index.md``): every published note, by folder."""
    from .transform import md_text

    lines = [f"# {md_text(site_name)}", ""]
    folder = None
    for note in sorted(vault.published, key=lambda n: (n.folder, n.rel)):
        if note.folder != folder:
            folder = note.folder
            if folder:
                lines += ["", f"**{md_text(folder)}**", ""]
        url = "/".join(quote(p) for p in note.rel.split("/"))
        lines.append(f"- [{md_text(note.title)}]({url})")
    return "\n".join(lines) + "\n"


def strict_line_breaks(docs_dir: str) -> bool:
    """Obsidian's "Strict line breaks" setting of the vault (off by default: a newline is a break)."""
    import json
    from pathlib import Path

    try:
        data = json.loads((Path(docs_dir) / ".obsidian" / "app.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("strictLineBreaks") is True


def ext_missing_slugify(mdx: dict) -> bool:
    return "slugify" not in (mdx.get("toc") or {})


def report(diagnostics: Diagnostics) -> None:
    """Print the vault's diagnostics through MkDocs' log (compiler-style lines)."""
    for d in diagnostics.sorted():
        level = {"error": logging.ERROR, "warning": logging.WARNING}.get(d.severity, logging.INFO)
        log.log(level, str(d))
