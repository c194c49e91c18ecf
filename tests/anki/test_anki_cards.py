"""Card extraction from the vault model (via ``notedeck cards --json``, the user's preview)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import genanki
from anki_helpers import FIXTURES, config_for
from click.testing import CliRunner

from notedeck.anki.cards import extract
from notedeck.anki.command import cards as cards_command
from notedeck.cli import main
from notedeck.vault import Vault


def run_cards(vault: Path) -> list[dict]:
    result = CliRunner().invoke(cards_command, [str(vault), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def by_front(cards: list[dict]) -> dict[str, dict]:
    return {c["front"]: c for c in cards}


def test_cards_json_lists_every_kind_with_deck_tags_guid_and_source():
    cards = run_cards(FIXTURES / "anki-vault")
    fronts = by_front(cards)
    basic = fronts["导数的几何意义是什么？"]
    assert basic["back"] == "切线的斜率"
    assert basic["type"] == "basic"
    assert basic["deck"] == "anki-vault::数学::微积分"  # #flashcards/数学/微积分 → sub-deck 数学::微积分
    assert basic["tags"] == ["数学"]
    assert basic["source"] == "数学/导数.md:10"
    assert basic["context"] == "导数 › 定义"
    assert basic["guid"] == genanki.guid_for("数学/导数.md", "导数的几何意义是什么？")
    assert fronts["导数的符号"]["type"] == "reversed"  # Q:::A
    assert fronts["导数的极限定义"]["back"].startswith("$f'(x) = \\lim")
    multi = fronts["多行问题第一行\n第二行"]
    assert (multi["type"], multi["back"], multi["context"]) == ("reversed", "多行答案", "导数 › 定义 › 例子")
    assert fronts["求导的步骤"]["back"] == "写出函数\n套用公式"  # a list right below `?` is the answer
    assert fronts["哪段代码打印 hello？"]["back"] == 'print("hello")'


def test_cloze_forms_and_hints():
    fronts = by_front(run_cards(FIXTURES / "anki-vault"))
    assert fronts["$x^2$ 的导数是 {{c1::$2x$}}，在 $x=1$ 处为 {{c2::2::代入}}。"]["type"] == "cloze"
    anki_style = fronts["链式法则：{{c1::外层导数}}乘以{{c2::内层导数::内层}}。"]
    assert anki_style["key"] == "链式法则：外层导数乘以内层导数。"  # cloze key: the text without markers


def test_nothing_from_code_math_comments_or_untagged_notes():
    cards = run_cards(FIXTURES / "anki-vault")
    text = json.dumps(cards, ensure_ascii=False)
    for never in ("a::b", "隐藏", "注释里的问题", "fence", "不是卡片", "问题::答案"):
        assert never not in text, never
    assert not any(c["source"].startswith("数学/积分.md") for c in cards)  # no flashcards tag, no cards: true


def test_block_id_is_the_key_and_front_matter_id_the_note_key():
    fronts = by_front(run_cards(FIXTURES / "anki-vault"))
    assert fronts["带块标识的问题"]["key"] == "deriv-q"
    assert fronts["带块标识的问题"]["back"] == "答案一"  # the ^id is not part of the answer
    section = fronts["章节 › 章节卡片 › 梯度下降"]
    assert section["guid"] == genanki.guid_for("sections-note", "章节 › 章节卡片 › 梯度下降".casefold())


def test_table_cards_and_heading_cards_are_opt_in():
    cards = run_cards(FIXTURES / "anki-vault")
    table = [c for c in cards if c["origin"] == "table"]
    assert [c["front"] for c in table] == ["Sigmoid", "ReLU"]  # the plain table below makes none
    assert table[0]["back"] == "公式: $\\frac{1}{1+e^{-x}}$\n范围: $(0,1)$"
    assert table[0]["deck"] == "anki-vault::子目录"  # cards: true, no deck tag → folder
    headings = [c for c in cards if c["origin"] == "heading"]
    assert [c["back"] for c in headings] == ["沿负梯度方向更新参数。", "步长的大小。", "只有子章节有内容。"]


def test_vault_wide_option_and_opt_out(tmp_path):
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "a.md").write_text("# A\n\n问一::答一\n", encoding="utf-8")
    (vault / "b.md").write_text("---\ncards: false\ntags: [flashcards]\n---\n问二::答二\n", encoding="utf-8")
    v = Vault.load(vault)
    assert extract(v, "D").cards == []
    found = extract(v, "D", {"cards": "all"}).cards
    assert [(c.note.rel, c.front_text) for c in found] == [("a.md", "问一")]


def test_inline_tag_enables_cards_and_picks_the_deck(tmp_path):
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "n.md").write_text("# N\n\n正文 #flashcards/语言/中文\n\n问::答\n", encoding="utf-8")
    (c,) = extract(Vault.load(vault), "D").cards
    assert c.deck == "D::语言::中文"


def test_card_diagnostics_at_path_and_line():
    v = Vault.load(FIXTURES / "anki-bad")
    result = extract(v, "D")
    got = {(Path(d.path).name, d.line, d.code) for d in result.diagnostics}
    assert got == {
        ("坏卡片.md", 6, "empty-card"),
        ("坏卡片.md", 8, "empty-card"),
        ("坏卡片.md", 10, "bad-cloze"),
        ("坏卡片.md", 14, "duplicate-card"),
    }
    assert any(str(d).endswith("坏卡片.md:14:1: warning[duplicate-card]: card key '重复的问题' is already used by the "
                               "card at line 12 (same GUID); give one a ^block-id. Not written") for d in result.diagnostics)
    fronts = [c.front_text for c in result.cards]
    assert fronts == ["重复的问题", "缺失图片", "正常问题"]  # the rest still builds


def test_check_reports_the_card_diagnostics_and_writes_nothing(tmp_path, monkeypatch):
    """``notedeck check`` shows what ``build`` would say of the cards (the card-enabled note's problems),
    without writing a deck; ``--strict`` fails on them."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", str(FIXTURES / "anki-bad")])
    assert result.exit_code == 0
    codes = [(line.split(":")[1], line.split("[")[1].split("]")[0]) for line in result.stdout.splitlines()]
    assert [c for c in codes if c[1] != "broken-embed"] == [
        ("6", "empty-card"), ("8", "empty-card"), ("10", "bad-cloze"), ("14", "duplicate-card")]
    assert CliRunner().invoke(main, ["check", str(FIXTURES / "anki-bad"), "--strict"]).exit_code == 1
    assert list(tmp_path.iterdir()) == []


