"""Search that finds what a learner types: a note's title lists that note first, a heading's text lists its section.

Material's search (lunr in a web worker) has three habits that hide titles from a Chinese learner:

* jieba, which segments Chinese at build time, does not know the vault's own words: 偏导数 is cut into 偏 + 导数, so
  the title 偏导数 matches a search for 导数 as well as the note 导数 itself does;
* in the browser, a run of Chinese characters in the query is cut greedily against the index's tokens, and that cut
  never keeps the run's last character (``segment()`` only tries substrings that end before it; only when no prefix
  of the run is a token does the whole run survive): 梯度消失 becomes ``梯度*``, the very query 梯度 gives;
* every query term gets a trailing wildcard and lunr scores ``梯度*`` against 梯度下降 (a rarer token, so a higher
  idf) above 梯度 itself, while fields are not length-normalised (``b = 0``): a title match ties with any longer
  title that contains the term, and the body text decides.

What notedeck adds, all at build time and through Material's own extension points (no script is shipped):

1. the vault's words — titles, aliases, tags, short headings — go into jieba's dictionary before any page is
   indexed (:func:`vault_words`, :func:`add_words`), so the title field and the text are cut the way the vault
   names things;
2. each search entry gets extra fields, which Material indexes (``search.fields``) but never shows.
   ``notedeck_shape`` holds, for each run of Chinese characters in the note's title (aliases, H1) or the section's
   heading, that run without its last character: with that token in the index the browser cuts the run exactly
   there, whatever else the index holds, so :func:`query_terms` knows the terms the browser will look up,
   character for character (boost ~0: it only steers the cut).
   ``notedeck_key`` (a page's title), ``notedeck_heading`` (a section's heading) and ``notedeck_alias`` (aliases,
   an H1 other than the title) hold those terms, each followed by a mark no word of a page ends with and by the
   entry's number — every key is unique, so all have the same idf — and repeated more often the shorter the text
   (among titles that start alike, the shortest, i.e. the one typed, scores highest). Their boost (10⁹) puts a
   title or heading match above any body or tag match.

The rest of Material's ranking (title boost 1000, tags 10⁶, text) still orders everything else, and body matches
still find every page. Measured in Chromium (``tests/site/test_search_browser.py``; a duplicated title can list
only one of its notes first): on the knowledge base ``notes/``, titles not listed first went from 8 of 40 to 0,
and all 121 H2 headings list their section in the first three results; on the fixture vaults from 3 of 11, 90 of
201 and 12 of 50 to 0 apart from duplicated titles.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..vault import Note, Vault

KEY_BOOST = 1e9
#: field → (boost, end mark). The marks are the last characters of lunr-zh's word range 一-龥 (its trimmer keeps
#: them) that nobody's text ends a word with; each field has its own, so that one field's keys stay rare.
FIELDS = {
    "notedeck_key": (KEY_BOOST, "\u9fa5"),  # a page's title
    # a section's heading: Material multiplies a page's score by 5 and a section's by 2 (when every term matches),
    # so ×2.4 lets a heading that matches more closely (a shorter key) rank above a page title that only starts
    # alike, while a page still ranks above a section whose heading matches it as closely
    "notedeck_heading": (2.4 * KEY_BOOST, "\u9fa4"),
    "notedeck_alias": (KEY_BOOST / 1000, "\u9fa3"),  # aliases and an H1 other than the title: found, not summed up
}
KEY_FIELD, HEADING_FIELD, ALIAS_FIELD = FIELDS
SHAPE_FIELD = "notedeck_shape"
SHAPE_BOOST = 1e-9  # lunr treats 0 as 1; this rounds to a score of 0
#: (up to this many characters of query terms, repeat the key so often). lunr weighs a term ``tf`` times in a field
#: as 2.2·tf / (1.2 + tf) (b = 0): 1, 1.375, 1.571, 1.692, 1.913 for tf 1, 2, 3, 4, 8 — each level at least 4.5 %
#: above the next (more than the 4 % a heading gives up to a page, below), and all below 2, so two matched terms
#: always outweigh one.
_REPEAT = ((1, 8), (2, 5), (3, 4), (6, 3), (12, 2), (1 << 30, 1))
#: Material's default separator for a configuration without one (``search.config.separator``).
DEFAULT_SEPARATOR = r"[\s\-]+"
_LUNR_TERM_SEPARATOR = re.compile(r"[\s\-]+")  # lunr.QueryLexer.termSeparator (lunr's own, not Material's)
#: Characters lunr-zh's trimmer keeps at a token's ends (``\w`` in JavaScript is ASCII) — others are cut off.
_WORD_CHAR = re.compile(r"[A-Za-z0-9_\u4e00-\u9fa5]")
_CONNECTIVES = set("的与和及或之是在了")  # a name with one of these is a phrase, not a word for jieba
_MAX_WORD = 8


def _han_pattern():
    from backrefs import bre  # Material's own dependency; its search plugin uses the same class

    return bre.compile(r"\p{script: Han}+", bre.UNICODE)


_HAN = _han_pattern()


# -- 1. the vault's words for jieba

def vault_words(vault: Vault) -> list[str]:
    """Titles, aliases, tags (each level of ``a/b``) and headings of the published notes that are words: 2–8
    Chinese characters without a connective (的, 与, 和, 及, 或, 之, 是, 在, 了). A sentence-like heading stays out,
    so that the words inside it can still be found in the body text."""
    words: dict[str, None] = {}
    for note in vault.published:
        names = [note.title, *note.aliases, *(h.text for h in note.headings)]
        names += [part for tag in note.tag_names for part in tag.split("/")]
        for name in names:
            name = name.strip()
            if (2 <= len(name) <= _MAX_WORD and _HAN.fullmatch(name) is not None
                    and not _CONNECTIVES.intersection(name)):
                words[name] = None
    return list(words)


def add_words(words: Iterable[str]) -> int:
    """Add ``words`` to jieba's dictionary (process-wide, as jieba's dictionary is); returns how many."""
    try:
        import jieba
    except ImportError:  # pragma: no cover - Material then indexes Chinese unsegmented
        return 0
    n = 0
    for w in words:
        jieba.add_word(w)
        n += 1
    return n


# -- 2. what Material's search worker makes of a query

@dataclass(frozen=True)
class _Lexeme:
    type: str
    str: str
    start: int
    end: int


def _lex(text: str) -> list[_Lexeme]:
    """lunr 2.3.9's ``QueryLexer``: terms split at ``[\\s-]``, ``field:``, ``~n``, ``^n``, a leading ``+``/``-``."""
    out: list[_Lexeme] = []
    start = pos = 0
    escapes: list[int] = []
    n = len(text)

    def emit(kind: str) -> None:
        nonlocal start, escapes
        pieces, s = [], start
        for e in escapes:
            pieces.append(text[s:e])
            s = e + 1
        pieces.append(text[s:pos])
        escapes = []
        out.append(_Lexeme(kind, "".join(pieces), start, pos))
        start = pos

    def ignore() -> None:
        nonlocal start, pos
        if start == pos:
            pos += 1
        start = pos

    def digits() -> None:
        nonlocal pos
        while pos < n and text[pos].isascii() and text[pos].isdigit():
            pos += 1

    while True:
        if pos >= n:
            if pos - start > 0:
                emit("TERM")
            return out
        ch = text[pos]
        pos += 1
        if ch == "\\":
            escapes.append(pos - 1)
            pos += 1
        elif ch == ":":
            pos -= 1
            emit("FIELD")
            ignore()
        elif ch in "~^":
            pos -= 1
            if pos - start > 0:
                emit("TERM")
            ignore()
            digits()
            emit("EDIT_DISTANCE" if ch == "~" else "BOOST")
        elif ch in "+-" and pos - start == 1:
            emit("PRESENCE")
        elif _LUNR_TERM_SEPARATOR.match(ch):
            if pos - start > 1:
                pos -= 1
                emit("TERM")
            ignore()
            if pos >= n:
                return out


