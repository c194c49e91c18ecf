"""Reading built site pages in end-to-end tests: a page's article, where a link lands, its visible text."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from notedeck.site.linkcheck import LEFTOVERS


def article(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    return text.split('class="md-content"', 1)[1].split("notedeck-backlinks", 1)[0]


def land(site: Path, page: str, link_text: str) -> list[tuple[str, str, str]]:
    """Where each link shown as ``link_text`` on ``page`` lands: (page dir, element tag, its text)."""
    path = site / page / "index.html"
    hits = []
    for m in re.finditer(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', article(path), re.S):
        if html.unescape(re.sub("<[^>]+>", "", m[2])).strip() != link_text:
            continue
        url = urlsplit(html.unescape(m[1]))
        target = (path.parent / unquote(url.path)).resolve() if url.path else path
        if target.is_dir():
            target = target / "index.html"
        frag = unquote(url.fragment)
        tag = text = ""
        if frag:
            el = re.search(r'<(h[1-6]|span)[^>]*\bid="' + re.escape(html.escape(frag, quote=True)) + r'"[^>]*>(.*?)</\1>',
                           target.read_text(encoding="utf-8"), re.S)
            assert el, f"{page}: {link_text!r} → no element with id {frag!r}"
            tag, text = el[1], html.unescape(re.sub("<[^>]+>", "", el[2])).replace("¶", "").strip()
        hits.append((target.parent.relative_to(site).as_posix(), tag, text))
    assert hits, f"no link {link_text!r} on {page}"
    return hits


class VisibleText(HTMLParser):
    """Text outside code, pre, script, style and formulas (``<math>``: TeX shows as it is written)."""

    SKIP = {"code", "pre", "script", "style", "kbd", "samp", "textarea", "math"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        skip = tag in self.SKIP
        self.stack.append((self.stack[-1] if self.stack else False) or skip)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def leftovers(page: Path, literals: tuple[str, ...] = ()) -> list[str]:
    """Obsidian syntax left in the page's visible text (``literals``: text Obsidian itself shows as is)."""
    p = VisibleText()
    p.feed(page.read_text(encoding="utf-8"))
    text = "".join(p.parts)
    for literal in literals:
        text = text.replace(literal, "")
    return [f"{token!r}: …{text[max(0, m.start() - 40):m.end() + 40]!r}…"
            for token in LEFTOVERS for m in re.finditer(re.escape(token), text)]
