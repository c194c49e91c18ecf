"""What differs between outputs: a :class:`Target` tells the renderer how to point at notes and files, how to
show math and code, and which conventions to follow. The site and the cards each have one."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from ..vault import CodeBlock, Link, Note

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


@dataclass
class TocEntry:
    """One heading of a page's table of contents (``title`` is HTML)."""

    level: int
    id: str
    title: str
    children: list[TocEntry] = field(default_factory=list)


@dataclass
class RenderedPage:
    html: str
    toc: list[TocEntry]
    title: str  # the first H1's text ("" when none)
    problems: list[tuple[str, int, str]] = field(default_factory=list)  # (note rel, line, message): math it could not show
    search_html: str = ""  # the same content as the search index should read it: fewer tags, no excluded parts


class Target:
    """Defaults shared by every output; subclasses override what their output needs."""

    line_breaks = True  # Obsidian's default: a single newline is a line break
    heading_ids = False  # ``<h2 id=…>`` with a permalink (the site's table of contents links there)
    transclude = False  # ``![[note]]`` shows the note's content (else a link to it)
    block_anchors = False  # ``^id`` becomes an anchor element
    keep_query = False  # a raw HTML path's ``?query`` stays on the file's URL
    preview_attr = ""  # attributes of a link to a note's page (the site's hover previews)
    label_separator = " > "  # between a link's note and heading in its default text (``note > heading``)

    def note_url(self, note: Note, anchor: str) -> str:
        """The URL of a note's page (and anchor); ``""``: no page to link to."""
        return ""

    def file_url(self, rel: str, link: Link | None) -> str:
        """The URL of a vault file (image, pdf …) from this output; ``""`` when it cannot be shown."""
        return ""

    def tag_url(self, name: str) -> str:
        return ""

    def hidden_tag(self, name: str) -> bool:
        """An inline ``#tag`` this output does not show (the site: the tags that only switch cards on)."""
        return False

    def cards_at(self, note: Note) -> dict[int, list[Any]]:
        """The cards of ``note`` to show as card widgets, by first line (``{}``: render the text as is)."""
        return {}

    def card(self, widget_html: str, text_html: str) -> str:
        """A card shown as a widget (``text_html``: its question and answer alone, for a search index)."""
        return widget_html

    def math(self, tex: str, display: bool, ctx: Any = None) -> str:
        """A formula (``ctx``: the renderer's context, where the target reports a formula it cannot show)."""
        body = html.escape(tex.strip(), quote=False)
        return f"\\[{body}\\]" if display else f"\\({body}\\)"

    def code(self, content: str, lang: str, block: CodeBlock | None) -> str:
        return f"<pre><code>{html.escape(content, quote=False)}</code></pre>\n"

    def audio(self, url: str) -> str:
        return f'<audio class="notedeck-audio" controls src="{html.escape(url)}"></audio>'

    def transclusion(self, title_html: str, inner_html: str) -> str:
        """An embedded note (or section, or block): its content under a title linking to its source."""
        return f'<div class="admonition embed">\n<p class="admonition-title">{title_html}</p>\n{inner_html}</div>\n'

    def missing_media(self, text_html: str, link: Link, message: str) -> str:
        """What an embed of a file that cannot be shown becomes: its name or alt text, visibly broken."""
        return self.broken(text_html, message).replace('class="notedeck-broken"', 'class="notedeck-broken embed"', 1)

    def broken(self, text_html: str, message: str) -> str:
        """What an unresolved link or embed shows: its text, visibly broken, the problem as a tooltip."""
        title = html.escape(" ".join(message.split()))
        return f'<span class="notedeck-broken" title="{title}">{text_html}</span>'
