"""Cloze deletions: ``==x==``, ``{{c1::x::hint}}`` and the OSR plugin's cloze patterns → cloze tokens."""

from __future__ import annotations

import re

from markdown_it.token import Token

from .text import Piece, _text, plain

_CLOZE_RE = re.compile(r"\{\{c(\d+)::|::|\}\}")
_CLOZE_NUMBER_RE = re.compile(r"\{\{c(\d+)::")


def _has_cloze(children: list[Token], highlights: bool = True) -> bool:
    for t in children:
        if (highlights and t.type == "mark_open") or (t.type == "text" and "{{c" in t.content and _CLOZE_RE.search(t.content)):
            return True
    return False


def _footnotes(tokens: list[Token]) -> dict[int, str]:
    """Inline footnote id → its text (``==x==^[hint]`` uses it as the cloze hint)."""
    out: dict[int, str] = {}
    current: int | None = None
    for t in tokens:
        if t.type == "footnote_open":
            current = t.meta.get("id")
        elif t.type == "footnote_close":
            current = None
        elif t.type == "inline" and current is not None:
            out[current] = " ".join(plain(t.children or []).split())
    return out


def to_cloze(children: list[Token], footnotes: dict[int, str], highlights: bool = True) -> tuple[list[Token], str | None]:
    """Children with ``==x==`` / ``{{cN::x::h}}`` turned into ``cloze_open``/``cloze_close`` tokens.

    Returns (tokens, problem); problem describes an unbalanced ``{{c`` (no ``}}``)."""
    explicit = [int(n) for t in children if t.type == "text" and "{{c" in t.content
                for n in _CLOZE_NUMBER_RE.findall(t.content)]
    next_n = max(explicit, default=0) + 1
    out: list[Token] = []
    open_n: int | None = None  # an open ``{{cN::``
    hint: list[str] | None = None
    mark_depth = 0
    skip_ref = False
    for k, t in enumerate(children):
        if skip_ref and t.type == "footnote_ref":
            skip_ref = False
            continue
        skip_ref = False
        if t.type == "mark_open" and highlights and open_n is None and not mark_depth:
            mark_depth = 1
            tok = Piece("cloze_open", nesting=1, meta={"n": next_n})
            next_n += 1
            out.append(tok)
            continue
        if t.type == "mark_open" and mark_depth:
            mark_depth += 1
        if t.type == "mark_close" and mark_depth:
            mark_depth -= 1
            if not mark_depth:
                tok = Piece("cloze_close", nesting=-1)
                nxt = children[k + 1] if k + 1 < len(children) else None
                if nxt is not None and nxt.type == "footnote_ref" and nxt.meta.get("id") in footnotes:
                    tok.meta = {"hint": footnotes[nxt.meta["id"]]}
                    skip_ref = True
                out.append(tok)
                continue
        if t.type != "text" or mark_depth:
            if hint is not None:
                hint.append(plain([t]))
            else:
                out.append(t)
            continue
        s = t.content
        if open_n is None and "{{c" not in s:  # plain text outside any cloze: kept as it is
            out.append(t)
            continue
        pos = 0
        for m in _CLOZE_RE.finditer(s):
            g = m.group(0)
            piece = s[pos:m.start()]
            if g.startswith("{{"):
                if open_n is not None:
                    continue  # nested ``{{c`` inside a cloze: leave as text
                if piece:
                    out.append(_text(piece))
                tok = Piece("cloze_open", nesting=1, meta={"n": int(m.group(1))})
                out.append(tok)
                open_n = int(m.group(1))
            elif g == "::":
                if open_n is None or hint is not None:
                    continue
                if piece:
                    out.append(_text(piece))
                hint = []
            else:  # ``}}``
                if open_n is None:
                    continue
                if hint is not None:
                    hint.append(piece)
                elif piece:
                    out.append(_text(piece))
                tok = Piece("cloze_close", nesting=-1)
                h = "".join(hint).strip() if hint is not None else ""
                tok.meta = {"hint": h} if h else {}
                out.append(tok)
                open_n, hint = None, None
            pos = m.end()
        rest = s[pos:]
        if rest:
            if hint is not None:
                hint.append(rest)
            else:
                out.append(_text(rest))
    if open_n is not None:
        return out, f"'{{{{c{open_n}::' is never closed with '}}}}'"
    return out, None
