"""End-to-end: build whole sites and check every link, anchor, leftover and private note."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from notedeck.config import load_config
from notedeck.site.emit import emit
from notedeck.site.linkcheck import check_site
from notedeck.vault import Diagnostics, Vault

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "site-vault"
PRIVATE_WORDS = ("绝密词汇", "草稿专用词", "垃圾箱专用词")


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")}


def build_site(vault_dir: Path, out: Path, cwd: Path | None = None) -> tuple[Path, Diagnostics]:
    config = load_config(vault_dir, cwd=cwd or out)
    vault = Vault.load(config.vault, progress=False)
    diags = Diagnostics()
    emit(vault, config, out, diags)
    return out / "site", diags


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("fixture-out")
    before = snapshot(FIXTURE)
    site, diags = build_site(FIXTURE, out)
    return site, diags, before


def test_every_link_and_anchor_resolves_and_no_obsidian_syntax_is_left(fixture_site):
    site, diags, _ = fixture_site
    assert not [d for d in diags if d.code == "site-build"]
    assert check_site(site) == []


def test_pages_and_attachments_with_cjk_space_and_emoji_names(fixture_site):
    site = fixture_site[0]
    for page in ("深度学习/激活函数", "工具 箱/my note 🚀", "A/重名", "B/重名", "反向传播", "tags"):
        assert (site / page / "index.html").is_file(), page
    for f in ("图片/猫 咪.png", "files/讲义.pdf", "media/声音.mp3", "media/clip.mp4"):
        assert (site / f).is_file(), f
    assert (site / "index.html").is_file()  # generated home page: the vault has no index.md
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "<title>site-vault</title>" in home  # site name from the folder name


def test_private_notes_and_hidden_folders_never_appear(fixture_site):
    site = fixture_site[0]
    assert not (site / "私密").exists() and not (site / "草稿").exists()
    assert not (site / ".obsidian").exists() and not (site / ".trash").exists()
    assert not (site / "图片" / "私密图.png").exists()  # only a private note embeds it
    for path in site.rglob("*"):
        if path.suffix in (".html", ".json", ".xml", ".js"):
            text = path.read_text(encoding="utf-8", errors="replace")
            for word in PRIVATE_WORDS:
                assert word not in text, f"{word} leaked into {path.relative_to(site)}"
            assert "%E7%A7%81%E5%AF%86/" not in text and "私密/" not in text
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {unquote(d["location"]).split("#")[0] for d in index["docs"]}
    assert not any("私密" in loc or "草稿" in loc for loc in locations)


def test_search_index_is_chinese_segmented(fixture_site):
    site = fixture_site[0]
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert "zh" in index["config"]["lang"]
    page = [d for d in index["docs"] if unquote(d["location"]) == "反向传播/"]
    assert page and "\u200b" in page[0]["text"]  # jieba word boundaries
    assert not any("Linked mentions" in d["text"] for d in index["docs"])  # backlinks are not indexed


def test_constructs_render_as_material_html(fixture_site):
    site = fixture_site[0]
    html = (site / "深度学习" / "激活函数" / "index.html").read_text(encoding="utf-8")
    assert '<details class="question faq">' in html and "<summary>折叠的问题</summary>" in html
    assert '<details class="tip" open="open">' in html and '<div class="admonition warning">' in html
    assert '<div class="admonition abstract summary">' in html
    # (a flashcards note: OSR and the deck read ==重点内容== as a cloze, so the page shows it as one)
    assert '<span class="notedeck-cloze-text">重点内容</span>' in html and "这段注释不会出现" not in html and "hidden = True" not in html
    assert 'id="中文-标题"' in html and 'id="^intro"' in html
    assert '<pre class="mermaid"><code>graph TD' in html
    assert 'class="notedeck-math notedeck-math-display">' in html and 'class="task-list-item"' in html and 'class="footnote"' in html
    assert "[[不是链接]] ==不是高亮== </span>" in html  # code is left exactly as written
    assert "%E5%8F%8D%E5%90%91%E4%BC%A0%E6%92%AD/\">反向传播</a>" in html.split('class="notedeck-backlinks"', 1)[1]
    mine = (site / "工具 箱" / "my note 🚀" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../%E6%B7%B1%E5%BA%A6%E5%AD%A6%E4%B9%A0/%E6%BF%80%E6%B4%BB%E5%87%BD%E6%95%B0/#中文-标题"' in mine
    assert 'class="notedeck-broken"' in mine and "notedeck-private-embed" in mine
    assert re.search(r'<img [^>]*alt="猫 咪.png"[^>]* width="120"', mine)
    assert "<iframe" in mine and "<audio" in mine and "<video" in mine


def test_the_vault_is_never_written(fixture_site):
    assert snapshot(FIXTURE) == fixture_site[2]


def test_the_repos_own_notes_build_clean(tmp_path):
    """The repo's mkdocs.yml + notes/: zero broken links/anchors and zero leftover Obsidian syntax."""
    if not (REPO / "mkdocs.yml").is_file() or not (REPO / "notes").is_dir():
        pytest.skip("no repo notes")
    site, diags = build_site(REPO / "notes", tmp_path, cwd=REPO)
    assert not [str(d) for d in diags if d.code == "site-build"]
    assert (site / "index.html").is_file()
    assert check_site(site) == []


