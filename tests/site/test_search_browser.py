"""Search finds what a learner types, in the real browser (Debian's Chromium, Material's own search worker):
every note's title lists that note first, every H2 heading lists its section among the first three results.

On the knowledge base (``notes/``) the titles are typed into the search box one by one; the headings, and a
fixture vault's titles and headings, are asked of the page's search worker directly (the same worker and index
the box uses, a hundred times faster). A title that several notes share lists one of them first."""

from __future__ import annotations

import functools
import glob
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

import pytest

from notedeck.config import load_config
from notedeck.home import home_note
from notedeck.render import SiteIndex
from notedeck.render.urls import page_path
from notedeck.site.emit import emit
from notedeck.vault import Diagnostics, Vault
from browserkit import ARGS, CHROMIUM, Quiet, require_browser

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "obsidian-like"


def _serve(folder: Path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


class Built:
    def __init__(self, vault_dir: Path, out: Path, cwd: Path) -> None:
        config = load_config(vault_dir, cwd=cwd)
        self.vault = Vault.load(config.vault, progress=False)
        diags = Diagnostics()
        emit(self.vault, config, out, diags)
        assert not diags.failed(False), [str(d) for d in diags]
        self.site_dir = out / "site"
        home = home_note(self.vault)  # (the vault's home note is the site's root page)
        site = SiteIndex.build(self.vault, home=home.rel if home is not None else None)
        self.pages: dict[str, set[str]] = {}  # title → pages of the notes with that title
        self.headings: dict[str, set[str]] = {}  # H2 text → its sections
        for note in self.vault.published:
            pages = {site.page_of(note.rel), page_path(note.rel, own_folder=True)}
            self.pages.setdefault(note.title, set()).update(pages)
            for h in note.headings:
                if h.level == 2:
                    self.headings.setdefault(h.text, set()).update(f"{p}#{h.anchor}" for p in pages)


@pytest.fixture(scope="module")
def browser():
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def knowledge_base(tmp_path_factory, browser):
    built = Built(REPO / "notes", tmp_path_factory.mktemp("kb-out"), REPO)
    server, url = _serve(built.site_dir)
    try:
        yield built, url
    finally:
        server.shutdown()
        server.server_close()


def _page(browser, url):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(url) else route.abort())
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(url)
    return context, page


def _worker_search(page, site_dir: Path, queries: list[str]) -> list[list[list[str]]]:
    """Each query's result groups (one per page, its entries' locations), from Material's search worker."""
    worker = Path(glob.glob(str(site_dir / "assets/javascripts/workers/search.*.min.js"))[0]).name
    groups = page.evaluate("""async ([worker, queries]) => {
      const index = await (await fetch('search/search_index.json')).json();
      const w = new Worker('assets/javascripts/workers/' + worker);
      const ask = msg => new Promise(ok => { w.onmessage = e => ok(e.data); w.postMessage(msg); });
      await ask({type: 0, data: {config: index.config, docs: index.docs, options: {suggest: true}}});
      const out = [];
      for (const q of queries) out.push((await ask({type: 2, data: q})).data.items.map(g => g.map(i => i.location)));
      w.terminate();
      return out;
    }""", [worker, queries])
    return [[[unquote(loc) for loc in g] for g in result] for result in groups]


def _title_misses(built: Built, results: dict[str, list[list[str]]]) -> list[str]:
    return [f"{q!r} → {[g[0] for g in groups[:3]]}" for q, groups in results.items()
            if not (groups and groups[0][0].split("#")[0] in built.pages[q])]


def _heading_misses(built: Built, results: dict[str, list[list[str]]]) -> list[str]:
    return [f"{q!r} → {[g[:3] for g in groups[:3]]}" for q, groups in results.items()
            if not any(loc in built.headings[q] for g in groups[:3] for loc in g)]


def test_every_title_typed_into_the_search_box_lists_its_note_first(knowledge_base, browser):
    built, url = knowledge_base
    context, page = _page(browser, url)
    try:
        box = page.locator("input.md-search__input")
        box.click()
        items = page.locator(".md-search-result__item")
        misses = []
        for title in sorted(built.pages):
            box.fill("")
            box.press("End")  # Material reads the query on keyup (as an IME's commit gives it)
            items.first.wait_for(state="detached")
            box.fill(title)
            box.press("End")
            items.first.wait_for()
            first = unquote(items.first.locator("a").first.get_attribute("href") or "")
            path = first.removeprefix(url).split("?")[0].split("#")[0]
            if path not in built.pages[title]:
                misses.append(f"{title!r} → {path}")
        assert not misses, misses
        assert len(built.pages) >= 30
    finally:
        context.close()


def test_every_h2_lists_its_section_among_the_first_three(knowledge_base, browser):
    built, url = knowledge_base
    context, page = _page(browser, url)
    try:
        queries = sorted(built.headings)
        results = dict(zip(queries, _worker_search(page, built.site_dir, queries)))
        assert not _heading_misses(built, results)
        assert len(queries) >= 80
    finally:
        context.close()


def test_fixture_vault_titles_and_headings(tmp_path, browser):
    built = Built(FIXTURE, tmp_path, tmp_path)
    server, url = _serve(built.site_dir)
    context, page = _page(browser, url)
    try:
        titles, headings = sorted(built.pages), sorted(built.headings)
        found = _worker_search(page, built.site_dir, titles + headings)
        assert not _title_misses(built, dict(zip(titles, found[:len(titles)])))
        assert not _heading_misses(built, dict(zip(headings, found[len(titles):])))
        assert len(titles) >= 50
    finally:
        context.close()
        server.shutdown()
        server.server_close()
