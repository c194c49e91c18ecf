"""Unit tests of the Obsidian → Material Markdown transform, one construct at a time."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from notedeck.site.transform import CALLOUT_TYPES, SiteIndex, page_dir, transform
from notedeck.vault import Vault


def vault_of(tmp_path: Path, files: dict[str, str | bytes]) -> Vault:
    for rel, content in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
    return Vault.load(tmp_path, progress=False)


def render(tmp_path: Path, files: dict[str, str | bytes], rel: str = "a.md", **kw) -> str:
    v = vault_of(tmp_path, files)
    site = SiteIndex.build(v, **kw)
    return transform(v.notes[rel], site, backlinks=False)


TARGET = "# 目标\n\nintro ^blk\n\n## 中文 标题\n\n正文\n\n### 子 标题\n\n更深\n"


# ------------------------------------------------------------------ wikilinks


@pytest.mark.parametrize("link, expected", [
    ("[[目标]]", "[目标](目标.md)"),
    ("[[目标|别的名字]]", "[别的名字](目标.md)"),
    ("[[目标#中文 标题]]", "[目标 > 中文 标题](目标.md#中文-标题)"),
    ("[[目标#中文 标题|看这里]]", "[看这里](目标.md#中文-标题)"),
    ("[[目标#中文 标题#子 标题]]", "[目标 > 中文 标题 > 子 标题](目标.md#子-标题)"),
    ("[[目标#^blk]]", "[目标 > ^blk](目标.md#^blk)"),
    ("[[目标.md]]", "[目标.md](目标.md)"),
    ("[[目 标 别名]]", "[目 标 别名](目标.md)"),
    ("[[目标]]、[[目标]]", "[目标](目标.md)、[目标](目标.md)"),
])
def test_wikilinks(tmp_path, link, expected):
    files = {"a.md": f"x {link} y\n", "目标.md": "---\naliases: [目 标 别名]\n---\n" + TARGET}
    assert render(tmp_path, files).strip() == f"x {expected} y"


def test_same_note_heading_link_is_a_fragment(tmp_path):
    out = render(tmp_path, {"a.md": "# 开始\n\n见 [[#第二 节]]\n\n## 第二 节\n"})
    assert "[第二 节](#第二-节)" in out


def test_case_insensitive_and_folder_paths(tmp_path):
    files = {"sub/a.md": "[[NOTE]] [[other/note]]\n", "other/Note.md": "# n\n"}
    out = render(tmp_path, files, "sub/a.md")
    assert out.strip() == "[NOTE](../other/Note.md) [other/note](../other/Note.md)"


def test_duplicate_names_prefer_the_linking_notes_folder(tmp_path):
    files = {"x/a.md": "[[同名]]\n", "x/同名.md": "x\n", "y/同名.md": "y\n"}
    assert render(tmp_path, files, "x/a.md").strip() == "[同名](同名.md)"


def test_link_text_is_escaped_and_urls_quoted(tmp_path):
    files = {"a.md": "[[my note 🚀|a *b* [c]]]\n", "my note 🚀.md": "x\n"}
    out = render(tmp_path, files)
    assert "my%20note%20🚀.md" in out


def test_broken_links_are_visible_spans_not_links(tmp_path):
    out = render(tmp_path, {"a.md": "[[没有]] and [[a#没有标题]] and [x](nope.md)\n"})
    assert out.count('class="notedeck-broken"') == 3
    text = re.sub(r' title="[^"]*"', "", out)
    assert "[[" not in text and "](" not in text
    assert ">没有</span>" in out


def test_private_notes_link_as_plain_text_and_embed_as_notice(tmp_path):
    files = {"a.md": "[[私密]] and [[私密|别名]]\n\n![[私密]]\n", "私密.md": "---\npublish: false\n---\n绝密词汇\n"}
    out = render(tmp_path, files)
    assert "私密 and 别名" in out
    assert "绝密词汇" not in out and "私密.md" not in out
    assert "notedeck-private-embed" in out


def test_markdown_links_resolve_like_wikilinks(tmp_path):
    files = {"d/a.md": "[t](../目标.md#中文-标题) [u](目标) ![p](pic.png)\n", "目标.md": TARGET, "img/pic.png": b"x"}
    out = render(tmp_path, files, "d/a.md")
    assert "[t](../目标.md#中文-标题)" in out.replace("目标", "目标")
    assert "[u](../目标.md)" in out
    assert "![p](../img/pic.png)" in out


# ------------------------------------------------------------------ embeds


def test_image_embeds_with_sizes(tmp_path):
    files = {"a.md": "![[猫 咪.png|300]]\n\n![[猫 咪.png|300x200]]\n\n![[猫 咪.png|一只猫]]\n", "img/猫 咪.png": b"x"}
    out = render(tmp_path, files)
    assert '![猫 咪.png](img/猫%20咪.png){ width="300" }' in out
    assert '{ width="300" height="200" }' in out
    assert "![一只猫](img/" in out


@pytest.mark.parametrize("dir_urls, prefix", [(True, "../../"), (False, "../")])
def test_media_embeds_use_page_relative_urls(tmp_path, dir_urls, prefix):
    files = {"n/a.md": "![[讲义.pdf]]\n\n![[声音.mp3]]\n\n![[clip.mp4]]\n",
             "f/讲义.pdf": b"%PDF", "f/声音.mp3": b"x", "f/clip.mp4": b"x"}
    out = render(tmp_path, files, "n/a.md", use_directory_urls=dir_urls)
    assert f'<iframe class="notedeck-pdf" src="{prefix}f/讲义.pdf"' in out
    assert f'<audio class="notedeck-audio" controls src="{prefix}f/声音.mp3">' in out
    assert f'<video class="notedeck-video" controls src="{prefix}f/clip.mp4">' in out


@pytest.mark.parametrize("dir_urls, img, note, index, here", [
    (True, "../../f/图.png", "../../笔记/目标/#中文-标题", "../../f/", "#中文-标题"),
    (False, "../f/图.png", "../笔记/目标.html#中文-标题", "../f/index.html", "#中文-标题"),
])
def test_raw_html_paths_point_at_final_urls(tmp_path, dir_urls, img, note, index, here):
    """``src``/``href`` of raw HTML (inline, in an HTML block, in a quote) name vault paths relative to the note,
    else to the vault root; they become URLs relative to the page. A private note's path never appears."""
    files = {"n/a.md": ('<img src="../f/图.png" width="40"> <a href="笔记/目标.md#中文-标题">x</a>\n\n'
                        "> <a href='f/README.md'>folder page</a> <a href=\"#中文-标题\">same page</a> <a href='?q=1'>q</a>\n\n"
                        '<div>\n<a href="a.md#中文-标题">here</a> <a href="../秘密.md">secret</a> '
                        '<a href="https://x.org/a.md">web</a> <a href="没有.md">missing</a>\n</div>\n\n'
                        "`<img src=\"../f/图.png\">`\n\n## 中文 标题\n"),
             "f/图.png": b"x", "f/README.md": "# f\n", "笔记/目标.md": TARGET, "秘密.md": "---\npublish: false\n---\n# s\n"}
    out = render(tmp_path, files, "n/a.md", use_directory_urls=dir_urls)
    assert f'<img src="{img}" width="40">' in out
    assert f'<a href="{note}">x</a>' in out
    assert f"<a href='{index}'>folder page</a>" in out
    assert '<a href="#中文-标题">same page</a>' in out and f'<a href="{here}">here</a>' in out
    assert "<a href='?q=1'>q</a>" in out
    assert '<a href="#">secret</a>' in out and "秘密" not in out
    assert '<a href="https://x.org/a.md">web</a>' in out and '<a href="没有.md">missing</a>' in out
    assert '`<img src="../f/图.png">`' in out  # code is never rewritten


