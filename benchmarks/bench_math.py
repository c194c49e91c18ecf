"""Benchmark: the cost of math conversion (``notedeck.render.math.tex_to_html``) against the work a build
does anyway, in the same run. Prints a table of times and ratios.

    python benchmarks/bench_math.py [--notes 2000] [--repeat 3]

1. Per formula, over every ``$…$``/``$$…$$`` of ``notes/`` and ``tests/fixtures/`` (read from the vault
   model's tokens): ``latex2mathml`` alone, ``tex_to_html`` uncached (latex2mathml + checks + repairs +
   serialization), ``tex_to_html`` cached.
2. The synthetic vault of ``notedeck.synthetic`` (``--notes`` notes, 10 links, 3 code blocks, 10 cards
   each, 11 formulas per note of which 11 are distinct in the whole vault): loading it (a part of every
   build), markdown-it's stock renderer over all notes' tokens (math left as TeX: the baseline), and the
   same renderer with every math token converted by ``tex_to_html`` — with a cold cache and a warm one.
3. A worst case: the same number of formulas per note, but every one distinct (the vault's formulas with
   a distinct term appended), so the cache never helps.

The ratio that the issue's target (≤ 5 % slower build) is about is math time / build time. A build does at
least "load + render", so math / (load + render) is an upper bound of that share; the full build is
several times longer still (MkDocs + Material's templates and search, see DESIGN.md §6).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import latex2mathml.converter  # noqa: E402

from notedeck.render.math import clear_cache, convert, tex_to_html  # noqa: E402
from notedeck.synthetic import make_vault  # noqa: E402
from notedeck.vault import Vault  # noqa: E402
from notedeck.vault.syntax import parser  # noqa: E402

MATH_TYPES = ("math_inline", "math_inline_double", "math_block", "math_block_label")


def formulas(tokens):
    for t in tokens:
        if t.type in MATH_TYPES:
            yield t.content, t.type != "math_inline"
        if t.children:
            yield from formulas(t.children)


def vault_formulas() -> list[tuple[str, bool]]:
    out = []
    for root in [ROOT / "notes", *sorted(p for p in (ROOT / "tests" / "fixtures").iterdir() if p.is_dir())]:
        try:
            vault = Vault.load(root, progress=False)
        except Exception:  # a fixture made to fail loading
            continue
        for note in vault.notes.values():
            out.extend(formulas(note.tokens))
    return out


def best(fn, repeat: int) -> float:
    """Best of ``repeat`` runs, with the garbage collector off (a loaded vault makes its passes slow)."""
    times = []
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        finally:
            gc.enable()
    return min(times)


def interleaved(fns: dict, repeat: int) -> dict:
    """Best time of each of ``fns``, the variants alternating run by run (a shared machine's load hits all)."""
    out = {name: float("inf") for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            out[name] = min(out[name], best(fn, 1))
    return out


def math_renderer():
    """markdown-it's renderer with the math rules turned into ``tex_to_html`` (what the new renderer does)."""
    md = parser()
    rules = dict(md.renderer.rules)

    def inline(tokens, idx, options, env):
        return tex_to_html(tokens[idx].content, False).html

    def display(tokens, idx, options, env):
        return tex_to_html(tokens[idx].content, True).html

    math_rules = {"math_inline": inline, "math_inline_double": display, "math_block": display, "math_block_label": display}
    return md, rules, math_rules


def render_all(md, notes, rules) -> int:
    saved = dict(md.renderer.rules)
    md.renderer.rules.update(rules)
    try:
        return sum(len(md.renderer.render(n.tokens, md.options, {})) for n in notes)
    finally:
        md.renderer.rules.clear()
        md.renderer.rules.update(saved)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notes", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--build-ms-per-note", type=float, default=18.5,
                    help="a full build's cost per note to estimate the share against (DESIGN.md §6: plain mkdocs build "
                         "with navigation.prune, ~37 s for 2,000 notes; notedeck's build is slower, so this is the worst case)")
    args = ap.parse_args()
    rows: list[tuple[str, float, str]] = []

    # 1. per formula, the knowledge base's and fixtures' formulas
    real = vault_formulas()
    unique = list(dict.fromkeys(real))
    def raw():
        return [latex2mathml.converter.convert(t, display="block" if d else "inline") for t, d in unique]

    times = interleaved({"l2m": raw,
                         "cold": lambda: [convert(t, d) for t, d in unique]}, args.repeat)
    l2m, cold = times["l2m"], times["cold"]
    clear_cache()
    for t, d in real:
        tex_to_html(t, d)
    warm = best(lambda: [tex_to_html(t, d) for t, d in real], args.repeat)
    n = len(unique)
    print(f"vault formulas: {len(real)} ({n} distinct)")
    rows.append(("latex2mathml.convert, per formula", l2m / n * 1e6, "µs"))
    rows.append(("tex_to_html uncached, per formula", cold / n * 1e6, f"µs  ({cold / l2m:.2f}× latex2mathml)"))
    rows.append(("tex_to_html cached, per formula", warm / len(real) * 1e6, "µs"))
    html_bytes = sum(len(tex_to_html(t, d).html.encode()) for t, d in unique)
    rows.append(("markup, per formula", html_bytes / n, "bytes"))

    # 2. the synthetic vault
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        make_vault(Path(tmp) / "vault", notes=args.notes)
        t1 = time.perf_counter()
        vault = Vault.load(Path(tmp) / "vault", progress=False)
        load = time.perf_counter() - t1
        print(f"synthetic vault: {args.notes} notes written in {t1 - t0:.1f} s")
    notes = list(vault.notes.values())
    per_note = [sum(1 for _ in formulas(nt.tokens)) for nt in notes]
    fpn = statistics.mean(per_note)
    md, _stock, math_rules = math_renderer()

    def with_math_cold():
        clear_cache()
        render_all(md, notes, math_rules)

    render_all(md, notes, {})  # warm-up
    times = interleaved({"base": lambda: render_all(md, notes, {}), "cold": with_math_cold,
                         "warm": lambda: render_all(md, notes, math_rules)}, args.repeat)
    base, m_cold, m_warm = times["base"], times["cold"], times["warm"]
    rows.append((f"synthetic: load {len(notes)} notes (Vault.load)", load, "s"))
    rows.append(("synthetic: markdown-it render, math as TeX (baseline)", base, "s"))
    rows.append(("synthetic: render + tex_to_html, cold cache", m_cold, f"s  ({m_cold / base:.3f}× baseline)"))
    rows.append(("synthetic: render + tex_to_html, warm cache", m_warm, f"s  ({m_warm / base:.3f}× baseline)"))
    rows.append(("synthetic: formulas per note", fpn, ""))
    extra = max(m_cold - base, 0.0)
    rows.append(("synthetic: math share of load + render (upper bound of build)", extra / (load + base) * 100, "%"))
    build = args.build_ms_per_note / 1000 * len(notes)
    rows.append((f"synthetic: math share of a {args.build_ms_per_note:g} ms/note build (estimate)", extra / build * 100, "%"))

    # 3. worst case: every formula distinct
    k = int(round(fpn)) * len(notes)
    distinct = [(f"{unique[i % n][0]} + c_{{{i}}}", unique[i % n][1]) for i in range(k)]
    worst = best(lambda: [convert(t, d) for t, d in distinct], 1)
    rows.append((f"worst case: {k} distinct formulas (uncached)", worst, "s"))
    rows.append(("worst case: share of load + render + math", worst / (load + base + worst) * 100, "%"))
    rows.append((f"worst case: share of a {args.build_ms_per_note:g} ms/note build (estimate)", worst / build * 100, "%"))

    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'measure'.ljust(width)}  {'value':>10}  unit")
    print(f"{'-' * width}  {'-' * 10}  ----")
    for name, value, unit in rows:
        print(f"{name.ljust(width)}  {value:>10.3f}  {unit}")


if __name__ == "__main__":
    main()
