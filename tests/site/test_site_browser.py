"""The built site in a real browser (Debian's Chromium through Playwright): Chinese search, a wikilink to
a Chinese heading, a folded callout. Runs in CI (CI=true; fails there if Chromium is missing); elsewhere
it skips with the reason when Chromium or Playwright is not installed."""

from __future__ import annotations

import functools
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

import pytest

from browserkit import ARGS, CHROMIUM, Quiet, require_browser

from notedeck.config import load_config
from notedeck.site.emit import emit
from notedeck.vault import Diagnostics, Vault

FIXTURE = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "site-vault"

@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    require_browser()
    out = tmp_path_factory.mktemp("browser-out")
    config = load_config(FIXTURE, cwd=out)
    emit(Vault.load(FIXTURE, progress=False), config, out, Diagnostics())
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out / "site")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="module")
def browser(site_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    # Offline: the CDN scripts (MathJax) must not be waited for; only the local server is reachable.
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(site_url) else route.abort())
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()


def test_chinese_search_finds_the_right_page(page, site_url):
    page.goto(site_url)
    box = page.locator("input.md-search__input")
    box.click()
    box.type("链式法则", delay=50)
    # Chinese arrives as text input (as from an IME); Material reads the query on keyup, which a
    # real IME commit produces — press a key that changes nothing.
    box.press("End")
    first = page.locator(".md-search-result__item a").first
    first.wait_for()
    hrefs = [unquote(h) for h in page.locator(".md-search-result__item a").evaluate_all("els => els.map(e => e.href)")]
    assert hrefs and "/反向传播/" in hrefs[0], hrefs
    assert all("私密" not in h for h in hrefs)


def test_wikilink_lands_on_a_chinese_heading(page, site_url):
    page.goto(site_url + "工具 箱/my note 🚀/")
    page.get_by_role("link", name="跳到中文标题").click()
    page.wait_for_url("**/#*")
    assert unquote(page.url).endswith("/深度学习/激活函数/#中文-标题")
    heading = page.locator("[id='中文-标题']")
    heading.wait_for()
    assert heading.evaluate("e => e.tagName") == "H2"
    page.wait_for_function("() => { const r = document.getElementById('中文-标题').getBoundingClientRect();"
                           " return r.top >= 0 && r.top < window.innerHeight / 2; }")


def test_folded_callout_opens(page, site_url):
    page.goto(site_url + "深度学习/激活函数/")
    details = page.locator("details.faq")
    assert details.evaluate("d => d.open") is False
    assert not page.get_by_text("折叠内容：答案就在这里。").is_visible()
    details.locator("summary").click()
    page.wait_for_function("() => document.querySelector('details.faq').open")
    assert page.get_by_text("折叠内容：答案就在这里。").is_visible()
