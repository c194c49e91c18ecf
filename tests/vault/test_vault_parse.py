"""The vault model on the clean fixture: every Obsidian construct, with positions and CJK."""

from __future__ import annotations

from pathlib import Path

import pytest

from notedeck.vault import Vault, parse_info, parse_note, split_wikilink

CLEAN = Path(__file__).parents[1] / "fixtures" / "clean"


@pytest.fixture(scope="module")
def vault() -> Vault:
    return Vault.load(CLEAN, progress=False)


def test_discovery_skips_obsidian_and_trash(vault: Vault) -> None:
    assert set(vault.notes) == {"index.md", "深度 学习/激活函数.md", "深度 学习/梯度.md",
                                "深度 学习/子目录/深层 笔记.md", "私密 草稿.md", "emoji 🚀 笔记!.md"}
    assert set(vault.attachments) == {"attachments/曲线 图.png", "attachments/讲义.pdf"}


def test_clean_vault_has_no_diagnostics(vault: Vault) -> None:
    assert [str(d) for d in vault.diagnostics] == []


def test_front_matter_fields(vault: Vault) -> None:
    home = vault.notes["index.md"]
    assert home.title == "首页"
    assert home.aliases == ["Home", "主页"]
    assert home.tag_names[:2] == ["入门", "flashcards/基础"]
    act = vault.notes["深度 学习/激活函数.md"]
    assert act.title == "激活函数"  # no title: the file name
    assert act.tag_names == ["深度学习", "激活函数"]  # space-separated string form
    assert vault.notes["私密 草稿.md"].private and vault.notes["emoji 🚀 笔记!.md"].private
    assert not home.private
    assert {n.rel for n in vault.published} == {"index.md", "深度 学习/激活函数.md", "深度 学习/梯度.md", "深度 学习/子目录/深层 笔记.md"}


def test_every_span_covers_its_source_text(vault: Vault) -> None:
    for note in vault.notes.values():
        for link in note.links:
            assert note.text[link.span.start:link.span.end] == link.raw if link.kind == "wiki" else True
            assert note.line_of(link.span.start) == link.line
        for span in note.highlights:
            assert note.text[span.start:span.start + 2] == "==" and note.text[span.end - 2:span.end] == "=="
        for span in note.comments:
            assert note.text[span.start:span.start + 2] == "%%" and note.text[span.end - 2:span.end] == "%%"
        for tag in note.tags:
            if tag.span:
                assert note.text[tag.span.start:tag.span.end] == "#" + tag.name


def test_wikilink_forms(vault: Vault) -> None:
    home = vault.notes["index.md"]
    wiki = [(l.target, l.headings, l.block, l.alias, l.embed) for l in home.links if l.kind == "wiki"]
    assert ("激活函数", (), None, "别名链接", False) in wiki
    assert ("激活函数", ("常见函数", "ReLU（修正线性单元）"), None, None, False) in wiki
    assert ("激活函数", (), "relu-def", None, False) in wiki
    assert ("", ("第二节：标题, 标点！",), None, None, False) in wiki
    assert ("激活函数", (), None, "激活", False) in wiki  # ``\|`` inside a table cell
    sized = [l for l in home.links if l.embed and l.target == "曲线 图.png"]
    assert [(l.width, l.height) for l in sized] == [(300, None), (200, 100)]
    first = home.links[0]
    assert (first.line, first.col) == (8, 23)


def test_nothing_inside_code_is_syntax(vault: Vault) -> None:
    home = vault.notes["index.md"]
    raws = [l.raw for l in home.links] + [t.name for t in home.tags]
    assert not any("不是" in r for r in raws)
    assert all("不是" not in home.text[s.start:s.end] for s in home.highlights)
    assert [home.text[s.start:s.end] for s in home.comments][:1] == ["%%行内注释%%"]


def test_tags_inline_nested_and_cjk(vault: Vault) -> None:
    home = vault.notes["index.md"]
    inline = [(t.name, t.span.line) for t in home.tags if t.span]
    assert inline == [("深度学习/激活", 19), ("flashcards", 19)]  # ``：#数学`` is not a tag (no space before #)


def test_headings_anchors_keep_cjk(vault: Vault) -> None:
    act = vault.notes["深度 学习/激活函数.md"]
    assert [(h.level, h.text, h.anchor) for h in act.headings] == [
        (1, "激活函数", "激活函数"), (2, "常见函数", "常见函数"), (3, "Sigmoid 函数", "sigmoid-函数"),
        (3, "ReLU（修正线性单元）", "relu修正线性单元")]
    relu = act.headings[3]
    assert relu.parents == ("激活函数", "常见函数")
    assert act.heading_by_path(("常见函数", "relu（修正线性单元）")) is relu
    assert act.heading_by_path(("Sigmoid 函数", "ReLU（修正线性单元）")) is None  # wrong parent


