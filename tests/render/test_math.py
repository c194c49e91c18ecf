"""render.math: TeX → MathML at build time (no script, no network), its errors, and how Chromium shows it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from browserkit import ARGS, CHROMIUM, require_browser

from notedeck.render.math import (
    MATH_CSS,
    MATH_FONT_PATH,
    MathResult,
    assets,
    clear_cache,
    export_cache,
    import_cache,
    tex_to_html,
)

ROOT = Path(__file__).resolve().parents[2]

#: Formulas as the knowledge base writes them (notes/数学, notes/深度学习基础).
REAL = [
    (r"\frac{\partial f}{\partial x}(x, y) = \lim_{h \to 0} \frac{f(x + h, y) - f(x, y)}{h}", True),
    (r"\begin{align*}" "\n" r"f_\theta &= \frac{1}{m}\sum_{i=1}^m (\mathbf{y}_i - \hat{\mathbf{y}}_i)^2 \\" "\n"
     r"\hat{\mathbf{y}}_i &= \eta_\theta(\mathbf{x}_i)" "\n" r"\end{align*}", True),
    (r"\mathrm{LeakyReLU}(x) = \begin{cases} x & x > 0 \\ \alpha x & x \le 0 \end{cases} = \max(\alpha x, x)", True),
    (r"\begin{vmatrix}a & b\\ c & d \end{vmatrix}=ad-bc", True),
    (r"\begin{pmatrix}1 & 2\\ 3 & 4\end{pmatrix} \begin{bmatrix}x\end{bmatrix} \begin{matrix}a\end{matrix}", True),
    (r"\mathrm{GELU}(x) = \frac{x}{2}\left(1 + \mathrm{erf}\!\left(\frac{x}{\sqrt{2}}\right)\right)", True),
    (r"\operatorname{softmax}(x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}}", True),
    (r"-\frac{1}{m}\sum_i \log p_{i,\text{正确类别}}", False),
    (r"\delta_h=\delta_{\text{输出}}\times w\times\sigma'(z_h)", False),
    (r"\frac{\partial L}{\partial w}= \underbrace{\frac{\partial L}{\partial a}}_{2(a-y)}", True),
    (r"\mathbb{N} = \{1, 2, 3, \dots\}, \quad |\mathbb{Q}| = |\mathbb{N}|", False),
]


@pytest.mark.parametrize("tex, display", REAL)
def test_formulas_of_the_notes_convert(tex, display):
    result = tex_to_html(tex, display)
    assert result.error is None, result.error
    assert "<math" in result.html and "notedeck-math-error" not in result.html
    assert result.html.startswith('<div class="notedeck-math notedeck-math-display">' if display else '<span class="notedeck-math">')


def test_every_formula_of_the_vault_converts():
    """The knowledge base and the fixture vaults: no formula may fall back to its source."""
    from notedeck.vault import Vault

    def walk(tokens):
        for t in tokens:
            if t.type in ("math_inline", "math_inline_double", "math_block", "math_block_label"):
                yield t
            yield from walk(t.children or [])

    seen = 0
    roots = [ROOT / "notes", *sorted(p for p in (ROOT / "tests" / "fixtures").iterdir() if p.is_dir() and p.name != "bad")]
    for root in roots:
        vault = Vault.load(root, progress=False)
        for note in vault.notes.values():
            for tok in walk(note.tokens):
                seen += 1
                result = tex_to_html(tok.content, tok.type != "math_inline")
                assert result.error is None, f"{note.path}: {tok.content!r}: {result.error}"
    assert seen > 250


@pytest.mark.parametrize("tex", [
    r"\begin{aligned} a &= b \\ c &= d \end{aligned}", r"\begin{equation} x = 1 \end{equation}",
    r"\begin{gather} a \\ b \end{gather}", r"\begin{Bmatrix} a \end{Bmatrix}", r"\begin{Vmatrix} a \end{Vmatrix}",
    r"\arg z", r"\boxed{x}", r"\binom{n}{k}", r"\sqrt[3]{x}", r"\int_0^1 f\,dx", r"\mathcal{O}(n)", r"\vec{x}",
])
def test_other_common_tex(tex):
    result = tex_to_html(tex, True)
    assert result.error is None and "<math" in result.html, result.error


@pytest.mark.parametrize("tex, message", [
    (r"\foo x", r"unknown command \foo"),
    (r"a + \notamacro{b}", r"unknown command \notamacro"),
    (r"\frac{1}{2", "unbalanced braces"),
    (r"x} + 1", "unbalanced braces"),
    (r"\left( x", r"\left"),
    (r"\begin{foo} x \end{foo}", "unsupported environment {foo}"),
    (r"\begin{matrix} x \end{pmatrix}", "does not match"),
    (r"\frac{1}", "two arguments"),
    (r"x^2^3", "double superscript"),
    (r"a & b", "'&'"),
])
def test_bad_tex_is_an_error_and_shows_its_source(tex, message):
    result = tex_to_html(tex, False)
    assert result.error and message in result.error and "\n" not in result.error
    assert "<math" not in result.html
    assert '<code class="notedeck-math-error"' in result.html
    code = re.search(r"<code[^>]*>(.*)</code>", result.html).group(1)
    assert code == tex.replace("&", "&amp;")


def test_error_of_display_math_is_a_block():
    result = tex_to_html(r"\frac{a", True)
    assert result.html.startswith('<div class="notedeck-math notedeck-math-display notedeck-math-failed">')


def test_markup_characters_are_escaped():
    result = tex_to_html(r"a < b \text{ x<y & z } \& c", False)
    assert result.error is None
    body = result.html.split("<annotation")[0]
    assert "<y" not in body and "& " not in body
    assert "&lt;" in body and "&amp;" in body
    bad = tex_to_html(r"<script>\foo", False)
    assert bad.error and "<script>" not in bad.html and "&lt;script&gt;" in bad.html


def test_cjk_text():
    result = tex_to_html(r"w_{\text{旧}} - \text{中文 标签}", False)
    assert result.error is None
    assert "<mtext>旧</mtext>" in result.html and "中文" in result.html


def test_annotation_holds_the_tex():
    tex = r"\frac{a}{b} < c"
    result = tex_to_html(tex, True)
    assert '<semantics>' in result.html
    assert r'<annotation encoding="application/x-tex">\frac{a}{b} &lt; c</annotation>' in result.html


def test_caching_returns_the_same_result():
    a = tex_to_html(r"\sum_{i=1}^n i", True)
    b = tex_to_html(r"\sum_{i=1}^n i", True)
    assert a is b and a == MathResult(a.html, None)
    assert tex_to_html(r"\sum_{i=1}^n i", False).html != a.html


def test_saved_cache_round_trip():
    import json

    tex_to_html(r"\alpha + \beta", False)
    tex_to_html(r"\foo", True)
    saved = json.loads(json.dumps(export_cache(), ensure_ascii=False))
    before = {k: tex_to_html(*k) for k in [(r"\alpha + \beta", False), (r"\foo", True)]}
    clear_cache()
    assert import_cache(saved) >= 2
    for key, result in before.items():
        assert tex_to_html(*key) == result
    assert import_cache({"engine": "other", "items": saved["items"]}) == 0
    assert import_cache("junk") == 0


def test_repairs_for_chromium():
    lim = tex_to_html(r"\lim_{h \to 0} h", True).html
    assert "<munder><mo movablelimits=\"true\"" in lim  # limits under \lim in display math
    prime = tex_to_html("f'(x)", False).html
    assert "<msup>" not in prime and "′" in prime  # a prime is not shrunk as a superscript
    bold = tex_to_html(r"\boldsymbol{x} \mathbf{h}", False).html
    assert "mathvariant" not in bold and "𝒙" in bold and "𝐡" in bold
    upright = tex_to_html(r"\mathrm{d}x", False).html
    assert '<mi mathvariant="normal">d</mi>' in upright
    vm = tex_to_html(r"\begin{vmatrix}a\end{vmatrix}", True).html
    assert vm.count('stretchy="true"') == 2


def test_no_external_host():
    for text in [MATH_CSS, tex_to_html(r"\sqrt{x}", True).html]:
        assert "http" not in text.replace('"http://www.w3.org/1998/Math/MathML"', "") and "//" not in text
    assert MATH_FONT_PATH.stat().st_size > 100_000
    for name, path in assets().items():
        assert path.exists(), name
        if path.suffix in (".css", ".html", ".js"):
            assert "//" not in path.read_text(encoding="utf-8"), name
    assert "fonts/NotoSansMath-Regular.woff2" in MATH_CSS and "fonts/NotoSansMath-Regular.woff2" in assets()
    assert (MATH_FONT_PATH.parent / "OFL.txt").exists()  # the font's licence travels with it


# --- in a browser ------------------------------------------------------------------------------------------

WIDE = (r"f(x) = a_0 + a_1 x + a_2 x^2 + a_3 x^3 + a_4 x^4 + a_5 x^5 + a_6 x^6 + a_7 x^7 + a_8 x^8"
        r" + a_9 x^9 + a_{10} x^{10} + a_{11} x^{11} + \frac{a_{12}}{x^{12}}")


def _browser():
    require_browser()
    from playwright.sync_api import sync_playwright

    return sync_playwright


def test_math_renders_in_chromium_and_scrolls_at_390px(tmp_path):
    sync_playwright = _browser()
    for name, path in assets().items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, tmp_path / name)
    sigma = tex_to_html(r"\sigma(x) = \frac{1}{1+e^{-x}}", False).html
    parts = [f"<p>Inline {sigma} in a sentence.</p>",
             tex_to_html(REAL[1][0], True).html, tex_to_html(REAL[2][0], True).html, tex_to_html(WIDE, True).html,
             "<p>" + tex_to_html(r"\foo", False).html + "</p>"]
    page = tmp_path / "math.html"
    page.write_text('<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
                    '<link rel="stylesheet" href="math.css"><style>body{margin:8px;font:16px sans-serif}</style>'
                    f'</head><body>{"".join(parts)}</body></html>', encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            tab = browser.new_page(viewport={"width": 390, "height": 800})
            tab.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
            tab.goto(page.as_uri())
            tab.evaluate("document.fonts.ready")
            sizes = tab.evaluate("[...document.querySelectorAll('math')].map(m => [m.getBoundingClientRect().width, m.getBoundingClientRect().height])")
            assert len(sizes) == 4 and all(w > 0 and h > 0 for w, h in sizes), sizes
            fits = tab.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]")
            assert fits[0] <= fits[2] and fits[1] <= fits[2], fits
            wide = tab.evaluate("(() => { const d = document.querySelectorAll('.notedeck-math-display')[2];"
                                " return [d.scrollWidth, d.clientWidth, getComputedStyle(d).overflowX]; })()")
            assert wide[0] > wide[1] and wide[2] == "auto", wide  # the wide formula scrolls inside its box
            inline = tab.evaluate("(() => { const m = document.querySelector('p .notedeck-math math').getBoundingClientRect();"
                                  " const p = document.querySelector('p').getBoundingClientRect(); return [m.top - p.top, p.height]; })()")
            assert inline[1] < 60, inline  # inline math stays on the text line
            assert tab.evaluate("getComputedStyle(document.querySelector('code.notedeck-math-error')).fontFamily").strip()
        finally:
            browser.close()
