"""The renderer's rules for links and embeds: wikilinks, Markdown links and images, raw HTML paths, media and
transcluded notes. Every link is resolved by the vault model; the target says what URL it gets."""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from markdown_it.token import Token

from ..vault import Link, Note, Resolved
from ..vault.annotations import html_links_of, link_of, web_embed_of
from .links import embed_kind, link_label
from .urls import url_fragment

if TYPE_CHECKING:
    from .html import Context

MAX_EMBED_DEPTH = 8
_BAD_DECLARATION = re.compile(r"<!\[(?!CDATA\[)")
PRIVATE_EMBED = '<span class="notedeck-private-embed">（未发布的内容 · unpublished content）</span>'


class LinkRules:
    """Mixed into :class:`~notedeck.render.html.HtmlRenderer`."""

    # -- wikilinks and embeds
    def wikilink(self, tokens, idx, options, env) -> str:
        ctx: Context = env["nd"]
        link = link_of(tokens[idx])
        if link is None:
            return html.escape(tokens[idx].content)
        r = ctx.vault.resolve(link, ctx.note)
        label = html.escape(link_label(link, ctx.target.label_separator))
        target = r.note
        if target is not None and target.private:  # (a private note's path is never shown, even when broken)
            return label
        if not r.ok:
            return ctx.target.broken(label, r.message)
        url = self._url(ctx, link, r)
        return _a(url, label, ctx, target is not None)

    def embed(self, tokens, idx, options, env) -> str:
        ctx: Context = env["nd"]
        link = link_of(tokens[idx])
        if link is None:
            return html.escape("![[" + tokens[idx].content + "]]")
        r = ctx.vault.resolve(link, ctx.note)
        target = r.note
        if not r.ok and not (target is not None and target.private):
            label = html.escape(link_label(link, ctx.target.label_separator))
            if embed_kind(link) == "note":
                return ctx.target.broken(label, r.message)
            return ctx.target.missing_media(label, link, r.message)
        if target is None:
            return self._media(ctx, link, r, "")
        if target.private:
            return PRIVATE_EMBED
        if not ctx.target.transclude:
            return _a(ctx.target.note_url(target, r.anchor), html.escape(link_label(link, ctx.target.label_separator)), ctx, True)
        return self._transclude(ctx, link, r)

    # -- Markdown links and images
    def link_open(self, tokens, idx, options, env) -> str:
        ctx: Context = env["nd"]
        tok = tokens[idx]
        link = link_of(tok)
        if link is None:
            ctx.closers.append("</a>")
            return self.renderToken(tokens, idx, options, env)
        r = ctx.vault.resolve(link, ctx.note)
        target = r.note
        if target is not None and target.private:
            ctx.closers.append("")
            return ""
        if not r.ok:
            ctx.closers.append("</span>")
            return ctx.target.broken("", r.message).removesuffix("</span>")
        url = self._url(ctx, link, r)
        if not url:
            ctx.closers.append("")
            return ""
        ctx.closers.append("</a>")
        preview = ctx.target.preview_attr if target is not None else ""
        title = tok.attrGet("title")
        title_attr = f' title="{html.escape(str(title))}"' if title else ""
        return f'<a href="{html.escape(url)}"{title_attr}{preview}>'

    def link_close(self, tokens, idx, options, env) -> str:
        ctx: Context = env["nd"]
        return ctx.closers.pop() if ctx.closers else "</a>"

    def image(self, tokens, idx, options, env) -> str:
        ctx: Context = env["nd"]
        tok = tokens[idx]
        alt = self.renderInlineAsText(tok.children or [], options, env)
        link = link_of(tok)
        if link is None:
            web = web_embed_of(tok)
            if web is not None:
                shown = _web_embed(web)
                if shown:
                    return shown
            src = html.escape(str(tok.attrGet("src") or ""))
            return f'<img src="{src}" alt="{html.escape(alt)}">'
        r = ctx.vault.resolve(link, ctx.note)
        target = r.note
        if target is not None and target.private:
            return html.escape(alt)
        if not r.ok:
            return ctx.target.missing_media(html.escape(alt or posixpath.basename(link.target) or link.raw), link, r.message)
        if target is not None:
            label = alt or link_label(link, ctx.target.label_separator)
            return _a(ctx.target.note_url(target, r.anchor), html.escape(label), ctx, True)
        return self._media(ctx, link, r, link.alias if link.width else alt)

    # -- raw HTML: vault paths point where the target says
    def html_inline(self, tokens, idx, options, env) -> str:
        return self._html_paths(tokens[idx], env["nd"])

    def html_block(self, tokens, idx, options, env) -> str:
        return self._html_paths(tokens[idx], env["nd"])

    def _html_paths(self, tok: Token, ctx: Context) -> str:
        content = tok.content
        found = html_links_of(tok)
        if not found:
            return _declarations(content)
        out, pos = [], 0
        for link, a, b in found:
            r = ctx.vault.resolve(link, ctx.note)
            if r.note is not None:
                url = (ctx.target.note_url(r.note, r.anchor) if r.ok else "") or "#"
                query = _query(content[a:b])
                if query and url != "#":
                    path, hash_, frag = url.partition("#")
                    url = f"{path}?{query}{hash_}{frag}"
            elif r.ok and r.rel:
                url = ctx.target.file_url(r.rel, link)
                if not url:
                    continue
                if ctx.target.keep_query and (query := _query(content[a:b])):
                    url += "?" + query
                if link.headings:
                    url += "#" + url_fragment("#".join(link.headings))
            else:
                continue
            out += [content[pos:a], html.escape(url)]
            pos = b
        return _declarations("".join(out) + content[pos:])

    # -- helpers
    def _url(self, ctx: Context, link: Link, r: Resolved) -> str:
        if r.note is not None:
            return ctx.target.note_url(r.note, r.anchor)
        url = ctx.target.file_url(r.rel or link.target, link)
        if url and link.headings:  # a file's fragment (``#page=2`` of a PDF) is kept
            url += "#" + url_fragment("#".join(link.headings))
        return url

    def _media(self, ctx: Context, link: Link, r: Resolved, alt: str) -> str:
        rel = r.rel or link.target
        kind = embed_kind(link, rel)
        url = ctx.target.file_url(rel, link)
        name = posixpath.basename(rel)
        if not url:
            return ctx.target.missing_media(html.escape(link.raw or name), link, f"{link.raw}: the file cannot be shown here")
        size = ""
        if link.width:
            size = f' width="{link.width}"' + (f' height="{link.height}"' if link.height else "")
        src = html.escape(url)
        if kind == "image":
            if not alt:
                alt = link.alias if (link.alias is not None and not link.width) else name
            return f'<img src="{src}" alt="{html.escape(alt)}"{size}>'
        if kind == "pdf":  # ``![[doc.pdf#page=3]]`` opens at a page, ``#height=400`` sets the height
            frag = link.headings[0] if link.headings else ""
            height = frag[7:] if frag.startswith("height=") and frag[7:].isdigit() else "600"
            if frag and not frag.startswith("height="):
                src += "#" + html.escape(url_fragment(frag))
            size = size or f' width="100%" height="{height}"'
            return f'<iframe class="notedeck-pdf" src="{src}"{size}></iframe>'
        if kind == "audio":
            return ctx.target.audio(url)
        if kind == "video":
            return f'<video class="notedeck-video" controls src="{src}"{size}></video>'
        return f'<a href="{src}">{html.escape(link.alias or name)}</a>'

    def _transclude(self, ctx: Context, link: Link, r: Resolved) -> str:
        from .html import Context, render_tokens

        target: Note = r.note  # type: ignore[assignment]
        a, b = ctx.vault.section_of(r)
        key = (target.rel, a, b)
        label = html.escape(link_label(link, ctx.target.label_separator))
        if key in ctx.stack or len(ctx.stack) > MAX_EMBED_DEPTH:
            return ctx.target.broken(label, f"{link.raw}: embed cycle, not expanded")
        title = (link.alias if not link.width else None) or (r.heading.text if r.heading else target.title)
        url = ctx.target.note_url(target, r.anchor)
        title_html = _a(url, html.escape(title), ctx, True)
        if "excalidraw-plugin" in target.frontmatter:  # a drawing: its Markdown is the plugin's data, not prose
            return title_html.replace("<a ", '<a class="notedeck-drawing" ', 1)
        drop = r.heading.line if r.heading else None
        if r.heading is None and r.block is None and target.headings and target.headings[0].level == 1:
            drop = target.headings[0].line  # the embed's title already shows the note's H1
        inner_ctx = Context(ctx.vault, ctx.target, ctx.host, target, ctx.stack + [key], embedded=True,
                            drop_heading=drop)
        tokens, wrap = section_tokens(target, r, a, b)
        inner = render_tokens(tokens, inner_ctx)
        if wrap:
            inner = f"<{wrap}>\n{inner}</{wrap}>\n"
        block = ctx.target.transclusion(title_html, inner)
        return f"</p>\n{block}<p>" if ctx.in_paragraph else block


