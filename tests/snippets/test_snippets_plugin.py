"""The pytest plugin on a vault with one bad input of each kind: every item's outcome, exactly."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "snippets-bad"

FAILED_AT_3 = ("skipped", "block at line 3 failed")
EXPECTED: dict[str, tuple[str, str]] = {
    "chdir.md::L3": ("passed", ""),
    "chdir.md::L9": ("passed", ""),  # os.chdir('/') in the block before did not leak
    "chdir.md::L15": ("passed", ""),  # removes its own working directory …
    "chdir.md::L20": ("passed", ""),  # … the next block still gets an empty one
    "doctest_loop.md::L3": ("failed", ""),  # a hanging doctest times out too
    "doctest_loop.md::L8": FAILED_AT_3,
    "containers.md::L5": ("passed", ""),  # list item
    "containers.md::L10": ("passed", ""),  # > ```python in a callout
    "containers.md::L14": ("passed", ""),  # four backticks
    "containers.md::L23": ("passed", ""),  # ~~~
    "exit.md::L3": ("failed", ""),
    "files.md::L3": ("passed", ""),
    "files.md::L8": ("passed", ""),
    "first_fails.md::L3": ("failed", ""),
    "first_fails.md::L7": FAILED_AT_3,
    "first_fails.md::L11": FAILED_AT_3,
    "loop.md::L3": ("failed", ""),
    "loop.md::L8": FAILED_AT_3,
    "options.md::L4": ("passed", ""),  # hidden setup block inside %% … %%
    "options.md::L9": ("skipped", 'test="skip" (options.md:9)'),
    "options.md::L13": ("skipped", "notest (options.md:13)"),
    "options.md::L17": ("skipped", "skip (options.md:17)"),
    "options.md::L22": ("skipped", "%% notedeck: skip %% (options.md:22)"),
    "options.md::L26": ("xfailed", ""),
    "options.md::named": ("passed", ""),
    "options.md::L35": ("passed", ""),  # pycon doctest in the note's namespace
    "options.md::L40": ("passed", ""),  # python fence whose body starts with >>>
    "options.md::L46": ("failed", ""),
    "outcomes.md::L3": ("skipped", "not today"),  # pytest.skip() inside a block …
    "outcomes.md::L8": ("passed", ""),  # … is not a failure: the note goes on
    "outcomes.md::L13": ("xfailed", ""),  # %% notedeck: xfail %%
    "outcomes.md::L17": ("passed", ""),  # an expected failure does not stop the note
    "output_far.md::L3": ("passed", ""),  # a paragraph between: that output fence is not checked
    "output_far.md::L14": ("passed", ""),  # block + output fence inside a callout
    "output_far.md::L21": ("failed", ""),  # only a %% comment between: checked (and wrong)
    "output.md::L5": ("passed", ""),
    "output.md::L15": ("failed", ""),
    "plots.md::L3": ("passed", ""),
    "syntax.md::L3": ("passed", ""),
    "syntax.md::L7": ("failed", ""),
    "子目录/私有.md::L6": ("passed", ""),  # publish: false is about the site; code still runs
    "子目录/私有.md::L10": ("failed", ""),
}

OUTCOMES_PLUGIN = '''
import json, os
RESULTS = {}

def pytest_runtest_logreport(report):
    r = RESULTS.setdefault(report.nodeid, {"outcome": "passed", "reason": "", "text": ""})
    if report.when == "call" and hasattr(report, "wasxfail"):
        r["outcome"] = "xfailed" if report.skipped else "xpassed"
    elif report.failed:
        r["outcome"] = "failed" if report.when == "call" else "error"
        r["text"] = report.longreprtext
    elif report.skipped:
        r["outcome"] = "skipped"
        lr = report.longrepr
        reason = lr[2] if isinstance(lr, (tuple, list)) else str(lr)
        r["reason"] = reason[len("Skipped: "):] if reason.startswith("Skipped: ") else reason

def pytest_sessionfinish(session):
    if not hasattr(session.config, "workerinput"):
        with open(os.environ["OUTCOMES_JSON"], "w", encoding="utf-8") as f:
            json.dump(RESULTS, f)
'''


def run_pytest(where: Path, *args: str) -> tuple[dict[str, dict[str, str]], subprocess.CompletedProcess[str]]:
    """Run pytest in a subprocess in ``where``; outcome per node id (``passed``, ``failed``,
    ``skipped`` with reason, ``xfailed``)."""
    plugin_dir = where.parent / "plugin"
    plugin_dir.mkdir(exist_ok=True)
    (plugin_dir / "outcomes_plugin.py").write_text(OUTCOMES_PLUGIN, encoding="utf-8")
    out = where.parent / "outcomes.json"
    pythonpath = os.pathsep.join(p for p in (str(plugin_dir), os.environ.get("PYTHONPATH", "")) if p)
    env = dict(os.environ, OUTCOMES_JSON=str(out), PYTHONPATH=pythonpath)  # keep PYTHONPATH=src (this checkout)
    env.pop("PYTEST_ADDOPTS", None)
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "outcomes_plugin", "-q", "-rA", *args],
                          cwd=where, env=env, capture_output=True, text=True, timeout=300)
    assert out.exists(), proc.stdout + proc.stderr
    return json.loads(out.read_text(encoding="utf-8")), proc


@pytest.fixture()
def vault(tmp_path: Path) -> Path:
    dest = tmp_path / "vault"
    shutil.copytree(FIXTURE, dest)
    return dest


def outcomes(results: dict[str, dict[str, str]]) -> dict[str, tuple[str, str]]:
    return {k: (v["outcome"], v["reason"]) for k, v in results.items()}


def test_every_item_has_exactly_the_specified_outcome(vault: Path) -> None:
    results, proc = run_pytest(vault, "-p", "no:cacheprovider")
    assert outcomes(results) == EXPECTED, proc.stdout
    assert proc.returncode == 1
    text = {k: v["text"] for k, v in results.items()}
    # failure reports name note.md:line and show the .md's own lines in traceback frames
    assert text["exit.md::L3"].startswith("exit.md:5: SystemExit: 3")
    assert text["first_fails.md::L3"].startswith("first_fails.md:4: ValueError: first block")
    assert 'File "first_fails.md", line 4, in <module>\n    raise ValueError("first block")' in text["first_fails.md::L3"]
    assert text["loop.md::L3"].startswith("loop.md:4: Timeout")
    assert 'File "loop.md", line 4' in text["loop.md::L3"]
    assert text["syntax.md::L7"].startswith("syntax.md:9:5: SyntaxError:")  # the real line, not the block's
    assert "-there\n+world" in text["output.md::L15"]
    assert text["output.md::L15"].startswith("output.md:20: stdout of the block at line 15 does not match")
    assert text["options.md::L46"].startswith("options.md:49: doctest failed")
    assert "Expected:\n    999\nGot:\n    20" in text["options.md::L46"]
    assert text["子目录/私有.md::L10"].startswith("子目录/私有.md:11: RuntimeError: private note ran: 42")
    # the failure header (pytest's "____ … ____" line) names note.md:line too
    assert "_ exit.md:3 _" in proc.stdout
    # a block writing files wrote into a temporary directory, not the vault or the working directory
    assert not list(vault.rglob("written-by-a-note.txt"))
    assert not list(FIXTURE.rglob("written-by-a-note.txt"))
    assert text["doctest_loop.md::L3"].startswith("doctest_loop.md:4: Timeout (>1.0s)")
    assert "9 failed, 22 passed, 9 skipped, 2 xfailed" in proc.stdout


def test_xdist_gives_the_same_outcomes_as_a_serial_run(vault: Path) -> None:
    pytest.importorskip("xdist")
    results, proc = run_pytest(vault, "-p", "no:cacheprovider", "-n", "2")
    assert outcomes(results) == EXPECTED, proc.stdout + proc.stderr


def test_selecting_one_block_runs_the_earlier_blocks_of_its_note_first(vault: Path) -> None:
    # options.md::named needs the hidden setup block; chdir.md::L9 needs `start` from L3;
    # first_fails.md::L11 alone is still skipped because the first block fails.
    results, proc = run_pytest(vault, "-p", "no:cacheprovider", "-k",
                               "named or (chdir and L9) or (first_fails and L11) or (options and L40) or (loop and L8)")
    assert outcomes(results) == {
        "options.md::named": ("passed", ""),
        "chdir.md::L9": ("passed", ""),
        "first_fails.md::L11": FAILED_AT_3,
        "options.md::L40": ("passed", ""),  # after hidden setup, skipped, xfail, named and doctest blocks
        "loop.md::L8": FAILED_AT_3,  # the replayed infinite loop got its own timeout
        "doctest_loop.md::L8": FAILED_AT_3,  # so did the replayed hanging doctest
    }, proc.stdout


def test_last_failed_reruns_the_same_failures(vault: Path) -> None:
    first, _ = run_pytest(vault)
    again, proc = run_pytest(vault, "--lf")
    failed = {k for k, v in first.items() if v["outcome"] == "failed"}
    assert set(again) == failed, proc.stdout
    assert all(v["outcome"] == "failed" for v in again.values())


def test_timeout_default_comes_from_the_ini_option(tmp_path: Path) -> None:
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "pytest.ini").write_text("[pytest]\nnotedeck_timeout = 0.5\n", encoding="utf-8")
    (vault / "hang.md").write_text("```python\nimport time\nwhile True:\n    time.sleep(0.01)\n```\n\n"
                                   "```python timeout=\"5\"\nquick = 1\n```\n", encoding="utf-8")
    (vault / "other.md").write_text("```python\nassert True\n```\n", encoding="utf-8")
    results, proc = run_pytest(vault, "-p", "no:cacheprovider")
    assert outcomes(results) == {
        "hang.md::L1": ("failed", ""),
        "hang.md::L7": ("skipped", "block at line 1 failed"),
        "other.md::L1": ("passed", ""),  # the session went on
    }, proc.stdout
    assert "Timeout (>0.5s)" in results["hang.md::L1"]["text"]


def test_a_note_that_is_not_utf8_is_a_warning_not_a_collection_error(tmp_path: Path) -> None:
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "bad.md").write_bytes(b"# x\n\xff\xfe\n```python\nx = 1\n```\n")
    (vault / "good.md").write_text("```python\nassert True\n```\n", encoding="utf-8")
    results, proc = run_pytest(vault, "-p", "no:cacheprovider")
    assert outcomes(results) == {"good.md::L1": ("passed", "")}
    assert proc.returncode == 0
    assert "bad.md:2:1: error[not-utf8]" in proc.stdout
