"""Regenerate the plots embedded in the vault (``notes/attachments/*.png``).

The plots are produced by the notes' own code: every note's ``python`` fences run in order in one
namespace (like the notebook semantics of ``pytest``), in a fresh temporary working directory with
matplotlib's Agg backend. Every PNG a note writes into that directory is copied to
``notes/attachments/``. Run from anywhere::

    python tools/make_plots.py            # all notes
    python tools/make_plots.py notes/深度学习基础/人工神经网络/激活函数.md

Only needs numpy, matplotlib and markdown-it-py (no notedeck import), so it works before the
package is installed.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from markdown_it import MarkdownIt  # noqa: E402
from mdit_py_plugins.front_matter import front_matter_plugin  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
VAULT = ROOT / "notes"
ATTACHMENTS = VAULT / "attachments"
RUNNABLE = {"python", "py", "python3"}


def python_blocks(path: Path) -> list[tuple[int, str]]:
    """(first code line, code) of each runnable fence that is not marked to be skipped."""
    md = MarkdownIt("commonmark").enable("table").use(front_matter_plugin)
    blocks = []
    for tok in md.parse(path.read_text(encoding="utf-8")):
        if tok.type != "fence" or not tok.info.strip():
            continue
        lang, *opts = tok.info.split()
        if lang in RUNNABLE and not any(o in ('test="skip"', "notest", "skip") for o in opts):
            blocks.append((tok.map[0] + 2, tok.content))
    return blocks


def run_note(path: Path) -> list[Path]:
    """Run a note's blocks in a temp cwd; copy the PNGs it writes to the attachments folder."""
    blocks = python_blocks(path)
    if not blocks:
        return []
    copied = []
    old = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="notedeck-plots-") as tmp:
        os.chdir(tmp)
        try:
            ns: dict = {"__name__": "__notedeck__", "__file__": str(path)}
            for line, code in blocks:
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile("\n" * (line - 1) + code, str(path), "exec"), ns)
            import matplotlib.pyplot as plt

            plt.close("all")
        finally:
            os.chdir(old)
        for png in sorted(Path(tmp).glob("*.png")):
            target = ATTACHMENTS / png.name
            shutil.copyfile(png, target)
            copied.append(target)
    return copied


def main(argv: list[str]) -> int:
    notes = [Path(a).resolve() for a in argv] or sorted(VAULT.rglob("*.md"))
    ATTACHMENTS.mkdir(parents=True, exist_ok=True)
    for note in notes:
        for target in run_note(note):
            print(f"{note.relative_to(ROOT)} -> {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
