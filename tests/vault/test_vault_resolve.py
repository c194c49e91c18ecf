"""Link resolution follows Obsidian (DESIGN.md §2), in O(1) dictionary lookups."""

from __future__ import annotations

from pathlib import Path

import pytest

from notedeck.vault import Vault
from notedeck.vault.index import VaultIndex

CLEAN = Path(__file__).parents[1] / "fixtures" / "clean"


@pytest.fixture(scope="module")
def vault() -> Vault:
    return Vault.load(CLEAN, progress=False)


@pytest.mark.parametrize("target, rel", [
    ("激活函数", "深度 学习/激活函数.md"),           # file name
    ("激活函数.md", "深度 学习/激活函数.md"),        # .md optional
    ("激活函数.MD", "深度 学习/激活函数.md"),        # case-insensitive
    ("ACTIVATION DEMO", "深度 学习/激活函数.md"),   # front-matter alias, any case
    ("坡度", "深度 学习/梯度.md"),
    ("Gradient", "深度 学习/梯度.md"),
    ("子目录/深层 笔记", "深度 学习/子目录/深层 笔记.md"),  # path suffix
    ("深度 学习/子目录/深层 笔记", "深度 学习/子目录/深层 笔记.md"),
    ("曲线 图.png", "attachments/曲线 图.png"),      # attachment by name with extension
    ("attachments/讲义.pdf", "attachments/讲义.pdf"),
    ("emoji 🚀 笔记!", "emoji 🚀 笔记!.md"),
])
def test_resolve(vault: Vault, target: str, rel: str) -> None:
    t = vault.index.resolve(target, vault.notes["index.md"])
    assert (t.status, t.rel) == ("ok", rel)


def test_missing_and_outside(vault: Vault) -> None:
    home = vault.notes["index.md"]
    assert vault.index.resolve("不存在", home).status == "missing"
    assert vault.index.resolve("../x", home).status == "outside"
    assert vault.index.resolve("/../../etc/passwd", home).status == "outside"


def test_relative_markdown_link_prefers_own_folder(vault: Vault) -> None:
    deep = vault.notes["深度 学习/子目录/深层 笔记.md"]
    t = vault.index.resolve("../梯度.md", deep, relative_first=True)
    assert t.rel == "深度 学习/梯度.md"


def test_resolved_heading_and_block(vault: Vault) -> None:
    home = vault.notes["index.md"]
    by_raw = {l.raw: vault.resolve(l, home) for l in home.links}
    r = by_raw["[[激活函数#常见函数#ReLU（修正线性单元）]]"]
    assert r.ok and r.heading is not None and r.heading.anchor == "relu修正线性单元"
    r = by_raw["[[激活函数#^relu-def]]"]
    assert r.ok and r.block is not None and r.block.start_line == 16
    r = by_raw["[[#第二节：标题, 标点！]]"]
    assert r.note is home and r.heading is not None


def test_duplicate_names_prefer_same_folder_then_shortest(tmp_path: Path) -> None:
    for rel in ("a/同名.md", "b/c/同名.md", "b/同名.md", "b/c/x.md", "z/y.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("# t\n", encoding="utf-8")
    v = Vault.load(tmp_path, progress=False, check=False)
    from_c = v.index.resolve("同名", v.notes["b/c/x.md"])
    assert (from_c.status, from_c.rel) == ("ambiguous", "b/c/同名.md")
    from_z = v.index.resolve("同名", v.notes["z/y.md"])
    assert (from_z.status, from_z.rel) == ("ambiguous", "a/同名.md")
    assert set(from_z.candidates) == {"a/同名.md", "b/同名.md", "b/c/同名.md"}


def test_index_is_built_once_without_touching_disk(vault: Vault, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    def boom(*a, **k):  # pragma: no cover - fails the test if called
        raise AssertionError("file system walked during resolution")

    monkeypatch.setattr(os, "scandir", boom)
    monkeypatch.setattr(os, "stat", boom)
    home = vault.notes["index.md"]
    idx = VaultIndex(vault.notes, list(vault.attachments))
    for _ in range(100):
        assert idx.resolve("激活函数", home).found


def test_front_matter_alias_forms_as_obsidian(tmp_path: Path) -> None:
    """``aliases: a, b`` is a comma-separated list, and the singular keys ``alias``/``tag`` count too."""
    (tmp_path / "Internal links.md").write_text("---\naliases: Internal link, Link to blocks\n---\n# x\n", encoding="utf-8")
    (tmp_path / "梯度.md").write_text("---\nAlias: [坡度, Gradient]\ntag: 数学 微积分\n---\n# y\n", encoding="utf-8")
    (tmp_path / "use.md").write_text("[[Internal link]] [[link to blocks]] [[坡度]] [[gradient]]\n", encoding="utf-8")
    v = Vault.load(tmp_path, progress=False)
    assert v.notes["Internal links.md"].aliases == ["Internal link", "Link to blocks"]
    assert v.notes["梯度.md"].tag_names == ["数学", "微积分"]
    assert [str(d) for d in v.diagnostics] == []
    use = v.notes["use.md"]
    assert [v.index.resolve(l.target, use).rel for l in use.links] == [
        "Internal links.md", "Internal links.md", "梯度.md", "梯度.md"]


def test_path_link_prefers_vault_path_then_the_notes_folder(tmp_path: Path) -> None:
    """Obsidian with "relative path" links and ``./attachments``: ``![[attachments/x.png]]`` is the note's own."""
    for rel in ("日记/3月5日/attachments/图.png", "日记/3月6日/attachments/图.png", "日记/3月6日/探索.md",
                "a/b.md", "x/a/b.md", "x/use.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"# t\n")
    v = Vault.load(tmp_path, progress=False, check=False)
    own = v.index.resolve("attachments/图.png", v.notes["日记/3月6日/探索.md"])
    assert (own.status, own.rel) == ("ok", "日记/3月6日/attachments/图.png")
    from_root = v.index.resolve("a/b", v.notes["x/use.md"])  # the exact vault path wins over x/a/b.md
    assert (from_root.status, from_root.rel) == ("ok", "a/b.md")


def test_markdown_link_diagnostic_names_the_decoded_target(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("[念奴娇](%E5%BF%B5%E5%A5%B4%E5%A8%87.md) [x](my%20note.md)\n", encoding="utf-8")
    v = Vault.load(tmp_path, progress=False)
    assert [d.message for d in v.diagnostics] == ["念奴娇.md matches no note or file in the vault",
                                                  "my note.md matches no note or file in the vault"]
