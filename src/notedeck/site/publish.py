"""What the site publishes besides the notes' pages: which files MkDocs gets (private attachments, dot-folders
and ``templates/`` sorted out, clashing folder pages separated), the home page, and the cards shown as widgets."""

from __future__ import annotations

import posixpath
from urllib.parse import quote

from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel

from ..render import SiteIndex
from ..vault import Diagnostics, Vault

log = get_plugin_logger(__name__)



def make_home(f: File | None, directory_urls: bool) -> None:
    """The vault's home note (``Home.md`` …, :mod:`notedeck.home`) becomes the site's home page."""
    if f is None:
        return
    f.dest_uri = "index.html"
    f.url = "./" if directory_urls else "index.html"


def page_cards(vault: Vault, options: dict, diagnostics: Diagnostics | None, cards: list | None = None) -> dict:
    """The :class:`SiteIndex` fields for cards: which lines are cards (the cards extraction's own answer; ``cards``:
    the one ``notedeck build``'s Anki step already made of this vault) and the tags to leave off the pages (those
    that only switch cards on, unless ``show_card_tags``)."""
    from ..anki.cards import extract
    from ..anki.decks import is_deck_tag
    from ..anki.settings import load_settings
    from ..render.cards import cards_by_line

    settings, _ = load_settings(vault.root, options)
    out: dict = {}
    if not options.get("show_card_tags"):
        out["hide_tag"] = lambda name: is_deck_tag(name, settings)
    if options.get("card_widgets", True):
        try:
            out["cards"] = cards_by_line(cards if cards is not None else extract(vault, "", options).cards)
        except Exception as e:  # a bug in the extraction must not cost the site: pages then show the raw text
            d = (diagnostics if diagnostics is not None else vault.diagnostics).add(
                str(vault.root), 0, 0, "error", "internal-error", f"card widgets: {type(e).__name__}: {e} (please report it)")
            if diagnostics is None:
                log.error(str(d))
    return out


def refresh_cards(site: SiteIndex, vault: Vault, rels: list[str], options: dict) -> None:
    """After an edit (``notedeck serve``): the card widgets of the re-read notes, from their new tokens."""
    if not options.get("card_widgets", True):
        return
    from ..anki.extract import extract_note
    from ..render.cards import cards_by_line

    for rel in rels:
        note = vault.notes.get(rel)
        found = cards_by_line(extract_note(vault, note, "", options).cards).get(rel) if note is not None else None
        if found:
            site.cards[rel] = found
        else:
            site.cards.pop(rel, None)


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


def private_attachments(vault: Vault) -> set[str]:
    """Attachments that only private notes link to or embed: they stay off the site too."""
    used: dict[str, bool] = {}  # rel → used by a published note
    for note in vault.notes.values():
        for link in note.links:
            r = vault.resolve(link, note)
            if r.ok and r.note is None and r.rel:
                used[r.rel] = used.get(r.rel, False) or not note.private
    return {rel for rel, public in used.items() if not public}


_MD_SPECIAL = str.maketrans({**{c: "\\" + c for c in "\\`*_[]"}, "<": "&lt;"})


def _md_text(s: str) -> str:
    """``s`` as literal Markdown text (the generated home page is Markdown)."""
    return s.translate(_MD_SPECIAL)


def home_page(vault: Vault, site_name: str) -> str:
    """A generated home page (for a vault without ``index.md``): every published note, by folder."""
    lines = [f"# {_md_text(site_name)}", ""]
    folder = None
    for note in sorted(vault.published, key=lambda n: (n.folder, n.rel)):
        if note.folder != folder:
            folder = note.folder
            if folder:
                lines += ["", f"**{_md_text(folder)}**", ""]
        url = "/".join(quote(p) for p in note.rel.split("/"))
        lines.append(f"- [{_md_text(note.title)}]({url})")
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
