"""Check a built site: every internal ``href``/``src`` reaches a file and every ``#fragment`` an id;
no Obsidian syntax (``[[``, ``![[``, ``[!type]``, ``%%``, ``==``) left in text outside code."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRS = {"a": "href", "link": "href", "img": "src", "script": "src", "iframe": "src", "audio": "src",
              "video": "src", "source": "src"}
LEFTOVERS = ("![[", "[[", "[!", "%%", "==")
_SKIP_TEXT = {"code", "pre", "script", "style", "kbd", "samp", "textarea"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Page:
    ids: set[str] = field(default_factory=set)
    refs: list[tuple[str, str]] = field(default_factory=list)  # (tag, url)
    text: list[str] = field(default_factory=list)  # text outside code


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.skip = 0
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key) and (key == "id" or tag == "a"):
                self.page.ids.add(a[key])
        attr = LINK_ATTRS.get(tag)
        if attr and a.get(attr):
            self.page.refs.append((tag, a[attr]))
        if tag in _VOID:
            return
        self.stack.append(tag)
        if tag in _SKIP_TEXT:
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in _VOID or tag not in self.stack:
            return
        while self.stack:
            t = self.stack.pop()
            if t in _SKIP_TEXT:
                self.skip -= 1
            if t == tag:
                break

    def handle_data(self, data):
        if not self.skip:
            self.page.text.append(data)


def parse_page(path: Path) -> Page:
    p = _Parser()
    p.feed(path.read_text(encoding="utf-8"))
    return p.page


def check_site(site: str | Path) -> list[str]:
    """Problems found in the built site at ``site`` (``[]`` when every link and anchor works)."""
    site = Path(site).resolve()
    pages = {p: parse_page(p) for p in sorted(site.rglob("*.html"))}
    problems: list[str] = []
    for path, page in pages.items():
        rel = path.relative_to(site).as_posix()
        for tag, url in page.refs:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or url.startswith(("mailto:", "data:", "javascript:")):
                continue
            if parts.path.startswith("/"):
                if rel != "404.html":  # MkDocs writes 404.html with root-absolute links on purpose
                    problems.append(f"{rel}: absolute link {url!r} (breaks under a sub-path)")
                    continue
                target = (site / unquote(parts.path).lstrip("/")).resolve()
            else:
                target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                shown = target.relative_to(site) if site in target.parents else target
                problems.append(f"{rel}: <{tag}> {url!r} → missing file {shown}")
                continue
            frag = unquote(parts.fragment)
            if frag and target.suffix == ".html":
                ids = pages[target].ids if target in pages else parse_page(target).ids
                if frag not in ids:
                    problems.append(f"{rel}: <{tag}> {url!r} → no id {frag!r} in {target.relative_to(site)}")
        text = "".join(page.text)
        for token in LEFTOVERS:
            at = text.find(token)
            if at >= 0:
                problems.append(f"{rel}: leftover {token!r} in text: …{text[max(0, at - 30):at + 30]!r}…")
    return problems
