"""A note's runnable blocks: which fences run, how, under which marks (skip/xfail/timeout).

Like Sybil's regions + evaluators: every rule that changes how a block is treated is a small
function in :data:`MARK_RULES` turning a :class:`~notedeck.vault.CodeBlock` into :class:`Mark`\\ s.
The pytest plugin turns marks into pytest markers, the runner and the extractor read
:attr:`Block.runs` / :attr:`Block.may_fail`; nobody else looks at info strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from collections.abc import Callable

from notedeck.vault import CodeBlock, Note

PYTHON_LANGS = frozenset({"python", "py", "python3"})
DOCTEST_LANGS = frozenset({"pycon"})
OUTPUT_LANG = "output"


@dataclass(frozen=True)
class Mark:
    """How a block is treated: ``skip`` (never run, never extracted) or ``xfail`` (expected to fail)."""

    name: Literal["skip", "xfail"]
    reason: str


@dataclass(frozen=True)
class Block:
    """One runnable fence of a note, in order (``index`` counts runnable blocks only)."""

    index: int
    fence: CodeBlock
    name: str  # ``id="…"`` or ``L<line>``: the pytest item name
    kind: Literal["python", "doctest"]
    expect: CodeBlock | None = None  # the ``output`` fence right after it
    marks: tuple[Mark, ...] = ()
    timeout: float | None = None  # ``timeout="S"``; None = the configured default

    @property
    def line(self) -> int:
        return self.fence.line

    @property
    def code(self) -> str:
        return self.fence.code

    @property
    def runs(self) -> bool:
        """False for skipped blocks (not run, not extracted)."""
        return not any(m.name == "skip" for m in self.marks)

    @property
    def may_fail(self) -> bool:
        return any(m.name == "xfail" for m in self.marks)


# ------------------------------------------------------------------ mark rules


def _test_option(fence: CodeBlock) -> Mark | None:
    value = fence.options.get("test", "").strip().lower()
    if value in ("skip", "no", "false", "notest"):
        return Mark("skip", f'test="{value}"')
    if value == "xfail":
        return Mark("xfail", 'test="xfail"')
    return None


def _skip_flags(fence: CodeBlock) -> Mark | None:
    for flag in ("notest", "skip"):
        if flag in fence.flags:
            return Mark("skip", flag)
    if "xfail" in fence.flags:
        return Mark("xfail", "xfail")
    return None


def _directive(fence: CodeBlock) -> Mark | None:
    """``%% notedeck: skip %%`` (or ``xfail``) on the line(s) before the fence."""
    words = {w.lower() for w in fence.directives}
    if words & {"skip", "notest"}:
        return Mark("skip", "%% notedeck: skip %%")
    if "xfail" in words:
        return Mark("xfail", "%% notedeck: xfail %%")
    return None


#: Each rule may add one mark; the first skip wins over any xfail.
MARK_RULES: list[Callable[[CodeBlock], Mark | None]] = [_test_option, _skip_flags, _directive]


def _timeout(fence: CodeBlock) -> float | None:
    raw = fence.options.get("timeout")
    if raw is None:
        return None
    try:
        value = float(raw.strip().rstrip("s"))
    except ValueError:
        return None
    return value if value > 0 else None


_BAD_ID = re.compile(r"(::|\s|\[|\])+")


def kind_of(fence: CodeBlock) -> Literal["python", "doctest"] | None:
    """``python``/``py``/``python3`` run as code (as a doctest when the body starts with ``>>>``),
    ``pycon`` as a doctest; anything else (including fences without a language) never runs."""
    if fence.lang in DOCTEST_LANGS:
        return "doctest"
    if fence.lang in PYTHON_LANGS:
        return "doctest" if fence.code.lstrip().startswith(">>>") else "python"
    return None


def _output_after(note: Note, i: int) -> CodeBlock | None:
    """The ``output`` fence directly after ``note.code_blocks[i]`` (only structure tokens between)."""
    blocks = note.code_blocks
    if i + 1 >= len(blocks) or blocks[i + 1].lang != OUTPUT_LANG:
        return None
    a, b = blocks[i].token_index, blocks[i + 1].token_index
    for tok in note.tokens[a + 1:b]:
        if tok.nesting == 0 or tok.type.startswith(("paragraph", "heading")):
            return None
    return blocks[i + 1]


def blocks_of(note: Note) -> list[Block]:
    """The runnable blocks of ``note`` in source order, hidden setup blocks included."""
    out: list[Block] = []
    names: set[str] = set()
    for i, fence in enumerate(note.code_blocks):
        kind = kind_of(fence)
        if kind is None:
            continue
        marks = tuple(m for m in (rule(fence) for rule in MARK_RULES) if m is not None)
        if any(m.name == "skip" for m in marks):
            marks = tuple(m for m in marks if m.name == "skip")[:1]
        name = _BAD_ID.sub("-", fence.options.get("id", "").strip()).strip("-")
        if not name or name in names:
            name = f"L{fence.line}"
        names.add(name)
        out.append(Block(len(out), fence, name, kind, _output_after(note, i), marks, _timeout(fence)))
    return out
