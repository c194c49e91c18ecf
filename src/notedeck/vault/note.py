"""What one parsed note holds. Emitters read these; nothing here re-parses text.

Positions: ``line`` and ``col`` are 1-based; ``start``/``end`` are character offsets into
``Note.text`` (the whole file, front matter included), so an emitter can splice replacements
into the source without touching anything else (code spans and fences are never inside a span).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from markdown_it.token import Token

IMAGE_EXTS = frozenset({"png", "jpg", "jpeg", "gif", "bmp", "svg", "webp", "avif", "ico", "tif", "tiff"})
AUDIO_EXTS = frozenset({"mp3", "wav", "m4a", "ogg", "3gp", "flac", "webm_audio"})
VIDEO_EXTS = frozenset({"mp4", "webm", "ogv", "mov", "mkv"})
PDF_EXTS = frozenset({"pdf"})


def media_kind(name: str) -> Literal["image", "audio", "video", "pdf", "note", "file"]:
    """Kind of a file by its extension (``note`` for ``.md`` or no extension)."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""
    if ext in ("", "md"):
        return "note"
    if ext in IMAGE_EXTS:
        return "image"
    if ext in AUDIO_EXTS:
        return "audio"
    if ext in VIDEO_EXTS:
        return "video"
    if ext in PDF_EXTS:
        return "pdf"
    return "file"


@dataclass(frozen=True)
class Span:
    """Where a construct sits in the source: offsets into ``Note.text`` plus 1-based line/col."""

    start: int
    end: int
    line: int
    col: int


@dataclass
class Heading:
    level: int
    text: str  # plain text, as the site's table of contents sees it
    anchor: str  # the id MkDocs gives the heading (pymdownx slugify, de-duplicated like toc)
    line: int
    parents: tuple[str, ...] = ()  # texts of the enclosing headings, outermost first
    end_line: int = 0  # last line (1-based, inclusive) of the heading's section


@dataclass
class BlockRef:
    """A ``^block-id`` and the block it names (lines 1-based, inclusive)."""

    id: str
    start_line: int
    end_line: int
    span: Span  # the `` ^id`` marker itself, to strip or turn into an anchor
    standalone: bool = False  # ``^id`` alone on the line after the block it names
    after_math: bool = False  # ``$$ ^id``: on the closing line of the math block it names


@dataclass
class Link:
    """A wikilink/embed (``[[…]]``, ``![[…]]``), a Markdown link/image or a raw HTML ``src``/``href`` to a local
    target."""

    target: str  # note or file part, as written (may be "" for ``[[#h]]``)
    headings: tuple[str, ...] = ()  # ``#A#B`` path
    block: str | None = None  # ``^id``
    alias: str | None = None  # text after ``|`` (wiki image embeds: the raw size spec); Markdown: the label/alt
    embed: bool = False
    kind: Literal["wiki", "markdown", "html", "url"] = "wiki"  # html: a raw tag's src/href; url: an external image
    width: int | None = None
    height: int | None = None
    raw: str = ""
    span: Span = Span(0, 0, 0, 0)

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def col(self) -> int:
        return self.span.col

    @property
    def fragment(self) -> str:
        if self.block:
            return "^" + self.block
        return "#".join(self.headings)


@dataclass
class Tag:
    name: str  # without ``#``, e.g. ``flashcards/数学``
    span: Span | None = None  # None for front-matter tags


@dataclass
class Callout:
    type: str  # lower-case, as written (``note``, ``warning``, ``faq`` …)
    fold: Literal["", "+", "-"]
    title: str  # custom title as written ("" when absent)
    start_line: int
    end_line: int
    depth: int  # 1 for a top-level callout, 2 inside another blockquote, …
    title_span: Span | None = None  # the whole ``[!type]± title`` first line


@dataclass
class CodeBlock:
    """A fenced code block with its info string split into language, options and flags."""

    lang: str
    info: str
    options: dict[str, str]
    flags: frozenset[str]
    code: str
    line: int  # line of the opening fence
    code_line: int  # line of the first code line
    end_line: int
    markup: str  # ``````` ``` ````````, ``~~~`` …
    hidden: bool = False  # inside a ``%% … %%`` comment: setup code, shown nowhere
    directives: tuple[str, ...] = ()  # from ``%% notedeck: … %%`` right before the block
    token_index: int = -1
    closed: bool = True  # False: the fence runs to the end of its container (``unclosed-fence``)


