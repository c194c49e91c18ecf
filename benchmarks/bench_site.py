"""Benchmark: the site build, in one run, against plain Material builds of the same synthetic vault.

    python benchmarks/bench_site.py [--notes 2000] [--links 10] [--repeat 3] [--keep DIR]

Rows (each build in its own fresh Python process; CPU time and peak memory of that process):

* plain ``mkdocs build`` of the *raw* vault (Material with ``navigation.prune``, search ``lang: [zh, en]``, admonition,
  details, superfences, attr_list, md_in_html, footnotes, arithmatex) — the baseline (1.00);
* full ``notedeck build`` (site + deck + snippets) — target ≤ 1.0 against the baseline;
* ``mkdocs build`` with the notedeck plugin, and a plain ``mkdocs build`` of the pages notedeck renders, pre-rendered
  into the Markdown files as HTML (what the plugin costs over handing MkDocs finished pages).

The variants alternate, best of ``--repeat``; CPU time is the figure to trust on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from notedeck.render import SiteIndex, render_page
from notedeck.site import assets
from notedeck.site.default_config import base_yaml
from notedeck.site.plugin import TAGS_PAGE_TEXT, home_page
from notedeck.synthetic import make_vault
from notedeck.vault import Vault

RAW_EXTENSIONS = """
markdown_extensions:
  - toc:
      permalink: true
  - admonition
  - pymdownx.details
  - attr_list
  - md_in_html
  - footnotes
  - pymdownx.arithmatex:
      generic: true
  - pymdownx.highlight
  - pymdownx.superfences
"""


def write_config(path: Path, docs: Path, site: Path, plugin: bool, raw: bool = False) -> Path:
    text = base_yaml()
    if not plugin:
        text = text.replace("  - notedeck\n", "")
    if raw:  # the extensions a plain Material user of such a vault would have
        text = text[:text.index("markdown_extensions:")] + RAW_EXTENSIONS
    head = yaml.safe_dump({"site_name": "bench", "docs_dir": str(docs), "site_dir": str(site)}, allow_unicode=True)
    path.write_text(head + text, encoding="utf-8")
    return path


def prerender(vault_dir: Path, out: Path) -> None:
    """Every published note's page as notedeck renders it, written as the HTML body of a Markdown file."""
    vault = Vault.load(vault_dir, progress=False)
    site_index = SiteIndex.build(vault, tags_page="tags.md")
    for note in vault.published:
        path = out / note.rel
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {"tags": note.tag_names} if note.tag_names else {}
        fm = "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" if meta else ""
        path.write_text(fm + "<div>\n" + render_page(note, site_index).html + "</div>\n", encoding="utf-8")
    for rel, src in vault.attachments.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, out / rel)
    if "index.md" not in vault.notes:
        (out / "index.md").write_text(home_page(vault, "bench"), encoding="utf-8")
    (out / "tags.md").write_text(TAGS_PAGE_TEXT, encoding="utf-8")
    for rel, source in assets.files().items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        if isinstance(source, str):
            (out / rel).write_text(source, encoding="utf-8")
        else:
            shutil.copyfile(source, out / rel)


_MKDOCS = """
import logging, resource, sys, time
logging.disable(logging.WARNING)
from mkdocs.config import load_config
from mkdocs.commands.build import build
t0, w0 = time.process_time(), time.perf_counter()
cfg = load_config(sys.argv[1])
cfg.plugins.on_startup(command="build", dirty=False)
build(cfg)
print(time.perf_counter() - w0, time.process_time() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

_NOTEDECK = """
import contextlib, io, logging, resource, sys, time
logging.disable(logging.WARNING)
from notedeck.cli import main
t0, w0 = time.process_time(), time.perf_counter()
sys.argv = ["notedeck", "build", sys.argv[1], "--out", sys.argv[2]]
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        main()
    except SystemExit:
        pass
print(time.perf_counter() - w0, time.process_time() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def run(code: str, *args: str) -> tuple[float, float, float]:
    """(wall s, CPU s, peak MiB) of one build in a fresh process (the interpreter's own start-up excluded)."""
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True,
                         env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    wall, cpu, rss = out.stdout.split()[-3:]
    return float(wall), float(cpu), float(rss) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notes", type=int, default=2000)
    ap.add_argument("--links", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="notedeck-bench-site-"))
    try:
        vault_dir, pre_dir = work / "vault", work / "prerendered"
        for d in (vault_dir, pre_dir):
            shutil.rmtree(d, ignore_errors=True)
        make_vault(vault_dir, notes=args.notes, links=args.links, cards=10)
        prerender(vault_dir, pre_dir)
        variants = {
            "plain Material build of the raw vault": (_MKDOCS, str(write_config(
                work / "raw.yml", vault_dir, work / "site-raw", plugin=False, raw=True))),
            "full notedeck build (site + deck + snippets)": (_NOTEDECK, str(vault_dir), str(work / "out")),
            "mkdocs build with the notedeck plugin": (_MKDOCS, str(write_config(
                work / "plugin.yml", vault_dir, work / "site-plugin", plugin=True))),
            "plain mkdocs build of notedeck's pages": (_MKDOCS, str(write_config(
                work / "pre.yml", pre_dir, work / "site-pre", plugin=False))),
        }
        times: dict[str, list[tuple[float, float, float]]] = {name: [] for name in variants}
        for _ in range(args.repeat):  # alternate, so machine load hits every variant alike
            for name, (code, *argv) in variants.items():
                times[name].append(run(code, *argv))
        best = {name: (min(t[0] for t in ts), min(t[1] for t in ts), max(t[2] for t in ts)) for name, ts in times.items()}
        base = best["plain Material build of the raw vault"][1]
        pre = best["plain mkdocs build of notedeck's pages"][1]
        print(f"\nsite build, {args.notes} notes × {args.links} links, 3 code blocks, 10 cards each (best of {args.repeat})")
        print(f"| {'variant':<46} | {'wall s':>7} | {'CPU s':>7} | {'peak MiB':>8} | {'ratio (CPU)':>11} |")
        print(f"|{'-' * 48}|{'-' * 9}|{'-' * 9}|{'-' * 10}|{'-' * 13}|")
        for name, (wall, cpu, rss) in best.items():
            print(f"| {name:<46} | {wall:7.2f} | {cpu:7.2f} | {rss:8.0f} | {cpu / base:11.2f} |")
        full = best["full notedeck build (site + deck + snippets)"][1]
        plugin = best["mkdocs build with the notedeck plugin"][1]
        print(f"\nfull notedeck build / plain raw build = {full / base:.3f} (target ≤ 1.0); "
              f"plugin / pre-rendered pages = {plugin / pre:.3f}")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
