""""Did you mean …?" for a link that matches nothing: the closest note names, aliases and attachment names.

Similarity is :class:`difflib.SequenceMatcher` over characters, case-folded: it works the same for Chinese,
where a word is a few characters and one wrong character (``中心级限定理`` for ``中心极限定理``) is the usual typo,
as for English. A name must be similar enough (ratio ≥ 0.6, or one differing character in a short name) to be
offered; at most three are.
"""

from __future__ import annotations

import difflib
import posixpath
import unicodedata
from collections.abc import Iterable

CUTOFF = 0.6
MAX_SUGGESTIONS = 3


def _key(s: str) -> str:
    return unicodedata.normalize("NFC", s).casefold()


def closest(wanted: str, names: Iterable[str], n: int = MAX_SUGGESTIONS, cutoff: float = CUTOFF) -> list[str]:
    """The names closest to ``wanted``, best first (case-insensitive; the names as written)."""
    key = _key(wanted.strip())
    if not key:
        return []
    by_key: dict[str, str] = {}
    for name in names:
        by_key.setdefault(_key(name), name)
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(key)
    scored: list[tuple[float, str]] = []
    for k, name in by_key.items():
        if k == key:
            continue
        matcher.set_seq1(k)
        if matcher.real_quick_ratio() < cutoff or matcher.quick_ratio() < cutoff:
            continue
        ratio = matcher.ratio()
        if ratio >= cutoff:
            scored.append((ratio, name))
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [name for _, name in scored[:n]]


def link_names(notes: Iterable[str], attachments: Iterable[str], aliases: Iterable[str] = (),
               media: bool = False) -> list[str]:
    """What a link may name: note names (paths without ``.md``, file name only) and aliases; for an embed of a
    file (``media``), attachment file names with their extension."""
    if media:
        return [posixpath.basename(rel) for rel in attachments]
    return [posixpath.basename(rel)[:-3] for rel in notes] + list(aliases)


def did_you_mean(target: str, candidates: list[str], embed: bool = False) -> str:
    """`` — did you mean [[a]] or [[b]]?`` ("" when none)."""
    if not candidates:
        return ""
    bang = "!" if embed else ""
    shown = [f"{bang}[[{c}]]" for c in candidates]
    text = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]
    return f"; did you mean {text}?"


_NAMES: dict[int, tuple[object, list[str], list[str]]] = {}  # id(vault index) → (index, note names, files)


def suggestion(vault, link) -> str:  # noqa: ANN001 - Vault, Link (imported lazily: vault.py imports this module)
    """The "did you mean" tail of a ``broken-link``/``broken-embed`` message for ``link`` ("" when nothing is
    close)."""
    from .note import media_kind

    index = vault.index
    cached = _NAMES.get(id(index))
    if cached is None or cached[0] is not index:
        published = [rel for rel, n in vault.notes.items() if not n.private]
        aliases = [a for rel in published for a in vault.notes[rel].aliases]
        cached = (index, link_names(published, (), aliases), link_names((), vault.attachments, media=True))
        _NAMES.clear()  # one vault at a time is enough
        _NAMES[id(index)] = cached
    media = media_kind(link.target) != "note"
    wanted = posixpath.basename(link.target.rstrip("/"))
    return did_you_mean(wanted, closest(wanted, cached[2] if media else cached[1]), link.embed)
