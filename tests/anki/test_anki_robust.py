"""Any text in a card-enabled note builds a deck or a diagnostic, never a traceback."""

from __future__ import annotations

import tempfile
from pathlib import Path

from anki_helpers import config_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import genanki

from notedeck.anki.cards import extract, guid_for, plain
from notedeck.anki.emit import emit
from notedeck.vault import Diagnostics, Vault, parser

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


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30), st.text(max_size=30))
def test_guid_is_genankis(note_key, card_key):
    assert guid_for(note_key, card_key) == genanki.guid_for(note_key, card_key)


SIDE = st.lists(st.sampled_from(["问题", "answer", " ", "  ", "\t", "`x::y`", "$a_1$", "[[别的]]", "**粗**", "==高亮=="]),
                min_size=1, max_size=6).map(" ".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SIDE, SIDE, st.sampled_from(["::", ":::"]))
def test_one_line_card_sides_are_the_parts_around_the_separator(front, back, sep):
    """The sides of ``front::back`` read as each part alone would (stripped; code spans keep their ``::``)."""
    def alone(text: str) -> str:
        return plain(parser().parseInline(text)[0].children or []).strip()

    with tempfile.TemporaryDirectory() as tmp:
        vault = Path(tmp) / "v"
        vault.mkdir()
        (vault / "n.md").write_text(f"---\ncards: true\n---\n{front.lstrip()}{sep}{back}\n", encoding="utf-8")
        cards = extract(Vault.load(vault), "D").cards
    expected = (alone(front), alone(back))
    if "::" in expected[0].replace("`x::y`", "") or not all(expected):
        return  # the separator is elsewhere, or a side is empty (no card: a diagnostic, tested elsewhere)
    assert [(c.front_text.strip(), c.back_text, c.kind) for c in cards] == [
        (*expected, "reversed" if sep == ":::" else "basic")]
