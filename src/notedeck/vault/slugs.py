"""Heading anchors: the exact function MkDocs' toc uses on our site (``pymdownx.slugs.slugify``,
lower case), so a link anchor computed here always lands on the site's heading id."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pymdownx.slugs import slugify as _make_slugify

#: Referenced by mkdocs.yml (``markdown_extensions: toc: slugify``) with the same arguments.
SLUGIFY_KWARGS = {"case": "lower"}
_slugify = _make_slugify(**SLUGIFY_KWARGS)
_IDCOUNT = re.compile(r"^(.*)_([0-9]+)$")


@lru_cache(maxsize=65536)
def slugify(text: str, sep: str = "-") -> str:
    """The site's id for a heading with plain text ``text`` (CJK kept). Like Python-Markdown's toc,
    whitespace runs (U+3000 and the gap a removed ``%%comment%%`` leaves too) count as one space."""
    return _slugify(" ".join(text.split()), sep)


def unique(anchor: str, taken: set[str]) -> str:
    """De-duplicate like Python-Markdown's toc: ``a``, ``a_1``, ``a_2`` …"""
    if anchor in taken or not anchor:
        m = _IDCOUNT.match(anchor)
        base, n = (m.group(1), int(m.group(2))) if m else (anchor, 0)
        n += 1
        while f"{base}_{n}" in taken:
            n += 1
        anchor = f"{base}_{n}"
    taken.add(anchor)
    return anchor


def heading_key(text: str) -> str:
    """How Obsidian compares heading names in links: case-insensitive, whitespace-insensitive."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())
