"""Block structure the site needs, and the edits that make Python-Markdown read a note's blocks as
CommonMark (Obsidian) does: quotes and list items with their columns, list re-indentation, fences and
blank lines where Python-Markdown needs them, custom task states, Markdown inside HTML containers.

Every function reads the vault model (tokens with line maps, the note's text) and returns edits
``(start, end, replacement)`` for :func:`notedeck.site.transform.transform` to splice.
"""

from __future__ import annotations

import re

from ..vault import CodeBlock, Note

BLOCK = "\x00block\x00"  # marks a multi-line replacement: its lines get the container's prefix

Edit = tuple[int, int, str]


def quote_spans(note: Note) -> list[tuple[int, int, int, object]]:
    """Every blockquote: (first line 0-based, end line exclusive, depth, Callout | None); cached."""
    cached = getattr(note, "_notedeck_quotes", None)
    if cached is not None:
        return cached
    out = []
    depth = 0
    for tok in note.tokens:
        if tok.type == "blockquote_open":
            depth += 1
            if tok.map:
                callout = tok.meta.get("callout")
                if callout is not None and not plain_prefix(note, tok.map[0], depth):
                    callout = None  # e.g. ``- > [!note]`` inside a list item: left as a quote
                out.append((tok.map[0], tok.map[1], depth, callout))
        elif tok.type == "blockquote_close":
            depth -= 1
    try:
        note._notedeck_quotes = out  # type: ignore[attr-defined]
    except AttributeError:
        pass
    return out


