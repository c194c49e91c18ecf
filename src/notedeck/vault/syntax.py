"""Obsidian syntax as markdown-it-py rules, plus the parser every part of notedeck shares.

Rules add tokens (``wikilink``, ``embed``, ``obsidian_comment``, ``mark_open``/``mark_close``,
``tag``; block ``obsidian_comment_open``/``_close``) and record source positions in ``token.meta``
through the position mapper that :func:`_inline_with_positions` installs for each inline token.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.image import image as _image_rule
from markdown_it.rules_inline.link import link as _link_rule
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.footnote.index import footnote_inline
from mdit_py_plugins.front_matter import front_matter_plugin

from .syntax_blocks import admonition_block, comment_block, math_block

POS_KEY = "_notedeck_pos"  # env key: maps an offset in the current inline source to the file offset
#: A tag as Obsidian reads it: anything but white space, ASCII punctuation other than ``-_/``, and the
#: General and Supplemental Punctuation blocks (``#青玉案·元夕``, ``#🌱seedling`` are tags).
_TAG_RE = re.compile(r"#([^\s!-,.:-@\[-^`{-~\u2000-\u206F\u2E00-\u2E7F]+)")


# ---------------------------------------------------------------- positions


def _line_mapper(inline_src: str, tok_map: list[int] | None, text: str, line_starts: list[int], cell: bool,
                 cursor: dict[int, int]) -> Callable[[int], int] | None:
    """Map offsets of an inline token's content to offsets in the whole file."""
    if not tok_map:
        return None
    content_lines = inline_src.split("\n")
    starts_c: list[int] = []
    starts_s: list[int] = []
    pipes: list[list[int]] = []
    off = 0
    last = len(content_lines) - 1
    for i, cl in enumerate(content_lines):
        ln = tok_map[0] + i
        if ln >= len(line_starts):
            break
        ls = line_starts[ln]
        le = line_starts[ln + 1] - 1 if ln + 1 < len(line_starts) else len(text)
        src_line = text[ls:le]
        escaped: list[int] = []
        if cell:
            at = cursor.get(ln, 0)
            col = src_line.find(cl, at) if cl else at
            if col < 0 and "|" in cl:  # GFM tables unescape ``\|`` inside cells
                col = src_line.find(cl.replace("|", "\\|"), at)
                escaped = [i for i, ch in enumerate(cl) if ch == "|"]
            if col >= 0:
                cursor[ln] = col + len(cl) + len(escaped)
            else:
                col = -len(src_line) - 1  # not found: guessed below
        else:
            hay = src_line.rstrip() if i == last else src_line
            col = hay.rfind(cl) if cl else len(hay)
            if col < 0 and cl.startswith(" "):  # a tab partly taken by the container became spaces:
                text_part = cl.lstrip(" ")  # the line's text starts where the rest is found (col may be < 0)
                k = hay.rfind(text_part)
                col = k - (len(cl) - len(text_part)) if k >= 0 else -len(src_line) - 1
        if col < -len(src_line):
            col = max(0, len(src_line) - len(cl))
        starts_c.append(off)
        starts_s.append(ls + col)
        pipes.append(escaped)
        off += len(cl) + 1

    def to_file(pos: int) -> int:
        i = max(bisect_right(starts_c, pos) - 1, 0)
        rel = pos - starts_c[i]
        return starts_s[i] + rel + bisect_right(pipes[i], rel - 1)

    return to_file


def _inline_with_positions(state: StateCore) -> None:
    """The core ``inline`` rule, but with a position mapper in ``env`` for our inline rules."""
    text: str = state.env.get("_notedeck_text", "")
    line_starts: list[int] = state.env.get("_notedeck_line_starts", [])
    cursor: dict[int, int] = {}
    in_cell = False
    for token in state.tokens:
        if token.type in ("th_open", "td_open"):
            in_cell = True
        elif token.type in ("th_close", "td_close"):
            in_cell = False
        if token.type == "inline":
            state.env[POS_KEY] = _line_mapper(token.content, token.map, text, line_starts, in_cell, cursor) if text else None
            state.md.inline.parse(token.content, state.md, state.env, token.children)
    state.env[POS_KEY] = None


def file_pos(state: StateInline, pos: int) -> int | None:
    mapper = state.env.get(POS_KEY)
    return mapper(pos) if mapper else None


def _record(state: StateInline, token, start: int, end: int) -> None:
    a, b = file_pos(state, start), file_pos(state, end)
    if a is not None and b is not None:
        token.meta["start"], token.meta["end"] = a, b


# ---------------------------------------------------------------- inline rules


def _wikilink(embed: bool):
    opener = "![[" if embed else "[["

    def rule(state: StateInline, silent: bool) -> bool:
        pos = state.pos
        src = state.src
        if not src.startswith(opener, pos):
            return False
        begin = pos + len(opener)
        close = src.find("]]", begin)
        nl = src.find("\n", begin)
        if close < 0 or (0 <= nl < close) or close == begin:
            return False
        if not silent:
            token = state.push("embed" if embed else "wikilink", "", 0)
            token.content = src[begin:close]
            token.markup = opener
            _record(state, token, pos, close + 2)
        state.pos = close + 2
        return True

    return rule


