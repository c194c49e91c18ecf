"""Obsidian Markdown → Material-flavoured Markdown, as a pure function of a note and its vault.

Every change is a *splice* at a position the vault model recorded (a :class:`~notedeck.vault.Span`,
a token's line map): wikilinks, embeds, highlights, comments, tags, ``^block`` markers and callout
prefixes. Nothing is searched for with regular expressions over the Markdown, so code spans and fences
come out exactly as written.

Output conventions (the site's CSS in ``assets.py`` styles the classes):

* links → ``[text](relative/path.md#anchor)`` (MkDocs turns ``.md`` paths into page URLs);
  unresolved → ``<span class="notedeck-broken">``; to a private note → plain text;
* ``^id`` → an empty ``<span id="^id">`` anchor (Obsidian Publish's fragment, ``note#^id``);
* callouts → ``!!! type "Title"`` (``???``/``???+`` when foldable), content re-indented;
* note embeds → an ``embed`` admonition whose title links to the source; the transcluded lines are
  transformed recursively (headings become bold lines so the host page's anchors never shift);
* images → ``![alt](path){ width="300" }``; pdf/audio/video → ``<iframe>``/``<audio>``/``<video>``.
"""

from __future__ import annotations

import html
import posixpath
import textwrap
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from ..vault import Link, Note, Vault, media_kind, slugify
from .blocks import (BLOCK, Edit, fence_edits, hash_edits, html_block_edits, list_edits, list_items, quote_spans,
                     separation_edits, task_edits)

#: Obsidian callout type (and alias) → Material admonition type.
CALLOUT_TYPES: dict[str, str] = {
    "note": "note",
    "abstract": "abstract", "summary": "abstract", "tldr": "abstract",
    "info": "info",
    "todo": "todo",
    "tip": "tip", "hint": "tip", "important": "tip",
    "success": "success", "check": "success", "done": "success",
    "question": "question", "help": "question", "faq": "question",
    "warning": "warning", "caution": "warning", "attention": "warning",
    "failure": "failure", "fail": "failure", "missing": "failure",
    "danger": "danger", "error": "danger",
    "bug": "bug",
    "example": "example",
    "quote": "quote", "cite": "quote",
}

MAX_EMBED_DEPTH = 8
#: Python-Markdown footnotes' default ``PLACE_MARKER``: the footnotes go there, before the backlinks.
FOOTNOTES_MARKER = "///Footnotes Go Here///"
_MD_SPECIAL = str.maketrans({**{c: "\\" + c for c in "\\`*_[]"}, "<": "&lt;"})


def md_text(s: str) -> str:
    """``s`` as literal Markdown text (no emphasis, links or HTML)."""
    return s.translate(_MD_SPECIAL)


_PATH_ESCAPES = str.maketrans({c: f"%{ord(c):02X}" for c in ' "<>`()%#?\'[]'})


def _url_path(path: str) -> str:
    """A relative path as written in a Markdown link: Unicode kept, unsafe ASCII %-escaped."""
    return path.translate(_PATH_ESCAPES)


_FRAGMENT_ESCAPES = str.maketrans({c: f"%{ord(c):02X}" for c in ' "<>`()%'})


def _url_fragment(anchor: str) -> str:
    """A fragment as written in an href: Unicode kept (ids keep CJK), only unsafe ASCII escaped."""
    return anchor.translate(_FRAGMENT_ESCAPES)


@lru_cache(maxsize=65536)
def relative(rel: str, folder: str) -> str:
    """``rel`` (vault-relative) as a path relative to ``folder``, %-escaped for a Markdown link."""
    return _url_path(posixpath.relpath(rel, folder or "."))


def page_dir(rel: str, use_directory_urls: bool = True) -> str:
    """Folder (relative to the site root) that a note's page URL resolves relative links against."""
    stem = rel[:-3] if rel.lower().endswith(".md") else rel
    folder, _, name = stem.rpartition("/")
    if use_directory_urls and name not in ("index", "README"):
        return stem
    return folder


