"""TeX → MathML at build time: no script and no network in the page (the reader may have no CDN).

One pure, cached function, :func:`tex_to_html`, turns the TeX of a ``$…$`` / ``$$…$$`` formula into HTML:

- inline: ``<span class="notedeck-math"><math display="inline"><semantics>…
  <annotation encoding="application/x-tex">TeX</annotation></semantics></math></span>``
- display: the same in ``<div class="notedeck-math notedeck-math-display">`` (``math.css`` makes it scroll
  horizontally instead of overflowing a phone-width screen)
- TeX it cannot render: ``<code class="notedeck-math-error">TeX, escaped</code>`` in the same wrapper (with the
  class ``notedeck-math-failed`` too) and :attr:`MathResult.error`, a one-line message for a diagnostic.

The engine is ``latex2mathml`` (pure Python; chosen by measurement, see the README's "Math" section). It
accepts much that TeX rejects and passes it through silently (an unknown ``\\foo`` as the text "\\foo", an
unclosed ``{``, an unknown environment dropped, ``\\frac{1}`` without a denominator), so this module checks
the TeX and the tree it produces and reports those as errors. It also repairs what Chromium's MathML Core
renders wrongly from its output: ``\\lim``/``\\max``/``\\sum`` limits under the operator in display math, primes,
function-name spacing, stretchy matrix delimiters, ``mathvariant`` values other than ``normal`` (mapped to
Unicode math letters), and it escapes the text it puts into the markup (``latex2mathml`` leaves ``<`` and
``&`` raw in ``\\text{}``).

Browsers need a math font (an OpenType ``MATH`` table) to lay MathML out well: ``math.css`` uses the reader's
own (Cambria Math, STIX Two Math, …) and else the shipped Noto Sans Math (``fonts/``, SIL OFL 1.1, from
the npm package ``@fontsource/noto-sans-math`` 5.3.0), which a browser downloads only when it has none.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from xml.etree.ElementTree import Element

import latex2mathml.converter
import latex2mathml.exceptions as l2m_errors

try:
    _l2m_version = version("latex2mathml")
except PackageNotFoundError:  # pragma: no cover - a vendored copy
    _l2m_version = "unknown"

__all__ = ["MathResult", "tex_to_html", "convert", "clear_cache", "export_cache", "import_cache", "ENGINE",
           "MATH_CSS", "MATH_CSS_PATH", "MATH_FONT_PATH", "assets"]

_HERE = Path(__file__).resolve().parent
#: The stylesheet for the markup below (light and dark schemes, scrolling display math, the math font).
MATH_CSS_PATH = _HERE / "math.css"
#: The fallback math font ``math.css`` refers to as ``fonts/NotoSansMath-Regular.woff2`` (next to the CSS).
MATH_FONT_PATH = _HERE / "fonts" / "NotoSansMath-Regular.woff2"
MATH_CSS = MATH_CSS_PATH.read_text(encoding="utf-8")


def assets() -> dict[str, Path]:
    """The files a site must serve for math, by their path relative to ``math.css`` itself. (The font's
    licence, ``fonts/OFL.txt``, ships with the package; it names its authors' web addresses, so it is not
    copied into a site whose files must reference no external host.)"""
    return {"math.css": MATH_CSS_PATH, "fonts/NotoSansMath-Regular.woff2": MATH_FONT_PATH}


@dataclass(frozen=True, slots=True)
class MathResult:
    """One formula as HTML; ``error`` is ``None`` or a one-line message (the HTML then shows the source)."""

    html: str
    error: str | None = None


class _TexError(Exception):
    """TeX that would not render as written (the message is for a diagnostic)."""


#: Conversions of this process, by (TeX, display). A vault's formulas are few (hundreds to thousands).
_CACHE: dict[tuple[str, bool], MathResult] = {}
#: Names what made the cached HTML; a saved cache of another engine version or of other repairs is ignored.
ENGINE = f"latex2mathml {_l2m_version}; notedeck-math 1"


def tex_to_html(tex: str, display: bool) -> MathResult:
    """The HTML of one formula: ``tex`` without its ``$`` delimiters; ``display`` for ``$$…$$``. Pure and
    cached (same arguments → the same :class:`MathResult` object)."""
    key = (tex, display)
    result = _CACHE.get(key)
    if result is None:
        result = _CACHE[key] = convert(tex, display)
    return result


def clear_cache() -> None:
    _CACHE.clear()


def export_cache() -> dict:
    """The cache as JSON-ready data, so that a later build (``notedeck serve``'s rebuilds, or a build that keeps
    ``build/``) converts only formulas it has not seen: ``{"engine": …, "items": [[tex, display, html, error]…]}``."""
    return {"engine": ENGINE, "items": [[t, d, r.html, r.error] for (t, d), r in _CACHE.items()]}


def import_cache(data: object) -> int:
    """Take the results of :func:`export_cache` (of the same :data:`ENGINE`; anything else is ignored);
    returns how many were taken."""
    if not isinstance(data, dict) or data.get("engine") != ENGINE or not isinstance(data.get("items"), list):
        return 0
    taken = 0
    for item in data["items"]:
        if (isinstance(item, list) and len(item) == 4 and isinstance(item[0], str) and isinstance(item[1], bool)
                and isinstance(item[2], str) and (item[3] is None or isinstance(item[3], str))):
            _CACHE.setdefault((item[0], item[1]), MathResult(item[2], item[3]))
            taken += 1
    return taken


def convert(tex: str, display: bool) -> MathResult:
    """:func:`tex_to_html` without the cache."""
    source = tex.strip()
    try:
        _check_source(source)
        math = _convert(source, display)
        _check_tree(math)
        _repair(math, display)
        body = "".join(_serialize(child) for child in math)
    except _TexError as e:
        return _failed(tex, display, str(e))
    except Exception as e:  # latex2mathml's errors share no base class
        return _failed(tex, display, _message(e))
    mode = "block" if display else "inline"
    markup = (f'<math display="{mode}"><semantics>{body}'
              f'<annotation encoding="application/x-tex">{html.escape(source, quote=False)}</annotation>'
              "</semantics></math>")
    if display:
        return MathResult(f'<div class="notedeck-math notedeck-math-display">{markup}</div>')
    return MathResult(f'<span class="notedeck-math">{markup}</span>')


def _failed(tex: str, display: bool, message: str) -> MathResult:
    source = html.escape(tex.strip(), quote=False)
    title = html.escape(message, quote=True)
    code = f'<code class="notedeck-math-error" title="{title}">{source}</code>'
    if display:
        return MathResult(f'<div class="notedeck-math notedeck-math-display notedeck-math-failed">{code}</div>', message)
    return MathResult(f'<span class="notedeck-math notedeck-math-failed">{code}</span>', message)


# --- the TeX, before conversion ---------------------------------------------------------------------------

#: Environments latex2mathml lays out; others it drops silently. ``aligned``/``gathered`` are read as ``align*``.
_ENVIRONMENTS = frozenset({
    "align", "align*", "aligned", "split", "cases", "array", "smallmatrix", "gathered", "gather", "gather*",
    "equation", "equation*",
    *(f"{m}{star}" for m in ("matrix", "pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix") for star in ("", "*")),
})
_ENV_ALIASES = {"aligned": "align*", "gathered": "align*", "gather": "align*", "gather*": "align*"}
_UNWRAPPED = frozenset({"equation", "equation*"})  # one display formula: its content is the formula
_MISSING_FUNCTIONS_RE = re.compile(r"\\(arg)(?![A-Za-z])")  # TeX function names latex2mathml lacks
_ENV_RE = re.compile(r"\\(begin|end)\s*\{([^{}]*)\}")
_MATHRM_LETTER_RE = re.compile(r"\\mathrm\s*\{\s*([A-Za-z])\s*\}")  # latex2mathml drops \mathrm on one letter
_TWO_ARGS = frozenset({"mfrac"})
_ERROR_NAMES = {
    l2m_errors.ExtraLeftOrMissingRightError: "\\left without a matching \\right (or the reverse)",
    l2m_errors.MissingSuperScriptOrSubscriptError: "^ or _ without its argument",
    l2m_errors.DoubleSubscriptsError: "double subscript (write x_{a_b} or {x_a}_b)",
    l2m_errors.DoubleSuperscriptsError: "double superscript (write x^{a^b} or {x^a}^b)",
    l2m_errors.NoAvailableTokensError: "a command is missing its argument",
    l2m_errors.MissingEndError: "\\begin{…} without a matching \\end{…}",
    l2m_errors.NumeratorNotFoundError: "\\frac without a numerator",
    l2m_errors.DenominatorNotFoundError: "\\frac without a denominator",
    l2m_errors.InvalidAlignmentError: "invalid column alignment",
    l2m_errors.InvalidWidthError: "invalid width",
    l2m_errors.LimitsMustFollowMathOperatorError: "\\limits must follow a math operator",
    l2m_errors.InvalidStyleForGenfracError: "invalid style for \\genfrac",
}


def _message(e: BaseException) -> str:
    for kind, text in _ERROR_NAMES.items():
        if isinstance(e, kind):
            return text
    first = str(e).strip().splitlines()[0] if str(e).strip() else ""
    return f"cannot convert: {type(e).__name__}{': ' + first[:80] if first else ''}"


def _check_source(tex: str) -> None:
    """Unbalanced braces and environments: latex2mathml would render them without a word."""
    depth = 0
    i, n = 0, len(tex)
    while i < n:
        c = tex[i]
        if c == "\\":
            i += 2  # \{ \} \\ \, …: never a group
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                raise _TexError(f"unbalanced braces: '}}' at column {i + 1} closes no '{{'")
        i += 1
    if depth > 0:
        raise _TexError(f"unbalanced braces: {depth} '{{' not closed")
    stack: list[str] = []
    for m in _ENV_RE.finditer(tex):
        kind, name = m.group(1), m.group(2).strip()
        if kind == "begin":
            if name not in _ENVIRONMENTS:
                raise _TexError(f"unsupported environment {{{name}}}")
            stack.append(name)
        elif not stack:
            raise _TexError(f"\\end{{{name}}} without \\begin{{{name}}}")
        elif stack.pop() != name:
            raise _TexError(f"\\end{{{name}}} does not match its \\begin")
    if stack:
        raise _TexError(f"\\begin{{{stack[-1]}}} without \\end{{{stack[-1]}}}")


def _prepare(tex: str) -> str:
    tex = _MATHRM_LETTER_RE.sub(r"{\\rm \1}", tex)
    tex = _MISSING_FUNCTIONS_RE.sub(r"\\operatorname{\1}", tex)
    return _ENV_RE.sub(_environment, tex)


def _environment(m: re.Match) -> str:
    kind, name = m.group(1), m.group(2).strip()
    if name in _UNWRAPPED:
        return "{" if kind == "begin" else "}"
    return f"\\{kind}{{{_ENV_ALIASES.get(name, name)}}}"


def _convert(tex: str, display: bool) -> Element:
    return latex2mathml.converter.convert_to_element(_prepare(tex), display="block" if display else "inline")


# --- the tree, after conversion ---------------------------------------------------------------------------

_ENTITY_RE = re.compile(r"&#x([0-9A-Fa-f]+);")
_COMMAND_TEXT_RE = re.compile(r"\\[A-Za-z]+")
_TOKENS = frozenset({"mi", "mo", "mn", "ms"})


def _text(el: Element) -> str:
    return el.text or ""


def _decode(m: re.Match) -> str:
    return chr(int(m.group(1), 16))


def _check_tree(math: Element) -> None:
    """What latex2mathml passed through instead of converting; then every text as characters (latex2mathml
    stores some as ``&#x…;`` strings)."""
    for el in math.iter():
        if el.tag in _TOKENS:
            if el.text == "&":  # \& arrives as "&#x00026;"
                raise _TexError("'&' outside an alignment environment (use \\& for the character)")
            m = _COMMAND_TEXT_RE.search(el.text or "")
            if m:
                raise _TexError(f"unknown command {m.group(0)}")
        elif el.tag in _TWO_ARGS and len(el) != 2:
            raise _TexError("\\frac needs two arguments")
        if el.text and "&#x" in el.text:
            el.text = _ENTITY_RE.sub(_decode, el.text)


#: Operators whose limits go under/over them in display math (TeX's \lim, \sum …; not \int).
_LIMIT_NAMES = frozenset({"lim", "liminf", "limsup", "max", "min", "sup", "inf", "det", "Pr", "gcd", "argmax",
                          "argmin", "arg max", "arg min", "lim inf", "lim sup"})
_LARGE_OPS = frozenset("∑∏∐⋀⋁⋂⋃⨀⨁⨂⨄⨆")
_PRIMES = frozenset("′″‴⁗")
_SCRIPTS = {"msub": "munder", "msup": "mover", "msubsup": "munderover"}
_OPEN = frozenset("([{⟨|‖⌈⌊")
_CLOSE = frozenset(")]}⟩|‖⌉⌋!′″")
_ORDINARY = frozenset("∞∅∇∂ℏℓ℘ℜℑℵ∠⊤⊥△□◇♯♭♮")
_THIN = "0.1667em"


def _repair(math: Element, display: bool) -> None:
    for parent in list(math.iter()):
        children = list(parent)
        for el in children:
            if el.tag in _SCRIPTS and len(el) and el[0].tag == "mo":
                op = _text(el[0])
                if op in _LIMIT_NAMES or op in _LARGE_OPS:  # scripts under/over, beside when inline
                    el.tag = _SCRIPTS[el.tag]
                    el[0].set("movablelimits", "true")
            if el.tag == "msup" and len(el) == 2 and el[1].tag in ("mi", "mo") and _text(el[1]) and set(_text(el[1])) <= _PRIMES:
                # U+2032 is already a raised glyph: as a superscript it shrinks to a dot (f′ read as ḟ)
                base, prime = el[0], el[1]
                el.tag, el.attrib = "mrow", {}
                prime.tag, prime.attrib = "mo", {"lspace": "0", "rspace": "0"}
                el[:] = [base, prime]
            if el.tag in ("munderover", "munder", "mover") and len(el) and el[0].tag == "mo" and _text(el[0]) in _LARGE_OPS:
                el[0].set("movablelimits", "true")
        for i, el in enumerate(children):
            core = el[0] if el.tag in ("munder", "munderover", "msub", "msup", "msubsup") and len(el) else el
            if core.tag == "mi" and len(_text(core)) > 1 and _text(core).isalpha() and not core.attrib:
                core.tag = "mo"  # \log, \sin, \tanh: an <mi> has no space after it ("logp" for \log p)
            if core.tag == "mo" and len(_text(core)) > 1 and _text(core).replace(" ", "").isalpha():
                # \max, \lim, \operatorname{…}: an unknown multi-letter <mo> gets thick space on both sides
                nxt = children[i + 1] if i + 1 < len(children) else None
                prev = children[i - 1] if i > 0 else None
                tight = nxt is None or _first_char(nxt) in _OPEN or _first_char(nxt) in _PRIMES
                after_operand = prev is not None and (prev.tag in ("mi", "mn", "msub", "msup", "mfrac", "mrow")
                                                      or (prev.tag == "mo" and _text(prev) in _CLOSE))
                core.set("lspace", _THIN if after_operand else "0")  # "(1−y) log", "2 log x"; "= log x"
                core.set("rspace", "0" if tight else _THIN)
            if el.tag == "mtable" and el.get("columnspacing") == "0em 2em":
                el.set("class", "notedeck-align")  # align/align*: math.css sets TeX's cell spacing
            if el.tag == "mtable":
                for side in (i - 1, i + 1):  # pmatrix/vmatrix/bmatrix delimiters: stretch to the table
                    if 0 <= side < len(children) and children[side].tag == "mo":
                        children[side].set("stretchy", "true")
                        children[side].set("fence", "true")
                        children[side].set("form", "prefix" if side < i else "postfix")
        for i, el in enumerate(children):
            if el.tag == "mo" and _text(el) in ("−", "+", "±", "∓") and "form" not in el.attrib:
                prev = children[i - 1] if i > 0 else None
                if prev is None or (prev.tag == "mo" and _text(prev) not in _CLOSE):
                    el.set("form", "prefix")  # unary: "x = −1", not "x = − 1"
            if el.tag == "mo" and _text(el) in _ORDINARY:
                el.tag = "mi"  # \infty, \emptyset …: symbols, not operators ("+ ∞" read as two operators)
            if el.tag == "mo" and _text(el) == "/" and "lspace" not in el.attrib:
                el.set("lspace", "0")  # p/q: TeX's / is an ordinary symbol
                el.set("rspace", "0")
            if el.tag == "mo" and _text(el) in ("|", "‖") and el.get("stretchy") != "true":
                el.set("lspace", "0")  # |x| (ASCII bars, \lvert): an absolute value, no operator space
                el.set("rspace", "0")
            variant = el.get("mathvariant")
            if el.tag == "mi" and variant and variant != "normal":
                _map_variant(el, variant)


def _first_char(el: Element) -> str:
    while len(el) and el.tag != "mo":
        el = el[0]
    return _text(el)[:1]


#: Unicode's mathematical alphanumerics: (capital A, small a, digit 0 or None) per mathvariant; Chromium's
#: MathML Core renders only ``mathvariant="normal"``, so the others are written as these characters.
_VARIANTS = {
    "bold": (0x1D400, 0x1D41A, 0x1D7CE), "italic": (0x1D434, 0x1D44E, None), "bold-italic": (0x1D468, 0x1D482, None),
    "script": (0x1D49C, 0x1D4B6, None), "bold-script": (0x1D4D0, 0x1D4EA, None), "fraktur": (0x1D504, 0x1D51E, None),
    "double-struck": (0x1D538, 0x1D552, 0x1D7D8), "bold-fraktur": (0x1D56C, 0x1D586, None),
    "sans-serif": (0x1D5A0, 0x1D5BA, 0x1D7E2), "bold-sans-serif": (0x1D5D4, 0x1D5EE, 0x1D7EC),
    "sans-serif-italic": (0x1D608, 0x1D622, None), "monospace": (0x1D670, 0x1D68A, 0x1D7F6),
}
#: Letters Unicode placed in the Letterlike Symbols block instead (the math-alphanumeric slot is empty).
_HOLES = {0x1D455: "ℎ", 0x1D49D: "ℬ", 0x1D4A0: "ℰ", 0x1D4A1: "ℱ", 0x1D4A3: "ℋ", 0x1D4A4: "ℐ", 0x1D4A7: "ℒ",
          0x1D4A8: "ℳ", 0x1D4AD: "ℛ", 0x1D4BA: "ℯ", 0x1D4BC: "ℊ", 0x1D4C4: "ℴ", 0x1D506: "ℭ", 0x1D50B: "ℌ",
          0x1D50C: "ℑ", 0x1D515: "ℜ", 0x1D51D: "ℨ", 0x1D53A: "ℂ", 0x1D53F: "ℍ", 0x1D545: "ℕ", 0x1D547: "ℙ",
          0x1D548: "ℚ", 0x1D549: "ℝ", 0x1D551: "ℤ"}
_BOLD_GREEK = (0x1D6A8, 0x1D6C2)  # bold capital Alpha, small alpha
_BOLD_ITALIC_GREEK = (0x1D71C, 0x1D736)


def _map_variant(el: Element, variant: str) -> None:
    starts = _VARIANTS.get(variant)
    if starts is None:
        return
    out = []
    for ch in _text(el):
        o = ord(ch)
        if "A" <= ch <= "Z":
            o = starts[0] + o - 65
        elif "a" <= ch <= "z":
            o = starts[1] + o - 97
        elif "0" <= ch <= "9" and starts[2] is not None:
            o = starts[2] + o - 48
        elif variant in ("bold", "bold-italic") and ("Α" <= ch <= "Ω" or "α" <= ch <= "ω"):
            greek = _BOLD_GREEK if variant == "bold" else _BOLD_ITALIC_GREEK
            o = (greek[0] + o - 0x391) if ch <= "Ω" else (greek[1] + o - 0x3B1)
        out.append(_HOLES.get(o, chr(o)))
    el.text = "".join(out)
    del el.attrib["mathvariant"]


def _serialize(el: Element) -> str:
    attrs = "".join(f' {k}="{html.escape(v, quote=True)}"' for k, v in el.attrib.items() if k != "xmlns")
    inner = html.escape(_text(el), quote=False)
    inner += "".join(_serialize(child) for child in el)
    tail = html.escape(el.tail, quote=False) if el.tail else ""
    return f"<{el.tag}{attrs}>{inner}</{el.tag}>{tail}"