def columns(text: str, start: int, end: int, want: int) -> int | None:
    """Offset where ``want`` columns of leading blanks end (tabs to the next multiple of 4), or None."""
    col, p = 0, start
    while col < want:
        if p >= end or text[p] not in " \t":
            return None
        col = col + 1 if text[p] == " " else (col // 4 + 1) * 4
        p += 1
    return p if col == want else None


def after_quotes(text: str, start: int, end: int, depth: int) -> int | None:
    """Offset after ``depth`` quote markers (each with one optional space), or None (a lazy line)."""
    p = start
    for _ in range(depth):
        while p < end and text[p] in " \t":
            p += 1
        if p >= end or text[p] != ">":
            return None
        p += 1
        if p < end and text[p] == " ":
            p += 1
    return p


def list_items(note: Note) -> list[tuple[int, int, int, int, int, int]]:
    """Every list item: (first line 0-based, end line, depth within its quote, marker column, content
    column — columns counted after the quote markers —, quote depth)."""
    cached = getattr(note, "_notedeck_lists", None)
    if cached is not None:
        return cached
    text, ls = note.text, note.line_starts
    items: list[tuple[int, int, int, int, int, int]] = []
    depth = quotes = 0
    bases: list[int] = []  # list depth when each open quote began
    for tok in note.tokens:
        t = tok.type
        if t == "blockquote_open":
            quotes += 1
            bases.append(depth)
        elif t == "blockquote_close":
            quotes -= 1
            bases.pop()
        elif t == "list_item_close":
            depth -= 1
        elif t == "list_item_open":
            depth += 1
            if not tok.map:
                continue
            start = ls[tok.map[0]]
            end = note.line_end(tok.map[0])
            p = after_quotes(text, start, end, quotes)
            if p is None:
                continue
            col = 0
            while p < end and text[p] in " \t":
                col = col + 1 if text[p] == " " else (col // 4 + 1) * 4
                p += 1
            marker_col = col
            q = p
            while q < end and text[q].isdigit():
                q += 1
            if q >= end or text[q] not in "-*+.)":
                continue
            q += 1
            col += q - p
            gap, r = 0, q
            while r < end and text[r] in " \t":
                gap = gap + 1 if text[r] == " " else (gap // 4 + 1) * 4
                r += 1
            if gap > 4 or r >= end or gap == 0:
                gap = 1
            items.append((tok.map[0], tok.map[1], depth - (bases[-1] if bases else 0), marker_col, col + gap, quotes))
    try:
        note._notedeck_lists = items  # type: ignore[attr-defined]
    except AttributeError:
        pass
    return items


def list_edits(note: Note, a: int, b: int) -> list[Edit]:
    """Re-indent nested list content to Python-Markdown's 4 columns per level (Obsidian, like CommonMark,
    nests by the marker's width: 2 spaces under ``- ``, 3 under ``1. ``); inside quotes and callouts
    too, after their ``>`` markers."""
    items = list_items(note)
    if not items:
        return []
    text, ls = note.text, note.line_starts
    innermost: dict[int, tuple[int, int, int, int, int, int]] = {}
    for it in items:  # the innermost item of each line (deepest quote, then deepest list)
        for ln in range(max(it[0], a - 1), min(it[1], b)):
            cur = innermost.get(ln)
            if cur is None or (cur[5], cur[2]) <= (it[5], it[2]):
                innermost[ln] = it
    edits: list[Edit] = []
    for ln, it in innermost.items():
        start = ls[ln]
        end = note.line_end(ln)
        if not text[start:end].strip():
            continue
        if ln == it[0]:  # the item's marker line
            want, new = it[3], 4 * (it[2] - 1)
        else:
            want, new = it[4], 4 * it[2]
        if want == new:
            continue
        base = after_quotes(text, start, end, it[5])
        if base is None:
            continue
        p = columns(text, base, end, want)
        if p is not None:
            edits.append((base, p, " " * new))
    return edits


def fence_edits(note: Note, a: int, b: int) -> list[Edit]:
    """Fences as SuperFences needs them, where CommonMark (Obsidian) reads them anyway: the opening indented
    (1–3 spaces inside its container) or the closing indented differently — both are moved to the container's
    own indentation and the opening's indent taken off the code lines, as CommonMark does —, info strings and
    closings (:func:`_info_and_closing`)."""
    text, ls = note.text, note.line_starts
    edits: list[Edit] = []
    for cb in note.code_blocks:
        if cb.hidden or not (a <= cb.line and cb.end_line <= b):
            continue
        ln0 = cb.line - 1
        edits += _info_and_closing(note, cb)
        last = cb.end_line - 1 if cb.closed else None
        if text.startswith(cb.markup, ls[ln0]) and (last is None or text.startswith(cb.markup, ls[last])):
            continue  # the common case: both at column 0
        depth = sum(1 for q in quote_spans(note) if q[0] <= ln0 < q[1])
        items = [it for it in list_items(note) if it[0] < ln0 < it[1] and it[5] == depth]
        content_col = max(items, key=lambda it: it[2])[4] if items else 0

        def inner(ln: int) -> tuple[int, int] | None:
            """Where the line's text starts inside the container, and the end of the line."""
            start = ls[ln]
            end = note.line_end(ln)
            p = after_quotes(text, start, end, depth)
            p = columns(text, p, end, content_col) if (p is not None and content_col) else p
            return None if p is None else (p, end)

        def spaces(p: int, end: int, most: int) -> int:
            n = 0
            while n < most and p + n < end and text[p + n] == " ":
                n += 1
            return n

        opening = inner(ln0)
        if opening is None:
            continue
        indent = spaces(*opening, 3)
        lines = [(ln0, indent)]
        if last is not None:
            lines += [(ln, indent) for ln in range(ln0 + 1, last)]
            closing = inner(last)
            if closing is not None:
                lines.append((last, spaces(*closing, 3)))
        for ln, most in lines:
            where = inner(ln) if ln != ln0 else opening
            if where is not None and most:
                n = spaces(where[0], where[1], most)
                if n:
                    edits.append((where[0], where[0] + n, ""))
    return edits


#: Info-string options SuperFences (with pymdownx.highlight) understands; any other word breaks the fence there.
_FENCE_OPTIONS = ("title", "linenums", "hl_lines")
_LANG = re.compile(r"[\w#.+-]*")


def _info_and_closing(note: Note, cb: CodeBlock) -> list[Edit]:
    """An info string of the language and the options SuperFences knows only (``python test="skip"``,
    ``java hl:2`` and plugins' options made the block inline code), and a closing fence where the container
    (a quote, a callout, a list item, the note) closed the block."""
    text, ls = note.text, note.line_starts
    edits: list[Edit] = []
    ln0 = cb.line - 1
    line = text[ls[ln0]:note.line_end(ln0)]
    at = line.find(cb.markup)
    info = line[at + len(cb.markup):] if at >= 0 else ""
    lang = cb.lang if _LANG.fullmatch(cb.lang) else ""  # ``` hl:3``: no language at all
    wanted = " ".join([lang] + [f'{k}="{v}"' for k, v in cb.options.items() if k in _FENCE_OPTIONS]).strip()
    if at >= 0 and info.strip() != wanted:
        edits.append((ls[ln0] + at + len(cb.markup), ls[ln0] + len(line), wanted))
    if not cb.closed:
        prefix = _container_prefix(note, ln0)
        if prefix is not None:
            end = note.line_end(cb.end_line - 1)
            edits.append((end, end, "\n" + prefix + cb.markup))
    return edits


def _container_prefix(note: Note, ln0: int) -> str | None:
    """The prefix Python-Markdown's reading of the site page puts before a line of the block at ``ln0``:
    ``> `` per plain quote, 4 spaces per callout or list level; None when quotes and callouts are mixed."""
    levels = [q for q in quote_spans(note) if q[0] <= ln0 < q[1]]
    if levels and all(q[3] is not None for q in levels):
        return "    " * len(levels)
    if levels and all(q[3] is None for q in levels):
        return "> " * len(levels)
    if levels:
        return None
    depth = max((it[2] for it in list_items(note) if it[5] == 0 and it[0] <= ln0 < it[1]), default=0)
    return "    " * depth


def separation_edits(note: Note, a: int, b: int) -> list[Edit]:
    """Blank lines Python-Markdown needs where CommonMark (and Obsidian) need none: before a list or a fence
    that interrupts a paragraph, around display math (``$$`` blocks, and ``$$…$$`` on lines of their own
    inside a paragraph); ``$$…$$`` inside a line becomes inline ``\\(\\displaystyle …\\)``; an empty list
    item gets content so that ``- x`` / ``- `` is not read as a setext heading."""
    text, ls = note.text, note.line_starts
    nlines = len(ls)
    starts: set[int] = set()  # 0-based lines that must follow a blank line
    blocks: set[tuple[int, int]] = set()  # (line, quote depth) of a list or fence: the same unless the line
    in_items: set[tuple[int, int]] = set()  # before is in a list item at that depth (a nested list, a fence in it)
    edits: list[Edit] = []


    list_depths = [0]  # open lists, per quote level
    quotes = quote_spans(note)
    single: set[int] = {q[0] for q in quotes if q[3] is not None}  # lines that end a block by themselves
    plain_quotes = {q[0]: q[3] is None for q in quotes}  # first line → a quote the site keeps as a quote
    previous_quote = -1
    for i, tok in enumerate(note.tokens):
        t = tok.type
        depth = len(list_depths) - 1
        if t == "heading_open" and tok.map:
            single.add(tok.map[0])
        elif t in ("bullet_list_open", "ordered_list_open"):
            if list_depths[-1] == 0 and tok.map:
                blocks.add((tok.map[0], depth))
                if i and note.tokens[i - 1].type in ("bullet_list_close", "ordered_list_close") and a - 1 <= tok.map[0] < b:
                    # a list right after another (another marker): CommonMark starts a new one, Python-Markdown
                    # would go on with the first unless something stands between them
                    p = after_quotes(text, ls[tok.map[0]], note.line_end(tok.map[0]), depth)
                    if p is not None:
                        edits.append((p, p, BLOCK + "\n<!-- -->\n\n"))
            if _loose(note.tokens, i):  # items after a blank line: Python-Markdown wants one before each item
                starts.update(item.map[0] for item in _items(note.tokens, i)[1:] if item.map)
            list_depths[-1] += 1
        elif t in ("bullet_list_close", "ordered_list_close"):
            list_depths[-1] -= 1
        elif t == "fence" and tok.map:
            blocks.add((tok.map[0], depth))
        elif t == "blockquote_open":
            if tok.map and len(list_depths) == 1 and i and note.tokens[i - 1].type == "blockquote_close" \
                    and a - 1 <= tok.map[0] < b and plain_quotes.get(tok.map[0]) and plain_quotes.get(previous_quote):
                # two quotes apart in CommonMark; Python-Markdown would join them across the blank line
                edits.append((ls[tok.map[0]], ls[tok.map[0]], "<!-- -->\n\n"))
            if tok.map and len(list_depths) == 1:
                previous_quote = tok.map[0]
            list_depths.append(0)
            if tok.map:
                starts.add(tok.map[0])  # a quote (a callout) interrupting a paragraph, in a list item too
        elif t == "blockquote_close":
            list_depths.pop()
        elif t == "list_item_open" and tok.map:
            in_items.update((k, depth) for k in range(tok.map[0], tok.map[1]))
        if t == "list_item_open" and tok.map and note.tokens[i + 1].type == "list_item_close":
            ln = tok.map[0]
            if a - 1 <= ln < b:
                end = note.line_end(ln)
                edits.append((end, end, " <span></span>" if text[end - 1:end] in ("-", "*", "+", ".", ")") else "<span></span>"))
    for s in note.math:
        first, after = s.line - 1, note.line_of(s.end - 1)
        starts.update((first, after))
        for k in range(max(first + 1, a - 1), min(after - 1, b)):  # blank lines inside: arithmatex ends there
            if not text[ls[k]:note.line_end(k)].replace(">", "").strip():
                edits.append((ls[k] - 1, note.line_end(k), ""))
    for s in note.display_math:
        first, last = s.line - 1, note.line_of(s.end) - 1
        head = text[ls[first]:s.start].replace(">", "").strip()
        tail = text[s.end:note.line_end(last)].strip()
        if not head and not tail:  # lines of their own: a display block
            starts.update((first, last + 1))
        else:
            edits += [(s.start, s.start + 2, "\\(\\displaystyle "), (s.end - 2, s.end, "\\)")]
    starts.update(ln for ln, depth in blocks if (ln - 1, depth) not in in_items)
    for ln in starts:
        if not (a - 1 < ln < min(b, nlines)) or ln - 1 in single \
                or not text[ls[ln - 1]:note.line_end(ln - 1)].replace(">", "").strip():
            continue  # the line before is blank, a heading or a callout's title already (or out of range)
        if not text[ls[ln]:note.line_end(ln)].replace(">", "").strip():
            continue
        levels = [q for q in quotes if q[0] <= ln - 1 and ln < q[1]]  # the quotes around both lines
        if all(q[3] is not None for q in levels):  # none, or callouts only (indented blocks): a bare blank line
            edits.append((ls[ln], ls[ln], "\n"))
        elif all(q[3] is None for q in levels):  # plain quotes: a blank line that keeps their markers
            p = after_quotes(text, ls[ln], note.line_end(ln), len(levels))
            if p is not None:
                edits.append((ls[ln], ls[ln], text[ls[ln]:p].rstrip() + "\n"))
    return edits


_TASK = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\[([^\]\sxX])\](?=[ \t]|$)")


def task_edits(note: Note, a: int, b: int) -> list[Edit]:
    """``- [?]``, ``- [-]``, ``- [/]`` …: Obsidian shows any status character as a done task; Python-Markdown's
    tasklist knows ``[ ]`` and ``[x]`` only, so the character becomes ``x``."""
    text, ls = note.text, note.line_starts
    edits: list[Edit] = []
    for first, _, _, _, _, quotes in list_items(note):
        if not (a - 1 <= first < b):
            continue
        end = note.line_end(first)
        p = after_quotes(text, ls[first], end, quotes)
        m = _TASK.match(text, p, end) if p is not None else None
        if m:
            edits.append((m.start(1), m.end(1), "x"))
    return edits


#: HTML elements that hold Markdown in Obsidian when it follows their opening tag after a blank line.
_MD_CONTAINERS = frozenset("address article aside blockquote center details dialog div fieldset figure footer "
                           "header main nav section".split())
_OPEN_TAG = re.compile(r"[ \t]*<([A-Za-z][A-Za-z0-9-]*)\b[^>]*?(/?)>")


def html_block_edits(note: Note, a: int, b: int) -> list[Edit]:
    """``<details>``, ``<div>`` … opened in an HTML block and closed later, with Markdown between: CommonMark
    (Obsidian) renders that Markdown, Python-Markdown only with ``markdown="1"`` (md_in_html), added here.
    A ``<![`` that opens no CDATA section (``<![[embed]]`` in an HTML block) is escaped: Python-Markdown's
    HTML parser stops the whole page on it."""
    text, ls = note.text, note.line_starts
    edits: list[Edit] = []
    for tok in note.tokens:
        if tok.type != "html_block" or not tok.map or not (a - 1 <= tok.map[0] < b):
            continue
        start = ls[tok.map[0]]
        end = ls[tok.map[1]] if tok.map[1] < len(ls) else len(text)
        edits += [(k.start(), k.start() + 1, "&lt;") for k in _BAD_DECLARATION.finditer(text, start, end)]
        m = _OPEN_TAG.match(text, start)
        if not m or m.group(2) or "markdown=" in m.group(0):
            continue
        tag = m.group(1).lower()
        if tag in _MD_CONTAINERS and f"</{tag}" not in tok.content.lower():
            edits.append((m.end() - 1, m.end() - 1, ' markdown="1"'))
    return edits


_ITEM_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])[ \t]+")
_BAD_DECLARATION = re.compile(r"<!\[(?!CDATA\[)")