@dataclass
class SiteIndex:
    """What the transform needs besides the model: computed once per build."""

    vault: Vault
    use_directory_urls: bool = True
    tags_page: str | None = None  # vault-relative .md path of the tags index, when there is one
    backlinks: dict[str, list[str]] = field(default_factory=dict)  # target rel → source rels
    backlinks_title: str = "Linked mentions"
    own_folder: frozenset[str] = frozenset()  # README/index notes whose page is ``<folder>/<stem>/`` (a clash)

    @classmethod
    def build(cls, vault: Vault, **kw) -> SiteIndex:
        site = cls(vault, **kw)
        site.backlinks = compute_backlinks(vault)
        return site


def compute_backlinks(vault: Vault) -> dict[str, list[str]]:
    """Published target note → published notes linking or embedding it (sorted by path)."""
    back: dict[str, set[str]] = {}
    for note in vault.notes.values():
        if note.private:
            continue
        for link in note.links:
            r = vault.resolve(link, note)
            t = r.note
            if r.ok and t is not None and not t.private and t.rel != note.rel:
                back.setdefault(t.rel, set()).add(note.rel)
    return {k: sorted(v) for k, v in back.items()}


def page_meta(note: Note) -> dict:
    """Page metadata the site needs from the model: Material tags (front matter + inline)."""
    return {"tags": note.tag_names} if note.tag_names else {}


def transform(note: Note, site: SiteIndex | Vault, *, backlinks: bool = True) -> str:
    """The page body (front matter removed) of ``note`` as Material Markdown."""
    if isinstance(site, Vault):
        site = SiteIndex.build(site)
    r = _Renderer(site, note.rel)
    whole = (1, len(note.line_starts))
    body = r.render(note, *whole, stack=[(note.rel, whole)])
    if backlinks:
        section = backlinks_section(note, site)
        if section and r.footnoted:  # the footnotes first (Python-Markdown puts them at its marker)
            section = "\n" + FOOTNOTES_MARKER + "\n" + section
        body = body.rstrip("\n") + "\n" + section
    return body


def backlinks_section(note: Note, site: SiteIndex) -> str:
    sources = site.backlinks.get(note.rel, [])
    if not sources:
        return ""
    folder = note.folder
    items = []
    for rel in sources:
        src = site.vault.notes[rel]
        items.append(f"- [{md_text(src.title)}]({relative(rel, folder)})")
    return ('\n<div class="notedeck-backlinks" markdown data-search-exclude>\n\n'
            f'<p class="notedeck-backlinks-title">{html.escape(site.backlinks_title)}</p>\n\n'
            + "\n".join(items) + "\n\n</div>\n")


# --------------------------------------------------------------------------- renderer