def test_raw_html_paths_every_form_and_nothing_else(tmp_path):
    """Which raw HTML values are paths: src/href/poster/data and each srcset URL, quoted or not, also after a
    ``>`` inside a quoted value and in a tag split over quoted lines; not inside another attribute's value, a
    comment, script/style/textarea text, code an HTML block holds, and not ``#x``, ``?q``, ``./``, ``x/``."""
    files = {"a.md": ('<img alt="a > p/1.png" src="p/1.png"> <img src=p/2.png> <video poster="p/3.png"></video>\n'
                      '<object data="p/4.png"></object> <img srcset="p/5.png 1x, p/6.png 2x">\n\n'
                      '> quoted <img\n> src="p/7.png">\n\n'
                      '<a title="x href=\'nowhere.md\'" href="./">here</a> <a href="p/">folder</a> <a href="?q">q</a>\n\n'
                      '<div>\n<!-- <img src="gone.png"> -->\n<script>var s = \'<img src="p/1.png">\'; for (i<n) {}</script>\n'
                      '<style>a { background: url(p/1.png) }</style>\n</div>\n\n'
                      '<details>\n<summary>s</summary>\nUse `<img src="p/1.png">` here.\n```html\n<img src="p/2.png">\n```\n\n'
                      '</details>\n'),
             **{f"p/{k}.png": b"x" for k in range(1, 8)}}
    v = vault_of(tmp_path, files)
    note = v.notes["a.md"]
    assert [(l.target, note.text[l.span.start:l.span.end]) for l in note.links] == [
        (f"p/{k}.png", f"p/{k}.png") for k in range(1, 8)]
    assert list(v.diagnostics) == []
    out = transform(note, SiteIndex.build(v), backlinks=False)
    for k in range(1, 8):
        assert f"../p/{k}.png" in out
    assert out.count("../p/") == 7  # nothing in the comment, script, style, code span or fence
    assert '<img alt="a > p/1.png" src="../p/1.png">' in out  # the value, not the same text before it


def test_raw_html_paths_found_by_attribute_despite_tabs_and_custom_elements(tmp_path):
    """markdown-it expands a list item's tab (its text is then longer than the source); ``<style-guide>`` is no
    ``<style>`` element."""
    files = {"t/n.md": '# N\n\n- <div>\n  <img\n\tsrc="p.png"> caption: p.png\n  </div>\n\n'
                       '<style-guide>\n<img src="p.png">\n</style-guide>\n',
             "t/p.png": b"x"}
    out = render(tmp_path, files, "t/n.md")
    assert '\tsrc="../p.png"> caption: p.png' in out
    assert '<style-guide>\n<img src="../p.png">' in out


