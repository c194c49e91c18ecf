"""Cards on the site's pages (issue 17): which lines are cards comes from the cards extraction; a Q::A or
multi-line card shows its question with the answer folded under "答案 / Answer", a cloze hides its deletions
behind click-to-reveal labels, and the tags that only switch cards on are left off the page."""

from __future__ import annotations

import re
from pathlib import Path

from notedeck.render import SiteIndex, render_page
from notedeck.site.plugin import page_cards, page_meta
from notedeck.vault import Vault

CARDS = "---\ntags: [flashcards/统计, 统计]\n---\n"


def page(tmp_path: Path, text: str, options: dict | None = None, rel: str = "a.md", extra: dict | None = None) -> str:
    (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / rel).write_text(text, encoding="utf-8")
    for name, content in (extra or {}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content, encoding="utf-8")
    v = Vault.load(tmp_path, progress=False)
    site = SiteIndex.build(v, **page_cards(v, options or {}, None))
    return render_page(v.notes[rel], site, backlinks=False).html


def widgets(html: str) -> list[str]:
    return re.findall(r'<div class="notedeck-card[ "].*?data-card-line="\d+">', html)


def test_one_line_card(tmp_path):
    out = page(tmp_path, CARDS + "# T\n\n期望的线性性::$E[aX+bY]=aE[X]+bE[Y]$\n")
    assert '<div class="notedeck-card" data-card="basic" data-card-line="6">' in out
    q, a = out.split("<details", 1)
    assert '<div class="notedeck-card-q">\n<p>期望的线性性</p>\n</div>' in q
    assert '<summary>答案 / Answer</summary>' in a and "notedeck-math" in a and "::" not in out


def test_reversed_and_multiline_cards(tmp_path):
    out = page(tmp_path, CARDS + "Q1:::A1\n\n方差的定义？\n?\n$\\operatorname{Var}(X)$\n")
    assert 'data-card="reversed" data-card-line="4"' in out and 'data-card="basic" data-card-line="6"' in out
    assert "<p>方差的定义？</p>" in out and "\n?\n" not in out and "<br>\n?" not in out
    assert out.count("<details") == 2


def test_multiline_answer_with_a_list_below(tmp_path):
    out = page(tmp_path, CARDS + "三个性质是？\n?\n如下：\n- 线性\n- 单调\n\n之后的段落\n")
    assert len(widgets(out)) == 1
    body = out.split('<div class="notedeck-card-body">', 1)[1].split("</details>", 1)[0]
    assert "<li>线性</li>" in body and "<li>单调</li>" in body
    assert "<p>之后的段落</p>" in out.split("</details>", 1)[1]  # the text after the card is not swallowed


def test_cloze_reveals_on_click(tmp_path):
    out = page(tmp_path, CARDS + "样本均值的方差是 ==σ²/n==，不是 {{c2::σ²::提示}}。\n")
    assert '<div class="notedeck-card notedeck-cloze-card" data-card="cloze" data-card-line="4">' in out
    assert '<input type="checkbox" aria-label="reveal"><span class="notedeck-cloze-text">σ²/n</span></label>' in out
    assert '<label class="notedeck-cloze" title="提示">' in out  # the hint is the deletion's tooltip
    assert "==" not in out and "{{" not in out


def test_several_cards_in_one_paragraph_and_plain_lines_kept(tmp_path):
    out = page(tmp_path, CARDS + "A::B\n普通的一行\nC::D\n")
    assert [w.split('data-card-line="')[1] for w in widgets(out)] == ['4">', '6">']
    assert "<p>普通的一行</p>" in out
    assert out.index("普通的一行") < out.index('data-card-line="6"')


def test_card_in_a_list_item_stays_in_the_list(tmp_path):
    out = page(tmp_path, CARDS + "- 问题一::答案一\n- 问题二::答案二\n")
    assert out.count("<li>") == 2 and out.count("</li>") == 2 and len(widgets(out)) == 2
    assert out.index("<ul>") < out.index("notedeck-card") < out.index("</ul>")


def test_block_id_of_a_card_is_kept(tmp_path):
    out = page(tmp_path, CARDS + "Q::A ^q1\n")
    assert 'id="^q1"' in out and len(widgets(out)) == 1


def test_notes_without_cards_and_opt_in_cards_render_as_before(tmp_path):
    plain = page(tmp_path, "# T\n\nQ::A 不是卡片\n\n==高亮==\n", rel="plain.md")
    assert "notedeck-card" not in plain and "<mark>高亮</mark>" in plain and "Q::A" in plain
    heading = page(tmp_path, "---\ncards: headings\n---\n# T\n\n## 问题\n\n回答\n", rel="h.md")
    assert "notedeck-card" not in heading and "<h2" in heading
    table = page(tmp_path, CARDS + "%% notedeck: table-cards %%\n| 词 | 义 |\n| - | - |\n| a | b |\n", rel="t.md")
    assert "notedeck-card" not in table and "<table>" in table


def test_option_turns_widgets_off(tmp_path):
    out = page(tmp_path, CARDS + "Q::A\n", {"card_widgets": False})
    assert "notedeck-card" not in out and "Q::A" in out


def test_card_in_a_transcluded_section(tmp_path):
    out = page(tmp_path, "# host\n\n![[cards]]\n", rel="host.md", extra={"cards.md": CARDS + "Q::A\n"})
    assert len(widgets(out)) == 1


def test_card_tags_hidden_from_chips_and_inline(tmp_path):
    text = CARDS + "#flashcards/统计/推断\n\n# T\n\n正文 #统计 #flashcards\n\nQ::A\n"
    out = page(tmp_path, text)
    assert "#flashcards" not in out and "#统计" in out
    v = Vault.load(tmp_path, progress=False)
    hide = page_cards(v, {}, None)["hide_tag"]
    assert page_meta(v.notes["a.md"], hide)["tags"] == ["统计"]
    assert "hide_tag" not in page_cards(v, {"show_card_tags": True}, None)
    assert "flashcards/统计" in page_meta(v.notes["a.md"], None)["tags"]


def test_osr_settings_tags_are_the_card_tags(tmp_path):
    osr = tmp_path / ".obsidian" / "plugins" / "obsidian-spaced-repetition"
    osr.mkdir(parents=True)
    (osr / "data.json").write_text('{"flashcardTags": ["#复习"]}', encoding="utf-8")
    out = page(tmp_path, "---\ntags: [复习/统计, flashcards]\n---\nQ::A\n")
    assert len(widgets(out)) == 1
    v = Vault.load(tmp_path, progress=False)
    assert page_meta(v.notes["a.md"], page_cards(v, {}, None)["hide_tag"])["tags"] == ["flashcards"]


def test_cards_in_a_callout_and_a_list_question(tmp_path):
    out = page(tmp_path, CARDS + "> [!question] 自测\n> Q1::A1\n> Q2::A2\n\n- a\n- b\n?\nanswer\n")
    assert len(widgets(out)) == 3 and '<p class="admonition-title">自测</p>' in out
    q = out.split('data-card-line="8">', 1)[1].split("<details", 1)[0]
    assert "<li>a</li>" in q and "<li>b</li>" in q