class _Renderer:
    def __init__(self, site: SiteIndex, host_rel: str) -> None:
        self.site = site
        self.vault = site.vault
        self.host_rel = host_rel
        self.host_folder = host_rel.rsplit("/", 1)[0] if "/" in host_rel else ""
        self.footnotes = 0  # inline footnotes numbered so far on this page
        self.footnoted = False  # the page holds footnote definitions

    # -- urls (relative to the host page, whatever note the text came from)
    def note_url(self, target: Note, anchor: str = "") -> str:
        frag = "#" + _url_fragment(anchor) if anchor else ""
        if target.rel == self.host_rel and frag:
            return frag
        return relative(target.rel, self.host_folder) + frag

    def file_url(self, rel: str) -> str:
        """For Markdown links/images: MkDocs rewrites it to the copied file."""
        return relative(rel, self.host_folder)

    def html_url(self, rel: str) -> str:
        """For raw HTML (not rewritten by MkDocs): relative to the page's final URL."""
        return _url_path(posixpath.relpath(rel, self.page_folder(self.host_rel) or "."))

    def html_page_url(self, target: Note, anchor: str = "", query: str = "") -> str:
        """A note's page for raw HTML, relative to this page's final URL (MkDocs' page URLs: ``a/b/``, ``a/``
        for ``a/index.md`` and ``a/README.md``; ``a/b.html`` without directory URLs)."""
        frag = ("?" + query if query else "") + ("#" + _url_fragment(anchor) if anchor else "")
        if target.rel == self.host_rel and frag.startswith("#"):
            return frag
        if self.site.use_directory_urls:
            return self.html_url(self.page_folder(target.rel) or ".") + "/" + frag
        stem = target.rel[:-3] if target.rel.lower().endswith(".md") else target.rel
        folder, _, name = stem.rpartition("/")
        page = posixpath.join(folder, "index.html") if name in ("index", "README") else stem + ".html"
        return self.html_url(page) + frag

    def page_folder(self, rel: str) -> str:
        """The folder a note's page URL stands for (what relative URLs on that page resolve against)."""
        return rel[:-3] if rel in self.site.own_folder else page_dir(rel, self.site.use_directory_urls)

    # -- the text of lines a..b of ``note``, transformed
    def render(self, note: Note, a: int, b: int, stack: list, embedded: bool = False,
               drop_heading_line: int | None = None) -> str:
        ls = note.line_starts
        lo = max(ls[a - 1] if a - 1 < len(ls) else len(note.text), note.frontmatter_end)
        hi = ls[b] if b < len(ls) else len(note.text)
        if hi <= lo:
            return ""
        edits: list[Edit] = []
        removed: list[tuple[int, int]] = []  # spans whose whole content disappears
        block_ends = _block_comment_ends(note)
        for c in note.comments:
            end = block_ends.get(c.start, c.end)  # a block comment hides the rest of its closing line too
            if c.start >= 0 and lo <= c.start and end <= hi:
                removed.append((c.start, end))
        for s in note.highlights:
            if s.start >= 0 and lo <= s.start and s.end <= hi:
                edits.append((s.start, s.start + 2, "<mark>"))
                edits.append((s.end - 2, s.end, "</mark>"))
        for link in note.links:
            sp = link.span
            if sp.start >= 0 and lo <= sp.start and sp.end <= hi:
                edits.extend(self.link_edits(note, link, stack))
        for web in note.web_embeds:
            sp = web.span
            if sp.start >= 0 and lo <= sp.start and sp.end <= hi:
                replacement = self.web_embed(web)
                if replacement is not None:
                    edits.append((sp.start, sp.end, replacement))
        for tag in note.tags:
            sp = tag.span
            if sp is not None and sp.start >= 0 and lo <= sp.start and sp.end <= hi:
                edits.append((sp.start, sp.end, self.tag_html(tag.name)))
        for ref in note.blocks.values():
            sp = ref.span
            if lo <= sp.start and sp.end <= hi:
                start = sp.start
                if not ref.standalone:  # ``^id`` on the paragraph's last line of its own: that line goes
                    line_start = note.text.rfind("\n", 0, sp.start)
                    if line_start >= lo and not note.text[line_start + 1:sp.start].replace(">", "").strip():
                        start = line_start
                if embedded:
                    edits.append((start, sp.end, ""))
                elif ref.after_math:  # ``$$ ^id``: the closing ``$$`` must end its line; the anchor follows
                    edits.append((start, sp.end, f'{BLOCK}\n\n<span class="notedeck-block" id="^{html.escape(ref.id)}"></span>'))
                else:
                    edits.append((start, sp.end, f'<span class="notedeck-block" id="^{html.escape(ref.id)}"></span>'
                                  if ref.standalone else f' <span class="notedeck-block" id="^{html.escape(ref.id)}"></span>'))
        if embedded:
            edits.extend(self.heading_edits(note, a, b, drop_heading_line))
        inline = sorted(_drop_inside(edits, removed) + [(s, e, "") for s, e in removed], key=lambda ed: (ed[0], ed[1]))
        inline, definitions = self.footnote_edits(note, lo, hi, inline, removed)
        final = self.callout_edits(note, a, b, lo, hi, inline, removed)
        final = sorted(final + [ed for ed in list_edits(note, a, b) + fence_edits(note, a, b)
                                + separation_edits(note, a, b) + html_block_edits(note, a, b)
                                + task_edits(note, a, b) + hash_edits(note, a, b)
                                if lo <= ed[0] and not any(s <= ed[0] < e for s, e in removed)],
                       key=lambda ed: (ed[0], ed[1]))
        out = _splice(note.text, lo, hi, final)
        if definitions:
            out = out.rstrip("\n") + "\n\n" + "\n\n".join(definitions) + "\n"
        self.footnoted = self.footnoted or bool(definitions) or _defines_footnotes(note, a, b)
        if embedded:
            out = textwrap.dedent(out)
        return out

    def footnote_edits(self, note: Note, lo: int, hi: int, edits: list[Edit],
                       removed: list[tuple[int, int]]) -> tuple[list[Edit], list[str]]:
        """Obsidian's inline footnotes ``^[text]`` (which Python-Markdown lacks) → a reference ``[^n]`` in
        place and a definition ``[^n]: text`` after the text; the text keeps its own edits (links …)."""
        spans = [s for s in note.footnotes if lo <= s.start and s.end <= hi
                 and not any(a <= s.start < b for a, b in removed)]
        labels = {}
        for s in sorted(spans, key=lambda s: s.start):  # numbered in reading order
            self.footnotes += 1
            labels[s.start] = f"notedeck-{self.footnotes}"
        definitions: dict[str, str] = {}
        for s in sorted(spans, key=lambda s: s.end - s.start):  # inner ones first: the outer keeps their refs
            inner = [ed for ed in edits if s.start + 2 <= ed[0] and ed[1] <= s.end - 1]
            body = " ".join(_splice(note.text, s.start + 2, s.end - 1, inner).split("\n")).strip()
            label = labels[s.start]
            edits = [ed for ed in edits if not (s.start <= ed[0] and ed[1] <= s.end)] + [(s.start, s.end, f"[^{label}]")]
            definitions[label] = f"[^{label}]: {body}"
        return sorted(edits, key=lambda ed: (ed[0], ed[1])), [definitions[k] for k in labels.values()]

    # -- links and embeds
    def link_edits(self, note: Note, link: Link, stack: list) -> list[Edit]:
        sp = link.span
        r = self.vault.resolve(link, note)
        if link.kind == "markdown":
            return self.markdown_link_edits(note, link, r)
        if link.kind == "html":
            return self.html_link_edits(note, link, r)
        target = r.note
        if not r.ok and not (target is not None and target.private):  # (a private note's path is never shown)
            return [(sp.start, sp.end, _broken(link.alias if link.alias and not link.width else _default_text(link), r.message))]
        if link.embed:
            if target is None:
                rel = r.rel or link.target
                return [(sp.start, sp.end, self.media(link, rel, media_kind(rel)))]
            return [(sp.start, sp.end, self.transclude(note, link, r, stack))]
        text = link.alias if link.alias is not None else _default_text(link)
        if target is not None and target.private:
            return [(sp.start, sp.end, md_text(text))]
        if target is None:  # a file; a fragment (``#page=2`` of a PDF) is kept
            frag = "#" + _url_fragment("#".join(link.headings)) if link.headings else ""
            return [(sp.start, sp.end, f"[{md_text(text)}]({self.file_url(r.rel)}{frag})")]
        return [(sp.start, sp.end, f"[{md_text(text)}]({self.note_url(target, r.anchor)})")]

    def markdown_link_edits(self, note: Note, link: Link, r) -> list[Edit]:
        sp = link.span
        src = note.text
        mid = src.rfind("](", sp.start, sp.end)
        if mid < 0:
            return []
        label_start = sp.start + (2 if link.embed else 1)
        target = r.note
        if not r.ok and not (target is not None and target.private):  # (a private note's path is never shown)
            if not src[label_start:mid].strip():  # ``![](missing.png)``: show what is missing
                return [(sp.start, sp.end, _broken(posixpath.basename(link.target) or link.raw, r.message))]
            return [(sp.start, label_start, f'<span class="notedeck-broken" title="{_attr(r.message)}">'),
                    (mid, sp.end, "</span>")]
        if target is not None and target.private:
            return [(sp.start, label_start, ""), (mid, sp.end, "")]
        if target is None:
            url = self.file_url(r.rel)
            if link.embed and link.width:  # ``![alt|300](img.png)``: Obsidian's size in the alt text
                return [(label_start, mid, md_text(link.alias or "")), (mid, sp.end, f"]({url}){_size_attrs(link)}")]
        else:
            url = self.note_url(target, r.anchor)
        return [(mid, sp.end, f"]({url})")]

    def html_link_edits(self, note: Note, link: Link, r) -> list[Edit]:
        """A path in raw HTML (MkDocs leaves them alone): the target's final URL relative to this page, its
        ``?query`` kept; ``#`` for a private note (even one whose heading is missing); as written when it does
        not resolve (the model reports it)."""
        sp = link.span
        target = r.note
        if target is not None and target.private:
            return [(sp.start, sp.end, "#")]
        if not r.ok:
            return []
        query = html.unescape(note.text[sp.start:sp.end]).partition("#")[0].partition("?")[2]
        if target is None:  # a file; a fragment (``#page=2`` of a PDF) is kept
            frag = "#" + _url_fragment("#".join(link.headings)) if link.headings else ""
            url = self.html_url(r.rel) + (f"?{query}" if query else "") + frag
        else:
            url = self.html_page_url(target, r.anchor, query)
        return [(sp.start, sp.end, html.escape(url))]

    def web_embed(self, link: Link) -> str | None:
        """An external image as Obsidian shows it: a YouTube page as its player, a size from the alt text."""
        video = _youtube_id(link.target)
        if video:
            size = f'width="{link.width or 560}" height="{link.height or 315}"'
            return (f'<iframe class="notedeck-video" src="https://www.youtube.com/embed/{html.escape(video)}" {size} '
                    'allowfullscreen></iframe>')
        if link.width:
            return f"![{md_text(link.alias or '')}](<{link.target}>){_size_attrs(link)}"
        return None

    def media(self, link: Link, rel: str, kind: str) -> str:
        size = ""
        if link.width:
            size = f'width="{link.width}"' + (f' height="{link.height}"' if link.height else "")
        if kind == "image":
            alt = link.alias if (link.alias is not None and not link.width) else posixpath.basename(rel)
            return f"![{md_text(alt)}]({self.file_url(rel)})" + _size_attrs(link)
        url = html.escape(self.html_url(rel))
        if kind == "pdf":  # ``![[doc.pdf#page=3]]`` opens at a page, ``#height=400`` sets the height
            frag = link.headings[0] if link.headings else ""
            height = frag[7:] if frag.startswith("height=") and frag[7:].isdigit() else "600"
            if frag and not frag.startswith("height="):
                url += "#" + html.escape(_url_fragment(frag))
            size = size or f'width="100%" height="{height}"'
            return f'<iframe class="notedeck-pdf" src="{url}" {size}></iframe>'
        if kind == "audio":
            return f'<audio class="notedeck-audio" controls src="{url}"></audio>'
        if kind == "video":
            return f'<video class="notedeck-video" controls src="{url}" {size}></video>'.replace(" >", ">")
        return f"[{md_text(link.alias or posixpath.basename(rel))}]({self.file_url(rel)})"

    def transclude(self, note: Note, link: Link, r, stack: list) -> str:
        target: Note = r.note
        if target.private:
            return '<span class="notedeck-private-embed">（未发布的内容 · unpublished content）</span>'
        a, b = self.vault.section_of(r)
        key = (target.rel, (a, b))
        if key in stack or len(stack) > MAX_EMBED_DEPTH:
            return _broken(_default_text(link), f"{link.raw}: embed cycle, not expanded")
        anchor = r.anchor
        title = (link.alias if not link.width else None) or (r.heading.text if r.heading else target.title)
        if "excalidraw-plugin" in target.frontmatter:  # a drawing: its Markdown is the plugin's data, not prose
            return f"[{md_text(title)}]({self.note_url(target, anchor)}){{ .notedeck-drawing }}"
        drop = r.heading.line if r.heading else None
        if r.heading is None and r.block is None and target.headings and target.headings[0].level == 1:
            drop = target.headings[0].line  # the embed's title already shows the note's H1
        inner = self.render(target, a, b, stack + [key], embedded=True, drop_heading_line=drop)
        body = "\n".join(("    " + ln) if ln.strip() else "" for ln in inner.strip("\n").split("\n"))
        head = f'!!! embed "[{md_text(title)}]({self.note_url(target, anchor)})"'
        return BLOCK + "\n\n" + head + "\n\n" + body + "\n\n"

    def tag_html(self, name: str) -> str:
        text = md_text("#" + name)
        if self.site.tags_page:
            url = self.note_url_rel(self.site.tags_page, "tag:" + slugify(name))
            return f"[{text}]({url}){{ .notedeck-tag }}"
        return f'<span class="notedeck-tag">{html.escape("#" + name)}</span>'

    def note_url_rel(self, rel: str, anchor: str) -> str:
        return relative(rel, self.host_folder) + "#" + _url_fragment(anchor)

    # -- transcluded headings become bold lines (the host page's ids stay as the model computed them)
    def heading_edits(self, note: Note, a: int, b: int, drop: int | None) -> list[Edit]:
        edits: list[Edit] = []
        ls = note.line_starts
        text = note.text
        for tok in note.tokens:
            if tok.type != "heading_open" or not tok.map:
                continue
            s, e = tok.map[0] + 1, tok.map[1]
            if s < a or e > b:
                continue
            line_a = ls[s - 1]
            line_b = (ls[e] - 1) if e < len(ls) else len(text)
            if drop == s:
                edits.append((line_a, line_b, ""))
                continue
            if tok.markup.startswith("#"):
                line = text[line_a:line_b]
                i = 0
                while i < len(line) and line[i] in " \t>":
                    i += 1
                j = i
                while j < len(line) and line[j] == "#":
                    j += 1
                k = j
                while k < len(line) and line[k] in " \t":
                    k += 1
                end = len(line.rstrip())
                stripped = line[:end].rstrip("#")
                if stripped != line[:end] and (not stripped or stripped[-1] in " \t"):
                    end = len(stripped.rstrip())
                if end <= k:
                    edits.append((line_a + i, line_b, ""))
                    continue
                edits.append((line_a + i, line_a + k, "**"))
                edits.append((line_a + end, line_b, "**"))
            else:  # setext: content lines, then the underline
                under = ls[e - 1]
                edits.append((line_a, line_a, "**"))
                edits.append((under - 1, line_b, "**"))
        return edits

    # -- callouts: blockquote prefixes → admonition indentation
    def callout_edits(self, note: Note, a: int, b: int, lo: int, hi: int, inline: list[Edit],
                      removed: list[tuple[int, int]]) -> list[Edit]:
        quotes = quote_spans(note)
        if not any(q[3] is not None and a <= q[0] + 1 and q[1] <= b for q in quotes):
            return inline
        text, ls = note.text, note.line_starts
        line_edits: list[Edit] = []
        title_ranges: list[tuple[int, int]] = []
        # lines inside list items outside any quote → the depth of the deepest such item, and whether the
        # list edits re-indent that line (they do when that item is also the line's innermost one)
        outer: dict[int, int] = {}
        innermost: dict[int, tuple[int, int]] = {}
        for it in list_items(note):
            for k in range(it[0], it[1]):
                if it[5] == 0:
                    outer[k] = max(outer.get(k, 0), it[2])
                if (it[5], it[2]) >= innermost.get(k, (-1, -1)):
                    innermost[k] = (it[5], it[2])
        for ln in range(a, b + 1):
            if ln - 1 >= len(ls):
                break
            levels = [q for q in quotes if q[0] < ln <= q[1]]  # q = (map0, map1, depth, callout)
            if not any(q[3] is not None and a <= q[0] + 1 and q[1] <= b for q in levels):
                continue
            levels.sort(key=lambda q: q[2])
            start = ls[ln - 1]
            end = note.line_end(ln - 1)
            if any(s <= start < e for s, e in removed):
                continue
            pos = start
            prefix: list[str] = []
            title_callout = None
            for depth_i, q in enumerate(levels, 1):
                callout = q[3] if (q[3] is not None and a <= q[0] + 1 and q[1] <= b) else None
                p = pos
                while p < end and text[p] in " \t":
                    p += 1
                if p < end and text[p] == ">":
                    ws = text[pos:p]
                    if depth_i == 1:  # a quote's own indent (1–3 spaces, CommonMark) goes: ``!!!`` starts its line
                        ws = ""
                        if ln - 1 in outer:  # … inside a list item: at the item's content, 4 columns a level
                            if innermost[ln - 1][0] == 0:
                                start = p  # the list edits re-indent what comes before the ``>``
                            else:
                                ws = " " * (4 * outer[ln - 1])
                    p += 1
                    if p < end and text[p] == " ":
                        p += 1
                    pos = p
                    if callout is not None and q[0] + 1 == ln:
                        prefix.append(ws)
                        title_callout = callout
                        break
                    prefix.append(ws + ("    " if callout is not None else "> "))
                else:  # lazy continuation line (or a list marker before the quote)
                    prefix.append("    " if callout is not None else "")
            new_prefix = "".join(prefix)
            if not text[pos:end].strip():
                new_prefix = new_prefix.rstrip()  # a blank quote line stays blank
            if title_callout is not None:
                c = title_callout
                t_start, t_end = _title_bounds(text, pos, end)
                title_ranges.append((pos, end))
                inner = [ed for ed in inline if t_start <= ed[0] and ed[1] <= t_end]
                title_md = _splice(text, t_start, t_end, inner).strip() if t_end > t_start else ""
                if not title_md:
                    title_md = c.type.capitalize()
                kind = CALLOUT_TYPES.get(c.type, "note")
                classes = kind if kind == c.type else f"{kind} {_css_class(c.type)}"
                marker = {"": "!!!", "-": "???", "+": "???+"}[c.fold]
                line_edits.append((start, end, f'{new_prefix}{marker} {classes} "{title_md.replace(chr(10), " ")}"'))
            else:
                line_edits.append((start, pos, new_prefix))
        kept = [ed for ed in inline if not any(s <= ed[0] and ed[1] <= e for s, e in title_ranges)]
        return sorted(kept + line_edits, key=lambda ed: (ed[0], ed[1]))


