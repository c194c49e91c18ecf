"""The MkDocs plugin on small vaults: Obsidian settings, failures, the user's own mkdocs.yml."""

from __future__ import annotations

from pathlib import Path

from notedeck.config import load_config
from notedeck.site import plugin as plugin_mod
from notedeck.site.emit import emit
from notedeck.site.linkcheck import check_site
from notedeck.vault import Diagnostics, Vault


def build(vault_dir: Path, out: Path, cwd: Path | None = None) -> tuple[Path, Diagnostics]:
    config = load_config(vault_dir, cwd=cwd or out)
    diags = Diagnostics()
    emit(Vault.load(config.vault, progress=False), config, out, diags)
    return out / "site", diags


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def test_newlines_are_line_breaks_unless_obsidian_says_strict(tmp_path):
    vault = write(tmp_path / "v", {"a.md": "# A\n\n第一行\n第二行\n"})
    site, _ = build(vault, tmp_path / "o1")
    assert "第一行<br>\n第二行" in (site / "a" / "index.html").read_text(encoding="utf-8")
    write(vault, {".obsidian/app.json": '{"strictLineBreaks": true}'})
    site, _ = build(vault, tmp_path / "o2")
    assert "第一行\n第二行" in (site / "a" / "index.html").read_text(encoding="utf-8")


def test_a_failing_render_is_a_diagnostic_at_its_line_not_a_traceback(tmp_path, monkeypatch):
    from notedeck.render import html as render_html

    vault = write(tmp_path / "v", {"a.md": "# A\n\n文字\n\n> [!tip] 坏\n> 内容\n", "b.md": "# B\n\n[[a]]\n"})

    def boom(tokens, idx, options, env):
        raise ValueError("synthetic failure")

    monkeypatch.setitem(render_html.RENDERER.rules, "blockquote_open", boom)
    site, diags = build(vault, tmp_path / "o")
    assert [(d.code, d.line) for d in diags] == [("site-transform", 5)] and "synthetic failure" in diags.items[0].message
    assert (site / "a" / "index.html").is_file() and (site / "b" / "index.html").is_file()
    assert "文字" in (site / "a" / "index.html").read_text(encoding="utf-8")


def test_a_project_mkdocs_yml_without_our_extensions_still_works(tmp_path):
    """A minimal mkdocs.yml (just the plugin): the plugin adds the extensions its output needs."""
    project = write(tmp_path / "p", {
        "mkdocs.yml": "site_name: 最小\ndocs_dir: docs\ntheme: {name: material}\nplugins: [search, notedeck]\n",
        "docs/index.md": "# 首页\n\n> [!tip]- 折叠\n> 内容 [[b#中文 标题]]\n\n![[b#中文 标题]]\n",
        "docs/b.md": "# B\n\n## 中文 标题\n\n正文 ^x\n",
    })
    site, diags = build(project / "docs", tmp_path / "o", cwd=project)
    html = (site / "index.html").read_text(encoding="utf-8")
    assert '<details class="tip">' in html and 'class="admonition embed"' in html
    assert "最小" in html
    assert check_site(site) == []


def test_notedeck_build_adds_the_plugin_when_mkdocs_yml_lacks_it(tmp_path):
    project = write(tmp_path / "p", {
        "mkdocs.yml": "site_name: 无插件\ndocs_dir: docs\ntheme: {name: material}\n",
        "docs/index.md": "# 首页\n\n[[b]] ==亮==\n",
        "docs/b.md": "# B\n",
    })
    site, diags = build(project / "docs", tmp_path / "o", cwd=project)
    assert [d.code for d in diags] == ["site-config"]
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "<mark>亮</mark>" in html and 'href="b/"' in html
    assert check_site(site) == []


def test_unreadable_notes_and_outside_symlinks_stay_off_the_site(tmp_path):
    outside = write(tmp_path / "outside", {"secret.md": "# 外部秘密\n", "secret.png": "png"})
    vault = write(tmp_path / "v", {"a.md": "# A\n\n正常\n"})
    (vault / "latin1.md").write_bytes("# caf\xe9\n".encode("latin-1"))
    (vault / "link.md").symlink_to(outside / "secret.md")
    (vault / "pic.png").symlink_to(outside / "secret.png")
    site, diags = build(vault, tmp_path / "o")
    v = Vault.load(vault, progress=False)
    assert {d.code for d in v.diagnostics} >= {"not-utf8", "outside-vault"}
    assert not [d for d in diags if d.code == "site-build"]
    assert (site / "a" / "index.html").is_file()
    assert not (site / "latin1").exists() and not (site / "link").exists() and not (site / "pic.png").exists()
    assert check_site(site) == []


def test_the_light_search_html_gives_the_same_search_index(tmp_path, monkeypatch):
    """Material's search reads a note's search HTML (no Pygments spans, no formulas): the index is the same as
    when it reads the page; a transcluded note is indexed on its own page only."""
    import json

    vault = write(tmp_path / "v", {
        "a.md": "# 梯度\n\n梯度下降 $x^2$ 与 [[b]]。\n\n## 代码\n\n```python title=\"g.py\"\nx = 1  # 注释\n```\n"
                "```output\n1\n```\n\n> [!tip] 提示\n> - 一\n> - 二\n\n$$\ny = x\n$$\n\n脚注[^1]\n\n[^1]: 说明\n",
        "b.md": "# B\n\n被嵌入的独特词语\n",
        "c.md": "# C\n\n![[b]]\n\n自己的话\n",
        "d.md": "---\ntags: [flashcards]\n---\n# D\n\n问题甲::回答乙\n\n[[a]]\n",
    })
    light, _ = build(vault, tmp_path / "light")
    monkeypatch.setattr(plugin_mod, "light_search", lambda plugin: None)
    full, _ = build(vault, tmp_path / "full")
    read = lambda site: json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))  # noqa: E731
    docs = {d["location"]: d for d in read(light)["docs"]}
    full_docs = {d["location"]: d for d in read(full)["docs"]}
    assert {k: v for k, v in docs.items() if k[:2] not in ("c/", "d/")} == {
        k: v for k, v in full_docs.items() if k[:2] not in ("c/", "d/")}
    # a card widget is read as its question and answer, without the widget's "答案 / Answer" label
    assert "问题" in docs["d/"]["text"] and "回答" in docs["d/"]["text"] and "Answer" not in docs["d/"]["text"]
    assert "Answer" in full_docs["d/"]["text"]
    assert "独特" in docs["b/"]["text"] and "独特" not in docs["c/"]["text"] and "自己" in docs["c/"]["text"]
    assert "g.py" in docs["a/#代码"]["text"] and "x = 1" in docs["a/#代码"]["text"]
