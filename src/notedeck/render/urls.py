"""Where a note or file lives on the site, and how one page points at another: the URL rules that the site
and the cards share (MkDocs' layout: ``use_directory_urls``, ``index``/``README`` folder pages)."""

from __future__ import annotations

import posixpath
from functools import lru_cache
from urllib.parse import quote


def page_path(rel: str, directory_urls: bool = True, own_folder: bool = False) -> str:
    """The site path (unquoted, relative to the site root) of a note's page, as MkDocs lays it out:
    ``a/b.md`` → ``a/b/`` (``a/b.html`` without directory URLs); ``a/index.md``, ``a/README.md`` → ``a/``;
    ``own_folder``: a README/index note that gave its folder page to a folder note → ``a/README/``."""
    stem = rel[:-3] if rel.lower().endswith(".md") else rel
    head, _, name = stem.rpartition("/")
    if name in ("index", "README") and not own_folder:
        if directory_urls:
            return f"{head}/" if head else ""
        return posixpath.join(head, "index.html")
    return stem + "/" if directory_urls else stem + ".html"


def page_folder(page: str) -> str:
    """The folder a page's URL stands for: what relative URLs on that page resolve against."""
    return page if page.endswith("/") or not page else posixpath.dirname(page)


_FRAGMENT_ESCAPES = str.maketrans({c: f"%{ord(c):02X}" for c in ' "<>`()%\\{}|'})


def url_path(path: str) -> str:
    """A site path as written in an href: %-quoted as MkDocs quotes its page and file URLs."""
    return quote(path, safe="/")


def url_fragment(anchor: str) -> str:
    """A fragment as written in an href: Unicode kept (ids keep CJK), unsafe ASCII %-escaped."""
    return anchor.translate(_FRAGMENT_ESCAPES)


@lru_cache(maxsize=65536)
def relative_url(target: str, from_page: str) -> str:
    """``target`` (a site path: a page ``a/b/`` or a file ``img/x.png``) as a URL relative to the page at
    ``from_page``, escaped for an href."""
    folder_target = target.endswith("/") or target == ""
    rel = _relpath(target.rstrip("/"), page_folder(from_page).rstrip("/"))
    if folder_target:
        rel = "./" if rel == "." else rel + "/"
    return url_path(rel)


def _relpath(target: str, base: str) -> str:
    """``posixpath.relpath`` for site paths (relative, normalized, ``""`` = the root), without its ``getcwd``."""
    t = target.split("/") if target else []
    b = base.split("/") if base else []
    common = 0
    for x, y in zip(t, b):
        if x != y:
            break
        common += 1
    parts = [".."] * (len(b) - common) + t[common:]
    return "/".join(parts) or "."


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
