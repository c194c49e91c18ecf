"""Diagnostics that say how to fix (issue 17), on the newcomer-bad fixture: a suggestion for a typo, a link to a
private note, card diagnostics that quote the card, bad front matter pointed at the '[' left open and saying
what is lost, a block that does not compile as an error, and ``requires:`` (skipped under pytest, listed by
``check``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from notedeck.cli import main

BAD = Path(__file__).parents[1] / "fixtures" / "newcomer-bad"
SRC = Path(__file__).parents[2] / "src"


@pytest.fixture(scope="module")
def check_output() -> tuple[int, list[str]]:
    cwd = os.getcwd()
    os.chdir(BAD)
    try:
        r = CliRunner().invoke(main, ["check"])
    finally:
        os.chdir(cwd)
    return r.exit_code, r.output.splitlines()


def line_of(lines: list[str], code: str) -> str:
    found = [ln for ln in lines if f"[{code}]" in ln]
    assert len(found) == 1, (code, lines)
    return found[0]


def test_exit_status_is_1_for_the_syntax_error(check_output):
    assert check_output[0] == 1


def test_broken_link_says_did_you_mean(check_output):
    assert line_of(check_output[1], "broken-link") == (
        "链接.md:3:3: warning[broken-link]: [[中心级限定理]] matches no note or file in the vault; "
        "did you mean [[中心极限定理]]?")


def test_private_link(check_output):
    assert line_of(check_output[1], "private-link").startswith("链接.md:3:17: warning[private-link]: [[草稿]] links to a private note")


def test_card_diagnostics_quote_the_card(check_output):
    assert line_of(check_output[1], "empty-card") == (
        "卡片.md:6:1: warning[empty-card]: card has an empty answer: '什么是方差？::'; not written")
    assert line_of(check_output[1], "bad-cloze") == (
        "卡片.md:8:1: warning[bad-cloze]: empty cloze deletion in '这是一个空的填空 {{c1::}} 卡片。'; card not written")


def test_bad_frontmatter_points_at_the_open_bracket_and_says_what_is_lost(check_output):
    d = line_of(check_output[1], "bad-frontmatter")
    assert d.startswith("属性.md:2:7: warning[bad-frontmatter]: invalid YAML front matter: the '[' opened on line 2 is never closed")
    assert "title, tags, aliases and other properties are ignored" in d


def test_a_block_that_does_not_compile_is_an_error(check_output):
    assert line_of(check_output[1], "code-syntax").startswith("代码.md:4:5: error[code-syntax]: python block at line 3")


def test_check_lists_missing_modules(check_output):
    d = line_of(check_output[1], "missing-module")
    assert d.startswith("需要.md:1:1: info[missing-module]: notedeck_no_such_module and another_missing_mod are not installed")


def test_requires_skips_blocks_under_pytest(tmp_path):
    shutil.copy(BAD / "需要.md", tmp_path / "需要.md")
    (tmp_path / "ok.md").write_text("---\nrequires: [json]\n---\n```python\nimport json\nassert json\n```\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "需要.md", "ok.md"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed, 2 skipped" in proc.stdout
    assert "notedeck_no_such_module is not installed (需要.md:6)" in proc.stdout
    assert "notedeck_no_such_module and another_missing_mod are not installed (需要.md:10)" in proc.stdout
