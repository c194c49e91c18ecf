"""README.md starts with the two set-up commands, and .ci/run runs exactly those."""

from __future__ import annotations

from pathlib import Path

from notedeck.vault import parse_note

ROOT = Path(__file__).parents[2]


def readme_commands() -> list[str]:
    path = ROOT / "README.md"
    readme, _ = parse_note(path, "README.md", path.read_text(encoding="utf-8"))
    first = min((t for t in readme.tokens if t.type == "fence"), key=lambda t: t.map[0])
    before = readme.text[: readme.line_starts[first.map[0]]]
    assert before.strip() == "# notedeck", "the two commands must come first"
    return [line for line in first.content.splitlines() if line.strip()]


def test_readme_starts_with_exactly_two_commands() -> None:
    install, test = readme_commands()
    assert install.startswith("pip install -e '.[test]'") and "notedeck build" in install
    assert test == "pytest"


def test_ci_runs_the_readme_commands_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    install, test = readme_commands()
    assert install in ci and test in ci
    assert ci.index(install) < ci.index(test)
    assert "set -euo pipefail" in ci  # pytest's exit code 5 (no tests) fails the run


def test_plain_pytest_collects_every_test_file():
    """``pytest`` (the README's test command) must reach every test module: a norecursedirs pattern once
    hid tests/snippets/ from it."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
                         cwd=root, capture_output=True, text=True, timeout=600).stdout
    collected = {line.split("::", 1)[0] for line in out.splitlines() if "::" in line}
    expected = {p.relative_to(root).as_posix() for p in (root / "tests").rglob("test_*.py")
                if "fixtures" not in p.relative_to(root).parts}
    assert expected - collected == set()
