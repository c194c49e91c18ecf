"""Benchmark: ``mkdocs build`` of a synthetic vault with the notedeck plugin vs. a plain ``mkdocs build``
of the same pages (the plugin's output pre-rendered to plain Markdown, same configuration minus the
plugin), in the same run. Prints a table and the ratio (plugin / plain; target ≤ 1.10).

    python benchmarks/bench_site.py [--notes 2000] [--links 10] [--repeat 3] [--keep DIR]

Each build runs in its own fresh Python process (MkDocs' ``build`` with configuration loading, jieba's
dictionary and Material's search indexing included); the ratio is computed on that process's CPU time
(best of ``--repeat``, the variants alternating), which other processes on a shared machine inflate
less than wall time; wall time is shown too. The plain variant gets exactly the Markdown the plugin
produces (front matter with the tags, the generated home and tags pages, the plugin's CSS/JS files), so
the difference is the plugin's own work: loading the vault once and transforming each page.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from notedeck.site import assets
from notedeck.site.default_config import base_yaml
from notedeck.site.plugin import TAGS_PAGE_TEXT, home_page
from notedeck.site.transform import SiteIndex, transform
from notedeck.synthetic import make_vault
from notedeck.vault import Vault


def write_config(path: Path, docs: Path, site: Path, plugin: bool) -> Path:
    text = base_yaml()
    if not plugin:
        text = text.replace("  - notedeck\n", "")
        text += "\nextra_css:\n  - " + assets.CSS_PATH + "\n"
    head = yaml.safe_dump({"site_name": "bench", "docs_dir": str(docs), "site_dir": str(site)}, allow_unicode=True)
    path.write_text(head + text, encoding="utf-8")
    return path


def prerender(vault_dir: Path, plain: Path) -> tuple[float, float]:
    """Write the plugin's output for every published note into ``plain``; return (load s, transform s)."""
    t0 = time.perf_counter()
    vault = Vault.load(vault_dir, progress=False)
    site_index = SiteIndex.build(vault, tags_page="tags.md")
    t1 = time.perf_counter()
    bodies = {note.rel: transform(note, site_index) for note in vault.published}
    t2 = time.perf_counter()
    for note in vault.published:
        out = plain / note.rel
        out.parent.mkdir(parents=True, exist_ok=True)
        meta = {"tags": note.tag_names} if note.tag_names else {}
        fm = "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" if meta else ""
        out.write_text(fm + bodies[note.rel], encoding="utf-8")
    for rel, path in vault.attachments.items():
        (plain / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, plain / rel)
    if "index.md" not in vault.notes:
        (plain / "index.md").write_text(home_page(vault, "bench"), encoding="utf-8")
    (plain / "tags.md").write_text(TAGS_PAGE_TEXT, encoding="utf-8")
    for rel, content in ((assets.CSS_PATH, assets.CSS), (assets.MATHJAX_CONFIG_PATH, assets.MATHJAX_CONFIG)):
        (plain / rel).parent.mkdir(parents=True, exist_ok=True)
        (plain / rel).write_text(content, encoding="utf-8")
    return t1 - t0, t2 - t1


_CHILD = """
import logging, sys, time
logging.disable(logging.WARNING)
from mkdocs.config import load_config
from mkdocs.commands.build import build
t0, w0 = time.process_time(), time.perf_counter()
cfg = load_config(sys.argv[1])
cfg.plugins.on_startup(command="build", dirty=False)
build(cfg)
print(time.perf_counter() - w0, time.process_time() - t0)
"""


def mkdocs_build(config: Path) -> tuple[float, float]:
    """(wall s, CPU s) of one ``mkdocs build`` in a fresh process: configuration (plugin import and
    all), file collection, every page, search index — the interpreter's own start-up excluded."""
    import os

    out = subprocess.run([sys.executable, "-c", _CHILD, str(config)], check=True, capture_output=True, text=True,
                         env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    wall, cpu = out.stdout.split()[-2:]
    return float(wall), float(cpu)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notes", type=int, default=2000)
    ap.add_argument("--links", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="notedeck-bench-site-"))
    try:
        vault_dir, plain_dir = work / "vault", work / "plain"
        for d in (vault_dir, plain_dir):
            shutil.rmtree(d, ignore_errors=True)
        make_vault(vault_dir, notes=args.notes, links=args.links, cards=0)
        load_s, transform_s = prerender(vault_dir, plain_dir)
        with_cfg = write_config(work / "with-plugin.yml", vault_dir, work / "site-plugin", plugin=True)
        plain_cfg = write_config(work / "plain.yml", plain_dir, work / "site-plain", plugin=False)
        plain_t, plugin_t = [], []
        for _ in range(args.repeat):  # alternate, so machine load hits both alike
            plain_t.append(mkdocs_build(plain_cfg))
            plugin_t.append(mkdocs_build(with_cfg))
        pw, pc = min(t[0] for t in plain_t), min(t[1] for t in plain_t)
        qw, qc = min(t[0] for t in plugin_t), min(t[1] for t in plugin_t)
        print(f"\nsite build, {args.notes} notes × {args.links} links (best of {args.repeat})")
        print(f"| {'variant':<42} | {'wall s':>7} | {'CPU s':>7} | {'ratio (CPU)':>11} |")
        print(f"|{'-' * 44}|{'-' * 9}|{'-' * 9}|{'-' * 13}|")
        print(f"| {'plain mkdocs build (pre-rendered pages)':<42} | {pw:7.2f} | {pc:7.2f} | {1.0:11.2f} |")
        print(f"| {'mkdocs build with the notedeck plugin':<42} | {qw:7.2f} | {qc:7.2f} | {qc / pc:11.2f} |")
        print(f"| {'  of which: load vault (in-process)':<42} | {load_s:7.2f} | {'':>7} | {'':>11} |")
        print(f"| {'  of which: transform all pages':<42} | {transform_s:7.2f} | {'':>7} | {'':>11} |")
        print(f"\nratio plugin / plain = {qc / pc:.3f} CPU, {qw / pw:.3f} wall (target ≤ 1.10). CPU time is "
              "the figure to trust on a shared machine; wall time includes other processes' load.")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
