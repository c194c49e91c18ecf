"""``load_note``: a note's namespace for tests, with the same semantics as the pytest items."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from notedeck.snippets import BlockFailure, load_note

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "snippets-bad"


def test_returns_the_namespace_after_all_blocks_in_order() -> None:
    ns = load_note(FIXTURE / "containers.md")  # list item, callout, ```` and ~~~ fences
    assert ns["four"] == [1, 2, 3]
    assert ns["__name__"] == "__main__"


def test_skips_skipped_blocks_tolerates_expected_failures_and_runs_hidden_setup() -> None:
    # every block up to the last (a failing doctest) ran as specified: the skipped ones would raise
    # AssertionError, the xfail one ZeroDivisionError, and the named one needs the hidden setup
    with pytest.raises(BlockFailure) as info:
        load_note(str(FIXTURE / "options.md"))
    assert info.value.line == 49 and "Expected:\n    999\nGot:\n    20" in str(info.value)


def test_a_failing_block_raises_with_the_notes_line() -> None:
    with pytest.raises(BlockFailure) as info:
        load_note(FIXTURE / "first_fails.md")
    assert str(info.value).endswith("ValueError: first block")
    assert "first_fails.md:4: ValueError: first block" in str(info.value)
    assert info.value.line == 4


def test_output_fences_are_checked() -> None:
    with pytest.raises(BlockFailure, match="does not match its output fence"):
        load_note(FIXTURE / "output.md")


def test_runs_in_a_temporary_directory_and_restores_the_working_directory(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    load_note(FIXTURE / "files.md")
    load_note(FIXTURE / "chdir.md")  # os.chdir('/') inside a block
    assert Path.cwd() == tmp_path
    assert os.listdir(tmp_path) == []
    assert not list(FIXTURE.rglob("written-by-a-note.txt"))


def test_sys_exit_in_a_block_is_a_block_failure() -> None:
    with pytest.raises(BlockFailure, match=r"exit.md:5: SystemExit: 3"):
        load_note(FIXTURE / "exit.md")


def test_syntax_error_reported_at_its_real_line() -> None:
    with pytest.raises(BlockFailure) as info:
        load_note(FIXTURE / "syntax.md")
    assert info.value.line == 9 and "syntax.md:9:5: SyntaxError" in str(info.value)
