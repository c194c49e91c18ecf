"""Any text in a card-enabled note builds a deck or a diagnostic, never a traceback."""

from __future__ import annotations

import tempfile
from pathlib import Path

from anki_helpers import config_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notedeck.anki.cards import extract
from notedeck.anki.emit import emit
from notedeck.vault import Diagnostics, Vault

PIECES = ["问", "答", "Q", "A", " ", "::", ":::", "\n", "\n\n", "?", "\n?\n", "\n??\n", "==", "{{c1::", "{{c2::",
          "}}", "::h}}", "^[提示]", "$", "$$", "`", "```\n", "%%", "| a | b |\n|---|---|\n| 1 | 2 |\n",
          "%% notedeck: table-cards %%\n", "- ", "> [!note] t\n> ", "# H\n", "## 子\n", " ^blk", "\n^solo\n",
          "![[图.png]]", "[[别的]]", "[[别的#H]]", "#flashcards/x", "<!--SR:!2024-01-01,1,250-->", "\\", "*", "_"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=40), st.sampled_from(["true", "headings"]))
def test_random_notes_never_crash(pieces, mode):
    with tempfile.TemporaryDirectory() as tmp:
        vault = Path(tmp) / "v"
        vault.mkdir()
        (vault / "n.md").write_text(f"---\ncards: {mode}\n---\n" + "".join(pieces), encoding="utf-8")
        (vault / "别的.md").write_text("# H\n", encoding="utf-8")
        v = Vault.load(vault)
        diags = Diagnostics()
        emit(v, config_for(vault), Path(tmp) / "out", diags)
        for card in extract(v, "D").cards:
            assert card.key and card.guid
        assert all(d.line >= 0 for d in diags)
