"""``notedeck serve``: time from saving a note to its page being served with the change.

    python benchmarks/bench_serve.py [--notes 2000] [--edits 5]

A synthetic vault (``notedeck.synthetic.make_vault``) is served on 127.0.0.1 (a free port); each edit rewrites
one note's file and then polls the page over HTTP until the new text appears. Measured in the same run:

* a body edit of one note (``--edits`` of them, each to another note): the incremental path;
* a body edit inside a section other notes embed (their pages are re-rendered too);
* the baseline: an edit that changes a note's title (front matter), which rebuilds every page — what every save
  cost before serve was incremental (``mkdocs serve`` rebuilt the whole site).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from notedeck.config import load_config
from notedeck.serve.server import Server
from notedeck.synthetic import make_vault, note_name


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=600) as r:
        return r.read().decode("utf-8")


def _page_url(base: str, rel: str) -> str:
    return base + urllib.parse.quote(rel[:-3] + "/")


def timed_edit(root: Path, base: str, rel: str, edit, expect: str, page: str | None = None,
               timeout: float = 900.0) -> float:
    """Apply ``edit`` to ``rel``'s text, then poll ``page`` (default: rel's page) until ``expect`` shows."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    url = _page_url(base, page or rel)
    t0 = time.perf_counter()
    path.write_text(edit(text), encoding="utf-8")
    while expect not in _get(url):
        if time.perf_counter() - t0 > timeout:
            raise TimeoutError(f"{expect!r} never appeared on {url}")
        time.sleep(0.005)
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notes", type=int, default=2000)
    ap.add_argument("--edits", type=int, default=5)
    args = ap.parse_args()
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        root = make_vault(Path(tmp) / "vault", args.notes)

        def rel_of(i: int) -> str:
            return f"主题{i % 20:02d}/{note_name(i)}.md"

        server = Server(load_config(root), "127.0.0.1:0", echo=lines.append)
        t0 = time.perf_counter()
        base = server.start()
        first = time.perf_counter() - t0
        try:
            site = server.site
            assert site is not None
            rows = []
            body = []
            for k in range(args.edits):
                i = (11 + 97 * k) % args.notes
                mark = f"BODYEDIT{k}"
                body.append(timed_edit(root, base, rel_of(i), lambda t, m=mark: t.replace("这是关于", f"这是{m}关于", 1), mark))
                time.sleep(0.3)
            done = site.history[-args.edits:]
            pages = [len(r.pages) for r in done]
            rows.append((f"one-note body edit (median of {len(body)})", statistics.median(body), min(body), max(body),
                         f"{min(pages)}–{max(pages)}", statistics.median(r.seconds for r in done)))
            # a section that other notes embed: note 3 is embedded (#第二节) by later notes
            embedders = sorted(site.graph.embedders.get(rel_of(3), ()))
            if embedders:
                mark = "SECTIONEDIT"
                src = embedders[0][0]
                t = timed_edit(root, base, rel_of(3), lambda t: t.replace("的一段话", f"的一段话{mark}", 1), mark, page=src)
                time.sleep(0.3)
                rows.append(("edit of an embedded section (page of an embedder)", t, t, t, str(len(site.history[-1].pages)),
                             site.history[-1].seconds))
            mark = "TITLEEDIT"
            t = timed_edit(root, base, rel_of(7), lambda t: t.replace("---\n", f"---\ntitle: {mark}\n", 1), mark)
            time.sleep(0.3)
            rows.append(("baseline: title edit → full rebuild (every page)", t, t, t, str(args.notes),
                         site.history[-1].seconds))
            rows.append(("first full build (serve start)", first, first, first, str(args.notes), first))
        finally:
            server.stop()
    print(f"notedeck serve, {args.notes} synthetic notes; edit saved → page served with the change (HTTP GET)\n")
    print("| change | save → page served, median s | min s | max s | pages re-rendered | rebuild itself s |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, med, lo, hi, n, own in rows:
        print(f"| {name} | {med:.3f} | {lo:.3f} | {hi:.3f} | {n} | {own:.3f} |")
    full = rows[-2][1]
    print(f"\nbody edit: {rows[0][1]:.3f} s, {full / rows[0][1]:.0f}× faster than a full rebuild ({full:.1f} s); "
          f"target ≤ 1 s: {'met' if rows[0][1] <= 1.0 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