def test_raw_html_links_keep_queries_and_hide_private_notes_even_when_broken(tmp_path):
    files = {"a.md": '<img src="p/i.png?v=2"> <a href="秘密.md#没有的标题">s</a> <a href="b.md?x=1&amp;y=2#段">b</a>\n',
             "p/i.png": b"x", "秘密.md": "---\npublish: false\n---\n# s\n", "b.md": "# b\n\n## 段\n"}
    out = render(tmp_path, files)
    assert '<img src="../p/i.png?v=2">' in out
    assert '<a href="#">s</a>' in out and "秘密" not in out
    assert '<a href="../b/?x=1&amp;y=2#段">b</a>' in out


def test_a_broken_heading_in_a_private_note_does_not_show_its_path(tmp_path):
    files = {"a.md": "[[秘密#没有|看]] [x](秘密.md#没有) ![[秘密#没有]]\n", "秘密.md": "---\npublish: false\n---\n# s\n"}
    out = render(tmp_path, files)
    assert "秘密.md" not in out and "notedeck-broken" not in out
    assert out.startswith("看 x ") and "notedeck-private-embed" in out


def test_raw_html_path_to_a_missing_file_is_reported(tmp_path):
    v = vault_of(tmp_path, {"a.md": 'x <img src="没有.png">\n\n<!-- <img src="也没有.png"> -->\n\nx <!-- <a href="b.md"> -->\n'
                                    '\n<iframe src="../app/index.html"></iframe>\n'})
    assert [(d.line, d.col, d.severity, d.code) for d in v.diagnostics] == [  # not the commented-out ones
        (1, 13, "warning", "broken-link"),
        (7, 14, "warning", "outside-vault")]  # never followed; a warning: it may be meant for the web server


def test_page_dir():
    assert page_dir("a/b.md") == "a/b"
    assert page_dir("a/index.md") == "a"
    assert page_dir("a/b.md", False) == "a"
    assert page_dir("index.md") == ""


def test_note_embed_is_transformed_and_keeps_host_anchors(tmp_path):
    files = {"a.md": "# 主页\n\n![[目标]]\n\n## 中文 标题\n", "目标.md": TARGET + "\n[[#中文 标题]] ==亮== %%藏%%\n"}
    out = render(tmp_path, files)
    assert '!!! embed "[目标](目标.md)"' in out
    assert "\n    **中文 标题**\n" in out and "\n    **子 标题**\n" in out  # no heading → no id clash
    assert "## 中文 标题" in out.split("**子 标题**")[1]  # the host's own heading stays a heading
    assert "[中文 标题](目标.md#中文-标题)" in out  # [[#h]] inside the embed → its source
    assert "<mark>亮</mark>" in out and "藏" not in out and "^blk" not in out


def test_heading_and_block_embeds(tmp_path):
    files = {"a.md": "![[目标#中文 标题]]\n\n![[目标#^blk]]\n", "目标.md": TARGET}
    out = render(tmp_path, files)
    heading, block = out.split('!!! embed "[目标]')
    assert '!!! embed "[中文 标题](目标.md#中文-标题)"' in heading
    assert "    正文" in heading and "    **子 标题**" in heading and "intro" not in heading
    assert "(目标.md#^blk)" in block and "    intro" in block and "正文" not in block


def test_embed_cycles_are_not_expanded(tmp_path):
    files = {"a.md": "![[b]]\n", "b.md": "B 内容\n\n![[a]]\n"}
    out = render(tmp_path, files)
    assert out.count("B 内容") == 1
    assert "embed cycle" in out


def test_embed_inside_a_callout_is_indented_with_it(tmp_path):
    files = {"a.md": "> [!note] 看\n> ![[b]]\n", "b.md": "被嵌入\n"}
    out = render(tmp_path, files)
    assert '!!! note "看"' in out
    assert '    !!! embed "[b](b.md)"' in out and "        被嵌入" in out


# ------------------------------------------------------------------ callouts


@pytest.mark.parametrize("obsidian, material", sorted(CALLOUT_TYPES.items()))
def test_every_callout_type_maps_to_material(tmp_path, obsidian, material):
    out = render(tmp_path, {"a.md": f"> [!{obsidian.upper()}] 标题\n> 内容\n"})
    classes = material if material == obsidian else f"{material} {obsidian}"
    assert out.strip() == f'!!! {classes} "标题"\n    内容'


def test_unknown_callout_type_renders_as_note(tmp_path):
    out = render(tmp_path, {"a.md": "> [!custom]\n> x\n"})
    assert out.startswith('!!! note custom "Custom"')


@pytest.mark.parametrize("fold, marker", [("", "!!!"), ("-", "???"), ("+", "???+")])
def test_callout_folding(tmp_path, fold, marker):
    out = render(tmp_path, {"a.md": f"> [!faq]{fold} 问题？\n> 答案\n"})
    assert out.strip() == f'{marker} question faq "问题？"\n    答案'


def test_callout_without_title_uses_the_type_name(tmp_path):
    assert render(tmp_path, {"a.md": "> [!tip]\n> x\n"}).startswith('!!! tip "Tip"')


