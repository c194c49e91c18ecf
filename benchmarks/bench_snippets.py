"""Benchmark: collect + run every Python block of a synthetic vault with notedeck's pytest plugin
vs. pytest-markdown-docs, on the same files, in the same run. Prints a table and the ratio
(notedeck / pytest-markdown-docs; target ≤ 1.0, with isolation on: the default), and what isolation
costs (notedeck with ``--notedeck-isolation=off``, blocks run in the pytest process, as the third row).

    python benchmarks/bench_snippets.py [--notes 2000] [--blocks 3] [--repeat 1] [--deps DIR]

pytest-markdown-docs pins ``markdown-it-py<4`` (it works with 4.x); to keep the project's
markdown-it-py, install it aside: ``pip install --no-deps --target DIR pytest-markdown-docs`` and
pass ``--deps DIR`` (default: ``$NOTEDECK_BENCH_DEPS`` or ``/tmp/notedeck-bench-deps``).

pytest-markdown-docs runs each fence on its own; the vault's 2nd and later fences of a note carry
its ``continuation`` flag (which our plugin ignores as an unknown flag) so that both tools run the
same notebook semantics and every block passes in both.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def make_files(root: Path, notes: int, blocks: int) -> None:
    try:
        from notedeck.synthetic import make_vault
    except ImportError:  # pragma: no cover - before the synthetic module existed
        make_vault = None
    if make_vault is not None:
        make_vault(root, notes=notes, code_blocks=blocks)
    else:  # pragma: no cover
        for i in range(notes):
            folder = root / f"主题{i % 20:02d}"
            folder.mkdir(parents=True, exist_ok=True)
            body = [f"# 笔记 {i:05d}", ""]
            for b in range(blocks):
                code = f"x{b} = {b} + {i % 7}" if b == 0 else f"x{b} = x{b - 1} * 2"
                body += ["```python", code, f"assert x{b} >= 0", "```", ""]
            (folder / f"笔记 {i:05d}.md").write_text("\n".join(body), encoding="utf-8")
    for path in root.rglob("*.md"):  # later fences continue the note's namespace in pytest-markdown-docs too
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"```python\n(x[1-9])", r"```python continuation\n\1", text), encoding="utf-8")


def run(root: Path, args: list[str], deps: str | None) -> tuple[float, str]:
    env = dict(os.environ)
    env.pop("PYTEST_ADDOPTS", None)
    if deps:
        env["PYTHONPATH"] = deps + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(root), *args, str(root)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    tail = (proc.stdout.strip().splitlines() or [""])[-1]
    return elapsed, cpu, tail


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--notes", type=int, default=2000)
    ap.add_argument("--blocks", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=1, help="runs per tool; the best time counts")
    ap.add_argument("--deps", default=os.environ.get("NOTEDECK_BENCH_DEPS", "/tmp/notedeck-bench-deps"))
    ns = ap.parse_args()
    deps = ns.deps if ns.deps and Path(ns.deps).is_dir() else None

    probe = subprocess.run([sys.executable, "-c", "import pytest_markdown_docs"], capture_output=True,
                           env=dict(os.environ, PYTHONPATH=deps or os.environ.get("PYTHONPATH", "")))
    if probe.returncode != 0:
        sys.exit("pytest-markdown-docs is not importable: pip install --no-deps --target /tmp/notedeck-bench-deps "
                 "pytest-markdown-docs (or pass --deps DIR)")

    tools = {
        "notedeck": ["-p", "no:pytest_markdown_docs"],
        "pytest-markdown-docs": ["-p", "no:notedeck", "--markdown-docs"],
        "notedeck, isolation off": ["-p", "no:pytest_markdown_docs", "--notedeck-isolation", "off"],
    }
    with tempfile.TemporaryDirectory(prefix="bench-snippets-") as tmp:
        root = Path(tmp) / "vault"
        make_files(root, ns.notes, ns.blocks)
        best = {name: [float("inf")] * 4 + [""] for name in tools}  # collect wall/cpu, total wall/cpu
        for _ in range(ns.repeat):  # interleaved, so a busy machine slows both alike
            for name, args in tools.items():
                b = best[name]
                wall, cpu, _ = run(root, [*args, "--collect-only"], deps)
                b[0], b[1] = min(b[0], wall), min(b[1], cpu)
                wall, cpu, b[4] = run(root, args, deps)
                b[2], b[3] = min(b[2], wall), min(b[3], cpu)
        rows = [(name, *b) for name, b in best.items()]

    print(f"\n{ns.notes} notes × {ns.blocks} Python blocks (serial, best of {ns.repeat}; CPU = user+sys of pytest)\n")
    print("| tool | collect wall (s) | collect CPU (s) | collect+run wall (s) | collect+run CPU (s) | result |")
    print("|---|---:|---:|---:|---:|---|")
    for name, cw, cc, tw, tc, summary in rows:
        print(f"| {name} | {cw:.2f} | {cc:.2f} | {tw:.2f} | {tc:.2f} | {summary} |")
    ours, base, local = rows[0], rows[1], rows[2]
    print(f"\nratio notedeck / pytest-markdown-docs, collect+run: wall {ours[3] / base[3]:.2f}, "
          f"CPU {ours[4] / base[4]:.2f}  (target ≤ 1.0)")
    print(f"ratio, collect only: wall {ours[1] / base[1]:.2f}, CPU {ours[2] / base[2]:.2f}")
    print(f"ratio notedeck without isolation / pytest-markdown-docs, collect+run: wall {local[3] / base[3]:.2f}, "
          f"CPU {local[4] / base[4]:.2f}")
    print(f"isolation costs: wall {ours[3] - local[3]:+.2f} s ({(ours[3] / local[3] - 1) * 100:+.0f} %), "
          f"CPU {ours[4] - local[4]:+.2f} s ({(ours[4] / local[4] - 1) * 100:+.0f} %; the worker's CPU included)")

if __name__ == "__main__":
    main()
