"""Obsidian's (and MkDocs') block syntax as markdown-it-py block rules: ``%% … %%`` comment blocks, ``$$`` math as
Obsidian reads it, and MkDocs-style ``!!!`` admonitions."""

from __future__ import annotations

import re

from markdown_it.rules_block import StateBlock


#: MkDocs' admonitions: ``!!! note "Title"``, ``??? tip`` (folded), ``???+ tip`` (foldable, open).
_ADMONITION_RE = re.compile(r'^(!!!|\?\?\?\+?)[ \t]+([\w-]+)(?:[ \t]+[\w-]+)*(?:[ \t]+"([^"]*)")?[ \t]*$')


def admonition_block(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    """A MkDocs-style admonition, which many MkDocs users' notes hold: the marker line, then its content indented
    4 spaces. Becomes ``admonition_open``/``_close`` around the content's blocks (the model makes it a callout)."""
    if state.sCount[startLine] - state.blkIndent >= 4:
        return False
    start = state.bMarks[startLine] + state.tShift[startLine]
    m = _ADMONITION_RE.match(state.src[start:state.eMarks[startLine]])
    if not m:
        return False
    if silent:
        return True
    last = startLine + 1
    while last < endLine and (state.isEmpty(last) or state.sCount[last] - state.blkIndent >= 4):
        last += 1
    while last > startLine + 1 and state.isEmpty(last - 1):
        last -= 1
    token = state.push("admonition_open", "div", 1)
    token.map = [startLine, last]
    token.markup = m.group(1)
    token.info = m.group(2)
    token.content = m.group(3) if m.group(3) is not None else m.group(2).capitalize()
    old_indent, old_parent = state.blkIndent, state.parentType
    state.blkIndent, state.parentType = state.sCount[startLine] + 4, "admonition"
    state.md.block.tokenize(state, startLine + 1, last)
    state.blkIndent, state.parentType = old_indent, old_parent
    state.push("admonition_close", "div", -1)
    state.line = last
    return True



def comment_block(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    """``%%`` at the start of a block opens an Obsidian comment that ends at the next ``%%``."""
    if state.sCount[startLine] - state.blkIndent >= 4:
        return False
    start = state.bMarks[startLine] + state.tShift[startLine]
    first = state.src[start:state.eMarks[startLine]]
    if not first.startswith("%%"):
        return False
    rest = first[2:]
    inner_close = rest.find("%%")
    if inner_close >= 0:
        if rest[inner_close + 2:].strip():
            return False  # ``%%x%% more text``: an inline comment inside a paragraph
        end_line = startLine
    else:
        end_line = -1
        for ln in range(startLine + 1, endLine):
            line = state.src[state.bMarks[ln] + state.tShift[ln]:state.eMarks[ln]]
            if "%%" in line:
                if line[line.find("%%") + 2:].strip():
                    return False  # text after the closer: the paragraph's inline comment rule handles it
                end_line = ln
                break
        if end_line < 0:
            end_line = endLine - 1  # unclosed: Obsidian hides the rest of the note
    if silent:
        return True
    token = state.push("obsidian_comment_open", "", 1)
    token.map = [startLine, end_line + 1]
    token.markup = "%%"
    token.content = rest[:inner_close].strip() if inner_close >= 0 else rest.strip()
    token.meta["start"] = start
    last = state.src[state.bMarks[end_line] + state.tShift[end_line]:state.eMarks[end_line]]
    token.meta["closed"] = inner_close >= 0 or "%%" in last and end_line > startLine
    close_at = last.find("%%") if end_line > startLine else -1
    line_start = state.bMarks[end_line] + state.tShift[end_line]
    token.meta["end"] = (line_start + close_at + 2) if close_at >= 0 else state.eMarks[end_line]
    # The lines strictly between a bare ``%%`` opener and the closer are parsed as blocks, so a
    # fence in there is found (hidden setup code) but never shown.
    if end_line > startLine + 1 and not rest.strip():
        old_parent, old_max = state.parentType, state.lineMax
        state.parentType = "obsidian_comment"
        state.lineMax = end_line if token.meta["closed"] else end_line + 1
        state.md.block.tokenize(state, startLine + 1, state.lineMax)
        state.parentType, state.lineMax = old_parent, old_max
    close = state.push("obsidian_comment_close", "", -1)
    close.markup = "%%"
    state.line = end_line + 1
    return True


_MATH_CLOSE = re.compile(r"\$\$[ \t]*(?:\^([A-Za-z0-9-]+))?[ \t]*$")


def math_block(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    """``$$`` … ``$$`` display math as Obsidian reads it: it may follow a text line directly, hold blank lines,
    and its closing line may carry a block id (``$$ ^eq``, kept in ``meta["block_id"]``). A ``$$`` that
    closes one opened inside the paragraph above (``Energy: $$`` / ``E=mc^2`` / ``$$``) is not an opener."""
    start = state.bMarks[startLine] + state.tShift[startLine]
    if not state.src.startswith("$$", start) or state.sCount[startLine] - state.blkIndent >= 4:
        return False
    first = state.src[start:state.eMarks[startLine]]
    if state.parentType == "paragraph" and _open_display_math_above(state, startLine):
        return False
    m = _MATH_CLOSE.search(first, 2)
    if m and first[2:m.start()].strip():  # ``$$ x $$`` on one line
        last, content = startLine, first[2:m.start()]
    elif first[2:].strip():
        return False  # ``$$x$$ and text``: inline math in a paragraph
    else:
        last, m = startLine + 1, None
        while last < endLine:
            if state.sCount[last] < state.blkIndent and not state.isEmpty(last):
                return False  # the container ended first
            line = state.src[state.bMarks[last] + state.tShift[last]:state.eMarks[last]]
            m = _MATH_CLOSE.search(line)
            if m and (m.start() == 0 or not line[:m.start()].strip() or line.rstrip().endswith("$$")):
                break
            last += 1
        if m is None or last >= endLine:
            return False
        body = state.getLines(startLine + 1, last, state.blkIndent, True)
        line = state.src[state.bMarks[last] + state.tShift[last]:state.eMarks[last]]
        content = body + line[:m.start()]
    if silent:
        return True
    state.line = last + 1
    token = state.push("math_block", "math", 0)
    token.block = True
    token.content = content.strip("\n") + "\n" if content.strip() else ""
    token.markup = "$$"
    token.map = [startLine, state.line]
    if m.group(1):
        token.meta["block_id"] = m.group(1)
    return True


def _open_display_math_above(state: StateBlock, line: int) -> bool:
    """The paragraph's lines above ``line`` hold an odd number of ``$$``: this ``$$`` closes one."""
    count = 0
    k = line - 1
    while k >= 0 and not state.isEmpty(k):
        count += state.src.count("$$", state.bMarks[k] + state.tShift[k], state.eMarks[k])
        k -= 1
    return count % 2 == 1