def _size_attrs(link: Link) -> str:
    """``{ width="300" height="200" }`` (attr_list) for a sized image, else nothing."""
    if not link.width:
        return ""
    return f'{{ width="{link.width}"' + (f' height="{link.height}"' if link.height else "") + " }"


def _youtube_id(url: str) -> str | None:
    """The video id of a YouTube page URL (``youtube.com/watch?v=…``, ``youtu.be/…``), else None."""
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.").removeprefix("m.")
    if host == "youtube.com" and parts.path == "/watch":
        return parse_qs(parts.query).get("v", [None])[0]
    if host == "youtu.be" and len(parts.path) > 1:
        return parts.path[1:].split("/")[0]
    return None


def _css_class(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name) or "note"


def _title_bounds(text: str, pos: int, end: int) -> tuple[int, int]:
    """Offsets of the custom title after ``[!type]±`` on a callout's first line."""
    close = text.find("]", pos, end)
    p = close + 1 if close >= 0 else end
    if p < end and text[p] in "+-":
        p += 1
    while p < end and text[p] in " \t":
        p += 1
    e = end
    while e > p and text[e - 1] in " \t":
        e -= 1
    return p, e


def _defines_footnotes(note: Note, a: int, b: int) -> bool:
    """Lines ``a``..``b`` hold a ``[^label]: …`` definition (markdown-it moved it into the footnote block)."""
    tokens = note.tokens
    if not tokens or tokens[-1].type != "footnote_block_close":  # markdown-it puts the footnotes last
        return False
    for i, tok in enumerate(tokens):
        if tok.type == "footnote_open" and tok.meta.get("label") is not None and i + 1 < len(tokens):
            m = tokens[i + 1].map
            if m and a - 1 <= m[0] < b:
                return True
    return False


