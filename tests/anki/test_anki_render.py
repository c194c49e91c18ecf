"""Identity, URLs and rendering details of the Anki emitter."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import genanki
from anki_helpers import FIXTURES, SITE_URL, build, config_for, fresh_collection, import_package
from hypothesis import given, settings
from hypothesis import strategies as st

from notedeck.anki import models
from notedeck.anki.cards import extract
from notedeck.anki.deck import deck_id, fields_of
from notedeck.anki.emit import emit, render_context
from notedeck.anki.render import RenderContext, obsidian_url, page_path, site_url_of
from notedeck.vault import Diagnostics, Vault

REPO = Path(__file__).resolve().parents[2]


def test_page_urls_follow_mkdocs():
    assert page_path("a/b.md") == "a/b/"
    assert page_path("index.md") == ""
    assert page_path("a/index.md") == "a/"
    assert page_path("a/README.md") == "a/" and page_path("a/Index.md") == "a/Index/"
    assert page_path("a/b.md", directory_urls=False) == "a/b.html"
    assert site_url_of("https://x.org/site", "深度/激活 函数.md", "relu") == \
        "https://x.org/site/%E6%B7%B1%E5%BA%A6/%E6%BF%80%E6%B4%BB%20%E5%87%BD%E6%95%B0/#relu"
    assert site_url_of("", "a.md") == ""
    assert obsidian_url("我的 库", "深度/激活.md") == \
        "obsidian://open?vault=%E6%88%91%E7%9A%84%20%E5%BA%93&file=%E6%B7%B1%E5%BA%A6%2F%E6%BF%80%E6%B4%BB"


PATH_PART = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"), min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["index", "README", "深度", "a b", "%", "#?&"]) | PATH_PART, min_size=1, max_size=3),
       st.sampled_from(["", "relu", "激活 函数"]), st.booleans())
def test_urls_of_the_render_context_are_the_reference_ones(parts, anchor, directory_urls):
    """:class:`RenderContext` builds both URLs from one quoted path; they equal the reference functions'."""
    rel = "/".join(parts) + ".md"
    ctx = RenderContext(SimpleNamespace(root=Path("/x/我的 库#1")), site_url="https://x.org/site",  # type: ignore[arg-type]
                        directory_urls=directory_urls)
    note = SimpleNamespace(rel=rel, private=False)
    for _ in range(2):  # computed, then cached
        assert ctx.note_url(note, anchor) == site_url_of("https://x.org/site", rel, anchor, directory_urls)  # type: ignore[arg-type]
        assert ctx.obsidian_url(note) == obsidian_url("我的 库#1", rel)  # type: ignore[arg-type]


def test_ids_are_fixed_and_derived_from_names():
    assert (models.BASIC.model_id, models.REVERSED.model_id, models.CLOZE.model_id) == (1735000001, 1735000002, 1735000003)
    assert deck_id("测试::数学") == deck_id("测试::数学") != deck_id("测试::物理")
    assert 1 < deck_id("x") < 2**63


def test_guid_survives_an_answer_edit_but_not_a_question_edit(tmp_path):
    vault = tmp_path / "v"
    vault.mkdir()
    note = vault / "n.md"
    note.write_text("---\ntags: [flashcards]\n---\n问题::答案\n", encoding="utf-8")
    (first,) = extract(Vault.load(vault), "D").cards
    note.write_text("---\ntags: [flashcards]\n---\n\n问题  ::新答案\n", encoding="utf-8")
    (second,) = extract(Vault.load(vault), "D").cards
    assert first.guid == second.guid == genanki.guid_for("n.md", "问题")
    note.write_text("---\ntags: [flashcards]\n---\n别的问题::新答案\n", encoding="utf-8")
    (third,) = extract(Vault.load(vault), "D").cards
    assert third.guid != first.guid


def test_cloze_braces_inside_math_do_not_end_the_cloze(tmp_path):
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "n.md").write_text("---\ncards: true\n---\n答案是 ==$\\frac{1}{x^{2}}$== 。\n", encoding="utf-8")
    v = Vault.load(vault)
    (card,) = extract(v, "D").cards
    text = fields_of(card, render_context(v, config_for(vault)))[0]
    assert text == "答案是 {{c1::\\(\\frac{1}{x^{2} }\\)}} 。"


def test_sr_plugin_scheduling_comments_are_dropped(tmp_path):
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "n.md").write_text("#flashcards\n\n问::答 <!--SR:!2024-01-01,3,250-->\n", encoding="utf-8")
    v = Vault.load(vault)
    (card,) = extract(v, "D").cards
    assert fields_of(card, render_context(v, config_for(vault)))[1] == "答"


def test_missing_image_in_a_card_is_reported_once(tmp_path):
    for check in (True, False):
        v = Vault.load(FIXTURES / "anki-bad", check=check)
        diags = Diagnostics()
        diags.extend(v.diagnostics)
        emit(v, config_for(v.root), tmp_path / f"out{check}", diags)
        broken = [d for d in diags if d.code == "broken-embed"]
        assert [(Path(d.path).name, d.line) for d in broken] == [("坏卡片.md", 16)], check