def _split(text: str, separator: re.Pattern[str]) -> list[tuple[int, int]]:
    """Material's ``split``: the non-empty ranges between matches of ``separator``."""
    ranges, index = [], 0
    for m in separator.finditer(text):
        if index < m.start():
            ranges.append((index, m.start()))
        index = m.end()
    if index < len(text):
        ranges.append((index, len(text)))
    return ranges


def _transform_part(part: str, separator: re.Pattern[str]) -> list[str]:
    terms: list[str] = []
    for lx in _lex(part):
        if lx.type == "FIELD" and lx.str not in ("title", "text", "tags"):
            part = part[:lx.end] + " " + part[lx.end + 1:]
        elif lx.type == "TERM":
            for a, b in _split(lx.str, separator):
                terms.append(part[:lx.start] + lx.str[a:b] + part[lx.end:])
    return terms


def browser_query(text: str, separator: re.Pattern[str]) -> str:
    """The query string Material's worker hands to lunr for ``text`` typed into the search box, given that every
    run of Chinese characters in ``text`` has its shaping token in the index (see the module docstring)."""
    q = _HAN.sub(lambda m: m.group(0)[:-1] if len(m.group(0)) > 1 else m.group(0), text).strip()
    parts = re.split(r'"([^"]+)"', q)
    q = "".join(re.sub(r"^(?=[A-Za-z0-9_])|^(?![^\x00-\x7f]|$)|\s+", " +", p) if i & 1 else p
                for i, p in enumerate(parts))
    q = re.sub(r'"|(?:^|\s+)[*+\-:^~]+(?=\s+|$)', "", q)
    terms: list[str] = []
    for part in re.split(r"\s+", q):
        terms += _transform_part(part, separator)
    terms = [t + "1" if re.search(r"[~^]$", t) else t for t in terms]
    terms = [t if re.search(r"(^[+-]|[~^]\d+$)", t) else t + "*" for t in terms]
    return " ".join(terms)