def _comment(state: StateInline, silent: bool) -> bool:
    pos, src = state.pos, state.src
    if not src.startswith("%%", pos):
        return False
    close = src.find("%%", pos + 2, state.posMax)
    if close < 0:
        return _unclosed_comment(state, silent)
    if not silent:
        token = state.push("obsidian_comment", "", 0)
        token.content = src[pos + 2:close]
        token.markup = "%%"
        _record(state, token, pos, close + 2)
    state.pos = close + 2
    return True


def _unclosed_comment(state: StateInline, silent: bool) -> bool:
    """A ``%%`` in a paragraph with no ``%%`` after it anywhere in the note: Obsidian hides the rest of the
    note. The paragraph's rest becomes one comment token; :func:`_hide_rest` hides the blocks after it."""
    text = state.env.get("_notedeck_text", "")
    at = file_pos(state, state.pos)
    if at is None or text.find("%%", at + 2) >= 0:
        return False  # closed in a later block (left as text), or no position to tell
    if not silent:
        token = state.push("obsidian_comment", "", 0)
        token.content = state.src[state.pos + 2:state.posMax]
        token.markup = "%%"
        token.meta["unclosed_at"] = at
        state.env["_notedeck_unclosed"] = True
    state.pos = state.posMax
    return True


def _hide_rest(state: StateCore) -> None:
    """After a paragraph holding an unclosed ``%%``: a block comment from it to the end of the note."""
    if not state.env.pop("_notedeck_unclosed", False):
        return
    tokens = state.tokens
    for i, tok in enumerate(tokens):
        if tok.type != "inline" or not tok.children or not tok.map:
            continue
        at = next((c.meta["unclosed_at"] for c in tok.children if "unclosed_at" in c.meta), None)
        if at is None:
            continue
        text = state.env.get("_notedeck_text", "")
        lines = len(state.env.get("_notedeck_line_starts", ())) or tok.map[1]
        opener = Token("obsidian_comment_open", "", 1, map=[tok.map[0], lines], markup="%%")
        opener.meta.update(start=at, end=len(text), closed=False)
        end = next((k for k in range(i + 1, len(tokens)) if tokens[k].type == "footnote_block_open"), len(tokens))
        # the closing tokens of the quotes and lists the paragraph is in go after the comment, so that it nests
        # inside them and still hides everything after it
        hidden, closers, depth = [], [], 0
        for t in tokens[i + 2:end]:
            if t.nesting < 0 and depth == 0:
                closers.append(t)
                continue
            depth += t.nesting
            hidden.append(t)
        state.tokens = tokens[:i + 2] + [opener] + hidden + [
            Token("obsidian_comment_close", "", -1, markup="%%")] + closers + tokens[end:]
        return


def _mark(state: StateInline, silent: bool) -> bool:
    pos, src, maximum = state.pos, state.src, state.posMax
    if not src.startswith("==", pos) or (pos > 0 and src[pos - 1] == "="):
        return False
    begin = pos + 2
    if begin >= maximum or src[begin] in " \t\n=":
        return False
    close = begin
    while True:
        close = src.find("==", close + 1, maximum)
        if close < 0:
            return False
        if src[close - 1] not in " \t\n" and not src.startswith("===", close):
            break
    if not silent:
        old_max = state.posMax
        token = state.push("mark_open", "mark", 1)
        token.markup = "=="
        _record(state, token, pos, close + 2)
        state.pos, state.posMax = begin, close
        state.md.inline.tokenize(state)
        state.posMax = old_max
        token = state.push("mark_close", "mark", -1)
        token.markup = "=="
    state.pos = close + 2
    return True


def _tag(state: StateInline, silent: bool) -> bool:
    pos, src = state.pos, state.src
    if src[pos] != "#" or (pos > 0 and not src[pos - 1].isspace()):
        return False
    m = _TAG_RE.match(src, pos, state.posMax)
    if not m or m.group(1).replace("/", "").isdigit() or m.group(1).startswith("/"):
        return False
    name = m.group(1).rstrip("/")
    if not silent:
        token = state.push("tag", "", 0)
        token.content = name
        token.markup = "#"
        _record(state, token, pos, pos + 1 + len(name))
    state.pos = pos + 1 + len(name)
    return True


def _with_span(rule, first: str, types: tuple[str, ...] = ("link_open", "image")):
    """Wrap another plugin's inline rule (which only matches at a ``first`` character) to record where its
    token (of one of ``types``) sits in the file."""

    def wrapped(state: StateInline, silent: bool) -> bool:
        if state.src[state.pos] != first:
            return False
        start, n = state.pos, len(state.tokens)
        ok = rule(state, silent)
        if ok and not silent:
            for token in state.tokens[n:]:
                if token.type in types:
                    _record(state, token, start, state.pos)
                    break
        return ok

    return wrapped


# ---------------------------------------------------------------- tasks


_TASK_RE = re.compile(r"\[([^\]\n\t])\](?=[ \t]|$)")


