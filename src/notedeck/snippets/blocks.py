"""A note's runnable blocks: which fences run, how, under which marks (skip/xfail/timeout).

Like Sybil's regions + evaluators: every rule that changes how a block is treated is a small
function in :data:`MARK_RULES` turning a :class:`~notedeck.vault.CodeBlock` into :class:`Mark`\\ s.
The pytest plugin turns marks into pytest markers, the runner and the extractor read
:attr:`Block.runs` / :attr:`Block.may_fail`; nobody else looks at info strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
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
    figures: tuple[str, ...] = ()  # ``figure="a.png, b.png"``: images this block draws

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

    def to_wire(self) -> tuple:
        """This block as plain tuples for a worker process (fast to pickle; the worker does not import the
        vault model to read them); :meth:`from_wire` rebuilds it with :class:`Fence`\\ s."""
        f, e = self.fence, self.expect
        return (self.index, (f.code, f.line, f.code_line, f.end_line, f.hidden), self.name, self.kind,
                (e.code, e.line, e.code_line, e.end_line, e.hidden) if e is not None else None,
                tuple((m.name, m.reason) for m in self.marks), self.timeout, self.figures)

    @classmethod
    def from_wire(cls, data: tuple) -> Block:
        index, fence, name, kind, expect, marks, timeout, figures = data
        return cls(index, Fence(*fence), name, kind, Fence(*expect) if expect else None,  # type: ignore[arg-type]
                   tuple(Mark(*m) for m in marks), timeout, figures)


@dataclass(frozen=True)
class Fence:
    """The parts of a :class:`~notedeck.vault.CodeBlock` that running it needs."""

    code: str
    line: int
    code_line: int
    end_line: int
    hidden: bool = False



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
# (Sybil's ``<!-- skip: next -->`` comments are read from the token stream: see :func:`_sybil_skips`.)

_TEST_VALUES = frozenset({"skip", "no", "false", "notest", "xfail", "run", "yes", "true"})


def _timeout(fence: CodeBlock) -> float | None:
    raw = fence.options.get("timeout")
    if raw is None:
        return None
    try:
        value = float(raw.strip().rstrip("s"))
    except ValueError:
        return None
    return value if value > 0 else None


def figure_names(fence: CodeBlock) -> tuple[str, ...]:
    """``figure="a.png"`` or ``figure="a.png, b.png"`` (comma-separated; ``figures=`` too), in order."""
    raw = fence.options.get("figure", "") + "," + fence.options.get("figures", "")
    return tuple(dict.fromkeys(n.strip() for n in raw.split(",") if n.strip()))


def option_problems(fence: CodeBlock) -> list[tuple[str, str]]:
    """``(key, message)`` for each option value of a runnable fence that notedeck cannot use."""
    out: list[tuple[str, str]] = []
    raw = fence.options.get("timeout")
    if raw is not None and _timeout(fence) is None:
        out.append(("timeout", f'timeout="{raw}" is not a positive number of seconds; the default timeout applies'))
    test = fence.options.get("test")
    if test is not None and test.strip().lower() not in _TEST_VALUES:
        out.append(("test", f'test="{test}" is not one of skip, xfail (or notest, no, false); the block runs'))
    for key in ("figure", "figures"):
        if key in fence.options and not figure_names(fence):
            out.append((key, f'{key}="{fence.options[key]}" names no image'))
    for name in figure_names(fence):
        parts = name.replace("\\", "/").split("/")
        if not name.lower().endswith(".png"):
            out.append(("figure", f'figure "{name}" must be a .png file (the code hash is kept in a PNG text chunk)'))
        elif name.startswith("/") or ".." in parts or "" in parts:
            out.append(("figure", f'figure "{name}" must be a file name or a vault-relative path without ".."'))
    return out


_SYBIL_SKIP = re.compile(r"<!--\s*skip:\s*(next|start|end)\b\s*(.*?)\s*-->", re.IGNORECASE | re.DOTALL)


def _sybil_skips(note: Note) -> dict[int, str]:
    """token index of a fence → reason, for Sybil's ``<!-- skip: next -->`` / ``start`` … ``end`` comments."""
    skipped: dict[int, str] = {}
    pending: str | None = None  # a ``skip: next`` waiting for its fence
    in_range: str | None = None
    for i, tok in enumerate(note.tokens):
        if tok.type == "html_block":
            m = _SYBIL_SKIP.search(tok.content)
            if m:
                what = m.group(1).lower()
                label = f"<!-- skip: {what} -->"
                if what == "next":
                    pending = label
                elif what == "start":
                    in_range = label
                else:
                    in_range = None
                continue
        if tok.type == "fence":
            reason = pending or in_range
            if reason:
                skipped[i] = reason
            pending = None
        elif tok.nesting == 0 and tok.type not in ("html_block", "inline"):
            pending = None
        elif tok.type.startswith(("paragraph_open", "heading_open")):
            pending = None
    return skipped


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
    sybil = _sybil_skips(note) if "<!--" in note.text else {}
    for i, fence in enumerate(note.code_blocks):
        kind = kind_of(fence)
        if kind is None:
            continue
        marks = tuple(m for m in (rule(fence) for rule in MARK_RULES) if m is not None)
        if fence.token_index in sybil:
            marks += (Mark("skip", sybil[fence.token_index]),)
        if any(m.name == "skip" for m in marks):
            marks = tuple(m for m in marks if m.name == "skip")[:1]
        name = _BAD_ID.sub("-", fence.options.get("id", "").strip()).strip("-")
        if not name or name in names:
            name = f"L{fence.line}"
        names.add(name)
        out.append(Block(len(out), fence, name, kind, _output_after(note, i), marks, _timeout(fence),
                         figure_names(fence) if kind == "python" else ()))
    return out


def bad_options(note: Note, blocks: list[Block] | None = None) -> list[tuple[int, int, str]]:
    """``(line, col, message)`` of each unusable option value of the note's runnable blocks (see
    :func:`option_problems`); col is where ``key=`` stands on the fence line."""
    out: list[tuple[int, int, str]] = []
    for b in blocks if blocks is not None else blocks_of(note):
        for key, message in option_problems(b.fence):
            col = 1
            if b.line - 1 < len(note.line_starts):
                start = note.line_starts[b.line - 1]
                end = note.text.find("\n", start)
                at = note.text[start:end if end >= 0 else len(note.text)].find(key + "=")
                col = at + 1 if at >= 0 else 1
            out.append((b.line, col, message))
    return out
