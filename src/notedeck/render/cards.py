"""Cards on the site's pages: a published card note reads as a self-test.

Which lines are cards comes from the cards extraction (:func:`notedeck.anki.cards.extract`, given to the site as
``SiteIndex.cards``): nothing here parses Markdown again. Each card's question and answer are the extraction's
own token slices, rendered by the one renderer, so a card shows the same on the page as in Anki.

- ``Q::A``, ``Q:::A`` and multi-line cards become ``<div class="notedeck-card">``: the question, and the answer
  folded in ``<details>`` under "答案 / Answer";
- a cloze paragraph becomes ``<div class="notedeck-card notedeck-cloze-card">`` whose deletions are
  ``<label class="notedeck-cloze">`` (a checkbox and the hidden text; a click reveals it, another hides it —
  no script).

Table and heading cards (opt-in) are left as the table or section they are. The notes keep their raw syntax:
only the site shows the widgets.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

from .embeds import close_index

WIDGET_ORIGINS = frozenset({"inline", "multiline", "cloze"})
ANSWER_LABEL = "答案 / Answer"
#: Blocks a card may cover whole (a list item is not one: its card goes inside the ``<li>``).
WHOLE_BLOCKS = frozenset({"paragraph_open", "bullet_list_open", "ordered_list_open", "blockquote_open", "fence",
                          "math_block", "table_open", "code_block"})

CSS = """\
.md-typeset .notedeck-card { margin: .8em 0; padding: .5em .8em; border: .05rem solid var(--md-default-fg-color--lightest);
  border-left: .2rem solid var(--md-accent-fg-color); border-radius: .2rem; }
.md-typeset .notedeck-card-q > :first-child { margin-top: 0; }
.md-typeset .notedeck-card-q > :last-child { margin-bottom: .3em; }
.md-typeset .notedeck-card details.notedeck-card-a { margin: .3em 0 0; font-size: inherit; }
.md-typeset .notedeck-card .notedeck-card-body { padding: 0 .2em; }
.md-typeset .notedeck-cloze-card > p { margin: 0; }
.md-typeset .notedeck-cloze { cursor: pointer; position: relative; }
.md-typeset .notedeck-cloze > input { position: absolute; opacity: 0; width: 1px; height: 1px; margin: 0; }
.md-typeset .notedeck-cloze > input:not(:checked) + .notedeck-cloze-text {
  color: transparent; background: var(--md-default-fg-color--lighter); border-radius: .2em; }