def query_terms(text: str, separator: re.Pattern[str]) -> list[str]:
    """The prefixes lunr will look up for ``text`` (its wildcard clauses that are not prohibited), lower case."""
    terms: list[str] = []
    prohibited = False
    for lx in _lex(browser_query(text, separator)):
        if lx.type == "PRESENCE":
            prohibited = lx.str == "-"
        elif lx.type == "TERM":
            term = lx.str.lower()
            if term.endswith("*") and "*" not in term[:-1] and len(term) > 1 and not prohibited:
                terms.append(term[:-1])
            prohibited = False
    return terms


def shaping_tokens(text: str) -> list[str]:
    """Each run of Chinese characters in ``text`` without its last character (runs of two or more)."""
    return [m.group(0)[:-1] for m in _HAN.finditer(text) if len(m.group(0)) > 1]


def key_tokens(text: str, separator: re.Pattern[str], mark: str = FIELDS["notedeck_key"][1]) -> dict[str, int]:
    """The marked key tokens of ``text`` with how often each is repeated (more for a shorter text)."""
    terms = [t for t in query_terms(text, separator)
             if _WORD_CHAR.match(t) and not set("<>&").intersection(t) and not separator.search(t)]
    n = sum(len(t) for t in terms)
    repeat = next(r for limit, r in _REPEAT if n <= limit)
    return {t + mark: repeat for t in terms}


# -- 3. the index entries

def compile_separator(pattern: str | None) -> re.Pattern[str]:
    """Material's separator (a JavaScript regex) for Python; its default when Python cannot read it."""
    try:
        return re.compile(pattern or DEFAULT_SEPARATOR)
    except re.error:
        return re.compile(DEFAULT_SEPARATOR)


def configure(search_plugin) -> bool:  # noqa: ANN001 - material.plugins.search.plugin.SearchPlugin
    """Declare the two fields in Material's search configuration (they end up in the index's config)."""
    cfg = getattr(search_plugin, "config", None)
    if cfg is None or not cfg.get("enabled", True):
        return False
    fields = cfg.get("fields")
    if fields is None:
        return False
    for name, (boost, _) in FIELDS.items():
        fields.setdefault(name, {"boost": boost})
    fields.setdefault(SHAPE_FIELD, {"boost": SHAPE_BOOST})
    return True


def note_sources(note: Note) -> tuple[str, list[str]]:
    """What a learner may type to find a note's page: its title; then its aliases and H1."""
    h1 = [h.text for h in note.headings if h.level == 1][:1]
    others = [s for s in dict.fromkeys((*note.aliases, *h1)) if s and s.strip() and s != note.title]
    return note.title, others


Sources = Callable[[str, str], "tuple[str, list[str]] | None"]


def annotate(entries: list[dict], sources: Sources, separator: re.Pattern[str]) -> int:
    """Add the key and shaping fields to Material's index entries (once each); returns how many got keys.

    ``sources(page_url, anchor)`` is what finds an entry (``anchor`` is ``""`` for a page): the title or heading,
    and other names (aliases), or None for "the title it is indexed with"."""
    done = 0
    for n, entry in enumerate(entries):
        if SHAPE_FIELD in entry or any(f in entry for f in FIELDS):
            continue
        page, _, anchor = str(entry.get("location", "")).partition("#")
        found = sources(page, anchor)
        if found is None:
            found = (html.unescape(str(entry.get("title", "")).replace("\u200b", "")), [])
        main, others = found
        shapes: dict[str, None] = {}
        for field, texts in ((HEADING_FIELD if anchor else KEY_FIELD, [main]), (ALIAS_FIELD, others)):
            keys: dict[str, int] = {}
            for text in texts:
                for token, repeat in key_tokens(text, separator, FIELDS[field][1]).items():
                    keys[token] = max(repeat, keys.get(token, 0))
                shapes.update(dict.fromkeys(shaping_tokens(text)))
            if keys:
                # the entry's number after the mark makes each key unique, so every key has the same idf: a
                # heading that many notes share ("定义") is found as readily as a unique one
                entry[field] = " ".join(" ".join([f"{t}{n}"] * r) for t, r in keys.items())
                done += field != ALIAS_FIELD
        if shapes:
            entry[SHAPE_FIELD] = " ".join(shapes)
    return done


def find_search_plugin(plugins) -> object | None:  # noqa: ANN001 - mkdocs PluginCollection
    """Material's search plugin among MkDocs' plugins (``search`` or ``material/search``), if enabled."""
    for name in ("material/search", "search"):
        plugin = plugins.get(name)
        if plugin is not None and hasattr(plugin, "config") and "fields" in plugin.config:
            return plugin
    return None