def test_heading_named_by_text_wins_over_a_slug_twin() -> None:
    text = "# F\n\n## Global\n\n### `date()`\n\n## Date\n\n## 多大才算大？\n"
    note, _ = parse_note(Path("f.md"), "f.md", text)
    code_date, date, big = note.headings[2], note.headings[3], note.headings[4]
    assert (code_date.anchor, date.anchor) == ("date", "date_1")
    assert note.heading_by_path(("Date",)) is date  # the text, not the earlier heading with slug "date"
    assert note.heading_by_path(("date()",)) is code_date
    assert note.heading_by_path(("Global", "date()")) is code_date
    assert note.heading_by_path(("date_1",)) is None
    assert note.heading_by_path(("多大才算大",)) is big  # same slug: a link that drops the "？" still lands
    assert note.heading_by_path(("f", "global")) is note.headings[1]


def test_block_ids(vault: Vault) -> None:
    act = vault.notes["深度 学习/激活函数.md"]
    b = act.blocks
    assert (b["relu-def"].start_line, b["relu-def"].standalone) == (16, False)
    assert act.text[b["relu-def"].span.start:b["relu-def"].span.end].strip() == "^relu-def"
    assert (b["item-one"].start_line, b["item-one"].end_line) == (18, 18)
    assert (b["table-id"].start_line, b["table-id"].end_line, b["table-id"].standalone) == (21, 23, True)


def test_callouts_with_fold_title_and_nesting(vault: Vault) -> None:
    home = vault.notes["index.md"]
    assert [(c.type, c.fold, c.title, c.depth, c.start_line) for c in home.callouts] == [
        ("tip", "", "自定义标题", 1, 43), ("warning", "-", "折叠的嵌套警告", 2, 46), ("faq", "+", "展开的问题", 1, 49)]


def test_code_blocks_info_and_hidden(vault: Vault) -> None:
    home = vault.notes["index.md"]
    demo, hidden = home.code_blocks
    assert (demo.lang, demo.options, demo.flags, demo.line) == ("python", {"title": "demo.py", "test": "skip"}, {"notest"}, 23)
    assert hidden.hidden and hidden.code == "hidden_setup = 42\n"
    deep = vault.notes["深度 学习/子目录/深层 笔记.md"]
    assert [(c.markup, c.line, c.end_line) for c in deep.code_blocks] == [("~~~", 5, 7), ("````", 9, 13)]
    assert '```' in deep.code_blocks[1].code


def test_math_recorded(vault: Vault) -> None:
    home = vault.notes["index.md"]
    assert any("\\nabla" in home.text[s.start:s.end] for s in home.math)


def test_directive_before_block() -> None:
    text = "%% notedeck: skip %%\n```python\nx = 1\n```\n\n```python\ny = 2\n```\n"
    note, diags = parse_note(Path("/v/a.md"), "a.md", text)
    assert diags == []
    assert [c.directives for c in note.code_blocks] == [("skip",), ()]


def test_parse_info_and_split_wikilink() -> None:
    assert parse_info('python title="a b.py" test=skip notest') == ("python", {"title": "a b.py", "test": "skip"}, frozenset({"notest"}))
    assert parse_info("{.python .annotate}")[0] == "python"
    assert split_wikilink("a#B#C|x") == ("a", ("B", "C"), None, "x")
    assert split_wikilink("#^id") == ("", (), "id", None)


