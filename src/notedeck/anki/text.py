"""Plain text of tokens, and cutting a line of inline tokens (at a separator, into lines, stripped).

The note's own tokens are never modified: cuts are :class:`Piece` objects that render like tokens."""

from __future__ import annotations

import re
from typing import Any, Literal

from markdown_it.token import Token

from ..vault.annotations import link_of

_BRACES_RE = re.compile(r"\{\{c\d+::|\}\}")
Part = tuple[Literal["inline", "blocks", "html"], Any]  # inline children | block tokens | ready HTML


def plain(children: list[Token], markers: bool = False) -> str:
    """Readable text of inline tokens (``markers``: keep cloze markers, for previews)."""
    if len(children) == 1 and children[0].type == "text":  # the usual question
        return children[0].content
    out: list[str] = []
    for t in children:
        tt = t.type
        if tt in ("text", "code_inline"):
            out.append(t.content)
        elif tt == "math_inline":
            out.append(f"${t.content}$")
        elif tt == "math_inline_double":
            out.append(f"$${t.content}$$")
        elif tt in ("softbreak", "hardbreak"):
            out.append("\n")
        elif tt == "wikilink":
            link = link_of(t)
            out.append((link.alias if link and link.alias else None) or (link.target if link else t.content))
        elif tt == "embed":
            out.append(f"![[{t.content}]]")
        elif tt == "image":
            out.append(f"![{plain(t.children or [])}]({t.attrGet('src') or ''})")
        elif tt == "tag":
            out.append("#" + t.content)
        elif tt == "cloze_open" and markers:
            out.append(f"{{{{c{t.meta['n']}::")
        elif tt == "cloze_close" and markers:
            hint = t.meta.get("hint")
            out.append(f"::{hint}}}}}" if hint else "}}")
        elif tt == "html_inline" and not t.content.startswith("<!--"):
            out.append(t.content)
    return "".join(out)


def _blank_side(parts: list[Part]) -> bool:
    """True when a side would show nothing (cheaper than building its text)."""
    for kind, value in parts:
        if kind != "inline":
            if plain_parts([(kind, value)], html=True).strip():
                return False
            continue
        for t in value:
            if t.type == "text":
                if t.content.strip():
                    return False
            elif t.type not in ("softbreak", "hardbreak", "obsidian_comment", "footnote_ref") and not (
                    t.type == "html_inline" and t.content.startswith("<!--")):
                return False
    return True


def _inline_only(parts: list[Part]) -> bool:
    return len(parts) == 1 and parts[0][0] == "inline"


def plain_parts(parts: list[Part], markers: bool = False, html: bool = False) -> str:
    """Readable text of a side; ``html``: with its HTML blocks (answers: never in a question's text, which
    is its key, so that the GUIDs of existing cards stay as they were)."""
    if len(parts) == 1 and parts[0][0] == "inline":  # the usual side: one line of inline tokens
        s = plain(parts[0][1], markers)
        return s.strip("\n") if s.strip() else ""
    out: list[str] = []
    for kind, value in parts:
        if kind == "inline":
            out.append(plain(value, markers))
        elif kind == "blocks":
            for t in value:
                if t.type == "inline":
                    out.append(plain(t.children or [], markers))
                elif t.type in ("fence", "code_block"):
                    out.append(t.content.rstrip("\n"))
                elif t.type in ("math_block", "math_block_label"):
                    out.append(f"$${t.content.strip()}$$")
                elif html and t.type == "html_block" and not t.content.lstrip().startswith("<!--"):
                    out.append(t.content)
        else:
            out.append(str(value))
    return "\n".join(s.strip("\n") for s in out if s.strip())


# ---------------------------------------------------------------- token helpers


_NO_META: dict = {}


class Piece:
    """A light inline token that extraction makes (a cut of a text token, a line break, a cloze marker);
    the note's own tokens are never modified. Renders like a markdown-it token of the same type."""

    __slots__ = ("type", "content", "nesting", "meta")
    tag = markup = info = ""
    block = hidden = False
    map = None
    level = 0
    children = None
    attrs: dict = {}  # shared and never written: only read by markdown-it's generic renderToken

    def __init__(self, type: str, content: str = "", nesting: int = 0, meta: dict | None = None) -> None:
        self.type = type
        self.content = content
        self.nesting = nesting
        self.meta = meta if meta is not None else _NO_META


