"""``bad-frontmatter`` that says how to fix: where the broken construct starts, in plain words, and what is lost.

PyYAML reports where it gave up (``problem_mark``), which for an unclosed ``[``, ``{`` or quote is a later line;
its ``context_mark`` is where that construct was opened. The message names the construct, its place, and that
the note's properties are ignored (as Obsidian ignores them).
"""

from __future__ import annotations

LOST = "the note's title, tags, aliases and other properties are ignored until it is fixed"

_OPENERS = {
    "while parsing a flow sequence": ("'['", "never closed by ']' (or an item lacks a comma)"),
    "while parsing a flow mapping": ("'{'", "never closed by '}' (or an entry lacks a comma)"),
    "while scanning a quoted scalar": ("quote", "never closed"),
    "while parsing a block mapping": ("mapping", "has a line that is not 'key: value'"),
    "while scanning a simple key": ("key", "lacks its ':'"),
}


def explain(error: Exception, first_line: int = 2) -> tuple[int, int, str]:
    """``(line, col, message)`` of a YAML error in front matter whose first line is ``first_line`` of the note."""
    problem_mark = getattr(error, "problem_mark", None)
    context_mark = getattr(error, "context_mark", None)
    context = (getattr(error, "context", None) or "").strip()
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    at = problem_mark or context_mark
    line = at.line + first_line if at else first_line - 1
    col = at.column + 1 if at else 1
    for key, (what, how) in _OPENERS.items():
        if context.startswith(key) and context_mark is not None:
            opened = context_mark.line + first_line
            if key == "while parsing a block mapping" and problem_mark is not None:
                bad = problem_mark.line + first_line
                return bad, problem_mark.column + 1, (
                    f"invalid YAML front matter: line {bad} is not 'key: value' like the lines above it "
                    f"({problem}); {LOST}")
            where = "this line" if opened == line else f"line {opened}"
            return opened, context_mark.column + 1, (
                f"invalid YAML front matter: the {what} opened on {where} is {how} (YAML gave up at line {line}: "
                f"{problem}); {LOST}")
    return line, col, f"invalid YAML front matter: {problem} (line {line}, column {col}); {LOST}"