def hash_edits(note: Note, a: int, b: int) -> list[Edit]:
    """``#`` starts a heading for Python-Markdown even without a space after it; for CommonMark (Obsidian)
    ``#1984 …`` or ``#✅done`` at the start of a line is text: such a ``#`` is escaped. An ATX heading indented
    1–3 spaces loses its indent (Python-Markdown needs ``#`` in column 0)."""
    text, ls = note.text, note.line_starts
    tags = {t.span.start for t in note.tags if t.span is not None}
    item_lines = {it[0] for it in list_items(note)}
    edits: list[Edit] = []


    depth = 0
    for tok in note.tokens:
        if tok.type in ("blockquote_open", "bullet_list_open", "ordered_list_open"):
            depth += 1
        elif tok.type in ("blockquote_close", "bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif tok.type == "heading_open" and tok.map and tok.markup.startswith("#") and depth == 0:
            start = ls[tok.map[0]]
            line = text[start:note.line_end(tok.map[0])]
            indent = len(line) - len(line.lstrip(" "))
            if 0 < indent < 4 and a - 1 <= tok.map[0] < b:
                edits.append((start, start + indent, ""))
        elif tok.type == "paragraph_open" and tok.map:
            for ln in range(max(tok.map[0], a - 1), min(tok.map[1], b)):
                p, end = ls[ln], note.line_end(ln)
                while p < end and text[p] in " \t>":
                    p += 1
                if ln in item_lines:
                    m = _ITEM_MARKER.match(text, p, end)
                    p = m.end() if m else p
                q = p
                while q < end and text[q] == "#":
                    q += 1
                if q > p and q < end and text[q] not in " \t" and p not in tags:
                    edits.append((p, p, "\\"))
    return edits


def _items(tokens: list, open_index: int) -> list:
    """The ``list_item_open`` tokens of the list opened at ``open_index``."""
    level = tokens[open_index].level + 1
    out = []
    for tok in tokens[open_index + 1:]:
        if tok.level < level:
            break
        if tok.level == level and tok.type == "list_item_open":
            out.append(tok)
    return out


def _loose(tokens: list, open_index: int) -> bool:
    """markdown-it's verdict on the list opened at ``open_index``: its paragraphs show (a loose list)."""
    level = tokens[open_index].level + 2
    for tok in tokens[open_index + 1:]:
        if tok.level < level - 1:
            return False
        if tok.level == level and tok.type == "paragraph_open":
            return not tok.hidden
    return False


def plain_prefix(note: Note, line0: int, depth: int) -> bool:
    """The line starts with ``depth`` quote markers (only blanks between them)."""
    ls = note.line_starts
    end = ls[line0 + 1] if line0 + 1 < len(ls) else len(note.text)
    return after_quotes(note.text, ls[line0], end, depth) is not None
