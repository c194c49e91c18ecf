"""Cloze deletions: ``==x==``, ``{{c1::x::hint}}`` and the OSR plugin's cloze patterns → cloze tokens."""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it.token import Token

from .settings import DEFAULT, CardSettings, ClozeStyle
from .text import Piece, _text, plain

_ANKI_RE = re.compile(r"\{\{c(\d+)::|\{\{|::|\}\}")
_BREAKS = ("softbreak", "hardbreak")
_FOOTNOTE_NUMBER = re.compile(r"\[\^(\d+)\]")


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


@lru_cache(maxsize=16)
def _number_re(sep: str) -> re.Pattern[str]:
    """OSR's ``123<sep>`` number at the start of a deletion."""
    return re.compile(r"\s*(\d+)" + re.escape(sep))


def _number_and_hint(first: str, last: str, sep: str, single: bool) -> tuple[int | None, str, str, str]:
    """Split OSR's ``[123<sep>]answer[<sep>hint]`` parts off a deletion's first and last text (the same string
    when ``single``): (number or None, first without the number, last without the hint, hint)."""
    if not sep:
        return None, first, last, ""
    n: int | None = None
    m = _number_re(sep).match(first)
    if m:
        n = int(m.group(1))
        first = first[m.end():]
        if single:
            last = first
    hint = ""
    p = last.rfind(sep)
    if p >= 0:
        hint = last[p + len(sep):].strip()
        last = last[:p]
        if single:
            first = last
    return n, first, last, hint


def _open(n: int | None) -> Piece:
    return Piece("cloze_open", nesting=1, meta={"n": n})


def _close(hint: str = "") -> Piece:
    return Piece("cloze_close", nesting=-1, meta={"hint": hint} if hint else {})


def _markup_cloze(children: list[Token], k: int, style: ClozeStyle, footnotes: dict[int, str],
                  out: list[Token]) -> int:
    """The ``==x==`` / ``**x**`` run opened at ``k`` → a deletion appended to ``out`` (kept as it is when it
    spans a line break, as OSR); returns the index after the run and its hint footnote."""
    open_t = children[k]
    depth, j = 1, k + 1
    while j < len(children):
        tt = children[j]
        if tt.type == open_t.type:
            depth += 1
        elif tt.type == open_t.type.replace("_open", "_close"):
            depth -= 1
            if not depth:
                break
        j += 1
    inner = list(children[k + 1:j])
    if j >= len(children) or not inner or any(t.type in _BREAKS for t in inner):
        out.append(open_t)
        return k + 1
    n, hint = None, ""
    if style.sep and inner[0].type == "text" and inner[-1].type == "text":
        single = len(inner) == 1
        n, first, last, hint = _number_and_hint(inner[0].content, inner[-1].content, style.sep, single)
        if single:
            inner = [_text(first)] if first else []
        else:
            inner[0], inner[-1] = _text(first), _text(last)
    nxt = children[j + 1] if j + 1 < len(children) else None
    end = j + 1
    if nxt is not None and nxt.type == "footnote_ref" and nxt.meta.get("id") in footnotes:
        hint = hint or footnotes[nxt.meta["id"]]
        end = j + 2
    out.append(_open(n))
    out.extend(inner)
    out.append(_close(hint))
    nxt = children[end] if end < len(children) else None
    if style.footnote and nxt is not None and nxt.type == "text":  # ``==x==[^2]``: the deletion's number
        m = _FOOTNOTE_NUMBER.match(nxt.content)
        if m:
            out[-len(inner) - 2].meta["n"] = int(m.group(1))
            if nxt.content[m.end():]:
                out.append(_text(nxt.content[m.end():]))
            end += 1
    return end


def to_cloze(children: list[Token], footnotes: dict[int, str],
             settings: CardSettings = DEFAULT) -> tuple[list[Token], str | None]:
    """Children with their deletions turned into ``cloze_open``/``cloze_close`` tokens: Anki's
    ``{{cN::x::hint}}`` always, and the OSR patterns ``settings`` enables (``==x==``, ``**x**``, ``{{x}}``, each
    with an optional ``N;;`` number and ``;;hint``; a highlight's hint may also be an inline footnote
    ``==x==^[hint]``). A deletion never spans a line break. Deletions without a number are numbered after the
    highest explicit one. Returns (tokens, problem); problem describes an unclosed ``{{cN::``."""
    out: list[Token] = []
    open_n: int | None = None  # an open ``{{cN::``
    hint: list[str] | None = None
    highlight, bold, curly = settings.highlight, settings.bold, settings.curly
    k = 0
    while k < len(children):
        t = children[k]
        tt = t.type
        if open_n is None and highlight is not None and tt == "mark_open":
            k = _markup_cloze(children, k, highlight, footnotes, out)
            continue
        if open_n is None and bold is not None and tt == "strong_open" and t.markup == "**":
            k = _markup_cloze(children, k, bold, footnotes, out)
            continue
        k += 1
        if tt != "text":
            if hint is not None:
                hint.append(plain([t]))
            else:
                out.append(t)
            continue
        s = t.content
        if open_n is None and "{{" not in s:  # plain text outside any cloze: kept as it is
            out.append(t)
            continue
        pos = 0
        while True:
            m = _ANKI_RE.search(s, pos)
            if m is None:
                break
            g = m.group(0)
            piece = s[pos:m.start()]
            if g == "{{":
                close = s.find("}}", m.end()) if curly is not None and open_n is None else -1
                if close < 0:
                    if hint is not None:
                        hint.append(s[pos:m.end()])
                    else:
                        out.append(_text(s[pos:m.end()]))
                    pos = m.end()
                    continue
                if piece:
                    out.append(_text(piece))
                n, answer, _, h = _number_and_hint(s[m.end():close], s[m.end():close], curly.sep, True)  # type: ignore[union-attr]
                out.extend([_open(n), _text(answer), _close(h)])
                pos = close + 2
                continue
            if g.startswith("{{c"):
                if open_n is not None:  # nested ``{{c`` inside a cloze: leave as text
                    (hint.append if hint is not None else lambda x: out.append(_text(x)))(s[pos:m.end()])
                    pos = m.end()
                    continue
                if piece:
                    out.append(_text(piece))
                open_n = int(m.group(1))
                out.append(_open(open_n))
            elif g == "::":
                if open_n is None or hint is not None:
                    (hint.append if hint is not None else lambda x: out.append(_text(x)))(s[pos:m.end()])
                    pos = m.end()
                    continue
                if piece:
                    out.append(_text(piece))
                hint = []
            else:  # ``}}``
                if open_n is None:
                    out.append(_text(s[pos:m.end()]))
                    pos = m.end()
                    continue
                if hint is not None:
                    hint.append(piece)
                elif piece:
                    out.append(_text(piece))
                out.append(_close("".join(hint).strip() if hint is not None else ""))
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
    explicit = [t.meta["n"] for t in out if t.type == "cloze_open" and t.meta["n"] is not None]
    next_n = max(explicit, default=0) + 1
    for t in out:
        if t.type == "cloze_open" and t.meta["n"] is None:
            t.meta["n"] = next_n
            next_n += 1
    return out, None