def _declarations(raw: str) -> str:
    """``<![`` opening no CDATA section is text (an HTML parser reading the page, as search's does, stops on it)."""
    return _BAD_DECLARATION.sub("&lt;![", raw) if "<![" in raw else raw


def _a(url: str, label_html: str, ctx: Context, note: bool) -> str:
    if not url:
        return label_html
    preview = ctx.target.preview_attr if note else ""
    return f'<a href="{html.escape(url)}"{preview}>{label_html}</a>'


def _query(raw_value: str) -> str:
    return html.unescape(raw_value).partition("#")[0].partition("?")[2]


def section_tokens(note: Note, r: Resolved, a: int, b: int) -> tuple[Sequence[Token], str]:
    """The block tokens of lines ``a``..``b`` (1-based) of ``note``: a block (``^id``), a heading's section or the
    whole note; and the list element (``ul``/``ol``) a list item needs around it."""
    tokens = note.tokens
    if r.block is not None:
        want = [r.block.start_line - 1, r.block.end_line]
        for i, tok in enumerate(tokens):
            if tok.nesting >= 0 and tok.map == want and tok.type not in ("inline", "front_matter"):
                j = close_index(tokens, i)
                wrap = ""
                if tok.type == "list_item_open":
                    parent = next((tokens[k] for k in range(i - 1, -1, -1) if tokens[k].level == tok.level - 1), None)
                    wrap = "ol" if parent is not None and parent.type == "ordered_list_open" else "ul"
                return tokens[i:j + 1], wrap
    out: list[Token] = []
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        if tok.level == 0 and tok.nesting >= 0 and tok.map and a - 1 <= tok.map[0] < b and tok.type != "front_matter":
            j = close_index(tokens, i)
            out.extend(tokens[i:j + 1])
            i = j + 1
        else:
            i += 1
    return out, ""