def _block_comment_ends(note: Note) -> dict[int, int]:
    """Start offset of each block ``%%`` comment → end of its closing line (the parser skips that line)."""
    ends: dict[int, int] = {}
    ls = note.line_starts
    for tok in note.tokens:
        if tok.type == "obsidian_comment_open" and tok.map and "start" in tok.meta:
            last = tok.map[1] - 1
            ends[tok.meta["start"]] = (ls[last + 1] - 1) if last + 1 < len(ls) else len(note.text)
    return ends


def _default_text(link: Link) -> str:
    parts = [p for p in (link.target, *link.headings) if p]
    if link.block:
        parts.append("^" + link.block)
    return " > ".join(parts) if parts else link.raw


#: Characters Python-Markdown's inline patterns (math, emphasis, code, links) and tables (``|``) would act
#: on, even inside an attribute of raw HTML: written as character references there.
_ATTR_ESCAPES = str.maketrans({c: f"&#{ord(c)};" for c in "$\\`*_[]~=|"})


def _attr(value: str) -> str:
    """``value`` as the text of an HTML attribute in the page's Markdown."""
    return html.escape(value).translate(_ATTR_ESCAPES)


def _broken(text: str, message: str) -> str:
    """Visibly broken text (not a link): what the link displays, the problem as a tooltip."""
    return f'<span class="notedeck-broken" title="{_attr(message)}">{md_text(text)}</span>'