def test_nested_callouts_and_plain_quotes(tmp_path):
    src = "> [!tip]+ 外层\n> 外层内容\n>\n> > [!warning] 内层\n> > 内层内容\n>\n> > 普通引用\n\n> 不是 callout\n"
    out = render(tmp_path, {"a.md": src})
    assert out == ('???+ tip "外层"\n    外层内容\n\n    !!! warning "内层"\n        内层内容\n\n'
                   "    > 普通引用\n\n> 不是 callout\n")


def test_callout_title_with_link_and_body_with_code(tmp_path):
    src = "> [!note] 见 [[b]]\n> ```python\n> x = '[[b]] ==y== %%z%%'\n> ```\n"
    out = render(tmp_path, {"a.md": src, "b.md": "b\n"})
    assert out == "!!! note \"见 [b](b.md)\"\n    ```python\n    x = '[[b]] ==y== %%z%%'\n    ```\n"


# ------------------------------------------------------------------ inline syntax


def test_highlight_comment_and_code_untouched(tmp_path):
    src = "正文 ==重点 **粗** [[b]]== 还有 %%注释%% 结束，`[[b]] ==c== %%d%% #e`\n"
    out = render(tmp_path, {"a.md": src, "b.md": "b\n"})
    assert out == "正文 <mark>重点 **粗** [b](b.md)</mark> 还有  结束，`[[b]] ==c== %%d%% #e`\n"


def test_block_comment_with_hidden_code_is_removed_entirely(tmp_path):
    src = "前\n\n%%\n注释\n```python\nhidden = 1\n```\n%%\n\n后\n"
    out = render(tmp_path, {"a.md": src})
    assert "注释" not in out and "hidden" not in out and "%%" not in out
    assert out.startswith("前\n") and out.rstrip().endswith("后")


def test_fences_are_copied_verbatim(tmp_path):
    fence = "```python title=\"x.py\"\ns = \"[[a]] ![[b]] ==c== %%d%% #tag ^id\"\n```\n\n~~~mermaid\ngraph TD\n  A-->B\n~~~\n"
    out = render(tmp_path, {"a.md": "# t\n\n" + fence})
    assert fence in out


def test_math_is_left_for_arithmatex(tmp_path):
    src = "行内 $a_{i}^2$ 和\n\n$$\n\\sum_i x_i\n$$\n"
    assert render(tmp_path, {"a.md": src}) == src


def test_inline_tags_link_to_the_tags_page(tmp_path):
    out = render(tmp_path, {"d/a.md": "文字 #数学/导数 和 #tag\n"}, "d/a.md", tags_page="tags.md")
    assert "[#数学/导数](../tags.md#tag:数学导数){ .notedeck-tag }" in out
    plain = render(tmp_path, {"d/a.md": "文字 #tag\n"}, "d/a.md")
    assert '<span class="notedeck-tag">#tag</span>' in plain


def test_block_ids_become_anchors(tmp_path):
    out = render(tmp_path, {"a.md": "段落 ^p1\n\n- 项 ^li\n\n| a |\n|---|\n| b |\n\n^tbl\n"})
    assert '段落 <span class="notedeck-block" id="^p1"></span>' in out
    assert '- 项 <span class="notedeck-block" id="^li"></span>' in out
    assert '\n<span class="notedeck-block" id="^tbl"></span>\n' in out
    assert "^p1\n" not in out


def test_front_matter_is_removed_and_footnotes_tasks_kept(tmp_path):
    src = "---\ntags: [x]\n---\n正文[^1]\n\n- [ ] 任务\n\n[^1]: 脚注\n"
    out = render(tmp_path, {"a.md": src})
    assert out == "正文[^1]\n\n- [ ] 任务\n\n[^1]: 脚注\n"


# ------------------------------------------------------------------ backlinks


def test_backlinks_section_excludes_private_sources(tmp_path):
    files = {"a.md": "# A\n", "b.md": "[[a]]\n", "c/d.md": "![[a]]\n", "p.md": "---\ndraft: true\n---\n[[a]]\n"}
    v = vault_of(tmp_path, files)
    out = transform(v.notes["a.md"], SiteIndex.build(v, backlinks_title="反向链接"))
    tail = out.split('<div class="notedeck-backlinks"', 1)[1]
    assert "反向链接" in tail and "- [b](b.md)" in tail and "- [d](c/d.md)" in tail and "p.md" not in tail
    assert "notedeck-backlinks" not in transform(v.notes["b.md"], SiteIndex.build(v))


def test_embed_in_a_list_item_nests_inside_the_item(tmp_path):
    import markdown

    out = render(tmp_path, {"a.md": "- 一\n- ![[b]]\n- 三\n", "b.md": "被嵌入\n"})
    html = markdown.markdown(out, extensions=["admonition", "attr_list", "md_in_html"])
    assert html.count("<li>") == 3 and "<pre>" not in html
    item = html.split("<li>")[2]
    assert '<div class="admonition embed">' in item and "被嵌入" in item


def test_a_note_embedding_itself_is_not_expanded(tmp_path):
    out = render(tmp_path, {"a.md": "自身内容\n\n![[a]]\n"})
    assert out.count("自身内容") == 1 and "embed cycle" in out


