"""The command line: exit codes, --strict, default vault, nothing written into the vault."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from notedeck import __version__
from notedeck.cli import main

FIXTURES = Path(__file__).parents[1] / "fixtures"


def test_version_and_help() -> None:
    r = CliRunner().invoke(main, ["--version"])
    assert r.exit_code == 0 and __version__ in r.output
    r = CliRunner().invoke(main, ["--help"])
    assert r.exit_code == 0 and "check" in r.output and "build" in r.output


def test_check_clean_vault_exits_zero() -> None:
    r = CliRunner().invoke(main, ["check", str(FIXTURES / "clean"), "--strict"])
    assert r.exit_code == 0, r.output
    assert "0 errors, 0 warnings" in r.output


def test_strict_turns_warnings_into_failure(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# a\n\n[[nowhere]]\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert r.exit_code == 0
    assert "a.md:3:1: warning[broken-link]: [[nowhere]] matches no note or file in the vault" in r.output
    r = CliRunner().invoke(main, ["check", str(tmp_path), "--strict"])
    assert r.exit_code == 1


def test_default_vault_is_docs_dir_of_mkdocs_yml(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "a.md").write_text("[[x]]\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\ndocs_dir: kb\nmarkdown_extensions:\n  - pymdownx.superfences:\n"
                                         "      custom_fences:\n        - name: mermaid\n          class: mermaid\n"
                                         "          format: !!python/name:pymdownx.superfences.fence_code_format\n",
                                         encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["check"])
    assert "kb/a.md:1:1: warning[broken-link]" in r.output
    (tmp_path / "mkdocs.yml").unlink()
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "b.md").write_text("[[y]]\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["check"])
    assert "notes/b.md:1:1: warning[broken-link]" in r.output


def test_build_refuses_output_inside_vault(tmp_path: Path) -> None:
    vault = tmp_path / "v"
    shutil.copytree(FIXTURES / "clean", vault)
    r = CliRunner().invoke(main, ["build", str(vault), "--out", str(vault / "out")])
    assert r.exit_code == 2
    assert not (vault / "out").exists()


def _digest(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_build_and_check_leave_every_vault_byte_unchanged(tmp_path: Path) -> None:
    vault = tmp_path / "清洁 vault"
    shutil.copytree(FIXTURES / "clean", vault)
    before = _digest(vault)
    r = CliRunner().invoke(main, ["build", str(vault), "--out", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["check", str(vault)])
    assert r.exit_code == 0, r.output
    assert _digest(vault) == before


def test_a_failing_step_is_an_internal_error_and_the_others_still_run(tmp_path, monkeypatch):
    import notedeck.anki.emit

    def broken(*args, **kwargs):
        raise KeyError("oops")

    monkeypatch.setattr(notedeck.anki.emit, "emit", broken)
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "a.md").write_text("# a\n", encoding="utf-8")
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["build", str(vault), "--out", str(out)])
    assert r.exit_code == 1 and isinstance(r.exception, SystemExit)
    assert "error[internal-error]: the anki step failed: KeyError: 'oops'" in r.output and "Traceback" not in r.output
    assert (out / "site" / "a" / "index.html").is_file()  # the site step ran after it


def test_check_turns_a_bug_in_a_step_into_an_internal_error(tmp_path, monkeypatch):
    import notedeck.cli

    def broken(*args, **kwargs):
        raise ValueError("bad")

    monkeypatch.setattr(notedeck.cli, "extract_cards", broken)
    (tmp_path / "a.md").write_text("# a\n\n```python\nx = (\n```\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert r.exit_code == 1 and isinstance(r.exception, SystemExit) and "Traceback" not in r.output
    assert "error[internal-error]: the cards step failed: ValueError: bad" in r.output
    assert "error[code-syntax]" in r.output  # the next step still ran
