"""End to end, as a new user (issue 17): ``cd myvault && notedeck build`` in a mixed Chinese/English vault with no
configuration. The home page is the vault's 首页.md, the site is named after it, cards show as self-test widgets
whose answer opens in a real browser, the card-switch tags are nowhere on the site, and the vault holds no new
visible file afterwards. The browser part runs in CI (CI=true) and skips elsewhere when Chromium or Playwright is
missing, as tests/site/test_site_browser.py does."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from browserkit import ARGS, CHROMIUM, Quiet, require_browser

FIXTURE = Path(__file__).parents[1] / "fixtures" / "newcomer-stats"
SRC = Path(__file__).parents[2] / "src"
SITE_NAME = "统计学笔记 · Statistics notes"


def visible(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess[str], dict[str, bytes]]:
    vault = tmp_path_factory.mktemp("newcomer") / "我的统计"
    shutil.copytree(FIXTURE, vault)
    before = visible(vault)
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.run([sys.executable, "-m", "notedeck.cli", "build"], cwd=vault, capture_output=True,
                          text=True, timeout=600, env=env)
    return vault, proc, before


def html(built, page: str) -> str:
    return (built[0] / ".notedeck" / "site" / page).read_text(encoding="utf-8")


def test_build_succeeds_and_says_where_the_output_went(built):
    _, proc, _ = built
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "notedeck: output in .notedeck/ (site: .notedeck/site/index.html)" in proc.stderr
    assert "0 errors, 0 warnings" in proc.stderr


def test_no_new_visible_files_in_the_vault(built):
    vault, _, before = built
    assert visible(vault) == before
    assert sorted(p.name for p in vault.iterdir() if p.name.startswith(".")) == [".notedeck", ".obsidian"]


def test_home_page_is_the_home_note_and_the_site_is_named_after_it(built):
    home = html(built, "index.html")
    assert "这是我的统计学笔记。" in home
    assert f"<title>首页 - {SITE_NAME}</title>" in home
    assert f'<span class="md-ellipsis">\n            {SITE_NAME}' in home or SITE_NAME in home.split("md-header__topic", 1)[1][:400]
    assert not (built[0] / ".notedeck" / "site" / "首页").exists()  # one page, at the root
    assert (built[0] / ".notedeck" / "anki" / f"{SITE_NAME}.apkg").is_file()


def test_card_widgets_on_the_page(built):
    page = html(built, "统计/中心极限定理/index.html")
    assert page.count('<div class="notedeck-card" data-card="basic"') == 2
    assert page.count("<summary>答案 / Answer</summary>") == 2
    assert '<span class="notedeck-cloze-text">有限</span>' in page
    article = page.split("<article", 1)[1].split("</article>", 1)[0]
    assert "::" not in article and "==有限==" not in article and "<br>\n?" not in article
    bayes = html(built, "概率/Bayes theorem/index.html")
    assert 'data-card="reversed"' in bayes


def test_card_tags_are_hidden(built):
    site = built[0] / ".notedeck" / "site"
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        chips = re.findall(r'class="md-tag[^"]*">([^<]*)<', text)
        assert not [c for c in chips if c.strip().startswith("flashcards")], page
        assert "#flashcards" not in text, page
    tags = (site / "tags" / "index.html").read_text(encoding="utf-8")
    assert "统计" in tags and "probability" in tags and "flashcards" not in tags
    assert '"flashcards' not in (site / "search" / "search_index.json").read_text(encoding="utf-8")


# -- in a real browser


@pytest.fixture(scope="module")
def site_url(built):
    require_browser()
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(Quiet, directory=str(built[0] / ".notedeck" / "site")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="module")
def page(site_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(site_url)
                      else route.abort())
        pg = context.new_page()
        pg.set_default_timeout(20_000)
        try:
            yield pg
        finally:
            browser.close()


def test_the_answer_toggle_opens_and_the_cloze_reveals_in_the_browser(page, site_url):
    page.goto(site_url + "统计/中心极限定理/")
    card = page.locator("div.notedeck-card[data-card='basic']").first
    details = card.locator("details.notedeck-card-a")
    assert details.evaluate("d => d.open") is False
    assert card.locator(".notedeck-card-q").is_visible()
    answer = page.get_by_text("样本均值的分布（近似正态）")
    assert not answer.is_visible()
    details.locator("summary").click()
    assert details.evaluate("d => d.open") is True
    answer.wait_for(state="visible")

    hidden = page.locator(".notedeck-cloze-text").first
    assert hidden.evaluate("e => getComputedStyle(e).color") == "rgba(0, 0, 0, 0)"  # hidden: transparent text
    page.locator("label.notedeck-cloze").first.click()
    assert hidden.evaluate("e => getComputedStyle(e).color") != "rgba(0, 0, 0, 0)"


def test_the_home_page_opens_on_the_home_note(page, site_url):
    page.goto(site_url)
    assert page.get_by_text("这是我的统计学笔记。").is_visible()
    page.get_by_role("link", name="中心极限定理").first.click()
    page.wait_for_url("**/%E7%BB%9F%E8%AE%A1/**")
    assert page.locator("div.notedeck-card").count() == 3
