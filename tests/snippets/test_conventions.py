"""What users of the peers expect (top-level await, Sybil's skip comments, pytest-markdown-docs' notest), option
values that cannot be used reported as diagnostics, and ``notedeck build`` never running a vault's code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from test_snippets_plugin import outcomes, run_pytest  # noqa: E402

PEERS = """# Peers

```python
import asyncio
await asyncio.sleep(0)
task = asyncio.ensure_future(asyncio.sleep(0, result=42))
```

```python
assert await task == 42
```

<!-- skip: next -->
```python
raise AssertionError("Sybil's skip: next")
```

```python notest
raise AssertionError("pytest-markdown-docs' notest")
```

<!-- skip: start -->

```python
raise AssertionError("inside skip: start")
```

```python
raise AssertionError("still inside")
```

<!-- skip: end -->

```python
ran_after = True
```
"""

BAD = """# Bad options

```python timeout="abc"
slow = 1
```

```python test="banana" figure="图.svg"
x = 2
```
"""


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("PYTEST_ADDOPTS", None)
    return subprocess.run([sys.executable, "-m", "notedeck.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def test_top_level_await_and_the_peers_skip_directives(tmp_path: Path) -> None:
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "peers.md").write_text(PEERS, encoding="utf-8")
    results, proc = run_pytest(vault, "-p", "no:cacheprovider")
    assert outcomes(results) == {
        "peers.md::L3": ("passed", ""),
        "peers.md::L9": ("passed", ""),  # the task made in the block before runs on the note's loop
        "peers.md::L14": ("skipped", "<!-- skip: next --> (peers.md:14)"),
        "peers.md::L18": ("skipped", "notest (peers.md:18)"),
        "peers.md::L24": ("skipped", "<!-- skip: start --> (peers.md:24)"),
        "peers.md::L28": ("skipped", "<!-- skip: start --> (peers.md:28)"),
        "peers.md::L34": ("passed", ""),  # after skip: end
    }, proc.stdout
    assert proc.returncode == 0


def test_unusable_option_values_are_diagnostics_in_check_and_at_collection(tmp_path: Path) -> None:
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "bad.md").write_text(BAD, encoding="utf-8")
    check = cli("check", str(vault), cwd=tmp_path)
    lines = [x for x in check.stdout.splitlines() if "bad-option" in x]
    assert lines == [
        'v/bad.md:3:11: warning[bad-option]: timeout="abc" is not a positive number of seconds; the default timeout applies',
        'v/bad.md:7:11: warning[bad-option]: test="banana" is not one of skip, xfail (or notest, no, false); the block runs',
        'v/bad.md:7:25: warning[bad-option]: figure "图.svg" must be a .png file (the code hash is kept in a PNG text chunk)',
    ], check.stdout
    assert check.returncode == 0  # warnings
    assert cli("check", str(vault), "--strict", cwd=tmp_path).returncode == 1
    results, proc = run_pytest(vault, "-p", "no:cacheprovider", "-k", "L3")
    assert outcomes(results) == {"bad.md::L3": ("passed", "")}  # runs, under the default timeout
    assert 'bad.md:3:11: warning[bad-option]: timeout="abc" is not a positive number' in proc.stdout


def test_build_never_runs_the_vaults_code(tmp_path: Path) -> None:
    vault = tmp_path / "v"
    vault.mkdir()
    marker = tmp_path / "ran.txt"
    (vault / "danger.md").write_text(
        f"# Danger\n\n```python\nimport pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\nopen('here.txt', 'w').write('x')\n```\n\n"
        "```python figure=\"图.png\"\nimport matplotlib.pyplot as plt\nplt.plot([1, 2])\n```\n\n"
        f"%%\n```python\npathlib.Path({str(marker)!r}).write_text('hidden ran')\n```\n%%\n",
        encoding="utf-8")
    before = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    proc = cli("build", str(vault), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert (tmp_path / "out" / "site").is_dir(), proc.stdout + proc.stderr
    assert not marker.exists()
    after = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if not p.is_relative_to(tmp_path / "out"))
    assert after == before  # nothing written into the vault (no figure, no here.txt) or next to it
    assert not list((tmp_path / "out").rglob("here.txt")) and not list((tmp_path / "out").rglob("图.png"))