def test_raw_html_paths_in_cards_become_media_and_site_links(tmp_path):
    """``<img src>`` / ``<a href>`` with vault paths (inline, in a quote, in an HTML block of an answer, split over
    the lines of a list item): the image is bundled once under its media name, a note link goes to the site."""
    vault = tmp_path / "v"
    (vault / "img").mkdir(parents=True)
    (vault / "img" / "图.png").write_bytes(b"png")
    (vault / "其他.md").write_text("# 其他\n\n## 小节\n\n段落 ^blk\n", encoding="utf-8")
    (vault / "n.md").write_text('---\ncards: true\n---\n看图 <img src="img/%E5%9B%BE.png" width="80">::答 '
                                '<a href="其他.md#小节">链接</a>\n\n> 引用 <img src="img/图.png">::答\n\n'
                                '块?\n?\n<div>\n<img src="img/图.png">\n</div>\n\n'
                                '- 列表 <img\n  src="img/图.png">::答 <a href="其他.md#^blk">块</a>\n',
                                encoding="utf-8")
    v = Vault.load(vault)
    ctx = render_context(v, config_for(vault))
    first, quoted, block, listed = extract(v, "D").cards
    front, back = fields_of(first, ctx)[:2]
    (name,) = ctx.media
    assert name.startswith("nd-") and ctx.media[name] == vault / "img" / "图.png"
    assert front == f'看图 <img src="{name}" width="80">'
    assert back == f'答 <a href="{SITE_URL}%E5%85%B6%E4%BB%96/#小节">链接</a>'.replace("#小节", "#%E5%B0%8F%E8%8A%82")
    assert fields_of(quoted, ctx)[0] == f'引用 <img src="{name}">'
    assert fields_of(block, ctx)[1] == f'<div>\n<img src="{name}">\n</div>'
    front, back = fields_of(listed, ctx)[:2]
    assert front == f'列表 <img\nsrc="{name}">'
    assert back == f'答 <a href="{SITE_URL}%E5%85%B6%E4%BB%96/#%5Eblk">块</a>'  # the site's block ids are ^id


def test_html_blocks_are_not_part_of_a_question_key(tmp_path):
    """An HTML block above a multi-line question is shown but not keyed: the card keeps the GUID it had before
    HTML blocks counted as card text (so re-imports keep its reviews)."""
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "n.md").write_text("---\ncards: true\n---\nWhat does this show?\n<pre>x = 1</pre>\n?\nAn assignment\n",
                                encoding="utf-8")
    (card,) = extract(Vault.load(vault), "D").cards
    assert card.key == "what does this show?" and card.guid == genanki.guid_for("n.md", "what does this show?")


def test_deck_option_names_the_package_and_top_deck(tmp_path):
    apkg, _ = build(FIXTURES / "anki-vault", tmp_path / "out", deck="我的卡组")
    assert apkg.name == "我的卡组.apkg"
    col = fresh_collection(tmp_path / "col")
    try:
        import_package(col, apkg)
        assert "我的卡组::数学::微积分" in {d.name for d in col.decks.all_names_and_ids()}
    finally:
        col.close()


def test_repo_notes_build_a_deck_that_imports_cleanly(tmp_path):
    """The real notes/ (tagged flashcards/…) → one package; Anki imports every note, no diagnostics from cards."""
    vault = REPO / "notes"
    v = Vault.load(vault)
    diags = Diagnostics()
    stats = emit(v, config_for(vault), tmp_path / "out", diags)
    assert [str(d) for d in diags] == []
    assert stats is not None and stats.notes > 0
    col = fresh_collection(tmp_path / "col")
    try:
        log = import_package(col, stats.path)
        assert len(log.new) == stats.notes == col.note_count()
        for cid in col.find_cards(""):
            card = col.get_card(cid)
            assert card.question().strip() and card.answer().strip()
            assert not re.search(r"(?<!\\)\$[^$\s][^$]*\$", re.sub(r"<[^>]+>", "", card.answer())), card.answer()
    finally:
        col.close()


def test_no_cards_writes_no_deck_and_removes_a_stale_one(tmp_path):
    vault = tmp_path / "v"
    vault.mkdir()
    note = vault / "n.md"
    note.write_text("#flashcards\n\n问::答\n", encoding="utf-8")
    out = tmp_path / "out"
    apkg, _ = build(vault, out)
    assert apkg.is_file()
    note.write_text("没有卡片了。\n", encoding="utf-8")
    diags = Diagnostics()
    assert emit(Vault.load(vault), config_for(vault), out, diags) is None
    assert not apkg.exists() and list(diags) == []


def test_unreadable_state_is_a_first_build(tmp_path):
    out = tmp_path / "out"
    (out / "anki").mkdir(parents=True)
    (out / "anki" / "state.json").write_text('{"version": 2, "cards": {"x": [1]}}', encoding="utf-8")
    apkg, diags = build(FIXTURES / "anki-vault", out)
    assert apkg.is_file() and [d for d in diags if d.severity != "info"] == []  # 积分.md: an untagged-card info
    state = (out / "anki" / "state.json").read_text(encoding="utf-8")
    assert '"x"' not in state and state.count('"basic"') > 5