def test_pdf_embed_page_and_height(tmp_path):
    files = {"a.md": "![[d.pdf#page=3]]\n\n![[d.pdf#height=400]]\n", "d.pdf": b"%PDF"}
    out = render(tmp_path, files, use_directory_urls=False)
    assert '<iframe class="notedeck-pdf" src="d.pdf#page=3" width="100%" height="600">' in out
    assert '<iframe class="notedeck-pdf" src="d.pdf" width="100%" height="400">' in out


def test_nested_lists_are_reindented_for_python_markdown(tmp_path):
    src = "* 顶层\n  * 二级\n    * 三级 [[b]]\n      ```python\n      x = 1\n        y = 2\n      ```\n1. 一\n   - 子项\n\n- tab\n\t- 子项\n"
    out = render(tmp_path, {"a.md": src, "b.md": "b\n"})
    assert out == ("* 顶层\n    * 二级\n        * 三级 [b](b.md)\n            ```python\n            x = 1\n"
                   "              y = 2\n            ```\n\n<!-- -->\n\n1. 一\n    - 子项\n\n\n<!-- -->\n\n- tab\n\t- 子项\n")
    # (three lists, as CommonMark reads a change of marker: kept apart for Python-Markdown)


def test_lists_inside_callouts_and_quotes_are_reindented_too(tmp_path):
    out = render(tmp_path, {"a.md": "> [!note]\n> - a\n>   - b\n\n> - c\n>   - d\n"})
    assert out == '!!! note "Note"\n    - a\n        - b\n\n> - c\n>     - d\n'


@pytest.mark.parametrize("text", [
    "> [!warning]-\n>  ```md\n> > [!warning]\n> ```\n",  # opening indented one space inside a callout
    " ```md\n> [!warning]\n```\n",  # opening indented, closing not
    "- item\n\n   ```md\n   > [!warning]\n  ```\n",  # in a list item, closing indented less
    "> quote\n>\n>   ```md\n>   > [!warning]\n>  ```\n",  # in a plain quote
])
def test_indented_fences_stay_code(tmp_path, text: str) -> None:
    """CommonMark (and Obsidian) accept a fence indented 1–3 spaces, closed at another indent; the
    site's SuperFences needs both at the same column, so the transform aligns them."""
    import markdown

    (tmp_path / "n.md").write_text(text, encoding="utf-8")
    v = Vault.load(tmp_path, progress=False)
    assert [str(d) for d in v.diagnostics] == []
    md = markdown.Markdown(extensions=["pymdownx.superfences", "admonition", "pymdownx.details"])
    html = md.convert(transform(v.notes["n.md"], v, backlinks=False))
    assert "<code>" in html and "[!warning]" in html.split("<code>", 1)[1]  # inside the code block
    assert "```" not in html


def test_inline_footnotes_become_footnotes(tmp_path) -> None:
    import markdown

    (tmp_path / "b.md").write_text("# B\n", encoding="utf-8")
    (tmp_path / "a.md").write_text("# A\n\n正文^[见 [[b]] 与 ^[内层]。] 再来 `^[code]`\n\n"
                                   "> [!note] 标注\n> 里面^[一个 ==重点==]。\n", encoding="utf-8")
    v = Vault.load(tmp_path, progress=False)
    out = transform(v.notes["a.md"], v, backlinks=False)
    assert "`^[code]`" in out
    md = markdown.Markdown(extensions=["footnotes", "admonition", "pymdownx.superfences"])
    html = md.convert(out)
    assert "^[" not in html.replace("<code>^[code]</code>", "")
    notes = re.findall(r'<li id="fn:([^"]+)">\s*<p>(.*?)&#160;', html, re.S)
    assert [body for _, body in notes] == [
        '见 <a href="b.md">b</a> 与 <sup id="fnref:notedeck-2"><a class="footnote-ref" href="#fn:notedeck-2">2</a></sup>。',
        "内层", "一个 <mark>重点</mark>"]


def test_footnotes_come_before_the_backlinks(tmp_path) -> None:
    import markdown

    (tmp_path / "a.md").write_text("# A\n\n见 [[b]]^[内联] 与[^1]。\n\n[^1]: 定义\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# B\n\n回到 [[a]]。\n", encoding="utf-8")
    v = Vault.load(tmp_path, progress=False)
    md = markdown.Markdown(extensions=["footnotes", "md_in_html"])
    page_a = md.convert(transform(v.notes["a.md"], v))
    assert page_a.index('class="footnote"') < page_a.index("notedeck-backlinks")
    assert "Footnotes Go Here" not in page_a
    page_b = md.reset().convert(transform(v.notes["b.md"], v))  # no footnotes: no marker left behind
    assert "notedeck-backlinks" in page_b and "Footnotes Go Here" not in page_b and "footnote" not in page_b


