"""The results file the pytest plugin writes, and the site's API to read it (``notedeck.snippets.results``)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from notedeck.snippets import results
from notedeck.vault import parse_note

sys.path.insert(0, str(Path(__file__).parent))
from test_snippets_plugin import run_pytest  # noqa: E402

NOTE = """# 结果

```python
x = 1
```

```python test="skip"
raise AssertionError("never runs")
```

```python test="xfail"
1 / 0
```

```python
assert x == 2, "x is not 2"
```

```python
after = True
```
"""


def code_blocks(path: Path):
    note, _ = parse_note(path, path.name, path.read_text(encoding="utf-8"))
    return note.code_blocks


@pytest.fixture()
def vault(tmp_path: Path) -> Path:
    v = tmp_path / "vault"
    (v / "课").mkdir(parents=True)
    (v / ".obsidian").mkdir()
    (v / "课" / "结果.md").write_text(NOTE, encoding="utf-8")
    (v / "好.md").write_text("```python\nok = 1\n```\n", encoding="utf-8")
    return v


def statuses(res: results.Results, rel: str, path: Path) -> list[tuple[str, str, int | None]]:
    return [(s.status, s.message, s.line) for s in (res.status(rel, b) for b in code_blocks(path))]


def test_the_file_records_every_outcome_with_the_code_hash(vault: Path) -> None:
    _, proc = run_pytest(vault, "-p", "no:cacheprovider")
    assert proc.returncode == 1
    path = vault / "build" / "notedeck-results.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == 1 and sorted(data["notes"]) == ["好.md", "课/结果.md"]
    assert path.stat().st_mode & 0o044 == 0o044 or os.umask(os.umask(0)) & 0o044  # readable as other outputs are
    note = data["notes"]["课/结果.md"]
    assert note["path"] == "课/结果.md"
    assert [(b["name"], b["status"]) for b in note["blocks"]] == [
        ("L3", "passed"), ("L7", "skipped"), ("L11", "xfail"), ("L15", "failed"), ("L19", "skipped")]
    blocks = code_blocks(vault / "课" / "结果.md")
    assert [b["hash"] for b in note["blocks"]] == [results.block_hash(b.code) for b in blocks]
    assert note["blocks"][3]["message"] == "课/结果.md:16: AssertionError: x is not 2"
    assert note["blocks"][3]["fail_line"] == 16

    res = results.load(path)
    assert statuses(res, "课/结果.md", vault / "课" / "结果.md") == [
        ("passed", "", 3),
        ("skipped", 'test="skip" (课/结果.md:7)', 7),
        ("xfail", 'test="xfail" (课/结果.md:11)', 11),
        ("failed", "课/结果.md:16: AssertionError: x is not 2", 16),
        ("skipped", "block at line 15 failed", 19),
    ]
    assert res.counts("课/结果.md", blocks) == {"passed": 1, "failed": 1, "skipped": 2, "xfail": 1, "not-run": 0}
    assert res.status("好.md", code_blocks(vault / "好.md")[0]) == results.BlockStatus("passed", "", 1)


def test_an_edited_block_is_not_run_and_a_moved_one_keeps_its_status(vault: Path) -> None:
    run_pytest(vault, "-p", "no:cacheprovider")
    res = results.load(vault / "build" / "notedeck-results.json")
    note = vault / "课" / "结果.md"
    note.write_text(NOTE.replace("# 结果\n", "# 结果\n\n新的一段。\n\n").replace("after = True", "after = False"), encoding="utf-8")
    got = statuses(res, "课/结果.md", note)
    assert [s[0] for s in got] == ["passed", "skipped", "xfail", "failed", "not-run"]
    assert got[3][2] == 19  # the failure line moved with its block (3 lines inserted above)
    assert res.status("课/结果.md", code_blocks(note)[4]) == results.NOT_RUN
    assert res.status("别的.md", code_blocks(note)[0]).status == "not-run"


def test_a_partial_run_updates_its_blocks_and_keeps_the_others(vault: Path) -> None:
    run_pytest(vault, "-p", "no:cacheprovider")
    note = vault / "课" / "结果.md"
    note.write_text(NOTE.replace('assert x == 2, "x is not 2"', "assert x == 1"), encoding="utf-8")
    run_pytest(vault, "-p", "no:cacheprovider", "-k", "结果")
    res = results.load(vault / "build" / "notedeck-results.json")
    assert [s[0] for s in statuses(res, "课/结果.md", note)] == ["passed", "skipped", "xfail", "passed", "passed"]
    assert res.status("好.md", code_blocks(vault / "好.md")[0]).status == "passed"  # not in this run: kept


def test_xdist_workers_results_are_merged(vault: Path, tmp_path: Path) -> None:
    pytest.importorskip("xdist")
    serial = tmp_path / "serial.json"
    run_pytest(vault, "-p", "no:cacheprovider", "--notedeck-results", str(serial))
    run_pytest(vault, "-p", "no:cacheprovider", "-n", "2")
    assert json.loads((vault / "build" / "notedeck-results.json").read_text()) == json.loads(serial.read_text())


def test_a_missing_or_foreign_file_means_nothing_ran(tmp_path: Path, vault: Path) -> None:
    block = code_blocks(vault / "好.md")[0]
    assert results.load(tmp_path / "none.json").status("好.md", block) == results.NOT_RUN
    (tmp_path / "other.json").write_text('{"something": "else"}')
    assert results.load(tmp_path / "other.json").status("好.md", block) == results.NOT_RUN
    (tmp_path / "bad.json").write_text("{")
    assert results.load(tmp_path / "bad.json").status("好.md", block) == results.NOT_RUN


def test_an_empty_setting_writes_no_file(vault: Path) -> None:
    shutil.rmtree(vault / "build", ignore_errors=True)
    run_pytest(vault, "-p", "no:cacheprovider", "--notedeck-results", "")
    assert not (vault / "build").exists()
