"""'Did you mean' for broken links and embeds (similarity over characters: works for Chinese), and the
private-link warning (issue 17)."""

from __future__ import annotations

from pathlib import Path

from notedeck.vault import Vault
from notedeck.vault.suggest import closest, did_you_mean


def messages(tmp_path: Path, files: dict[str, str], code: str) -> list[str]:
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    v = Vault.load(tmp_path, progress=False)
    return [str(d) for d in v.diagnostics.sorted() if d.code == code]


def test_closest_handles_one_wrong_chinese_character():
    names = ["中心极限定理", "大数定律", "正态分布", "期望"]
    assert closest("中心级限定理", names) == ["中心极限定理"]
    assert closest("正太分布", names) == ["正态分布"]
    assert closest("完全无关", names) == []


def test_closest_english_is_case_insensitive_and_best_first():
    names = ["Bayes theorem", "Bayes rule", "Variance"]
    assert closest("bayes theorm", names)[0] == "Bayes theorem"
    assert closest("variance", names) == []  # the same name (another case) is not a suggestion


def test_did_you_mean_wording():
    assert did_you_mean("x", []) == ""
    assert did_you_mean("x", ["a"]) == "; did you mean [[a]]?"
    assert did_you_mean("x", ["a", "b"], embed=True) == "; did you mean ![[a]] or ![[b]]?"


def test_broken_link_suggests_the_note(tmp_path):
    out = messages(tmp_path, {"统计/中心极限定理.md": "# 中心极限定理\n", "a.md": "见 [[中心级限定理]] 和 [[统计/中心级限定理#x]]\n"},
                   "broken-link")
    assert out and all("did you mean [[中心极限定理]]?" in m for m in out)


def test_broken_link_suggests_an_alias(tmp_path):
    out = messages(tmp_path, {"n.md": "---\naliases: [Central limit theorem]\n---\n", "a.md": "[[central limit theorm]]\n"},
                   "broken-link")
    assert "did you mean [[Central limit theorem]]?" in out[0]


def test_broken_embed_suggests_an_attachment(tmp_path):
    (tmp_path / "附件").mkdir()
    (tmp_path / "附件" / "分布图.png").write_bytes(b"\x89PNG\r\n")
    out = messages(tmp_path, {"a.md": "![[分布图.pgn]]\n"}, "broken-embed")
    assert "did you mean ![[分布图.png]]?" in out[0]


def test_nothing_close_gives_no_suggestion(tmp_path):
    out = messages(tmp_path, {"a.md": "[[完全不同的名字]]\n", "b.md": "# b\n"}, "broken-link")
    assert out and "did you mean" not in out[0]


def test_private_notes_are_not_suggested(tmp_path):
    out = messages(tmp_path, {"草稿笔记.md": "---\npublish: false\n---\n", "a.md": "[[草稿笔记本]]\n"}, "broken-link")
    assert "did you mean" not in out[0]


def test_link_to_a_private_note_is_a_warning(tmp_path):
    out = messages(tmp_path, {"草稿.md": "---\ndraft: true\n---\n# 草稿\n", "a.md": "# a\n\n见 [[草稿]]\n"}, "private-link")
    assert out == ["a.md:3:3: warning[private-link]: [[草稿]] links to a private note (publish: false / draft: true); "
                   "the site shows the link's text only"] or out[0].endswith(
        "warning[private-link]: [[草稿]] links to a private note (publish: false / draft: true); the site shows the link's text only")
    # a private note linking another private note: nothing to say
    assert messages(tmp_path, {"a.md": "---\npublish: false\n---\n[[草稿]]\n"}, "private-link") == []
