"""The Obsidian Spaced Repetition plugin's (OSR's) settings, as the plugin itself reads them.

``.obsidian/plugins/obsidian-spaced-repetition/data.json`` holds ``{"settings": {...}}``; OSR fills a missing
``clozePatterns`` from its three ``convert…ToClozes`` flags, then lays the file's values over its defaults.
notedeck does the same, then applies ``mkdocs.yml``'s plugin options on top: ``osr:`` (a mapping with OSR's
own key names) and ``cloze_highlights: false``. A malformed file is a warning and the defaults apply.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..vault import Diagnostic

DATA_JSON = Path(".obsidian/plugins/obsidian-spaced-repetition/data.json")

#: OSR 1.15's defaults for the settings that decide which cards a note makes.
OSR_DEFAULTS: dict[str, Any] = {
    "flashcardTags": ["#flashcards"],
    "convertFoldersToDecks": False,
    "convertHighlightsToClozes": True,
    "convertBoldTextToClozes": False,
    "convertCurlyBracketsToClozes": False,
    "clozePatterns": ["==[123;;]answer[;;hint]=="],
    "singleLineCardSeparator": "::",
    "singleLineReversedCardSeparator": ":::",
    "multilineCardSeparator": "?",
    "multilineReversedCardSeparator": "??",
    "multilineCardEndMarker": "",
}

_STRINGS = ("singleLineCardSeparator", "singleLineReversedCardSeparator", "multilineCardSeparator",
            "multilineReversedCardSeparator", "multilineCardEndMarker")


@dataclass(frozen=True, slots=True)
class ClozeStyle:
    """One cloze pattern: its delimiters (``==``, ``**``, ``{{``) and the separator of its optional number
    prefix and hint suffix (``;;`` in ``==[123;;]answer[;;hint]==``, ``::`` in ``{{[123::]answer[::hint]}}``;
    "" when the pattern has none). ``footnote``: ``==answer==[^\\[hint\\]]``, the hint in an inline footnote."""

    kind: str  # "highlight" | "bold" | "curly"
    sep: str = ""
    footnote: bool = False


@dataclass(frozen=True, slots=True)
class CardSettings:
    tags: tuple[str, ...] = ("flashcards",)  # lower case, without ``#``
    folders_to_decks: bool = False
    sep: str = "::"
    sep_rev: str = ":::"
    ml: str = "?"
    ml_rev: str = "??"
    end_marker: str = ""
    highlight: ClozeStyle | None = ClozeStyle("highlight", ";;")
    bold: ClozeStyle | None = None
    curly: ClozeStyle | None = None
    from_file: bool = False  # a data.json was read
    #: the one-line separators in use, longest first (OSR tries the longest first)
    inline_seps: tuple[str, ...] = field(default=(), init=False, compare=False)
    mark_len: int = field(default=2, init=False, compare=False, repr=False)  # longest multi-line separator
    _needles: tuple[str, ...] = field(default=(), init=False, compare=False, repr=False)
    _cloze_needles: tuple[str, ...] = field(default=(), init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        seps = tuple(sorted((s for s in (self.sep, self.sep_rev) if s), key=len, reverse=True))
        cloze = ("{{c", *(["=="] if self.highlight else []), *(["**"] if self.bold else []),
                 *(["{{"] if self.curly else []))
        object.__setattr__(self, "inline_seps", seps)
        object.__setattr__(self, "mark_len", max(len(self.ml), len(self.ml_rev)))
        object.__setattr__(self, "_cloze_needles", cloze)
        shortest = sorted({*seps, *(m for m in (self.ml, self.ml_rev) if m), *cloze}, key=len)
        kept = {n for k, n in enumerate(shortest) if not any(m in n for m in shortest[:k])}  # "::" covers ":::"
        order = [*reversed(seps), *(m for m in (self.ml, self.ml_rev) if m), *cloze]  # separators first: the usual hit
        needles = list(dict.fromkeys(n for n in order if n in kept))
        object.__setattr__(self, "_needles", tuple(needles))

    def reversed_sep(self, s: str) -> bool:
        return s == self.sep_rev

    def question_mark(self, line: str) -> str | None:
        """``"basic"`` / ``"reversed"`` when ``line`` (stripped) is a multi-line separator."""
        s = line.strip()
        if not s:
            return None
        if s == self.ml_rev:
            return "reversed"
        if s == self.ml:
            return "basic"
        return None

    def may_hold_card(self, source: str) -> bool:
        """A cheap look at a paragraph's source: may it hold any card (one-line, multi-line or cloze)?"""
        for n in self._needles:
            if n in source:
                return True
        return False

    def may_hold_cloze(self, source: str) -> bool:
        """The one check for "may this text hold a cloze?" (Anki's ``{{c1::`` is always one)."""
        for n in self._cloze_needles:
            if n in source:
                return True
        return False


DEFAULT = CardSettings()

_PATTERN = re.compile(r"^(==|\*\*|\{\{)(\[123(?P<nsep>[^\]]*)\])?answer(\[(?P<hsep>[^\]]*?)hint\])?(==|\*\*|\}\})(?P<rest>.*)$")


def cloze_style(pattern: str) -> ClozeStyle | None:
    """The cloze style of one of OSR's patterns (None: a pattern notedeck does not know)."""
    m = _PATTERN.match(pattern.strip())
    if m is None:
        return None
    kind = {"==": "highlight", "**": "bold", "{{": "curly"}[m.group(1)]
    rest = m.group("rest")
    sep = m.group("nsep") or m.group("hsep") or ""
    if rest and "hint" in rest and kind == "highlight":  # ``==answer==[^\[hint\]][\[^123\]]``
        return ClozeStyle(kind, "", footnote=True)
    if rest:
        return None
    return ClozeStyle(kind, sep)


def _read(root: Path) -> tuple[dict[str, Any], list[Diagnostic]]:
    path = root / DATA_JSON
    if not path.is_file():
        return {}, []
    where = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        return {}, [Diagnostic(where, 1, 1, "warning", "bad-osr-settings",
                               f"cannot read the Spaced Repetition plugin's settings ({e}); its defaults apply")]
    settings = data.get("settings", data) if isinstance(data, dict) else None
    if not isinstance(settings, dict):
        return {}, [Diagnostic(where, 1, 1, "warning", "bad-osr-settings",
                               "the Spaced Repetition plugin's settings are not an object; its defaults apply")]
    return settings, []


def merge(file_settings: dict[str, Any]) -> dict[str, Any]:
    """OSR's own order: a missing ``clozePatterns`` comes from the file's flags, then defaults fill the rest."""
    loaded = dict(file_settings)
    if loaded.get("clozePatterns") is None and any(k.startswith("convert") and k.endswith("ToClozes") for k in loaded):
        flags = {**OSR_DEFAULTS, **loaded}
        patterns = []
        if flags.get("convertHighlightsToClozes"):
            patterns.append("==[123;;]answer[;;hint]==")
        if flags.get("convertBoldTextToClozes"):
            patterns.append("**[123;;]answer[;;hint]**")
        if flags.get("convertCurlyBracketsToClozes"):
            patterns.append("{{[123;;]answer[;;hint]}}")
        loaded["clozePatterns"] = patterns
    return {**OSR_DEFAULTS, **{k: v for k, v in loaded.items() if v is not None}}


def from_osr(values: dict[str, Any], from_file: bool = False, where: str = "") -> tuple[CardSettings, list[Diagnostic]]:
    """CardSettings from OSR-named values (already merged with the defaults)."""
    problems: list[Diagnostic] = []

    def warn(message: str) -> None:
        problems.append(Diagnostic(where or str(DATA_JSON), 1, 1, "warning", "bad-osr-settings", message))

    strings: dict[str, str] = {}
    for key in _STRINGS:
        v = values.get(key, OSR_DEFAULTS[key])
        if not isinstance(v, str):
            warn(f"{key} should be a string; OSR's default {OSR_DEFAULTS[key]!r} applies")
            v = OSR_DEFAULTS[key]
        strings[key] = v if v.strip() else ""  # empty or blank: that kind of card is off
    tags_v = values.get("flashcardTags", OSR_DEFAULTS["flashcardTags"])
    if isinstance(tags_v, str):
        tags_v = tags_v.split()
    if not isinstance(tags_v, list):
        warn("flashcardTags should be a list of tags; OSR's default applies")
        tags_v = OSR_DEFAULTS["flashcardTags"]
    tags = tuple(str(t).strip().lstrip("#").casefold() for t in tags_v if str(t).strip().lstrip("#"))
    patterns = values.get("clozePatterns", OSR_DEFAULTS["clozePatterns"])
    if not isinstance(patterns, list):
        warn("clozePatterns should be a list; OSR's default applies")
        patterns = OSR_DEFAULTS["clozePatterns"]
    styles: dict[str, ClozeStyle] = {}
    for p in patterns:
        style = cloze_style(str(p))
        if style is None:
            warn(f"cloze pattern {p!r} is not one notedeck knows (==…==, **…**, {{{{…}}}} with [123;;] and "
                 f"[;;hint] parts); ignored")
        else:
            styles.setdefault(style.kind, style)
    return CardSettings(tags=tags, folders_to_decks=bool(values.get("convertFoldersToDecks")),
                        sep=strings["singleLineCardSeparator"], sep_rev=strings["singleLineReversedCardSeparator"],
                        ml=strings["multilineCardSeparator"], ml_rev=strings["multilineReversedCardSeparator"],
                        end_marker=strings["multilineCardEndMarker"].strip(), highlight=styles.get("highlight"),
                        bold=styles.get("bold"), curly=styles.get("curly"), from_file=from_file), problems


def load_settings(root: Path | None, options: dict[str, Any] | None = None) -> tuple[CardSettings, list[Diagnostic]]:
    """The vault's card settings: OSR's defaults < its ``data.json`` < the plugin options of ``mkdocs.yml``."""
    options = options or {}
    file_settings, problems = _read(Path(root)) if root is not None else ({}, [])
    overrides = options.get("osr")
    values = merge(file_settings)
    if isinstance(overrides, dict):
        values = merge({**file_settings, **overrides})
    if options.get("cloze_highlights", True) is False:
        values["clozePatterns"] = [p for p in values.get("clozePatterns") or [] if not str(p).startswith("==")]
    if not file_settings and not isinstance(overrides, dict) and not problems and \
            options.get("cloze_highlights", True) is not False:
        return DEFAULT, []
    where = str(Path(root) / DATA_JSON) if root is not None else ""
    settings, more = from_osr(values, from_file=bool(file_settings), where=where)
    return settings, problems + more