def _text(content: str) -> Piece:
    return Piece("text", content)


def _lines(children: list[Token]) -> list[list[Token]]:
    lines: list[list[Token]] = [[]]
    for c in children:
        if c.type in ("softbreak", "hardbreak"):
            lines.append([])
        else:
            lines[-1].append(c)
    return lines


def _join(lines: list[list[Token]]) -> list[Token]:
    out: list[Token] = []
    for k, line in enumerate(lines):
        if k:
            out.append(Piece("softbreak"))
        out.extend(line)
    return out


def _strip(children: list[Token], copy: bool = True) -> list[Token]:
    """Drop leading/trailing whitespace of a children slice (new text tokens, originals untouched;
    ``copy=False``: the list itself is edited)."""
    out = list(children) if copy else children
    if out and out[0].type == "text":
        s = out[0].content.lstrip()
        if s != out[0].content:
            out[0:1] = [_text(s)] if s else []
    end = len(out)
    while end and out[end - 1].type == "html_inline" and out[end - 1].content.startswith("<!--"):
        end -= 1  # before a trailing comment (OSR's ``<!--SR:…-->``)
    if end and out[end - 1].type == "text":
        s = out[end - 1].content.rstrip()
        if s != out[end - 1].content:
            out[end - 1:end] = [_text(s)] if s else []
    return out


def _cut(line: list[Token], k: int, before: str, after: str) -> tuple[list[Token], list[Token]]:
    """``line`` cut at its text token ``k`` (``before`` + separator + ``after``): both halves, stripped."""
    if k:
        front = line[:k]
        before = before.rstrip()
        if before:
            front.append(_text(before))
        _strip(front, copy=False)
    else:  # the usual ``Q::A``: the question is the start of the first token
        before = before.strip()
        front = [_text(before)] if before else []
    back = line[k + 1:]
    if back:
        after = after.lstrip()
        if after:
            back.insert(0, _text(after))
        _strip(back, copy=False)
    else:
        after = after.strip()
        if after:
            back.append(_text(after))
    return front, back


def _find(line: list[Token], sep: str) -> tuple[int, int] | None:
    """(token index, offset) of the first ``sep`` in plain text at the top level of ``line``, outside Anki
    clozes (``{{c1::x::h}}``); never in code, math, links or other markup."""
    depth = 0
    in_cloze = 0
    for k, t in enumerate(line):
        if t.nesting:
            depth += t.nesting
            continue
        if t.type != "text" or depth:
            continue
        c = t.content
        if not in_cloze and "{{" not in c and "}}" not in c:  # the common case: no Anki cloze around
            p = c.find(sep)
            if p >= 0:
                return k, p
            continue
        pos = 0
        while True:
            m = _BRACES_RE.search(c, pos)
            stop = m.start() if m else len(c)
            if not in_cloze:
                p = c.find(sep, pos, stop)
                if p >= 0 and p + len(sep) <= stop:
                    return k, p
            if m is None:
                break
            in_cloze = in_cloze + 1 if m.group(0).startswith("{{") else max(0, in_cloze - 1)
            pos = m.end()
    return None


def _split_separator(line: list[Token], seps: tuple[str, ...] = (":::", "::"),
                     rev: str = ":::") -> tuple[list[Token], list[Token], bool] | None:
    """``Q::A`` / ``Q:::A`` on one line → (front, back, reversed). As OSR, the longest separator present
    wins (``seps``: longest first) and the line is cut at its first occurrence; only plain text counts."""
    for sep in seps:
        hit = _find(line, sep)
        if hit is not None:
            k, p = hit
            c = line[k].content
            return (*_cut(line, k, c[:p], c[p + len(sep):]), sep == rev)
    return None


def line_text(line: list[Token]) -> str | None:
    """The text of a line that is one plain text token (a multi-line separator candidate), else None."""
    if len(line) == 1 and line[0].type == "text":
        return line[0].content
    return None
