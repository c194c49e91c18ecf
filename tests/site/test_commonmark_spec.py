"""The CommonMark spec's examples, each built as a note with ``notedeck build``: the page's content, Material's
chrome removed, must match the spec's HTML for ≥ 97 % of them (a link to a target outside the vault may render
as notedeck's broken-link span: it counts as a link).

The examples come from markdown-it-py's own test data (``tests/test_cmark_spec/commonmark.json`` in its source
distribution on PyPI, for the installed version), fetched once into ``build/.cache``.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import tarfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import markdown_it
import pytest

from notedeck.cli import main

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "build" / ".cache" / "cmark"
TARGET = 0.97


def spec_examples() -> list[dict]:
    version = markdown_it.__version__
    cached = CACHE / f"commonmark-{version}.json"
    if not cached.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                               "-d", str(CACHE), f"markdown-it-py=={version}"], capture_output=True, text=True)
        archives = sorted(CACHE.glob(f"markdown_it_py-{version}.tar.gz"))
        if done.returncode or not archives:
            if os.environ.get("CI"):
                pytest.fail(f"could not fetch markdown-it-py's spec examples: {done.stderr[-500:]}")
            pytest.skip("markdown-it-py's source distribution (the spec examples) cannot be fetched here")
        with tarfile.open(archives[0]) as tar:
            member = next(m for m in tar.getmembers() if m.name.endswith("tests/test_cmark_spec/commonmark.json"))
            cached.write_bytes(tar.extractfile(member).read())  # type: ignore[union-attr]
    return json.loads(cached.read_text(encoding="utf-8"))


_KEEP = {"a": ("href", "title"), "img": ("src", "alt", "title"), "ol": ("start",), "input": ("type", "checked")}
_DROP_TAGS = {"span", "div", "label"}  # Pygments' spans, Material's code wrapper


class Canon(HTMLParser):
    """A canonical form of an HTML fragment: the elements and text a reader sees, without ids, classes and
    whitespace between blocks; hrefs of local links (and notedeck's broken-link spans) as ``<a>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.pre = 0
        self.skip: list[bool] = []
        self.anchor_open: list[bool] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "span" and "notedeck-broken" in (a.get("class") or ""):
            self.out.append("<img alt=\"" if "embed" in (a.get("class") or "").split() else "<a>")
            self.skip.append(True)
            return
        if tag == "a" and ("href" not in a or (a.get("href") or "").startswith("#__codelineno")):  # line anchors
            self.anchor_open.append(False)
            return
        if tag == "a" and (a.get("class") == "headerlink"):
            self.anchor_open.append(False)
            self.skip.append(False)
            self.out.append("\x00")  # drop its text
            return
        if tag == "a":
            self.anchor_open.append(True)
        if tag in _DROP_TAGS:
            self.skip.append(False)
            return
        if tag == "pre":
            self.pre += 1
        kept = []
        local = not re.match(r"[a-z][a-z0-9+.-]*:|#", a.get("href") or a.get("src") or "x:", re.I)
        for name in _KEEP.get(tag, ()):
            if name == "title" and local:
                continue  # where a local link goes, and its title, depend on the vault (a broken one has none)
            if name in a and a[name] is not None:
                value = a[name]
                if name in ("href", "src") and not re.match(r"[a-z][a-z0-9+.-]*:", value, re.I) and not value.startswith("#"):
                    continue  # a local path: where it points depends on the site layout
                if name in ("href", "src"):
                    value = unquote(value)
                kept.append(f' {name}="{html.escape(value)}"')
            elif name == "checked" and name in a:
                kept.append(" checked")
        self.out.append(f"<{tag}{''.join(kept)}>")

    def handle_endtag(self, tag):
        if tag == "span" and self.skip:
            if self.skip.pop():
                k = len(self.out) - 1 - self.out[::-1].index(next(x for x in reversed(self.out) if x in ("<a>", '<img alt="')))
                if self.out[k] == "<a>":
                    self.out.append("</a>")
                else:  # a missing image: its alt text, as the spec's <img alt>
                    alt = html.escape(html.unescape("".join(self.out[k + 1:])))
                    del self.out[k:]
                    self.out.append(f'<img alt="{alt}">')
            return
        if tag == "a":
            real = self.anchor_open.pop() if self.anchor_open else True
            if not real:
                if self.out and self.out[-1] == "\x00":
                    self.out.pop()
                elif "\x00" in self.out:
                    k = len(self.out) - 1 - self.out[::-1].index("\x00")
                    del self.out[k:]
                if self.skip:
                    self.skip.pop()
                return
        if tag in _DROP_TAGS:
            if self.skip:
                self.skip.pop()
            return
        if tag == "pre":
            self.pre -= 1
        self.out.append(f"</{tag}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("a", "span"):
            self.handle_endtag(tag)

    def handle_data(self, data):
        if not self.pre:
            data = re.sub(r"\s+", " ", data)
            if not data.strip():
                return
        self.out.append(html.escape(data, quote=False))


def canonical(fragment: str) -> str:
    p = Canon()
    p.feed(fragment)
    p.close()
    text = "".join(x for x in p.out if x != "\x00")
    text = re.sub(r"\n+</code></pre>", "</code></pre>", text)  # Pygments ends every block with a newline
    text = re.sub(r" ?(<(?:/?(?:p|li|ul|ol|blockquote|h[1-6]|pre|hr|table|thead|tbody|tr|th|td)|br)\b[^>]*>) ?", r"\1", text)
    return text.strip()


def page_content(path: Path) -> str:
    page = path.read_text(encoding="utf-8")
    m = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', page, re.S)
    assert m, path
    body = m.group(1)
    body = re.sub(r'<nav class="md-tags".*?</nav>', "", body, flags=re.S)
    body = re.sub(r'<div class="notedeck-backlinks".*', "", body, flags=re.S)
    body = re.sub(r"^\s*<h1>[^<]*</h1>", "", body)  # the title Material adds to a page without its own H1
    return body


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[list[dict], Path]:
    examples = spec_examples()
    vault = tmp_path_factory.mktemp("cmark-vault")
    (vault / ".obsidian").mkdir()
    (vault / ".obsidian" / "app.json").write_text('{"strictLineBreaks": true}', encoding="utf-8")  # CommonMark's breaks
    (vault / "index.md").write_text("# spec\n", encoding="utf-8")
    for ex in examples:
        (vault / f"ex{ex['example']:04d}.md").write_text(ex["markdown"], encoding="utf-8")
    out = tmp_path_factory.mktemp("cmark-out")
    with pytest.raises(SystemExit):
        main(["build", str(vault), "--out", str(out)], standalone_mode=True)
    return examples, out / "site"


def test_commonmark_spec_examples_render_as_the_spec_says(built):
    examples, site = built
    failed = []
    for ex in examples:
        page = site / f"ex{ex['example']:04d}" / "index.html"
        ours = canonical(page_content(page)) if page.is_file() else "<missing page>"
        if ours != canonical(ex["html"]):
            failed.append((ex["example"], ex["section"], ex["markdown"], ours, canonical(ex["html"])))
    share = 1 - len(failed) / len(examples)
    report = "\n".join(f"  {n} [{sec}] {md!r}\n    ours: {o!r}\n    spec: {s!r}" for n, sec, md, o, s in failed)
    print(f"\n{len(examples) - len(failed)} of {len(examples)} CommonMark examples match ({share:.1%})\n{report}")
    assert share >= TARGET, f"{len(failed)} of {len(examples)} examples differ:\n{report}"
