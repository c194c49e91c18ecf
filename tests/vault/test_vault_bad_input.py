"""Bad input: each problem gives its diagnostic at the right line; nothing crashes; the rest builds."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notedeck.vault import Vault, parse_note

FIXTURES = Path(__file__).parents[1] / "fixtures"
BAD = FIXTURES / "bad"


def tree_digest(root: Path) -> dict[str, str]:
    """Every file (and symlink target) under ``root`` with a hash of its bytes."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            p = Path(dirpath, name)
            rel = p.relative_to(root).as_posix()
            out[rel] = "link:" + os.readlink(p) if p.is_symlink() else hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def run_check(vault: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "notedeck.cli", "check", str(vault), *args],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


def test_bad_fixture_gives_exactly_the_expected_diagnostics() -> None:
    before = tree_digest(BAD)
    result = run_check(Path("."), cwd=BAD)
    assert result.returncode == 1
    expected = (FIXTURES / "bad.expected").read_text(encoding="utf-8")
    assert result.stdout == expected
    assert "Traceback" not in result.stderr
    assert tree_digest(BAD) == before


@pytest.mark.parametrize("code", ["bad-frontmatter", "not-utf8", "broken-link", "broken-embed", "broken-heading",
                                  "broken-block", "ambiguous-link", "embed-cycle", "outside-vault", "unclosed-fence"])
def test_every_required_code_is_exercised(code: str) -> None:
    assert f"[{code}]" in (FIXTURES / "bad.expected").read_text(encoding="utf-8")


def test_other_notes_still_parsed() -> None:
    v = Vault.load(BAD, progress=False)
    assert "ok.md" in v.notes and "bad-yaml.md" in v.notes  # bad YAML: body still parsed
    assert v.notes["bad-yaml.md"].headings[0].text == "坏的前言"
    assert "gbk.md" not in v.notes and "binary.md" not in v.notes and "secret.md" not in v.notes
    assert v.notes["unclosed.md"].links == []  # the rest of the file is code


def test_bad_diagnostic_lines() -> None:
    v = Vault.load(BAD, progress=False)
    at = {(Path(d.path).name, d.code): (d.line, d.col) for d in v.diagnostics}
    assert at[("bad-yaml.md", "bad-frontmatter")] == (3, 7)  # the "[" left open, not where YAML gave up
    assert at[("gbk.md", "not-utf8")] == (3, 10)
    assert at[("self.md", "embed-cycle")] == (5, 1)  # the embed at line 9 (other section) is no cycle
    assert at[("unclosed.md", "unclosed-fence")] == (5, 1)
    assert at[("secret.md", "outside-vault")] == (1, 1)


@pytest.mark.parametrize(("text", "unclosed"), [
    ("```py\nx\n```\n", False),
    ("```py\nx\n```", False),  # closing fence at the end of the file, no newline
    ("> [!note]\n> ```py\n> x = 1\n> ```\n", False),  # inside a callout: the closing line has "> "
    ("> > ```py\n> > x\n> > ```\n", False),
    ("- a\n\n  ```py\n  x\n  ```\n", False),
    ("````md\n```py\n````\n", False),
    ("```py\nx\n", True),
    ("```py\nx", True),
    ("> ```py\n> x\n\nafter\n", True),  # the quote ends, the fence with it
    ("- a\n\n  ```py\n  x\n\nout\n", True),
])
def test_unclosed_fence_at_any_depth(text: str, unclosed: bool) -> None:
    _, diagnostics = parse_note(Path("n.md"), "n.md", text)
    codes = [d.code for d in diagnostics]
    assert codes == (["unclosed-fence"] if unclosed else [])


def test_symlinked_folder_outside_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "秘密.md").write_text("# secret\n", encoding="utf-8")
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "a.md").write_text("[[秘密]]\n", encoding="utf-8")
    (vault / "link").symlink_to(outside, target_is_directory=True)
    (vault / "inside").symlink_to(vault / "a.md")
    v = Vault.load(vault, progress=False)
    assert set(v.notes) == {"a.md"}
    codes = sorted(d.code for d in v.diagnostics)
    assert codes == ["broken-link", "outside-vault"]


def test_five_megabyte_note(tmp_path: Path) -> None:
    para = "这是一段很长的中文文本，含有 [[b]] 链接与 ==高亮== 和 `code`。\n\n"
    n = 5 * 1024 * 1024 // len(para.encode())
    (tmp_path / "big.md").write_text("# 大\n\n" + para * n + "[[缺失]]\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# b\n", encoding="utf-8")
    v = Vault.load(tmp_path, progress=False)
    assert (tmp_path / "big.md").stat().st_size >= 5 * 1024 * 1024 - len(para.encode())
    big = v.notes["big.md"]
    assert len(big.links) == n + 1
    [d] = list(v.diagnostics)
    assert (d.code, d.line) == ("broken-link", 3 + 2 * n)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("ab 中文#=%[]!|^>`$\n-*:?{}~")), max_size=200))
def test_parser_never_crashes_and_spans_hold(text: str) -> None:
    note, _ = parse_note(Path("/v/x.md"), "x.md", text)
    for link in note.links:
        assert note.text[link.span.start:link.span.end].startswith(("[[", "![[", "[", "!["))
    for span in note.comments:
        assert note.text[span.start:span.start + 2] == "%%"


def test_invalid_front_matter_is_a_warning_and_keeps_privacy() -> None:
    """A template's front matter is invalid YAML: the note is kept (as Obsidian shows it), but a
    ``publish: false`` line that still reads as a flag keeps it private."""
    text = "---\ndate: {{date:YYYY-MM-DD}}\npublish: false\n---\n# 模板\n"
    note, diagnostics = parse_note(Path("t.md"), "t.md", text)
    assert [(d.severity, d.code, d.line) for d in diagnostics] == [("warning", "bad-frontmatter", 2)]
    assert note.private
    public, _ = parse_note(Path("u.md"), "u.md", "---\ndate: {{date}}\n---\n# u\n")
    assert not public.private and public.frontmatter == {}


def test_python_markdown_only_syntax_is_reported_not_silently_shown(tmp_path):
    from notedeck.vault import Vault

    (tmp_path / "a.md").write_text('图 {.big}\n\n=== "Tab 1"\n    内容\n\n术语\n: 定义\n\n`{ .ok }` 与 `=== "x"`\n\n--8<-- "x.md"\n',
                                   encoding="utf-8")
    v = Vault.load(tmp_path, progress=False)
    assert [(d.line, d.code) for d in v.diagnostics.sorted()] == [
        (1, "markdown-syntax"), (3, "markdown-syntax"), (7, "markdown-syntax"), (11, "markdown-syntax")]


def test_a_diagnostic_is_one_line_even_when_its_link_holds_a_newline(tmp_path):
    from notedeck.vault import Vault

    (tmp_path / "a.md").write_text('<img src="没有\n的.png"> 与 <a href="缺\n失.md">x</a>\n', encoding="utf-8")
    v = Vault.load(tmp_path, progress=False)
    lines = [str(d) for d in v.diagnostics.sorted()]
    assert len(lines) == 2 and all("\n" not in s for s in lines)
    assert lines[0].endswith("warning[broken-link]: 没有 的.png matches no file in the vault")
