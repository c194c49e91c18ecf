"""Isolation: a note that exits the process, crashes it, hangs in C code or allocates 1 GiB fails its own block
(with the reason), the rest of that note is skipped, and the notes before and after still pass."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_snippets_plugin import outcomes, run_pytest  # noqa: E402

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "snippets-isolation"

EXPECTED = {
    "a_before.md::L3": ("passed", ""),
    "a_before.md::L7": ("passed", ""),
    "b_exit.md::L3": ("passed", ""),
    "b_exit.md::L7": ("failed", ""),
    "b_exit.md::L12": ("skipped", "block at line 7 failed"),
    "c_segfault.md::L3": ("failed", ""),
    "c_segfault.md::L8": ("skipped", "block at line 3 failed"),
    "d_c_loop.md::L3": ("failed", ""),
    "d_c_loop.md::L7": ("skipped", "block at line 3 failed"),
    "e_memory.md::L3": ("failed", ""),
    "e_memory.md::L7": ("skipped", "block at line 3 failed"),
    "f_after.md::L3": ("passed", ""),
    "f_after.md::L7": ("passed", ""),
}


@pytest.fixture()
def vault(tmp_path: Path) -> Path:
    dest = tmp_path / "vault"
    shutil.copytree(FIXTURE, dest)
    return dest


def test_each_bad_note_fails_alone_with_its_reason(vault: Path) -> None:
    results, proc = run_pytest(vault, "-p", "no:cacheprovider")
    assert outcomes(results) == EXPECTED, proc.stdout + proc.stderr
    assert proc.returncode == 1
    text = {k: v["text"] for k, v in results.items()}
    assert text["b_exit.md::L7"].startswith("b_exit.md:8: worker died: os._exit(0)"), text["b_exit.md::L7"]
    assert text["c_segfault.md::L3"].startswith("c_segfault.md:5: worker died: SIGSEGV"), text["c_segfault.md::L3"]
    assert 'File "c_segfault.md", line 5 in <module>' in text["c_segfault.md::L3"]  # faulthandler's traceback, at the note's line
    assert "worker.py" not in text["c_segfault.md::L3"]  # but not our machinery
    assert text["d_c_loop.md::L3"].startswith("d_c_loop.md:4: killed after 2 s"), text["d_c_loop.md::L3"]
    assert text["e_memory.md::L3"].startswith("e_memory.md:4: MemoryError"), text["e_memory.md::L3"]
    assert "memory limit: 512 MiB" in text["e_memory.md::L3"]
    assert "4 failed, 5 passed, 4 skipped" in proc.stdout, proc.stdout


def test_the_memory_limit_is_configurable(vault: Path) -> None:
    (vault / "pytest.ini").write_text("[pytest]\nnotedeck_memory = 0\n", encoding="utf-8")
    results, proc = run_pytest(vault, "-p", "no:cacheprovider", "-k", "e_memory")
    assert outcomes(results) == {"e_memory.md::L3": ("passed", ""), "e_memory.md::L7": ("passed", "")}, proc.stdout
    results, proc = run_pytest(vault, "-p", "no:cacheprovider", "-k", "e_memory", "--notedeck-memory", "64",
                               "--notedeck-timeout", "30")
    assert results["e_memory.md::L3"]["outcome"] == "failed" and "memory limit: 64 MiB" in results["e_memory.md::L3"]["text"]


def test_xdist_and_selection_keep_the_isolation(vault: Path) -> None:
    pytest.importorskip("xdist")
    results, proc = run_pytest(vault, "-p", "no:cacheprovider", "-n", "2")
    assert outcomes(results) == EXPECTED, proc.stdout + proc.stderr
    assert proc.returncode == 1
    # -k of a later block replays the earlier blocks in the worker: the exit still fails the note
    results, proc = run_pytest(vault, "-p", "no:cacheprovider", "-k", "b_exit and L12 or f_after")
    assert outcomes(results) == {"b_exit.md::L12": ("skipped", "block at line 7 failed"),
                                 "f_after.md::L3": ("passed", ""), "f_after.md::L7": ("passed", "")}, proc.stdout


@pytest.mark.parametrize("mode", ["on", "off"])
def test_blocks_run_in_a_worker_unless_isolation_is_off(tmp_path: Path, mode: str) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "conftest.py").write_text("import os\nos.environ['PYTEST_PID'] = str(os.getpid())\n"
                                       "os.environ['PIDS'] = os.path.join(os.path.dirname(__file__), 'pids.txt')\n")
    (vault / "pid.md").write_text("```python\nimport os, pathlib\n"
                                  "pathlib.Path(os.environ['PIDS']).write_text(f\"{os.getpid()} {os.environ['PYTEST_PID']}\")\n```\n"
                                  "\n```python\nsame_namespace = os\n```\n", encoding="utf-8")
    results, proc = run_pytest(vault, "-p", "no:cacheprovider", "--notedeck-isolation", mode)
    assert outcomes(results) == {"pid.md::L1": ("passed", ""), "pid.md::L6": ("passed", "")}, proc.stdout
    block_pid, pytest_pid = (vault / "pids.txt").read_text().split()
    assert (block_pid == pytest_pid) == (mode == "off")
