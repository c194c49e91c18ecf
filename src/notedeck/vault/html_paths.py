"""Paths in raw HTML: the ``src``/``href``/``poster``/``data``/``srcset`` values of a tag or an HTML block that name
vault files, read with a small tag/attribute tokenizer (HTML is not Markdown: markdown-it hands it over as text)."""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Iterator
from typing import Literal
from urllib.parse import unquote

from .note import Link, Note, Span

_HTML_TAG_RE = re.compile(r"""<([A-Za-z][A-Za-z0-9-]*)((?:[^<>"']|"[^"]*"|'[^']*')*)>""")
_HTML_ATTR_RE = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_HTML_RAW_TEXT_RE = re.compile(r"<(script|style|textarea)(?=[\s/>])", re.IGNORECASE)  # their text is not markup
_FENCE_RE = re.compile(r"^ {0,3}(```|~~~)[\s\S]*?(?:^ {0,3}\1|\Z)", re.MULTILINE)
_PATH_ATTRS = frozenset({"src", "href", "poster", "data", "srcset"})
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def local_link(href: str, embed: bool, kind: Literal["markdown", "html"]) -> Link | None:
    """A link to a vault path (``a/b.md#Heading``, ``img.png``, ``n.md#^id``), URL-decoded; None for URLs."""
    if not href or _SCHEME_RE.match(href) or href.startswith("//"):
        return None
    path, _, frag = href.partition("#")
    path = unquote(path.split("?", 1)[0])
    frag = unquote(frag)
    headings: tuple[str, ...] = ()
    block = None
    if frag.startswith("^"):
        block = frag[1:]
    elif frag:
        headings = tuple(p for p in frag.split("#") if p)
    return Link(path, headings, block, None, embed, kind, raw=unquote(href))


def _path_values(attrs: str) -> Iterator[tuple[str, int, str]]:
    """(attribute name as written, offset, value as written) of each path in a tag's attributes: ``src``,
    ``href``, ``poster``, ``data``, and every URL of a ``srcset``."""
    for m in _HTML_ATTR_RE.finditer(attrs):
        name, g = m.group(1), m.lastindex or 0
        if name.lower() not in _PATH_ATTRS or g < 2:
            continue
        if name.lower() == "srcset":  # "a.png 1x, b.png 2x"
            for c in re.finditer(r"(?:^|,)\s*([^\s,]+)", m.group(g)):
                yield name, m.start(g) + c.start(1), c.group(1)
        else:
            yield name, m.start(g), m.group(g)


def _skipped_html(text: str) -> list[tuple[int, int]]:
    """Parts of raw HTML that hold no tags to read: comments, the text of ``<script>``, ``<style>`` and
    ``<textarea>``, and code spans and fences (an HTML block may hold Markdown); found in one pass each."""
    out: list[tuple[int, int]] = []
    pos = 0
    while (a := text.find("<!--", pos)) >= 0:
        b = text.find("-->", a + 4)
        pos = len(text) if b < 0 else b + 3
        out.append((a, pos))
    lower = text.lower()
    for m in _HTML_RAW_TEXT_RE.finditer(text):
        b = lower.find("</" + m.group(1).lower(), m.end())
        out.append((m.end(), len(text) if b < 0 else b))
    out.extend(_code_spans(text))
    return out


def _code_spans(text: str) -> Iterator[tuple[int, int]]:
    """Fences and backtick code spans in Markdown text (a run of backticks closes at the next run of the same
    length), in linear time."""
    for m in _FENCE_RE.finditer(text):
        yield m.span()
    runs = [(m.start(), m.end()) for m in re.finditer(r"`+", text)]
    by_length: dict[int, list[int]] = {}
    for k, (a, b) in enumerate(runs):
        by_length.setdefault(b - a, []).append(k)
    used_until = -1
    for k, (a, b) in enumerate(runs):
        if k <= used_until:
            continue
        same = by_length[b - a]
        j = bisect_right(same, k)
        if j < len(same):
            used_until = same[j]
            yield a, runs[same[j]][1]


def html_links(note: Note, html_text: str, start: int, end: int) -> list[tuple[Link, int, int]]:
    """Paths in raw HTML (``html_text``: a tag or an HTML block as markdown-it gives it; its source is
    ``text[start:end]``, which may hold quote markers too): ``src``, ``href``, ``poster``, ``data`` and each
    ``srcset`` URL naming a local path become links read like Markdown ones (relative to the note first),
    never embeds. Comments, ``<script>``/``<style>``/``<textarea>`` text and code (which an HTML block
    may hold) are skipped; so are ``#fragment``, ``?query``, folder URLs (``x/``, ``.``) and URLs.
    Returns each link with where its value sits in ``html_text``."""
    found: list[tuple[Link, int, int]] = []
    skip = _skipped_html(html_text)
    cursor = start  # tags are found in the source in the order markdown-it's text has them
    for tag in _HTML_TAG_RE.finditer(html_text):
        at = note.text.find(html_text[tag.start():tag.end(1)], cursor, end)
        if at < 0:
            break
        cursor = at + 1
        if any(a <= tag.start() < b for a, b in skip):
            continue
        in_tag = at  # the source may differ inside the tag (quote markers, tabs expanded): found by name
        named = ""
        for name, offset, raw in _path_values(tag.group(2)):
            if name != named:  # (a srcset's next URL follows the previous one)
                attr = re.compile(rf"{re.escape(name)}\s*=\s*").search(note.text, in_tag, end)
                in_tag, named = (attr.end() if attr else end), name
            where = note.text.find(raw, in_tag, end)
            if where >= 0:
                in_tag = where + len(raw)
            value = html.unescape(raw)
            if not value or value.startswith(("#", "?", "\\")) or value.endswith("/") or value in (".", ".."):
                continue
            link = local_link(value, False, "html")
            if link is None or where < 0:
                continue
            line = note.line_of(where)
            link.span = Span(where, where + len(raw), line, where - note.line_starts[line - 1] + 1)
            found.append((link, tag.start(2) + offset, tag.start(2) + offset + len(raw)))
    return found

