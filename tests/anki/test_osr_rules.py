"""The OSR-compatibility rules one by one: tags on card lines, the settings file and its overrides, the
diagnostics for lines that look like cards but are not, schedule comments."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from notedeck.anki.cards import extract
from notedeck.anki.settings import DATA_JSON, load_settings
from notedeck.cli import main
from notedeck.vault import Vault


def vault_with(tmp_path: Path, notes: dict[str, str], settings: object = None) -> Path:
    root = tmp_path / "v"
    for rel, text in notes.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    if settings is not None:
        (root / DATA_JSON).parent.mkdir(parents=True, exist_ok=True)
        data = settings if isinstance(settings, str) else json.dumps({"settings": settings})
        (root / DATA_JSON).write_text(data, encoding="utf-8")
    return root


def cards_of(root: Path, **options):
    return extract(Vault.load(root, progress=False), "D", options)


def test_tag_on_card_line_is_stripped_and_picks_the_deck(tmp_path):
    root = vault_with(tmp_path, {"n.md": "#flashcards/test\nQ1::A1\n#flashcards/exam Q2::A2\nQ3::A3\n\n"
                                         "#flashcards/上一行\n多行问题\n?\n多行答案\n"})
    r = cards_of(root)
    got = [(c.front_text, c.deck) for c in r.cards]
    assert got == [("Q1", "D::test"), ("Q2", "D::exam"), ("Q3", "D::test"), ("多行问题", "D::上一行")]
    assert r.cards[1].key == "q2"  # the tag is not part of the card's identity either


def test_tag_at_end_of_answer_stays(tmp_path):
    (c,) = cards_of(vault_with(tmp_path, {"n.md": "Q?::2BC #flashcards\n"})).cards
    assert (c.front_text, c.back_text, c.deck) == ("Q?", "2BC #flashcards", "D")


def test_sr_comments_never_enter_card_text(tmp_path):
    root = vault_with(tmp_path, {"n.md": "#flashcards\n\nQ::A <!--SR:!2024-05-01,12,250-->\n\nQ2\n?\nA2\n"
                                         "<!--SR:!2024-05-02,3,230-->\n\n==x== y\n<!--SR:!2024-05-03,1,130-->\n"})
    r = cards_of(root)
    assert [(c.front_text, c.back_text if c.kind != "cloze" else "") for c in r.cards] == [
        ("Q", "A"), ("Q2", "A2"), ("{{c1::x}} y", "")]
    assert [c.schedule for c in r.cards] == [(("2024-05-01", 12, 250),), (("2024-05-02", 3, 230),),
                                            (("2024-05-03", 1, 130),)]


def test_settings_file_changes_separators_tags_and_clozes(tmp_path):
    root = vault_with(tmp_path, {"n.md": "#srs\n\nQ;;A\n\nQ2\n@@\nA2\n\nText **bold** and ==hl==\n",
                                 "m.md": "#flashcards\n\nQ::A\n"},
                      {"flashcardTags": ["#srs"], "singleLineCardSeparator": ";;", "multilineCardSeparator": "@@",
                       "convertBoldTextToClozes": True, "convertHighlightsToClozes": False})
    r = cards_of(root)
    assert [(c.note.rel, c.kind, c.front_text) for c in r.cards] == [
        ("n.md", "basic", "Q"), ("n.md", "basic", "Q2"), ("n.md", "cloze", "Text {{c1::bold}} and hl")]
    assert [d.code for d in r.diagnostics] == []  # m.md: '::' is no separator here, #flashcards no card tag


def test_folders_to_decks(tmp_path):
    root = vault_with(tmp_path, {"a/b/n.md": "#flashcards/x\nQ::A\n#flashcards/y Q2::A2\n"},
                      {"convertFoldersToDecks": True})
    assert [c.deck for c in cards_of(root).cards] == ["D::a::b", "D::a::b"]


def test_mkdocs_options_override_the_settings_file(tmp_path):
    root = vault_with(tmp_path, {"n.md": "#flashcards\n\nQ;;A\n\nQ2&&A2\n"}, {"singleLineCardSeparator": ";;"})
    assert [c.front_text for c in cards_of(root).cards] == ["Q"]
    assert [c.front_text for c in cards_of(root, osr={"singleLineCardSeparator": "&&"}).cards] == ["Q2"]


def test_malformed_settings_file_is_a_warning_and_defaults_apply(tmp_path):
    root = vault_with(tmp_path, {"n.md": "#flashcards\n\nQ::A\n"}, "{not json")
    r = cards_of(root)
    assert [c.front_text for c in r.cards] == ["Q"]
    (d,) = r.diagnostics
    assert (d.severity, d.code) == ("warning", "bad-osr-settings") and d.path.endswith("data.json")
    for bad in ('["a list"]', json.dumps({"settings": {"singleLineCardSeparator": 3, "clozePatterns": ["<<x>>"]}})):
        (root / DATA_JSON).write_text(bad, encoding="utf-8")
        settings, problems = load_settings(root)
        assert settings.sep == "::" and problems and all(p.code == "bad-osr-settings" for p in problems)


def test_osr_merge_builds_cloze_patterns_from_flags():
    from notedeck.anki.settings import merge

    assert merge({"convertCurlyBracketsToClozes": True})["clozePatterns"] == [
        "==[123;;]answer[;;hint]==", "{{[123;;]answer[;;hint]}}"]
    assert merge({})["clozePatterns"] == ["==[123;;]answer[;;hint]=="]


def test_lines_that_look_like_cards_but_are_not_are_reported(tmp_path):
    root = vault_with(tmp_path, {
        "setext.md": "#flashcards\n\nQuestion\n?\nAnswer\n---\n",
        "indented.md": "#flashcards\n\ntext\n\n    Q::A\n",
        "untagged.md": "just prose\n\nmood:: good (a Dataview field)\n\nWhat is it?::A\n",
        "off.md": "---\ncards: false\n---\nQ::A\n",
    })
    r = cards_of(root)
    assert [(c.note.rel, c.front_text, c.back_text) for c in r.cards] == [("setext.md", "Question", "Answer")]
    got = sorted((Path(d.path).name, d.line, d.severity, d.code) for d in r.diagnostics)
    assert any("below this card (line 6)" in d.message for d in r.diagnostics)
    assert got == [("indented.md", 5, "warning", "indented-card"), ("setext.md", 3, "warning", "setext-card"),
                   ("untagged.md", 5, "info", "untagged-card")]


def test_setext_underline_that_is_the_end_marker_is_no_warning(tmp_path):
    root = vault_with(tmp_path, {"n.md": "#flashcards\n\nQuestion\n?\nAnswer\n---\n"}, {"multilineCardEndMarker": "---"})
    r = cards_of(root)
    assert [c.back_text for c in r.cards] == ["Answer"] and r.diagnostics == []


def test_code_spans_and_anki_clozes_keep_notedeck_meaning(tmp_path):
    root = vault_with(tmp_path, {"n.md": "#flashcards\n\n`a::b` is code\n\n链式法则：{{c1::外层导数}}乘以{{c2::内层::hint}}。\n"})
    r = cards_of(root)
    assert [(c.kind, c.front_text) for c in r.cards] == [("cloze", "链式法则：{{c1::外层导数}}乘以{{c2::内层::hint}}。")]


def test_check_prints_the_new_diagnostics_without_traceback(tmp_path, monkeypatch):
    root = vault_with(tmp_path, {"n.md": "#flashcards\n\nQuestion\n?\nAnswer\n---\n"}, "[1, 2")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", str(root)])
    assert "Traceback" not in result.output
    assert "n.md:3:1: warning[setext-card]" in result.stdout
    assert "data.json:1:1: warning[bad-osr-settings]" in result.stdout