def _tasks(state: StateCore) -> None:
    """``- [ ] todo``, ``- [x] done`` and Obsidian's other statuses (``[?]``, ``[-]``, ``[/]`` …): a ``task`` token
    (its content: the status character) at the start of the item's text; the item and its list get Material's
    ``task-list-item`` / ``task-list`` classes."""
    tokens = state.tokens
    for i in range(2, len(tokens)):
        tok = tokens[i]
        if tok.type != "inline" or tokens[i - 1].type != "paragraph_open" or tokens[i - 2].type != "list_item_open":
            continue
        children = tok.children
        first = children[0] if children else None
        if first is None or first.type != "text":
            continue
        m = _TASK_RE.match(first.content)
        if not m:
            continue
        task = Token("task", "", 0, content=m.group(1))
        first.content = first.content[m.end():]
        tok.children = [task, *(children if first.content else children[1:])]
        item = tokens[i - 2]
        item.attrJoin("class", "task-list-item")
        for j in range(i - 3, -1, -1):
            if tokens[j].level == item.level - 1 and tokens[j].type in ("bullet_list_open", "ordered_list_open"):
                if "task-list" not in str(tokens[j].attrGet("class") or ""):
                    tokens[j].attrJoin("class", "task-list")
                break


def _footnote_inline(state: StateInline, silent: bool) -> bool:
    """mdit-py-plugins' ``^[inline footnote]``, whose text is parsed on its own: positions inside it
    are shifted by where that text starts, so links and tags in a footnote keep their file offsets."""
    if not state.src.startswith("^[", state.pos):
        return False
    mapper = state.env.get(POS_KEY)
    start = state.pos
    if mapper is not None and not silent:
        state.env[POS_KEY] = lambda pos: mapper(pos + start + 2)  # the text starts after "^["
    try:
        found = footnote_inline(state, silent)
    finally:
        state.env[POS_KEY] = mapper
    if found and not silent:
        _record(state, state.tokens[-1], start, state.pos)  # the footnote_ref spans "^[…]"
    return found


def obsidian_plugin(md: MarkdownIt) -> None:
    """Add Obsidian's syntax to a markdown-it parser."""
    md.block.ruler.before("fence", "obsidian_comment", comment_block, {"alt": ["paragraph", "blockquote", "list"]})
    md.block.ruler.before("code", "admonition", admonition_block)
    md.inline.ruler.before("link", "wikilink", _wikilink(False))
    md.inline.ruler.before("image", "embed", _wikilink(True))
    md.inline.ruler.at("link", _with_span(_link_rule, "["))
    md.inline.ruler.at("image", _with_span(_image_rule, "!"))
    md.inline.ruler.before("emphasis", "obsidian_comment", _comment)
    md.inline.ruler.before("emphasis", "mark", _mark)
    md.inline.ruler.after("obsidian_comment", "tag", _tag)
    md.core.ruler.at("inline", _inline_with_positions)
    md.core.ruler.push("obsidian_unclosed_comment", _hide_rest)
    md.core.ruler.push("obsidian_tasks", _tasks)
    if "math_block" in md.block.ruler.get_all_rules():  # dollarmath's, without Obsidian's ways (see the rule)
        md.block.ruler.at("math_block", math_block, {"alt": ["paragraph", "reference", "blockquote", "list"]})
    if "math_inline" in md.inline.ruler.get_all_rules():  # dollarmath: where ``$$…$$`` sits in a paragraph
        rule = next(r for r in md.inline.ruler.__rules__ if r.name == "math_inline").fn
        md.inline.ruler.at("math_inline", _with_span(rule, "$", ("math_inline_double",)))
    if "html_inline" in md.inline.ruler.get_all_rules():  # where raw HTML tags sit (their src/href are links)
        rule = next(r for r in md.inline.ruler.__rules__ if r.name == "html_inline").fn
        md.inline.ruler.at("html_inline", _with_span(rule, "<", ("html_inline",)))
    if "footnote_inline" in md.inline.ruler.get_all_rules():
        md.inline.ruler.at("footnote_inline", _footnote_inline)


@lru_cache(maxsize=2)
def parser(blocks_only: bool = False) -> MarkdownIt:
    """The one configured parser (CommonMark + GFM tables/strikethrough + Obsidian); ``blocks_only``: without
    the inline phase (inline tokens keep their source but get no children), for readers that need blocks only."""
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.use(front_matter_plugin).use(footnote_plugin)
    md.use(dollarmath_plugin, allow_space=False, allow_digits=True, double_inline=True)  # as Obsidian: `$5 and $10` is text
    md.use(obsidian_plugin)
    if blocks_only:
        md.core.ruler.disable(["inline", "obsidian_tasks", "obsidian_unclosed_comment"])  # they need inline tokens
    return md


def parse_tokens(text: str, line_starts: list[int], env: dict | None = None, blocks_only: bool = False):
    """Tokens of ``text`` (already ``\\n``-normalised) with file positions in ``token.meta``."""
    env = {} if env is None else env
    env["_notedeck_text"] = text
    env["_notedeck_line_starts"] = line_starts
    tokens = parser(blocks_only).parse(text, env)
    env.pop("_notedeck_text", None)
    env.pop("_notedeck_line_starts", None)
    return tokens