def close_index(tokens: Sequence[Token], i: int) -> int:
    """Index of the token closing the one opened at ``i`` (``i`` itself for a token that opens nothing)."""
    if tokens[i].nesting == 0:
        return i
    depth = 0
    for j in range(i, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def _youtube_id(url: str) -> str | None:
    """The video id of a YouTube page URL (``youtube.com/watch?v=…``, ``youtu.be/…``), else None."""
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.").removeprefix("m.")
    if host == "youtube.com" and parts.path == "/watch":
        return parse_qs(parts.query).get("v", [None])[0]
    if host == "youtu.be" and len(parts.path) > 1:
        return parts.path[1:].split("/")[0]
    return None


def _web_embed(link: Link) -> str:
    """An external image as Obsidian shows it: a YouTube page as its player, a size from the alt text."""
    video = _youtube_id(link.target)
    if video:
        size = f'width="{link.width or 560}" height="{link.height or 315}"'
        return (f'<iframe class="notedeck-video" src="https://www.youtube.com/embed/{html.escape(video)}" {size} '
                'allowfullscreen></iframe>')
    if link.width:
        size = f' width="{link.width}"' + (f' height="{link.height}"' if link.height else "")
        return f'<img src="{html.escape(link.target)}" alt="{html.escape(link.alias or "")}"{size}>'
    return ""