@pytest.mark.parametrize(("markdown", "expected"), [
    ("![图|60](p.png)", '![图](p.png){ width="60" }'),
    ("![100x145](p.png)", '![](p.png){ width="100" height="145" }'),
    ("![a|b](p.png)", "![a|b](p.png)"),  # not a size: alt text as written
    ("![250](https://example.org/x.png)", '![](<https://example.org/x.png>){ width="250" }'),
    ("![](https://example.org/x.png)", "![](https://example.org/x.png)"),
    ("![](https://youtu.be/abc123)", 'src="https://www.youtube.com/embed/abc123" width="560" height="315"'),
    ("![视频|400](https://www.youtube.com/watch?v=abc123&t=5)", 'src="https://www.youtube.com/embed/abc123" width="400"'),
    ("`![250](https://example.org/x.png)`", "`![250](https://example.org/x.png)`"),
    ("[[文档.pdf#page=2|第二页]]", "[第二页](文档.pdf#page=2)"),
])
def test_image_sizes_web_embeds_and_file_fragments(tmp_path, markdown: str, expected: str) -> None:
    (tmp_path / "p.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "文档.pdf").write_bytes(b"%PDF-1.4\n")
    (tmp_path / "a.md").write_text(f"# A\n\n{markdown}\n", encoding="utf-8")
    v = Vault.load(tmp_path, progress=False)
    assert [str(d) for d in v.diagnostics] == []
    assert expected in transform(v.notes["a.md"], v, backlinks=False)


@pytest.mark.parametrize(("line", "kind", "title"), [
    ("> [!info|label:SAA-C03 · 第 4 章] 第四章", "info", "第四章"),
    ("> [!column|no-i no-t]", "note column", "Column"),
    ("> [!tip|wide]- 折叠", "tip", "折叠"),
])
def test_callout_metadata_is_dropped(tmp_path, line: str, kind: str, title: str) -> None:
    (tmp_path / "n.md").write_text(f"# n\n\n{line}\n> 正文\n", encoding="utf-8")
    v = Vault.load(tmp_path, progress=False)
    out = transform(v.notes["n.md"], v, backlinks=False)
    assert f'{kind} "{title}"' in out and "[!" not in out and "|" not in out


@pytest.mark.parametrize(("source", "html_has"), [
    ("天气:: 晴\n- 起床\n- 读书\n", "<ul>\n<li>起床</li>"),  # a list interrupting a paragraph
    ("**Complete**\n- [x] 画\n", '<li class="task-list-item">'),
    ("> 引用\n> - 一\n> - 二\n", "<blockquote>\n<p>引用</p>\n<ul>"),  # inside a quote: markers kept
    ("- *来源*\n- \n", "<li><span></span></li>"),  # an empty bullet is not a setext underline
    ("定义为\n$$\nM == [[1]]\n$$\n后文\n", '<div class="arithmatex">\\[\nM == [[1]]\n\\]</div>\n<p>后文</p>'),
    ("- 公式：\n  $$\n  v\n  $$\n", '<p>公式：</p>\n<div class="arithmatex">'),
    ("行内 $$x^n$$ 公式\n", '<span class="arithmatex">\\(\\displaystyle x^n\\)</span>'),
    ("$$\nx\n$$\n紧接的文字\n", "</div>\n<p>紧接的文字</p>"),
    ("文字\n```py\nx = 1\n```\n", "<p>文字</p>\n<div class=\"highlight\">"),
    ("展开\n\n$$\n\nx = 1\n\ny\n$$\n", '<div class="arithmatex">\\[\nx = 1\ny\n\\]</div>'),  # blank lines inside
    ("> [!note] 式\n>\n> $$\n> x\n>\n> y\n> $$\n", '<div class="arithmatex">\\[\nx\ny\n\\]</div>'),
])
def test_blocks_python_markdown_needs_blank_lines_for(tmp_path, source: str, html_has: str) -> None:
    import markdown

    out = render(tmp_path, {"n.md": source}, "n.md")
    md = markdown.Markdown(extensions=["pymdownx.arithmatex", "pymdownx.superfences", "pymdownx.tasklist", "admonition"],
                           extension_configs={"pymdownx.arithmatex": {"generic": True}})
    assert html_has in md.convert(out)


def test_sized_note_embeds_and_drawings(tmp_path) -> None:
    (tmp_path / "笔记.md").write_text("# 笔记标题\n\n正文\n", encoding="utf-8")
    (tmp_path / "Drawing 1.excalidraw.md").write_text(
        "---\nexcalidraw-plugin: parsed\n---\n==⚠ Switch to EXCALIDRAW VIEW==\n\n# Text Elements\n文字 ^abc\n\n"
        "%%\n# Drawing\n```compressed-json\nN4Ig\n```\n%%\n", encoding="utf-8")
    (tmp_path / "a.md").write_text("# A\n\n![[笔记|400]]\n\n![[Drawing 1.excalidraw|400]]\n", encoding="utf-8")
    v = Vault.load(tmp_path, progress=False)
    out = transform(v.notes["a.md"], v, backlinks=False)
    assert '!!! embed "[笔记](笔记.md)"' in out and '"[400]' not in out
    assert "[Drawing 1.excalidraw](Drawing%201.excalidraw.md){ .notedeck-drawing }" in out
    assert "Text Elements" not in out and "Switch to EXCALIDRAW" not in out


@pytest.mark.parametrize(("source", "marked"), [
    ("<details>\n<summary>答案</summary>\n\n见 [[b]]\n\n</details>\n", True),
    ('<div align="center">\n\n**粗**\n\n</div>\n', True),
    ("<div>一整块 HTML</div>\n", False),  # closed in the same block: no Markdown inside
    ('<div markdown="0">\n\nx\n\n</div>\n', False),  # the author chose
    ("<table>\n<tr><td>x</td></tr>\n\n</table>\n", False),  # not a Markdown container
])
def test_markdown_inside_html_containers(tmp_path, source: str, marked: bool) -> None:
    import markdown

    (tmp_path / "b.md").write_text("# B\n", encoding="utf-8")
    out = render(tmp_path, {"n.md": source}, "n.md")
    assert ('markdown="1"' in out) is marked
    if marked:
        html = markdown.Markdown(extensions=["md_in_html"]).convert(out)
        assert "<p>" in html and ("<strong>粗</strong>" in html or '<a href="b.md">b</a>' in html)


def test_broken_link_tooltip_is_left_alone_by_markdown(tmp_path) -> None:
    """The tooltip quotes the link as written: math or emphasis in it must not be rendered into the attribute."""
    import markdown

    (tmp_path / "a.md").write_text("见 [[缺失|情形 $x<y$]] 与 [[缺失#标题 *a* `c`]]。\n\n| a | b |\n| --- | --- |\n"
                                   "| [[缺失\\|别名]] | 2 |\n", encoding="utf-8")
    v = Vault.load(tmp_path, progress=False)
    out = transform(v.notes["a.md"], v, backlinks=False)
    html_out = markdown.Markdown(extensions=["pymdownx.arithmatex", "tables"],
                                 extension_configs={"pymdownx.arithmatex": {"generic": True}}).convert(out)
    titles = re.findall(r'title="([^"]*)"', html_out)
    assert len(titles) == 3 and all("<" not in t and "$" not in t and "|" not in t for t in titles)
    assert html_out.count('class="arithmatex"') == 1  # the link text's math only
    assert re.search(r'<td><span class="notedeck-broken" title="[^"]*">别名</span></td>\s*<td>2</td>', html_out)


@pytest.mark.parametrize(("source", "html_has"), [
    (" > [!tip]- 折叠标题\n > 正文\n", '<details class="tip">\n<summary>折叠标题</summary>\n<p>正文</p>'),  # indented 1 space
    ("- 条目\n\n  > [!note] 列表里\n  > 内容\n  > - 子项\n", '<p>条目</p>\n<div class="admonition note">'),
    ("1. 一\n   > [!warning] 二\n   > 三\n", '<p>一</p>\n<div class="admonition warning">\n<p class="admonition-title">二</p>\n<p>三</p>'),
    ("- 条目\n\n  > [!note] 标题\n  > 内容\n  > - 子项\n", "<p>内容</p>\n<ul>\n<li>子项</li>"),
    ("文字\n> 引用\n", "<p>文字</p>\n<blockquote>\n<p>引用</p>"),
])
def test_callouts_indented_in_lists_and_after_text(tmp_path, source: str, html_has: str) -> None:
    import markdown

    out = render(tmp_path, {"n.md": source}, "n.md")
    html_out = markdown.Markdown(extensions=["admonition", "pymdownx.details"]).convert(out)
    assert html_has in html_out and "[!" not in html_out


def test_custom_task_statuses_are_done_tasks(tmp_path) -> None:
    import markdown

    (tmp_path / "n.md").write_text("- [ ] 待办\n- [x] 完成\n- [?] 疑问\n- [-] 取消\n1. [/] 进行中\n- [[链接]] 不是任务\n"
                                   "- `[?]` 代码\n", encoding="utf-8")
    v = Vault.load(tmp_path, progress=False, check=False)
    out = transform(v.notes["n.md"], v, backlinks=False)
    html_out = markdown.Markdown(extensions=["pymdownx.tasklist"]).convert(out)
    assert html_out.count("checked") == 4 and html_out.count('type="checkbox"') == 5
    assert "`[?]` 代码" in out


@pytest.mark.parametrize("source", ["第一行\n第二行\n^my-id\n", "> 引用一行\n> ^my-id\n", "第一行 ^my-id\n"])
def test_block_id_line_leaves_no_empty_line(tmp_path, source: str) -> None:
    out = render(tmp_path, {"n.md": source}, "n.md")
    assert out.rstrip("\n").endswith('行 <span class="notedeck-block" id="^my-id"></span>'), out
    assert "^my-id\n" not in out


def test_display_math_after_text_with_a_blank_line_inside(tmp_path) -> None:
    import markdown

    out = render(tmp_path, {"n.md": "则\n$$\n\n\\lvert A\\rvert=\\sum M\n$$\n\n> [!tip] 用法\n"}, "n.md")
    html_out = markdown.Markdown(extensions=["pymdownx.arithmatex", "admonition"],
                                 extension_configs={"pymdownx.arithmatex": {"generic": True}}).convert(out)
    assert '<p>则</p>\n<div class="arithmatex">\\[\n\\lvert A\\rvert=\\sum M\n\\]</div>' in html_out
    assert "$$" not in html_out


def test_math_block_ids_become_anchors(tmp_path) -> None:
    import markdown

    (tmp_path / "n.md").write_text("$$\nE=mc^2\n$$ ^eq\n后文\n\n> [!note] 式\n> $$\n> y\n> $$\n> ^abc\n\n见 [[#^eq]] [[#^abc]]\n",
                                   encoding="utf-8")
    v = Vault.load(tmp_path, progress=False)
    out = transform(v.notes["n.md"], v, backlinks=False)
    html_out = markdown.Markdown(extensions=["pymdownx.arithmatex", "admonition"],
                                 extension_configs={"pymdownx.arithmatex": {"generic": True}}).convert(out)
    assert html_out.count('class="arithmatex"') == 2 and "$$" not in html_out
    assert 'id="^eq"' in html_out and 'id="^abc"' in html_out
    assert "^abc</p>" not in html_out and "^eq\n" not in html_out


@pytest.mark.parametrize(("source", "html_has"), [
    ("#1984 是一本书\n", "<p>#1984 是一本书</p>"),  # no space after '#': text in CommonMark, not a heading
    ("- #2024 | [[a]] | x\n", "<li>#2024 | "),
    ("> #2024 引用\n", "<p>#2024 引用</p>"),
    ("##x\n", "<p>##x</p>"),
    (" ## 标题\n- a\n", "<h2>标题</h2>"),  # an ATX heading indented 1–3 spaces
    ("# 真标题\n", "<h1>真标题</h1>"),
])
def test_hash_lines_as_commonmark(tmp_path, source: str, html_has: str) -> None:
    import markdown

    (tmp_path / "a.md").write_text("# A\n", encoding="utf-8")
    (tmp_path / "n.md").write_text(source, encoding="utf-8")
    v = Vault.load(tmp_path, progress=False)
    html_out = markdown.Markdown().convert(transform(v.notes["n.md"], v, backlinks=False))
    assert html_has in html_out


def test_broken_image_without_alt_shows_its_name(tmp_path) -> None:
    out = render(tmp_path, {"n.md": "- a\n\t![](缺失.png)\n"}, "n.md")
    assert re.search(r'<span class="notedeck-broken" title="[^"]*">缺失.png</span>', out)


@pytest.mark.parametrize(("source", "html_has"), [
    ("- one\n\n  more\n- two\n", "<p>more</p>\n</li>\n<li>\n<p>two</p>"),  # a loose list keeps its items apart
    ("- one\n- two\n", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),  # a tight one stays tight, unchanged
    ("1. step\n- note\n", "</ol>\n<!-- -->\n\n<ul>\n<li>note</li>"),  # another marker: another list
    ("- a\n* b\n", "</ul>\n<!-- -->\n\n<ul>\n<li>b</li>"),
    ("> [!note]\n> - a\n> 1. b\n", "</ul>\n<!-- -->\n<ol>\n<li>b</li>"),
])
def test_lists_split_and_joined_as_commonmark(tmp_path, source: str, html_has: str) -> None:
    import markdown

    out = render(tmp_path, {"n.md": source}, "n.md")
    assert html_has in markdown.Markdown(extensions=["admonition"]).convert(out)
    if source == "- one\n- two\n":
        assert out == source


@pytest.mark.parametrize(("source", "html_has"), [
    ("```java hl:2\nint x;\n```\n\n## 标题\n", "<h2"),  # a plugin's option in the info string
    ('```python test="skip" id="a"\nx = 1\n```\n', '<span class="n">x</span>'),  # notedeck's own options
    ('```js title="a b" foo\nx\n```\n', '<span class="filename">a b</span>'),  # a title SuperFences knows stays
    ("``` hl:3\nplain\n```\n", "<code>plain\n</code>"),
    ("> [!info]\n> 见：\n> ```python\n> x = 1\n\n## 之后\n", '<span class="n">x</span>'),  # closed by the callout's end
    ("- 条目\n\n  ```py\n  y\n", '<span class="n">y</span>'),  # closed by the end of the note
])
def test_fences_superfences_would_not_read(tmp_path, source: str, html_has: str) -> None:
    import markdown

    out = render(tmp_path, {"n.md": source}, "n.md")
    html_out = markdown.Markdown(extensions=["pymdownx.superfences", "pymdownx.highlight", "admonition"]).convert(out)
    assert html_has in html_out and 'class="highlight"' in html_out and "```" not in html_out


@pytest.mark.parametrize(("source", "html_has"), [
    (">[!note]+ 标题\n>---\n>正文\n", '<details class="note" open="open">\n<summary>标题</summary>\n<hr />\n<p>正文</p>'),
    ("> [!my type]- 折叠\n> 文字\n", '<details class="note my-type">\n<summary>折叠</summary>'),  # a type with a space
    ("> 引用 A\n\n> 引用 B\n", "<blockquote>\n<p>引用 A</p>\n</blockquote>\n<!-- -->\n\n<blockquote>\n<p>引用 B</p>"),
])
def test_callout_titles_types_and_separate_quotes(tmp_path, source: str, html_has: str) -> None:
    import markdown

    out = render(tmp_path, {"n.md": source}, "n.md")
    html_out = markdown.Markdown(extensions=["admonition", "pymdownx.details"]).convert(out)
    assert html_has in html_out and "[!" not in html_out
