"""The vault's own home note and name: what the site opens on, and what the site and top deck are called.

Home note, first found: ``index.md`` or ``README.md`` at the root (MkDocs' own home pages), the note set in
the Obsidian Homepage plugin's settings (``.obsidian/plugins/homepage/data.json``), ``Home.md``, ``首页.md``
(any case). A private note is never the home. Without one the site gets a generated list of the notes.

Name, first found: ``--site-name``; ``site_name`` of the project's ``mkdocs.yml``; the home note's title
(front-matter ``title``, else its first ``# heading``) when it has one that is not just "Home"/"index"; the
vault folder's name.
"""

from __future__ import annotations

import json
from pathlib import Path

from .config import Config, load_config
from .vault import Note, Vault

ROOT_HOMES = ("index.md", "readme.md")
NAMED_HOMES = ("home.md", "首页.md", "主页.md")
HOMEPAGE_SETTINGS = Path(".obsidian") / "plugins" / "homepage" / "data.json"
_GENERIC = {"index", "readme", "home", "首页", "主页", "homepage"}


def _root_note(vault: Vault, names: tuple[str, ...]) -> Note | None:
    by_lower = {rel.lower(): note for rel, note in vault.notes.items() if "/" not in rel}
    for name in names:
        note = by_lower.get(name)
        if note is not None and not note.private:
            return note
    return None


def homepage_setting(root: Path) -> str | None:
    """The note the Obsidian Homepage plugin opens (its ``data.json``: ``homepages`` of version 3+, or the
    older ``defaultNote``), when it names a note (not a workspace, a random note …)."""
    try:
        data = json.loads((Path(root) / HOMEPAGE_SETTINGS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    pages = data.get("homepages")
    if isinstance(pages, dict) and pages:
        page = pages.get("Main Homepage") or next(iter(pages.values()))
        if isinstance(page, dict) and page.get("kind", "File") in ("File", "file") and page.get("value"):
            return str(page["value"])
        return None
    value = data.get("defaultNote")
    return str(value) if value else None


def home_note(vault: Vault) -> Note | None:
    """The vault's home note (see the module's docstring), or None."""
    note = _root_note(vault, ROOT_HOMES)
    if note is not None:
        return note
    setting = homepage_setting(vault.root)
    if setting:
        target = vault.index.resolve(setting.removesuffix(".md"))
        if target.found and target.note is not None and not target.note.private:
            return target.note
    return _root_note(vault, NAMED_HOMES)


def home_title(note: Note) -> str:
    """A home note's own title: front-matter ``title``, else its first H1, unless that is a generic word."""
    title = note.frontmatter.get("title")
    if not (isinstance(title, str) and title.strip()):
        title = next((h.text for h in note.headings if h.level == 1), "")
    title = str(title).strip()
    return "" if title.casefold() in _GENERIC else title


def vault_name(vault: Vault) -> str:
    """The name the vault gives itself: its home note's title, else its folder's name."""
    note = home_note(vault)
    title = home_title(note) if note is not None else ""
    return title or vault.root.name


def load_project(vault_arg: str | None, *, site_name: str | None = None, deck: str | None = None,
                 check: bool = True, progress: bool | None = None) -> tuple[Config, Vault]:
    """The configuration (with ``--site-name``/``--deck``) and the loaded vault; the site's name is taken from
    the vault (:func:`vault_name`) when neither the option nor ``mkdocs.yml`` gives one."""
    config = load_config(vault_arg)
    vault = Vault.load(config.vault, check=check, progress=progress)
    if deck:
        config.options["deck"] = deck
    if site_name:
        config.name = site_name
    elif not config.mkdocs.get("site_name"):
        config.name = vault_name(vault)
    return config, vault
