"""Modules a note's code needs: ``requires: [scipy]`` in the front matter (all of the note's blocks), or
``requires="scipy, sympy"`` on one block. Under pytest, a block whose modules are not installed is skipped with
"scipy is not installed" instead of failing; ``notedeck check`` lists them (``missing-module``, an info: the
notes are fine, this machine lacks a package).

Names are import names (``sklearn``, not ``scikit-learn``); ``a.b`` needs ``a``.
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from typing import Any

from ..vault import Diagnostics, Note, Vault

_SPLIT = re.compile(r"[,\s]+")


def _names(value: Any) -> list[str]:
    if value is None or value is False:
        return []
    items = value if isinstance(value, list) else _SPLIT.split(str(value))
    return [str(i).strip() for i in items if i is not None and str(i).strip()]


def requirements(note: Note, fence: Any = None) -> list[str]:
    """The modules ``note`` (and, given, one of its fences) declares it needs, in order, without repeats."""
    names = _names(note.frontmatter.get("requires"))
    if fence is not None:
        names += _names(fence.options.get("requires"))
    return list(dict.fromkeys(names))


@lru_cache(maxsize=256)
def installed(name: str) -> bool:
    top = name.split(".", 1)[0]
    try:
        return importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        return False


def missing(note: Note, fence: Any = None) -> list[str]:
    return [n for n in requirements(note, fence) if not installed(n)]


def skip_reason(names: list[str]) -> str:
    if len(names) == 1:
        return f"{names[0]} is not installed"
    return f"{', '.join(names[:-1])} and {names[-1]} are not installed"


def requires_diagnostics(vault: Vault, diagnostics: Diagnostics) -> None:
    """One ``missing-module`` info per note whose declared modules are not installed here."""
    from .blocks import blocks_of

    for note in vault.notes.values():
        if "requires" not in note.text:
            continue
        gone: list[str] = []
        for block in blocks_of(note):
            gone += [n for n in missing(note, block.fence) if n not in gone]
        if gone:
            diagnostics.add(note.path, 1, 1, "info", "missing-module",
                            f"{skip_reason(gone)}: this note's blocks that need them are skipped under pytest "
                            f"(pip install {' '.join(gone)})")
