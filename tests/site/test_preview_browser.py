"""Hover previews (Material's ``navigation.instant.preview``) in the real browser.

Material shows a preview only for links whose page is listed in ``sitemap.xml``, and it compares the sitemap's
URLs with the link after putting the page's own protocol and host name into them — not its port or path. MkDocs
writes an empty sitemap without ``site_url``: then a hover shows nothing (the link still works). With ``site_url``
set to where the site is served (``mkdocs serve`` sets it to its own address), hovering a link to a page shows the
page's beginning; a link to a Chinese heading shows none (Material 9.8's lookup of the %-encoded fragment)."""

from __future__ import annotations

import functools
import socket
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from notedeck.config import load_config
from notedeck.site.default_config import base_yaml
from notedeck.site.emit import emit
from notedeck.vault import Diagnostics, Vault
from browserkit import ARGS, CHROMIUM, Quiet, require_browser

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "site-vault"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _build(tmp: Path, site_url: str | None, vault: Path = FIXTURE) -> Path:
    head = f"site_name: preview\ndocs_dir: {vault}\n" + (f"site_url: {site_url}\n" if site_url else "")
    (tmp / "mkdocs.yml").write_text(head + base_yaml(), encoding="utf-8")
    config = load_config(vault, cwd=tmp)
    assert config.mkdocs_yml is not None
    emit(Vault.load(vault, progress=False), config, tmp / "out", Diagnostics())
    return tmp / "out" / "site"


def _hover_preview(site: Path, port: int, selector: str, path: str = "反向传播/") -> str | None:
    """The text of the preview that hovering the first link matching ``selector`` on ``path`` opens, or None."""
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{port}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(url + path)
            page.wait_for_timeout(500)
            page.locator(selector).first.hover()
            tooltip = page.locator(".md-tooltip2 .md-typeset")
            try:
                tooltip.first.wait_for(timeout=5_000)
                return tooltip.first.inner_text()
            except Exception:
                return None
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()


def _sitemap_lists_the_link(site: Path, port: int) -> bool:
    """What Material checks before it previews a link: the link's page (no query, no fragment) in the sitemap."""
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/反向传播/")
            found = page.evaluate("""async () => {
              const doc = new DOMParser().parseFromString(await (await fetch('/sitemap.xml')).text(), 'text/xml');
              const keys = [...doc.querySelectorAll('url > loc')].map(loc => {
                const u = new URL(loc.textContent); u.protocol = location.protocol; u.hostname = location.hostname;
                return `${u}`; });
              const url = new URL(document.querySelector('article a[data-preview]').href); url.search = url.hash = '';
              return keys.includes(`${url}`);
            }""")
            browser.close()
            return found
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("with_site_url", [True, False])
def test_sitemap_decides_whether_links_can_be_previewed(tmp_path, with_site_url):
    require_browser()
    assert "navigation.instant.preview" in base_yaml()
    port = _free_port()
    site = _build(tmp_path, f"http://127.0.0.1:{port}/" if with_site_url else None)
    assert _sitemap_lists_the_link(site, port) is with_site_url
    if not with_site_url:
        assert "<url>" not in (site / "sitemap.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize("selector", ["article p a[data-preview]:not([href*='#'])", ".notedeck-graph a:has-text('导数')"])
def test_hover_over_a_link_to_a_page_shows_its_preview(tmp_path, selector):
    """On the knowledge base: a wikilink in the text and a node of the local graph."""
    require_browser()
    port = _free_port()
    site = _build(tmp_path, f"http://127.0.0.1:{port}/", REPO / "notes")
    text = _hover_preview(site, port, selector, "深度学习基础/人工神经网络/梯度下降/")
    assert text is not None and len(text) > 20, text


@pytest.mark.xfail(strict=True, reason="Material looks the target up as [id=\"<fragment as the browser encodes it>\"]: "
                   "a Chinese heading's id is %-encoded there and matches nothing, so no preview opens")
def test_hover_over_a_link_to_a_chinese_heading(tmp_path):
    require_browser()
    port = _free_port()
    text = _hover_preview(_build(tmp_path, f"http://127.0.0.1:{port}/"), port, "article a[data-preview][href*='#']")
    assert text is not None and "中文 标题" in text, text


def test_instant_navigation_with_the_local_graph(tmp_path):
    """Material's instant navigation rewrites every link's href; the local graph's links must let it (an SVG <a>
    does not: the script stopped and the page never changed)."""
    require_browser()
    from playwright.sync_api import sync_playwright

    port = _free_port()
    site = _build(tmp_path, f"http://127.0.0.1:{port}/")
    server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    errors: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            page = browser.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"http://127.0.0.1:{port}/反向传播/")
            assert page.locator(".notedeck-graph a").count() >= 2
            page.locator(".notedeck-graph a", has_text="激活函数").click()
            page.wait_for_function("() => document.querySelector('article h1') && "
                                   "document.querySelector('article h1').textContent.includes('激活函数')")
            assert "激活函数" in page.url or "%E6%BF%80" in page.url
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    assert not [e for e in errors if "mermaid" not in e], errors  # (the mermaid CDN is offline here)


def test_local_graph_fits_a_narrow_screen(tmp_path):
    """At 390 px (a phone) the graph shrinks its labels and clips at its box: the page never gets wider."""
    require_browser()
    from playwright.sync_api import sync_playwright

    port = _free_port()
    site = _build(tmp_path, None)
    server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            page = browser.new_page(viewport={"width": 390, "height": 800})
            for path in ("反向传播/", "深度学习/激活函数/"):
                page.goto(f"http://127.0.0.1:{port}/{path}")
                assert page.locator(".notedeck-graph").count() == 1
                assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