def test_crlf_and_bom_are_normalised(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_bytes("\ufeff# 标题\r\n\r\n[[b]] ==x==\r\n".encode())
    (tmp_path / "b.md").write_text("# b\n", encoding="utf-8")
    v = Vault.load(tmp_path, progress=False)
    note = v.notes["a.md"]
    assert [str(d) for d in v.diagnostics] == []
    assert note.text[note.links[0].span.start:note.links[0].span.end] == "[[b]]"
    assert note.links[0].line == 3


@pytest.mark.parametrize("text, links, comments", [
    ("%%\nhidden [[x]]\n\nmore\n%%\n[[y]]\n", ["[[y]]"], ["%%\nhidden [[x]]\n\nmore\n%%"]),
    ("%%\n%%\n注 [[b]]\n", ["[[b]]"], ["%%\n%%"]),  # text after the closer stays visible
    ("%%\n%%注%% [[b]]\n", [], ["%%\n%%", "%% [[b]]\n"]),  # %% pair in order: the third is never closed
    ("公开 %% 私人 [[x]]\n\n- [[y]]\n", [], ["%% 私人 [[x]]\n\n- [[y]]\n"]),  # it hides the rest of the note
    ("a %%x%% b %%y\nz%% [[c]]\n", ["[[c]]"], ["%%x%%", "%%y\nz%%"]),
])
def test_comments_block_and_inline(text: str, links: list[str], comments: list[str]) -> None:
    note, _ = parse_note(Path("/v/a.md"), "a.md", text)
    assert [l.raw for l in note.links] == links
    assert [note.text[s.start:s.end] for s in note.comments] == comments


def test_inline_footnote_keeps_file_positions() -> None:
    text = "# T\n\nA link. ^[See [[b]] and #标签 here ^[inner].] and [[c]] `^[code]`\n"
    note, diagnostics = parse_note(Path("n.md"), "n.md", text)
    assert diagnostics == []
    assert sorted(text[l.span.start:l.span.end] for l in note.links) == ["[[b]]", "[[c]]"]
    assert [text[t.span.start:t.span.end] for t in note.tags if t.span] == ["#标签"]
    assert sorted(text[s.start:s.end] for s in note.footnotes) == ["^[See [[b]] and #标签 here ^[inner].]", "^[inner]"]


@pytest.mark.parametrize(("front_matter", "tags"), [
    ("tags:\n  - 读书\n  - \n", ["读书"]),  # an empty item is ignored, as Obsidian does
    ("tags: 2024\n", ["2024"]),
    ("tags: [2024-03-05, 日记]\n", ["2024-03-05", "日记"]),
    ("Tags: '#a, b'\n", ["a", "b"]),
])
def test_odd_front_matter_tags(front_matter: str, tags: list[str]) -> None:
    note, diagnostics = parse_note(Path("n.md"), "n.md", f"---\n{front_matter}---\n# n\n")
    assert diagnostics == [] and note.tag_names == tags


@pytest.mark.parametrize("text", ["则\n$$\n\nx = [[1]]\n$$\n后文\n", "- 公式：\n  $$\n  x = [[1]]\n  $$\n"])
def test_display_math_block_ends_a_paragraph(text: str) -> None:
    """As in Obsidian, a ``$$`` line right after text opens a math block (blank lines inside allowed)."""
    note, diagnostics = parse_note(Path("n.md"), "n.md", text)
    assert diagnostics == [] and note.links == []  # [[1]] is math, not a link
    blocks = [t for t in note.tokens if t.type == "math_block"]
    assert len(blocks) == 1 and "x = [[1]]" in blocks[0].content
    assert [note.text[s.start:s.end].strip().startswith("$$") for s in note.math] == [True]


def test_math_block_ids_and_pairing() -> None:
    text = ("$$\nE=mc^2\n$$ ^eq\n\n## 下一节\n\n能量：$$\nE=mc^2\n$$\n\n## 再下一节\n\n> [!note]\n> $$\n> y\n> $$\n> ^abc\n\n"
            "见 [[#^eq]] [[#^abc]] 与 $$F=ma$$\n")
    note, diagnostics = parse_note(Path("n.md"), "n.md", text)
    assert diagnostics == []
    assert [h.text for h in note.headings] == ["下一节", "再下一节"]  # no math block swallowed them
    eq, abc = note.blocks["eq"], note.blocks["abc"]
    assert (eq.start_line, eq.end_line, eq.after_math, text[eq.span.start:eq.span.end]) == (1, 3, True, " ^eq")
    assert (abc.start_line, abc.end_line, abc.standalone, text[abc.span.start:abc.span.end]) == (14, 16, True, "^abc")
    assert [t.content for t in note.tokens if t.type == "math_block"] == ["E=mc^2\n", "y\n"]


@pytest.mark.parametrize(("text", "tags"), [
    ("#青玉案·元夕 与 #🌱seedling 与 #⬜/📋", ["青玉案·元夕", "🌱seedling", "⬜/📋"]),
    ("#a_b-c/d. 与 #tag* 与 #x(y)", ["a_b-c/d", "tag", "x"]),  # ASCII punctuation ends a tag, but not -_/
    ("#1984 与 #2024/05 与 `#code`", []),  # only digits: not a tag; code is code
])
def test_tag_characters_as_obsidian(text: str, tags: list[str]) -> None:
    note, _ = parse_note(Path("n.md"), "n.md", text + "\n")
    assert [t.name for t in note.tags] == tags


def test_tab_indented_continuation_keeps_link_positions() -> None:
    text = "- item\n\tsee [[other]] now, [web](https://x.org) ok\n- a\n\t![](missing.md)\n"
    note, _ = parse_note(Path("n.md"), "n.md", text)
    assert [text[l.span.start:l.span.end] for l in note.links] == ["[[other]]", "![](missing.md)"]


def test_callout_title_over_a_rule_and_types_with_spaces() -> None:
    note, diagnostics = parse_note(Path("n.md"), "n.md", ">[!note]+ 标题\n>---\n>正文\n\n> [!My Type]- 折叠\n> 文字\n")
    assert diagnostics == [] and note.headings == []  # "[!note]+ 标题" over "---" is no setext heading
    assert [(c.type, c.fold, c.title) for c in note.callouts] == [("note", "+", "标题"), ("my-type", "-", "折叠")]


def test_dollar_math_as_obsidian_reads_it(tmp_path):
    """A ``$`` followed or preceded by a space does not open or close inline math: prices stay text."""
    from notedeck.vault.syntax import parser

    def inline(text):
        return [(c.type, c.content) for c in parser().parse(text)[1].children]

    assert inline("$5 and $10 are prices") == [("text", "$5 and $10 are prices")]
    assert inline("$x^2$ but $ y $") == [("math_inline", "x^2"), ("text", " but $ y $")]