def _drop_inside(edits: list[Edit], removed: list[tuple[int, int]]) -> list[Edit]:
    """Sorted edits, without those lying inside a removed span."""
    keep = [ed for ed in edits if not any(s <= ed[0] and ed[1] <= e and (ed[0], ed[1]) != (s, e) for s, e in removed)]
    return sorted(keep, key=lambda ed: (ed[0], ed[1]))


def _current_line(out: list[str]) -> str:
    """The text of the output line being written (everything after the last newline)."""
    tail: list[str] = []
    for piece in reversed(out):
        nl = piece.rfind("\n")
        if nl >= 0:
            tail.append(piece[nl + 1:])
            break
        tail.append(piece)
    return "".join(reversed(tail))


def _indent_block(block: str, line: str) -> str:
    """Continue ``block``'s lines inside the container the current ``line`` opened (quote, callout, list)."""
    last = line.rfind(">")
    quote = "".join(ch if ch == ">" else " " for ch in line[: last + 1])
    rest = line[last + 1:]
    head = rest.lstrip(" \t")
    marker = head.split(" ", 1)[0] if head else ""
    parts = block.split("\n")
    if marker in ("-", "*", "+") or (marker[:-1].isdigit() and marker[-1:] in (".", ")")):
        width = len(rest) - len(head) + len(marker) + 1
        pad = " " * (4 * -(-width // 4))  # Python-Markdown nests list content at 4-column steps
        if not head[len(marker):].strip():  # ``- ![[x]]``: the block starts on the marker's line
            while parts and not parts[0]:
                parts.pop(0)
            parts[0] = " " * max(len(pad) - len(rest), 1) + parts[0]
            parts.insert(0, "")
            parts[:2] = [parts[0] + parts[1]]
    else:
        pad = rest[: len(rest) - len(head)]
    cont = quote + pad
    last = len(parts) - 1
    return "\n".join(part if i == 0 else ((cont + part) if part or i == last else cont.rstrip())
                      for i, part in enumerate(parts))


def _splice(text: str, lo: int, hi: int, edits: list[Edit]) -> str:
    out: list[str] = []
    pos = lo
    for s, e, repl in sorted(edits, key=lambda ed: (ed[0], ed[1])):
        if s < pos or s < lo or e > hi:
            continue  # overlapping or out of range: the model never produces these
        out.append(text[pos:s])
        if repl.startswith(BLOCK):
            repl = _indent_block(repl[len(BLOCK):], _current_line(out))
        out.append(repl)
        pos = e
    out.append(text[pos:hi])
    return "".join(out)
