"""``notedeck build``'s summary: one table (pages, private notes left out, cards new/changed/unchanged, decks,
Python blocks, outputs, times); a progress bar on a terminal (a pseudo-terminal here), none in a log; ``--quiet``
prints only the diagnostics."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from notedeck import report
from notedeck.cli import main
from notedeck.config import load_config
from notedeck.site.emit import emit as site_emit
from notedeck.vault import Diagnostics, Vault

SRC = Path(__file__).resolve().parents[2] / "src"
DIAG_RE = re.compile(r"^.+?:\d+:\d+: \w+\[[\w-]+\]: .*$")


def _vault(root: Path) -> Path:
    v = root / "笔记"
    (v / "数学").mkdir(parents=True)
    (v / "数学" / "导数.md").write_text(
        "---\ntags: [flashcards/数学]\n---\n# 导数\n\n见 [[梯度]]。\n\n导数是什么::变化率\n\n斜率是什么::切线的倾斜程度\n\n"
        "```python\nassert 1 + 1 == 2\n```\n", encoding="utf-8")
    (v / "梯度.md").write_text("# 梯度\n\n```python\nx = 1\n```\n\n```python\nassert x == 1\n```\n", encoding="utf-8")
    (v / "私密.md").write_text("---\npublish: false\n---\n# 私密\n", encoding="utf-8")
    return v


def _build(*args: str):
    return CliRunner().invoke(main, ["build", *args])


def _row(output: str, step: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(f"  {step} "))


def test_table_says_what_each_step_made(tmp_path):
    v, out = _vault(tmp_path), tmp_path / "out"
    r = _build(str(v), "--out", str(out))
    assert r.exit_code == 0, r.output
    assert "\x1b[" not in r.output and "%" not in r.output  # a log: no bar, no escapes
    assert re.search(r"^notedeck build: 4 steps in \d+\.\d s$", r.output, re.M)
    assert re.search(r"3 notes, 0 attachments\s+\d+\.\d s$", _row(r.output, "vault"))
    assert "3 Python blocks in 2 files" in _row(r.output, "snippets") and str(out / "snippets") in _row(r.output, "snippets")
    anki = _row(r.output, "anki")
    assert "2 cards (2 new, 0 changed, 0 unchanged), 1 deck" in anki and anki.endswith(".apkg")
    site = _row(r.output, "site")
    assert "4 pages, 1 private note left out" in site and site.endswith(str(out / "site") + "/")  # 2 notes, home, tags
    assert r.output.rstrip().endswith("notedeck: 0 errors, 0 warnings")

    r = _build(str(v), "--out", str(out))
    assert "2 cards (0 new, 0 changed, 2 unchanged)" in _row(r.output, "anki")
    note = v / "数学" / "导数.md"
    note.write_text(note.read_text(encoding="utf-8").replace("::变化率", "::瞬时变化率")
                    .replace("斜率是什么::切线的倾斜程度\n\n", "") + "\n新问题::新答案\n", encoding="utf-8")
    r = _build(str(v), "--out", str(out))
    assert "2 cards (1 new, 1 changed, 0 unchanged, 1 removed)" in _row(r.output, "anki")


def test_quiet_prints_only_diagnostics(tmp_path):
    v = _vault(tmp_path)
    (v / "坏.md").write_text("[[不存在]]\n", encoding="utf-8")
    r = _build(str(v), "--out", str(tmp_path / "out"), "--quiet")
    assert r.exit_code == 0
    lines = r.output.splitlines()
    assert lines and all(DIAG_RE.match(line) for line in lines), lines
    assert any("warning[broken-link]" in line for line in lines)


def test_a_failed_step_says_so(tmp_path, monkeypatch):
    import notedeck.anki.emit

    monkeypatch.setattr(notedeck.anki.emit, "emit", lambda *a, **k: 1 / 0)
    r = _build(str(_vault(tmp_path)), "--out", str(tmp_path / "out"))
    assert r.exit_code == 1
    assert "failed (see the internal-error above)" in _row(r.output, "anki")
    assert "4 pages" in _row(r.output, "site")


def test_site_emitter_returns_what_it_wrote(tmp_path):
    v, out = _vault(tmp_path), tmp_path / "out"
    made = site_emit(Vault.load(v, progress=False), load_config(v, cwd=tmp_path), out, Diagnostics())
    assert made == report.SiteMade(out.resolve() / "site", 4, 1)


def test_table_pads_chinese_by_display_width():
    steps = [report.Step("anki", 1.25, report.CardsMade(Path("/x/数学.apkg"), 3, 1, 1, 1, 0, 2)),
             report.Step("site", 0.5, report.SiteMade(Path("/x/site"), 10, 0))]
    text = report.table(steps, 2.0, cwd=Path("/x"))
    rows = text.splitlines()[1:]
    assert rows[0].index("1.2 s") == rows[1].index("0.5 s")  # same column, whatever the width of the text
    assert rows[0].endswith("数学.apkg")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_for_a_step_over_the_delay():
    stream = _Terminal()
    with report.progress("site", True, stream, delay=0.05):
        report.expect(4)
        for _ in range(4):
            time.sleep(0.08)
            report.tick()
    shown = stream.getvalue()
    assert "site" in shown and "%" in shown and shown.endswith("\r\x1b[2K\x1b[?25h")
    quick = _Terminal()
    with report.progress("site", True, quick, delay=5):
        report.tick()
    assert quick.getvalue() == ""
    report.tick()  # outside a step: nothing to count


def _run_in_pty(args: list[str], cwd: Path) -> tuple[int, str]:
    """Run ``notedeck`` with stdout and stderr on a pseudo-terminal; every bar is shown at once (delay 0)."""
    code = "import sys, notedeck.report as r; r.BAR_DELAY = 0.0; from notedeck.cli import main; sys.argv[0] = 'notedeck'; main()"
    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(SRC), "TERM": "xterm", "COLUMNS": "100"}
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdin=slave, stdout=slave, stderr=slave, cwd=cwd,
                            env=env, close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    os.close(master)
    return proc.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_on_a_terminal(tmp_path):
    v = _vault(tmp_path)
    rc, shown = _run_in_pty(["build", str(v), "--out", str(tmp_path / "out")], tmp_path)
    assert rc == 0, shown
    assert re.search(r"site\s+\[[#\-\s]*\]", shown), shown  # a click bar for the site
    assert "\x1b[2K" in shown  # erased before the table
    assert "notedeck build: 4 steps" in shown and "4 pages, 1 private note left out" in shown
    rc, quiet = _run_in_pty(["build", str(v), "--out", str(tmp_path / "out"), "--quiet"], tmp_path)
    assert rc == 0 and quiet.strip() == "", quiet


def test_build_extracts_the_cards_once_for_the_deck_and_the_site(tmp_path, monkeypatch):
    """The site's card widgets come from the Anki step's extraction, not from a second one."""
    from notedeck.anki import extract as extraction
    from notedeck.cli import main as cli

    vault = tmp_path / "v"
    vault.mkdir()
    for k in range(3):
        (vault / f"n{k}.md").write_text(f"#flashcards\n\n问题{k}::答案{k}\n", encoding="utf-8")
    calls: list[str] = []
    real = extraction.extract_note
    monkeypatch.setattr(extraction, "extract_note", lambda vault, note, *a, **kw: calls.append(note.rel) or real(vault, note, *a, **kw))
    with pytest.raises(SystemExit) as done:
        cli(["build", str(vault), "--out", str(tmp_path / "out"), "--quiet"], standalone_mode=True)
    assert done.value.code == 0
    assert sorted(calls) == ["n0.md", "n1.md", "n2.md"]
    page = (tmp_path / "out" / "site" / "n1" / "index.html").read_text(encoding="utf-8")
    assert "问题1" in page and "答案1" in page and "<details" in page