def test_cards_command_text_output_and_summary():
    result = CliRunner().invoke(cards_command, [str(FIXTURES / "anki-vault")])
    assert result.exit_code == 0
    assert "数学/导数.md:10  [anki-vault::数学::微积分] basic  导数的几何意义是什么？  →  切线的斜率" in result.stdout
    assert "19 cards in 3 decks" in result.stderr


def test_extraction_never_mutates_the_vault_tokens(tmp_path):
    vault = shutil.copytree(FIXTURES / "anki-vault", tmp_path / "v")
    v = Vault.load(vault)
    before = [(t.type, t.content, [(c.type, c.content) for c in t.children or []]) for n in v.notes.values() for t in n.tokens]
    extract(v, "D")
    after = [(t.type, t.content, [(c.type, c.content) for c in t.children or []]) for n in v.notes.values() for t in n.tokens]
    assert before == after
    assert config_for(vault).site_name == "测试站点"


def test_cards_in_callouts_lists_after_code_and_block_ids(tmp_path):
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "n.md").write_text(
        "---\ntags: [flashcards]\n---\n# N\n\n"
        "> [!question] 复习\n> 标注里的问题::标注里的答案\n\n"
        "- 列表问题::列表答案\n- 第二个::答案二\n\n"
        "```python\nx = 1\n```\n?\nx 等于 1\n\n"
        "独立块问题::独立块答案\n\n^solo\n\n"
        "问题 A::答案 A\n问题 B::答案 B ^both\n", encoding="utf-8")
    got = [(c["source"], c["front"], c["back"], c["key"]) for c in run_cards(vault)]
    assert got == [
        ("n.md:7", "标注里的问题", "标注里的答案", "标注里的问题"),  # the callout's title line is not a card
        ("n.md:9", "列表问题", "列表答案", "列表问题"),
        ("n.md:10", "第二个", "答案二", "第二个"),
        ("n.md:12", "x = 1", "x 等于 1", "x = 1"),  # `?` opening a paragraph: the block above is the question
        ("n.md:18", "独立块问题", "独立块答案", "solo"),  # a standalone ^id names the block before it
        ("n.md:22", "问题 A", "答案 A", "问题 a"),
        ("n.md:23", "问题 B", "答案 B", "both"),  # ^id at the end of a paragraph: its last card
    ]


def test_multiline_question_holding_a_list_and_cards_told_apart_by_images(tmp_path):
    """As the Spaced Repetition plugin reads them: the question is every line above ``?`` (markdown-it reads
    the ``?`` as part of the list's last item), and two questions differing by an image's URL are two cards."""
    from notedeck.anki.deck import fields_of
    from notedeck.anki.render import RenderContext

    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "n.md").write_text(
        "#flashcards\n\n哪个阶段：\n- 设计数据\n- 编写代码\n?\n第二阶段\n\n1. 一\n2. 二\n?\n数字\n\n"
        "化简：\n![](https://example.com/one.png)\n?\nX\n\n化简：\n![](https://example.com/two.png)\n?\nY\n",
        encoding="utf-8")
    v = Vault.load(vault)
    result = extract(v, "D")
    assert result.diagnostics == []
    cards = result.cards
    assert [(c.line, c.front_text, c.back_text) for c in cards] == [
        (3, "哪个阶段：\n设计数据\n编写代码", "第二阶段"), (9, "一\n二", "数字"),
        (14, "化简：\n![](https://example.com/one.png)", "X"), (19, "化简：\n![](https://example.com/two.png)", "Y")]
    front = fields_of(cards[0], RenderContext(v))[0]
    assert front.count("<li>") == 2 and "?" not in front and "第二阶段" not in front and "<p>哪个阶段：</p>" in front
    assert "<ol>" in fields_of(cards[1], RenderContext(v))[0]
