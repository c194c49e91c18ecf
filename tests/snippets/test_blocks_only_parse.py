"""The pytest plugin parses notes without their inline syntax (blocks only): it must see the very same
code blocks, with the same options, directives and hidden flags, as the full vault model."""

from __future__ import annotations

from pathlib import Path

import pytest

from notedeck.vault import parse_note
from notedeck.vault.files import read_note_text

REPO = Path(__file__).resolve().parents[2]
NOTES = sorted(p for root in (REPO / "notes", REPO / "tests" / "fixtures") for p in root.rglob("*.md")
               if not p.is_symlink() and ".obsidian" not in p.parts)


@pytest.mark.parametrize("path", NOTES, ids=lambda p: str(p.relative_to(REPO)))
def test_blocks_only_parse_sees_the_same_code(path: Path) -> None:
    text, _ = read_note_text(path)
    if text is None:
        pytest.skip("not a readable note (a bad-input fixture)")
    full, _ = parse_note(path, path.name, text)
    quick, _ = parse_note(path, path.name, text, blocks_only=True)

    def shape(note):
        return [(c.line, c.end_line, c.lang, c.info, c.code, c.hidden, c.directives, c.closed) for c in note.code_blocks]

    assert shape(quick) == shape(full)