@dataclass
class Note:
    path: Path  # absolute path on disk
    rel: str  # vault-relative POSIX path, e.g. ``深度学习/激活函数.md``
    text: str
    frontmatter: dict[str, Any] = field(default_factory=dict)
    frontmatter_end: int = 0  # offset where the body starts
    title: str = ""
    aliases: list[str] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    blocks: dict[str, BlockRef] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)  # links and embeds in source order
    callouts: list[Callout] = field(default_factory=list)
    code_blocks: list[CodeBlock] = field(default_factory=list)
    highlights: list[Span] = field(default_factory=list)  # ``==x==`` (outer span)
    comments: list[Span] = field(default_factory=list)  # ``%%x%%`` inline and block (outer span)
    footnotes: list[Span] = field(default_factory=list)  # inline footnotes ``^[x]`` (outer span)
    web_embeds: list[Link] = field(default_factory=list)  # ``![alt|300](https://…)``: not in ``links``
    math: list[Span] = field(default_factory=list)  # ``$$`` math blocks (whole lines)
    display_math: list[Span] = field(default_factory=list)  # ``$$…$$`` inside a paragraph (outer span)
    tokens: list[Token] = field(default_factory=list)
    line_starts: list[int] = field(default_factory=list)

    @property
    def stem(self) -> str:
        return self.rel.rsplit("/", 1)[-1][:-3]

    @property
    def folder(self) -> str:
        return self.rel.rsplit("/", 1)[0] if "/" in self.rel else ""

    @property
    def private(self) -> bool:
        """``publish: false`` or ``draft: true``: never published (code is still tested)."""
        fm = self.frontmatter
        return fm.get("publish", True) is False or fm.get("draft", False) is True

    @property
    def embeds(self) -> list[Link]:
        return [l for l in self.links if l.embed]

    @property
    def tag_names(self) -> list[str]:
        seen: dict[str, None] = {}
        for t in self.tags:
            seen.setdefault(t.name, None)
        return list(seen)

    def line_of(self, offset: int) -> int:
        """1-based line of a character offset."""
        from bisect import bisect_right

        return bisect_right(self.line_starts, offset)

    def line_end(self, line0: int) -> int:
        """Offset where the 0-based line ``line0`` ends (its newline, or the end of the text)."""
        ls = self.line_starts
        return ls[line0 + 1] - 1 if line0 + 1 < len(ls) else len(self.text)

    def lines(self, start: int, end: int) -> str:
        """Source text of lines ``start``..``end`` (1-based, inclusive)."""
        ls = self.line_starts
        a = ls[start - 1] if start - 1 < len(ls) else len(self.text)
        b = ls[end] if end < len(ls) else len(self.text)
        return self.text[a:b]

    def heading_by_path(self, path: tuple[str, ...]) -> Heading | None:
        """The heading named by ``[[note#A#B]]``: the last part names it (case-insensitive), earlier parts
        must be ancestors in order. A heading whose text matches wins over an earlier one whose anchor
        merely has the same slug (``## Date`` over ``### `date()```)."""
        from .slugs import heading_key, slugify

        if not path:
            return None
        want = [heading_key(p) for p in path]
        slug = slugify(path[-1])
        fallback = None  # the first heading with the same slug (a link written as the slug, or without a "?")
        for h in self.headings:
            text_match = heading_key(h.text) == want[-1]
            if not text_match and (fallback is not None or slugify(h.text) != slug):
                continue
            if _in_order([heading_key(p) for p in h.parents], want[:-1]):
                if text_match:
                    return h
                fallback = h
        return fallback


def _in_order(chain: list[str], parts: list[str]) -> bool:
    """Every one of ``parts`` occurs in ``chain``, in this order (gaps allowed)."""
    it = iter(chain)
    return all(part in it for part in parts)
