"""Unit tests of the one HTML renderer (the site's target), one construct at a time."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from notedeck.render import SiteIndex, render_page
from notedeck.render.target import CALLOUT_TYPES
from notedeck.render.urls import page_path, relative_url
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
    return render_page(v.notes[rel], SiteIndex.build(v, **kw), backlinks=False).html


def inner(out: str) -> str:
    """The content of a one-paragraph page."""
    return out.strip().removeprefix("<p>").removesuffix("</p>")


TARGET = "# 目标\n\nintro ^blk\n\n## 中文 标题\n\n正文\n\n### 子 标题\n\n更深\n"
T = "../%E7%9B%AE%E6%A0%87/"  # the page of 目标.md from a.md's page


# ------------------------------------------------------------------ links


@pytest.mark.parametrize("link, expected", [
    ("[[目标]]", f'<a href="{T}" data-preview>目标</a>'),
    ("[[目标|别的名字]]", f'<a href="{T}" data-preview>别的名字</a>'),
    ("[[目标#中文 标题]]", f'<a href="{T}#中文-标题" data-preview>目标 &gt; 中文 标题</a>'),
    ("[[目标#中文 标题#子 标题]]", f'<a href="{T}#子-标题" data-preview>目标 &gt; 中文 标题 &gt; 子 标题</a>'),
    ("[[目标#^blk]]", f'<a href="{T}#^blk" data-preview>目标 &gt; ^blk</a>'),
    ("[[目 标 别名]]", f'<a href="{T}" data-preview>目 标 别名</a>'),
])
def test_wikilinks(tmp_path, link, expected):
    files = {"a.md": f"x {link} y\n", "目标.md": "---\naliases: [目 标 别名]\n---\n" + TARGET}
    assert inner(render(tmp_path, files)) == f"x {expected} y"


def test_same_note_heading_link_is_a_fragment(tmp_path):
    out = render(tmp_path, {"a.md": "# 开始\n\n见 [[#第二 节]]\n\n## 第二 节\n"})
    assert '<a href="#第二-节" data-preview>第二 节</a>' in out
    assert '<h2 id="第二-节">第二 节<a class="headerlink" href="#第二-节" title="Permanent link">&para;</a></h2>' in out


def test_duplicate_names_prefer_the_linking_notes_folder(tmp_path):
    files = {"x/a.md": "[[同名]]\n", "x/同名.md": "x\n", "y/同名.md": "y\n"}
    assert "../%E5%90%8C%E5%90%8D/" in render(tmp_path, files, "x/a.md")


def test_link_text_is_escaped_and_urls_quoted(tmp_path):
    out = render(tmp_path, {"a.md": "[[my note 🚀|a <b> & c]]\n", "my note 🚀.md": "x\n"})
    assert '<a href="../my%20note%20%F0%9F%9A%80/" data-preview>a &lt;b&gt; &amp; c</a>' in out


def test_broken_links_are_visible_spans_not_links(tmp_path):
    out = render(tmp_path, {"a.md": "[[没有]] and [[a#没有标题]] and [x](nope.md)\n"})
    assert out.count('class="notedeck-broken"') == 3 and "<a " not in out
    assert ">没有</span>" in out and ">x</span>" in out


def test_private_notes_link_as_plain_text_and_embed_as_notice(tmp_path):
    files = {"a.md": "[[私密]] and [[私密|别名]] [t](私密.md#没有)\n\n![[私密]]\n",
             "私密.md": "---\npublish: false\n---\n绝密词汇\n"}
    out = render(tmp_path, files)
    assert "私密 and 别名 t" in out and "<a " not in out
    assert "绝密词汇" not in out and "notedeck-private-embed" in out and "notedeck-broken" not in out


def test_markdown_links_and_images_resolve_like_wikilinks(tmp_path):
    files = {"d/a.md": "[t](../目标.md#中文-标题) [u](目标) ![p](pic.png) [w](https://x.org)\n", "目标.md": TARGET,
             "img/pic.png": b"x"}
    out = render(tmp_path, files, "d/a.md")
    assert f'<a href="../{T}#中文-标题" data-preview>t</a>' in out and f'<a href="../{T}" data-preview>u</a>' in out
    assert '<img src="../../img/pic.png" alt="p">' in out and '<a href="https://x.org">w</a>' in out


def test_urls_follow_mkdocs_layout():
    assert page_path("a/b.md") == "a/b/" and page_path("a/index.md") == "a/" and page_path("README.md") == ""
    assert page_path("a/b.md", False) == "a/b.html" and page_path("a/README.md", False) == "a/index.html"
    assert page_path("a/README.md", own_folder=True) == "a/README/"
    assert relative_url("a/", "b/c/") == "../../a/" and relative_url("", "b/") == "../"
    assert relative_url("x/图 1.png", "x/y.html") == "%E5%9B%BE%201.png"


# ------------------------------------------------------------------ embeds


def test_image_embeds_with_sizes(tmp_path):
    files = {"a.md": "![[猫 咪.png|300]] ![[猫 咪.png|300x200]] ![[猫 咪.png|一只猫]] ![alt|120](img/猫%20咪.png)\n",
             "img/猫 咪.png": b"x"}
    out = render(tmp_path, files)
    src = "../img/%E7%8C%AB%20%E5%92%AA.png"
    assert f'<img src="{src}" alt="猫 咪.png" width="300">' in out
    assert f'<img src="{src}" alt="猫 咪.png" width="300" height="200">' in out
    assert f'<img src="{src}" alt="一只猫">' in out and f'<img src="{src}" alt="alt" width="120">' in out


@pytest.mark.parametrize("dir_urls, prefix", [(True, "../../"), (False, "../")])
def test_media_embeds_use_page_relative_urls(tmp_path, dir_urls, prefix):
    files = {"n/a.md": "![[讲义.pdf#page=3]]\n\n![[声音.mp3]]\n\n![[clip.mp4]]\n",
             "f/讲义.pdf": b"%PDF", "f/声音.mp3": b"x", "f/clip.mp4": b"x"}
    out = render(tmp_path, files, "n/a.md", use_directory_urls=dir_urls)
    assert f'<iframe class="notedeck-pdf" src="{prefix}f/%E8%AE%B2%E4%B9%89.pdf#page=3" width="100%" height="600">' in out
    assert f'<audio class="notedeck-audio" controls src="{prefix}f/%E5%A3%B0%E9%9F%B3.mp3">' in out
    assert f'<video class="notedeck-video" controls src="{prefix}f/clip.mp4">' in out


def test_raw_html_paths_point_at_final_urls_and_hide_private_notes(tmp_path):
    files = {"n/a.md": ('<img src="../f/图.png" width="40"> <a href="笔记/目标.md#中文-标题">x</a>\n\n'
                        '<div>\n<a href="../秘密.md">secret</a> <a href="https://x.org/a.md">web</a> <a href="没有.md">m</a>\n'
                        '</div>\n\n`<img src="../f/图.png">`\n'),
             "f/图.png": b"x", "笔记/目标.md": TARGET, "秘密.md": "---\npublish: false\n---\n# s\n"}
    out = render(tmp_path, files, "n/a.md")
    assert '<img src="../../f/%E5%9B%BE.png" width="40">' in out
    assert '<a href="../../%E7%AC%94%E8%AE%B0/%E7%9B%AE%E6%A0%87/#中文-标题">x</a>' in out
    assert '<a href="#">secret</a>' in out and "秘密" not in out
    assert '<a href="https://x.org/a.md">web</a>' in out and '<a href="没有.md">m</a>' in out
    assert "<code>&lt;img src=&quot;../f/图.png&quot;&gt;</code>" in out  # code is never rewritten


def test_note_embed_is_rendered_and_keeps_host_anchors(tmp_path):
    files = {"a.md": "# 主页\n\n![[目标]]\n\n## 中文 标题\n", "目标.md": TARGET + "\n[[#中文 标题]] ==亮== %%藏%%\n"}
    out = render(tmp_path, files)
    embed = out.split('<div class="admonition embed" data-search-exclude>', 1)[1]
    assert embed.startswith(f'\n<p class="admonition-title"><a href="{T}" data-preview>目标</a></p>')
    assert "<p><strong>中文 标题</strong></p>" in embed and "<h" not in embed.split("</div>")[0]
    assert out.count('id="中文-标题"') == 1 and out.count("<p></p>") == 0
    assert f'<a href="{T}#中文-标题" data-preview>中文 标题</a>' in embed  # [[#h]] inside the embed → its source
    assert "<mark>亮</mark>" in embed and "藏" not in out and "^blk" not in out


def test_heading_and_block_embeds(tmp_path):
    out = render(tmp_path, {"a.md": "![[目标#中文 标题]]\n\n![[目标#^blk]]\n", "目标.md": TARGET})
    heading, block = out.split('<div class="admonition embed" data-search-exclude>')[1:]
    assert f'<a href="{T}#中文-标题" data-preview>中文 标题</a>' in heading
    assert "<p>正文</p>" in heading and "<strong>子 标题</strong>" in heading and "intro" not in heading
    assert "#^blk" in block and "<p>intro</p>" in block and "正文" not in block


def test_list_item_block_embed_keeps_its_list(tmp_path):
    out = render(tmp_path, {"a.md": "![[b#^i2]]\n", "b.md": "1. one\n2. two ^i2\n"})
    assert "<ol>\n<li>two</li>\n</ol>" in out and "one" not in out


def test_embed_cycles_are_not_expanded(tmp_path):
    out = render(tmp_path, {"a.md": "![[b]]\n", "b.md": "B 内容\n\n![[a]]\n"})
    assert out.count("B 内容") == 1 and "embed cycle" in out


def test_embed_inside_a_callout_and_a_list(tmp_path):
    out = render(tmp_path, {"a.md": "> [!note] 看\n> ![[b]]\n\n- 项\n\t![[b]]\n", "b.md": "被嵌入\n"})
    assert re.search(r'<div class="admonition note">\n<p class="admonition-title">看</p>\n'
                     r'<div class="admonition embed" data-search-exclude>.*?被嵌入.*?</div>\n</div>', out, re.S)
    assert re.search(r"<li>项<br>\n<div class=\"admonition embed\" data-search-exclude>.*?被嵌入", out, re.S)


def test_pdf_embed_height_youtube_and_drawings(tmp_path):
    files = {"a.md": "![[d.pdf#height=400]]\n\n![](https://youtu.be/abc123)\n\n![[Drawing 1.excalidraw|400]]\n",
             "d.pdf": b"%PDF",
             "Drawing 1.excalidraw.md": "---\nexcalidraw-plugin: parsed\n---\n# Text Elements\n文字 ^abc\n"}
    out = render(tmp_path, files)
    assert 'src="../d.pdf" width="100%" height="400"' in out
    assert 'src="https://www.youtube.com/embed/abc123"' in out
    assert '<a class="notedeck-drawing" href="../Drawing%201.excalidraw/" data-preview>' in out and "Text Elements" not in out


# ------------------------------------------------------------------ callouts


@pytest.mark.parametrize("obsidian, material", sorted(CALLOUT_TYPES.items()))
def test_every_callout_type_maps_to_material(tmp_path, obsidian, material):
    out = render(tmp_path, {"a.md": f"> [!{obsidian.upper()}] 标题\n> 内容\n"})
    classes = material if material == obsidian else f"{material} {obsidian}"
    assert out == f'<div class="admonition {classes}">\n<p class="admonition-title">标题</p>\n<p>内容</p>\n</div>\n'


@pytest.mark.parametrize("fold, opening", [("-", '<details class="tip">'), ("+", '<details class="tip" open="open">')])
def test_callout_folding(tmp_path, fold, opening):
    out = render(tmp_path, {"a.md": f"> [!tip]{fold} 折叠 [[b]]\n> 内容\n", "b.md": "b\n"})
    assert out.startswith(opening + '\n<summary>折叠 <a href="../b/" data-preview>b</a></summary>\n<p>内容</p>')


def test_callout_titles_metadata_nesting_and_plain_quotes(tmp_path):
    out = render(tmp_path, {"a.md": "> [!faq|wide] \n> > [!note]\n> > 里\n\n> 普通\n> 引用\n\n> [!my type] T\n> ---\n> x\n"})
    assert out.startswith('<div class="admonition question faq">\n<p class="admonition-title">Faq</p>\n'
                          '<div class="admonition note">\n<p class="admonition-title">Note</p>\n<p>里</p>')
    assert "<blockquote>\n<p>普通<br>\n引用</p>\n</blockquote>" in out
    assert '<div class="admonition note my-type">\n<p class="admonition-title">T</p>\n<hr>\n<p>x</p>' in out


# ------------------------------------------------------------------ inline syntax, code, math


def test_highlight_comment_tags_and_code_untouched(tmp_path):
    out = render(tmp_path, {"a.md": "==亮== %%藏%% #标签/子 `[[不是]] ==不是== %%c%%`\n\n%%\n块注释\n```python\nhidden = 1\n```\n%%\n"},
                 tags_page="tags.md")
    assert "<mark>亮</mark>" in out and "藏" not in out and "块注释" not in out and "hidden" not in out
    assert '<a class="notedeck-tag" href="../tags/#tag:标签子">#标签/子</a>' in out
    assert "<code>[[不是]] ==不是== %%c%%</code>" in out


@pytest.mark.parametrize("text, shown, hidden", [
    ("> 引用 [[b]]\n%%\n[[b]] %%注%%\n- ![[b]]\n", "<blockquote>", ["![[b]]", "<ul>"]),
    ("- 项 %%藏\n  - 子 [[b]]\n- 下一项\n\n后文\n", "<li>项 </li>", ["子", "下一项", "后文"]),
])
def test_an_unclosed_comment_in_a_quote_or_list_hides_the_rest_of_the_note(tmp_path, text, shown, hidden):
    """As in Obsidian: the rest of the note is hidden, also what follows the quote or list the ``%%`` is in."""
    out = render(tmp_path, {"a.md": text, "b.md": "# B\n"})
    assert shown in out and not [h for h in hidden if h in out]
    assert out.count("<blockquote>") == out.count("</blockquote>") and out.count("<ul>") == out.count("</ul>")


def test_fences_are_highlighted_in_materials_structure(tmp_path):
    out = render(tmp_path, {"a.md": '```python title="a.py" hl_lines="2" test="skip"\nx = 1\ny = 2\n```\n\n'
                                    "```mermaid\ngraph TD\n```\n\n    indented\n"})
    assert out.startswith('<div class="highlight"><span class="filename">a.py</span><pre><span></span><code>')
    assert '<span class="hll"><span class="n">y</span>' in out and "test=" not in out
    assert '<pre class="mermaid"><code>graph TD\n</code></pre>' in out
    assert "__codelineno-1-1" in out and "indented" in out  # line anchors unique on the page


def test_math_is_rendered_to_mathml_now_and_bad_tex_is_reported(tmp_path):
    v = vault_of(tmp_path, {"a.md": "行内 $a<b$ 与 $$x^n$$\n\n$$\n\\frac{1}{2}\n$$ ^eq\n\n坏的 $\\foo{x}$\n"})
    page = render_page(v.notes["a.md"], SiteIndex.build(v), backlinks=False)
    out = page.html
    assert out.count("<math") == 3 and "\\(" not in out and "arithmatex" not in out
    assert '<annotation encoding="application/x-tex">a&lt;b</annotation>' in out
    assert re.search(r'<div data-search-exclude class="notedeck-math notedeck-math-display">.*?</div>\n'
                     r'<span class="notedeck-block" id="\^eq"></span>', out, re.S)
    assert 'class="notedeck-math-error"' in out and page.problems and page.problems[0][:2] == ("a.md", 7)


def test_block_ids_become_anchors(tmp_path):
    out = render(tmp_path, {"a.md": "段落 ^p1\n\n- 项 ^li\n\n> 引用\n\n^q\n"})
    assert '<p>段落 <span class="notedeck-block" id="^p1"></span></p>' in out
    assert '<li>项 <span class="notedeck-block" id="^li"></span></li>' in out
    assert '<span class="notedeck-block" id="^q"></span>' in out and "^q<" not in out


def test_footnotes_in_python_markdown_markup_before_the_backlinks(tmp_path):
    v = vault_of(tmp_path, {"a.md": "正文[^1] 又^[行内 [[b]]]\n\n[^1]: 脚注\n", "b.md": "[[a]]\n"})
    out = render_page(v.notes["a.md"], SiteIndex.build(v)).html
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>' in out
    assert '<div class="footnote">\n<hr>\n<ol>\n<li id="fn:1">' in out and 'href="#fnref:2"' in out
    assert out.index('class="footnote"') < out.index("notedeck-backlinks")


def test_task_lists_with_obsidians_statuses(tmp_path):
    out = render(tmp_path, {"a.md": "- [ ] 待办\n- [x] 完成\n- [?] 疑问\n- [-] 取消\n1. [/] 进行中\n- [[链接]] 不是任务\n- `[?]` 代码\n"})
    assert out.count('class="task-list-item"') == 5 and out.count("disabled checked") == 4
    assert out.count('<ul class="task-list">') == 1 and '<ol class="task-list">' in out and "<ul>\n<li><span" in out
    assert "<code>[?]</code> 代码" in out


def test_front_matter_is_not_shown_and_line_breaks_follow_obsidian(tmp_path):
    out = render(tmp_path, {"a.md": "---\ntitle: T\n---\n一\n二\n"})
    assert out == "<p>一<br>\n二</p>\n"
    assert render(tmp_path / "s", {"a.md": "一\n二\n"}, line_breaks=False) == "<p>一\n二</p>\n"


# ------------------------------------------------------------------ CommonMark, as Obsidian reads it


@pytest.mark.parametrize("source, html_has", [
    ("- Foo\n---\n", "<ul>\n<li>Foo</li>\n</ul>\n<hr />"),
    ("> Foo\n---\n", "</blockquote>\n<hr />"),
    ("- - foo\n", "<ul>\n<li>\n<ul>\n<li>foo</li>"),
    ("1. a\n3) baz\n", "<ol start=\"3\">\n<li>baz</li>"),
    ("```\ncode\n```\nafter\n", "</code></pre></div>\n<p>after</p>"),
    ("> bar\n>\nbaz\n", "</blockquote>\n<p>baz</p>"),
    ("foo\\\nbar\n", "foo<br />\nbar"),
    ("1. item\n   ```\n   code\n   ```\n", "<li>item\n<div class=\"highlight\">"),
    ("- a\n  - b\n\n    c\n- d\n", "<p>c</p>\n</li>\n</ul>\n</li>\n<li>d</li>"),
])
def test_commonmark_cases_obsidian_users_meet(tmp_path, source, html_has):
    assert html_has in render(tmp_path, {"a.md": source})


def test_tab_indented_embed_in_a_numbered_item(tmp_path):
    out = render(tmp_path, {"a.md": "1. 步骤\n\t![[p.png]]\n", "p.png": b"x"})
    assert '<li>步骤<br>\n<img src="../p.png" alt="p.png"></li>' in out


def test_a_declaration_like_embed_in_an_html_block_is_text(tmp_path):
    out = render(tmp_path, {"a.md": "<div>\n<![[emb]]<summary>s</summary>\n<![CDATA[ok]]>\n</div>\n", "emb.md": "e\n"})
    assert "&lt;![[emb]]<summary>s</summary>\n<![CDATA[ok]]>" in out


def test_mkdocs_admonitions_render_as_callouts(tmp_path):
    v = vault_of(tmp_path, {"a.md": '!!! warning "小心"\n    内容 [[b]]\n\n    - 项\n\n??? faq\n    折叠\n\n???+ tip "开"\n    x\n\n后文\n',
                            "b.md": "b\n"})
    out = render_page(v.notes["a.md"], SiteIndex.build(v), backlinks=False).html
    assert out.startswith('<div class="admonition warning">\n<p class="admonition-title">小心</p>\n'
                          '<p>内容 <a href="../b/" data-preview>b</a></p>\n<ul>\n<li>项</li>\n</ul>\n</div>\n')
    assert '<details class="question faq">\n<summary>Faq</summary>\n<p>折叠</p>\n</details>' in out
    assert '<details class="tip" open="open">\n<summary>开</summary>' in out and out.endswith("<p>后文</p>\n")
    assert [(c.type, c.fold) for c in v.notes["a.md"].callouts] == [("warning", ""), ("faq", "-"), ("tip", "+")]


def test_runnable_blocks_show_the_last_runs_verdict_and_outputs_their_output(tmp_path):
    v = vault_of(tmp_path, {"a.md": "# A\n\n```python\nprint(1)\n```\n```output\n1\n```\n\n```python\nx\n```\n\n```js\n1\n```\n"})
    verdicts = {"print(1)\n": ("passed", ""), "x\n": ("failed", "a.md:10: NameError: name 'x' <is> not defined")}
    site = SiteIndex.build(v, block_status=lambda note, block: verdicts.get(block.code) if block.lang == "python" else None)
    out = render_page(v.notes["a.md"], site, backlinks=False).html
    assert out.index("</h1>") < out.index('<p class="notedeck-tested" data-search-exclude>本页 2 个代码块，1 个已验证')
    assert '<p class="notedeck-status notedeck-status-passed" data-notedeck-status="passed" data-search-exclude>✓ 已验证</p>' in out
    assert "✗ 失败: a.md:10: NameError: name &#x27;x&#x27; &lt;is&gt; not defined</p>" in out
    assert '<div class="notedeck-output"><p class="notedeck-output-title">输出 · Output</p>' in out
    assert out.count("data-notedeck-status") == 2  # not the output, not the js block


def test_relative_urls_are_posix_relpath_of_site_paths():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from notedeck.render.urls import _relpath

    part = st.sampled_from(["a", "b", "目录", "x y", "index.html"])
    path = st.lists(part, max_size=4).map("/".join)

    @settings(max_examples=300, deadline=None)
    @given(path, path)
    def same(target, base):
        import posixpath

        assert _relpath(target, base) == posixpath.relpath(target or ".", base or ".")

    same()
