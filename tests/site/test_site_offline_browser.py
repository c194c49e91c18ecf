"""The site offline, in a real browser: every request that is not to the local server is blocked, as for a
reader behind a firewall or one who opens a copy of the site. The knowledge base's formulas must all be
rendered (MathML) with no TeX left in the text, display math must fit a phone's width by scrolling itself,
mermaid's source must stay readable, and a Python block shows the last test run's verdict."""

from __future__ import annotations

import functools
import subprocess
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from notedeck.config import load_config
from notedeck.site.emit import emit
from notedeck.vault import Diagnostics, Vault

from browserkit import ARGS, CHROMIUM, Quiet, require_browser

ROOT = Path(__file__).resolve().parents[2]
NOTES = ROOT / "notes"


def _serve(folder: Path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="module")
def browser():
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def _offline_page(browser, base: str, width: int = 1000):
    context = browser.new_context(viewport={"width": width, "height": 800})
    blocked: list[str] = []

    def route(r):
        if r.request.url.startswith(base):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    return context, context.new_page(), blocked


@pytest.fixture(scope="module")
def kb_site(tmp_path_factory):
    require_browser()
    out = tmp_path_factory.mktemp("kb-out")
    diags = Diagnostics()
    emit(Vault.load(NOTES, progress=False), load_config(NOTES, cwd=ROOT), out, diags)
    assert not [d for d in diags if d.severity == "error"], [str(d) for d in diags]
    server, base = _serve(out / "site")
    try:
        yield out / "site", base
    finally:
        server.shutdown()


def test_every_formula_of_the_knowledge_base_renders_offline(kb_site, browser):
    site, base = kb_site
    pages = sorted(p for p in site.rglob("index.html") if "<math" in p.read_text(encoding="utf-8"))
    assert len(pages) >= 10
    for path in site.rglob("*"):
        if path.suffix in (".html", ".css", ".js") and path.is_file():
            assert "mathjax" not in path.read_text(encoding="utf-8", errors="replace").lower(), path
    context, page, _ = _offline_page(browser, base)
    try:
        for path in pages:
            url = base + path.parent.relative_to(site).as_posix() + "/"
            page.goto(url)
            found = page.evaluate("""() => {
                const maths = [...document.querySelectorAll('article math')];
                const sized = maths.filter(m => { const r = m.getBoundingClientRect(); return r.width > 0 && r.height > 0; });
                const text = document.querySelector('article').innerText;
                return {maths: maths.length, sized: sized.length, tex: /\\\\\\(|\\\\\\[|\\$\\$/.test(text)};
            }""")
            assert found["maths"] > 0 and found["sized"] == found["maths"], (url, found)
            assert not found["tex"], (url, "TeX delimiters in the visible text")
    finally:
        context.close()


def test_display_math_scrolls_instead_of_overflowing_a_phone(kb_site, browser):
    site, base = kb_site
    widest = max((p for p in site.rglob("index.html")), key=lambda p: p.read_text(encoding="utf-8").count("notedeck-math-display"))
    context, page, _ = _offline_page(browser, base, width=390)
    try:
        page.goto(base + widest.parent.relative_to(site).as_posix() + "/")
        fit = page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
        assert fit
    finally:
        context.close()


def test_mermaid_source_stays_readable_offline(tmp_path, browser):
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "图.md").write_text("# 图\n\n```mermaid\ngraph TD\n  输入 --> 输出\n```\n", encoding="utf-8")
    emit(Vault.load(vault, progress=False), load_config(vault, cwd=tmp_path), tmp_path / "out", Diagnostics())
    server, base = _serve(tmp_path / "out" / "site")
    context, page, blocked = _offline_page(browser, base)
    try:
        page.goto(base + "%E5%9B%BE/")
        page.wait_for_timeout(500)
        text = page.evaluate("() => document.querySelector('article').innerText")
        assert "graph TD" in text and "输入 --> 输出" in text
    finally:
        context.close()
        server.shutdown()


def test_a_python_block_shows_the_last_test_runs_verdict(tmp_path, browser):
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "代码.md").write_text("# 代码\n\n```python\nassert 1 + 1 == 2\n```\n\n```python\nassert 1 + 1 == 3, '算错了'\n```\n\n"
                                 "```python\nprint('新')\n```\n", encoding="utf-8")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(vault / "代码.md"),
                           f"--notedeck-results={out / 'notedeck-results.json'}", "--rootdir", str(tmp_path)],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 1, done.stdout[-2000:]
    text = (vault / "代码.md").read_text(encoding="utf-8").replace("print('新')", "print('改过了')")
    (vault / "代码.md").write_text(text, encoding="utf-8")  # edited since the run: not run
    emit(Vault.load(vault, progress=False), load_config(vault, cwd=tmp_path), out, Diagnostics())
    server, base = _serve(out / "site")
    context, page, _ = _offline_page(browser, base)
    try:
        page.goto(base + "%E4%BB%A3%E7%A0%81/")
        badges = page.evaluate("() => [...document.querySelectorAll('[data-notedeck-status]')]"
                               ".map(b => [b.dataset.notedeckStatus, b.innerText, b.getBoundingClientRect().height > 0])")
        assert [b[0] for b in badges] == ["passed", "failed", "not-run"] and all(b[2] for b in badges)
        assert badges[0][1] == "✓ 已验证" and badges[1][1].startswith("✗ 失败") and "算错了" in badges[1][1]
        assert "本页 3 个代码块，1 个已验证" in page.evaluate("() => document.querySelector('article').innerText")
    finally:
        context.close()
        server.shutdown()