def test_links_to_tricky_headings_land_on_their_ids(tmp_path):
    """Headings with markup, links, math, comments, U+3000, duplicates, emoji …: every link's anchor exists."""
    vault_dir = REPO / "tests" / "fixtures" / "site-headings"
    vault = Vault.load(vault_dir, progress=False)
    assert not [d for d in vault.diagnostics if d.code.startswith("broken")]
    site, diags = build_site(vault_dir, tmp_path)
    assert check_site(site) == []
    html = (site / "来源" / "index.html").read_text(encoding="utf-8")
    assert html.count('href="../%E7%9B%AE%E6%A0%87/#') == len(vault.notes["目标.md"].headings) - 2


def test_page_titles_are_file_names_as_in_obsidian(tmp_path):
    """Obsidian titles a note by its file name, whatever its first heading; front-matter ``title`` wins."""
    vault = tmp_path / "vault"
    (vault / "集合").mkdir(parents=True)
    (vault / "Abelian Group.md").write_text("# Definition\n\n交换群。\n", encoding="utf-8")
    (vault / "集合" / "set-theory_notes.md").write_text("> back\n\n# Heading\n", encoding="utf-8")
    (vault / "集合" / "2000-4 斜渐近线.md").write_text("正文\n", encoding="utf-8")
    (vault / "titled.md").write_text("---\ntitle: 自定义标题\n---\n# H\n", encoding="utf-8")
    site, _ = build_site(vault, tmp_path / "out")

    def title(page: str) -> str:
        text = (site / page / "index.html").read_text(encoding="utf-8")
        return text.split("<title>", 1)[1].split(" - ", 1)[0]

    assert title("Abelian Group") == "Abelian Group"
    assert title("集合/set-theory_notes") == "set-theory_notes"
    assert title("集合/2000-4 斜渐近线") == "2000-4 斜渐近线"
    assert title("titled") == "自定义标题"


def test_templates_folder_is_published_and_list_titles_read_well(tmp_path):
    """MkDocs skips a top-level templates/ folder by default; a vault's notes there are linked like any other."""
    vault = tmp_path / "vault"
    (vault / "templates").mkdir(parents=True)
    (vault / "templates" / "Task.md").write_text("---\ntitle: [任务模板]\n---\n# {{title}}\n", encoding="utf-8")
    (vault / "a.md").write_text("# A\n\n见 [[Task]]。\n", encoding="utf-8")
    site, diags = build_site(vault, tmp_path / "out")
    assert [str(d) for d in diags] == []
    page = (site / "templates" / "Task" / "index.html").read_text(encoding="utf-8")
    assert "<title>任务模板" in page
    assert not check_site(site)


def test_a_declaration_like_embed_in_an_html_block_does_not_stop_the_page(tmp_path):
    """``<![[x]]`` in an HTML block made Python-Markdown's HTML parser raise on the whole page."""
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "a.md").write_text("# a\n\n<div>\n<![[emb]]<summary>s</summary>\n<![CDATA[ok]]>\n</div>\n", encoding="utf-8")
    (vault / "emb.md").write_text("# emb\n", encoding="utf-8")
    site, diags = build_site(vault, tmp_path / "out")
    assert [str(d) for d in diags] == []
    page = (site / "a" / "index.html").read_text(encoding="utf-8")
    assert "&lt;![[emb]]<summary>s</summary>" in page and "<![CDATA[ok]]>" in page


def test_an_unexpected_error_in_the_site_build_is_a_diagnostic_not_a_traceback(tmp_path, monkeypatch):
    import mkdocs.commands.build
    from click.testing import CliRunner

    from notedeck.cli import main

    def broken_build(config, **kw):
        raise AssertionError("expected name token")

    monkeypatch.setattr(mkdocs.commands.build, "build", broken_build)
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "a.md").write_text("# a\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(vault), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)  # exit 1, not the AssertionError
    assert "error[site-build]: site build failed: AssertionError: expected name token" in result.output
    assert "Traceback" not in result.output
