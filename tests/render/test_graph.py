"""The local graph (notedeck.render.graph): the note, the notes it links to, the notes linking to it; private notes
never; every node a page-relative link that resolves on the built site."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote

from notedeck.config import load_config
from notedeck.render import SiteIndex, render_page
from notedeck.render.graph import MAX_NODES, local_graph, neighbours
from notedeck.site.emit import emit
from notedeck.site.linkcheck import check_site
from notedeck.vault import Diagnostics, Vault


def _vault(tmp_path: Path) -> Path:
    v = tmp_path / "vault"
    (v / "数学").mkdir(parents=True)
    notes = {
        "梯度下降.md": "# 梯度下降\n\n用到 [[导数]] 和 [[学习率]]，还有 [[秘密]] 与 [[不存在]]。\n\n![[图示]]\n",
        "数学/导数.md": "# 导数\n\n回到 [[梯度下降]]。\n",
        "学习率.md": "# 学习率\n\n没有链接。\n",
        "图示.md": "# 图示\n\n被嵌入。\n",
        "练习 <1>.md": "# 练习\n\n见 [[梯度下降]]。\n",
        "秘密.md": "---\npublish: false\n---\n# 秘密\n\n链到 [[梯度下降]]。\n",
        "孤立.md": "# 孤立\n\n谁也不链。\n",
    }
    for rel, text in notes.items():
        (v / rel).write_text(text, encoding="utf-8")
    return v


def _hrefs(svg: str) -> dict[str, str]:
    """title → href of each node."""
    return {html.unescape(t): unquote(html.unescape(h))
            for h, t in re.findall(r'<a href="([^"]*)" class="notedeck-graph-\w+" title="([^"]*)"', svg)}


def test_links_backlinks_and_no_private_notes(tmp_path):
    vault = Vault.load(_vault(tmp_path), progress=False)
    site = SiteIndex.build(vault)
    note = vault.notes["梯度下降.md"]
    assert neighbours(note, site) == [("图示.md", "out"), ("学习率.md", "out"), ("数学/导数.md", "both"),
                                      ("练习 <1>.md", "in")]
    svg = local_graph(note, site, "局部图谱")
    assert svg.startswith('<div class="notedeck-graph" data-search-exclude>')
    assert "<script" not in svg and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    assert "<a" not in svg[svg.index("<svg"):svg.index("</svg>")]  # links are HTML (Material rewrites hrefs)
    assert "秘密" not in svg and "不存在" not in svg
    assert _hrefs(svg) == {"梯度下降": "./", "导数": "../数学/导数/", "学习率": "../学习率/", "图示": "../图示/",
                           "练习 <1>": "../练习 <1>/"}
    assert ">局部图谱<" in svg and ">导数<" in svg  # CJK labels as text
    assert svg.count('marker-end="url(#notedeck-graph-arrow)"') == 3  # out, out, both
    assert svg.count('marker-start="url(#notedeck-graph-arrow-back)"') == 2  # both, in
    assert local_graph(note, site) == svg.replace("局部图谱", "Local graph")  # deterministic
    assert local_graph(vault.notes["孤立.md"], site) == ""  # nothing to draw


def test_page_relative_urls_from_a_subfolder_and_without_directory_urls(tmp_path):
    vault = Vault.load(_vault(tmp_path), progress=False)
    svg = local_graph(vault.notes["数学/导数.md"], SiteIndex.build(vault))
    assert _hrefs(svg) == {"导数": "./", "梯度下降": "../../梯度下降/"}
    flat = local_graph(vault.notes["数学/导数.md"], SiteIndex.build(vault, use_directory_urls=False))
    assert _hrefs(flat) == {"导数": "导数.html", "梯度下降": "../梯度下降.html"}


def test_many_neighbours_are_capped(tmp_path):
    v = tmp_path / "v"
    v.mkdir()
    (v / "hub.md").write_text(" ".join(f"[[n{i:02d}]]" for i in range(MAX_NODES + 5)), encoding="utf-8")
    for i in range(MAX_NODES + 5):
        (v / f"n{i:02d}.md").write_text("x", encoding="utf-8")
    vault = Vault.load(v, progress=False)
    svg = local_graph(vault.notes["hub.md"], SiteIndex.build(vault))
    assert len(_hrefs(svg)) == MAX_NODES + 1 and "+5 …" in svg


def test_graph_on_the_built_site_resolves(tmp_path):
    v = _vault(tmp_path)
    out = tmp_path / "out"
    config = load_config(v, cwd=tmp_path)
    emit(Vault.load(v, progress=False), config, out, Diagnostics())
    page = (out / "site" / "梯度下降" / "index.html").read_text(encoding="utf-8")
    assert 'class="notedeck-graph"' in page and "<svg" in page
    assert "秘密" not in page.split('class="notedeck-graph"')[1]
    assert not (out / "site" / "秘密").exists()
    assert check_site(out / "site") == []
    index = (out / "site" / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "notedeck-graph" not in index and "Local graph" not in index  # left out of search


def test_render_page_option(tmp_path):
    vault = Vault.load(_vault(tmp_path), progress=False)
    site = SiteIndex.build(vault)
    note = vault.notes["梯度下降.md"]
    assert "notedeck-graph" in render_page(note, site).html
    assert "notedeck-graph" not in render_page(note, site, graph=False).html