.md-typeset .notedeck-cloze > input:not(:checked) + .notedeck-cloze-text * { color: transparent; visibility: hidden; }
.md-typeset .notedeck-cloze > input:checked + .notedeck-cloze-text { background: var(--md-accent-fg-color--transparent); }
.md-typeset .notedeck-cloze > input:focus-visible + .notedeck-cloze-text { outline: .1rem solid var(--md-accent-fg-color); }
"""


def cards_by_line(cards: Iterable[Any]) -> dict[str, dict[int, list[Any]]]:
    """Note rel → first line → the cards starting there (only those shown as widgets)."""
    out: dict[str, dict[int, list[Any]]] = {}
    for card in cards:
        if card.origin in WIDGET_ORIGINS:
            out.setdefault(card.note.rel, {}).setdefault(card.line, []).append(card)
    return out


def cloze_open(tokens: Sequence[Any], idx: int) -> str:
    hint = tokens[idx].meta.get("hint", "") if tokens[idx].meta else ""
    # (the hint of a closing token: look ahead for it, so the label carries it as a tooltip)
    depth = 0
    for tok in tokens[idx:]:
        depth += tok.nesting
        if depth == 0 and tok.type == "cloze_close":
            hint = (tok.meta or {}).get("hint", "") or hint
            break
    title = f' title="{html.escape(hint)}"' if hint else ' title="点击显示 / click to reveal"'
    return (f'<label class="notedeck-cloze"{title}><input type="checkbox" aria-label="reveal">'
            '<span class="notedeck-cloze-text">')


def cloze_close(tokens: Sequence[Any], idx: int) -> str:
    return "</span></label>"


def _parts(renderer: Any, parts: list[tuple[str, Any]], options: Any, env: dict, inline_p: bool) -> str:
    out = []
    for kind, value in parts:
        if kind == "inline":
            text = renderer.renderInline(value, options, env).strip()
            if text:
                out.append(f"<p>{text}</p>\n" if inline_p else text)
        elif kind == "blocks":
            out.append(renderer.render(value, options, env))
        # ("html" parts are Anki's own markup: the site renders from tokens only)
    return "".join(out)


def widget(renderer: Any, card: Any, options: Any, env: dict, anchor: str = "") -> str:
    """The HTML of one card."""
    done: set[int] = env.setdefault("nd_cards_done", set())
    done.add(id(card))
    line = f' data-card-line="{card.line}"'
    target = env["nd"].target
    if card.kind == "cloze":
        body = _parts(renderer, card.front, options, env, inline_p=True)
        return target.card(f'<div class="notedeck-card notedeck-cloze-card" data-card="cloze"{line}>\n{body}{anchor}'
                           '</div>\n', body)
    question = _parts(renderer, card.front, options, env, inline_p=True)
    answer = _parts(renderer, card.back, options, env, inline_p=True)
    return target.card(f'<div class="notedeck-card" data-card="{card.kind}"{line}>\n'
                       f'<div class="notedeck-card-q">\n{question}</div>\n'
                       f'<details class="notedeck-card-a">\n<summary>{ANSWER_LABEL}</summary>\n'
                       f'<div class="notedeck-card-body">\n{answer}</div>\n</details>\n{anchor}</div>\n',
                       question + answer)


def card_block(renderer: Any, tokens: Sequence[Any], i: int, options: Any, env: dict,
               by_line: dict[int, list[Any]], anchor: Any) -> tuple[str, int] | None:
    """The widgets of the card(s) starting in the block opened at ``tokens[i]``, and the index of the last token
    they cover; None when the block holds no card (it is then rendered as usual).

    ``anchor(tok)`` is the HTML of the block's ``^id`` anchor ("" when none)."""
    tok = tokens[i]
    first, last = tok.map[0] + 1, tok.map[1]
    done: set[int] = env.setdefault("nd_cards_done", set())
    starting = [c for c in by_line.get(first, ()) if id(c) not in done]
    if tok.type in WHOLE_BLOCKS and len(starting) == 1 and starting[0].end_line >= last and not any(
            id(c) not in done for ln in range(first + 1, last + 1) for c in by_line.get(ln, ())):
        card = starting[0]
        end = close_index(tokens, i)
        while end + 1 < len(tokens):  # answer blocks below the card (a list, a fence): part of it
            nxt = tokens[end + 1]
            if not (nxt.block and nxt.nesting >= 0 and nxt.map and nxt.map[0] + 1 <= card.end_line):
                break
            end = close_index(tokens, end + 1)
        return widget(renderer, card, options, env, anchor(tok)), end
    if tok.type != "paragraph_open":
        return None
    inline = tokens[i + 1]
    cut = env["nd"].inline_from.get(id(inline), 0)
    inside = [c for ln in range(first + (1 if cut else 0), last + 1) for c in by_line.get(ln, ()) if id(c) not in done]
    if not inside:
        return None
    return _mixed(renderer, tokens, i, inline, cut, inside, options, env, anchor(tok)), i + 2


def _mixed(renderer: Any, tokens: Sequence[Any], i: int, inline: Any, cut: int, cards: list[Any], options: Any,
           env: dict, anchor: str) -> str:
    """A paragraph holding several cards (one per line, or a cloze run and a card): each card a widget, the
    other lines a paragraph of their own."""
    children = list(inline.children or [])[cut:]
    lines: list[list[Any]] = [[]]
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            lines.append([])
        else:
            lines[-1].append(child)
    first = inline.map[0] + 1 + (1 if cut else 0) if inline.map else 1
    starts = {c.line: c for c in cards}
    out: list[str] = []
    plain: list[list[Any]] = []
    hidden = tokens[i].hidden

    def flush() -> None:
        if plain:
            joined: list[Any] = []
            for k, ln in enumerate(plain):
                if k:
                    joined.append(_Break())
                joined.extend(ln)
            text = renderer.renderInline(joined, options, env)
            out.append(text if hidden else f"<p>{text}</p>\n")
            plain.clear()

    k = 0
    while k < len(lines):
        card = starts.get(first + k)
        if card is None:
            plain.append(lines[k])
            k += 1
            continue
        flush()
        out.append(widget(renderer, card, options, env))
        k += max(1, card.end_line - card.line + 1)
    flush()
    if anchor:
        out.append(anchor + "\n")
    return "".join(out)


class _Break:
    """A line break between the plain lines kept in a card paragraph (renders as a softbreak)."""

    type = "softbreak"
    nesting = 0
    content = ""
    children = None
    meta: dict = {}
    attrs: dict = {}
    block = hidden = False
    tag = markup = info = ""
    map = None
    level = 0
