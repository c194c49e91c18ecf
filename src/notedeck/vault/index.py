"""Link resolution as Obsidian does it, from dictionaries built once (O(1) per lookup)."""

from __future__ import annotations

import posixpath
import unicodedata
from dataclasses import dataclass
from typing import Literal

from .note import Note, media_kind

Status = Literal["ok", "missing", "ambiguous", "outside"]


@dataclass(frozen=True)
class Target:
    """What a link target names: a note (``note`` set) or an attachment (``rel`` only)."""

    status: Status
    rel: str | None = None
    note: Note | None = None
    candidates: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return self.status in ("ok", "ambiguous")


def _key(s: str) -> str:
    """Lookup key: case-insensitive, and composed (NFC), so a file name stored decomposed (macOS, iCloud,
    Syncthing) matches the name typed in a link."""
    return unicodedata.normalize("NFC", s).casefold()


class VaultIndex:
    """Name, path-suffix and alias lookups over every note and attachment of a vault."""

    def __init__(self, notes: dict[str, Note], attachments: list[str], outside: list[str] = ()) -> None:
        self.notes = notes
        self.attachments = set(attachments)
        self.outside = set(outside)  # symlinks leaving the vault, as given
        self._by_name: dict[str, list[str]] = {}  # note stem / attachment file name → rels
        self._by_suffix: dict[str, list[str]] = {}  # "a/b" (no .md) and "a/b.png" suffixes → rels
        self._by_alias: dict[str, list[str]] = {}
        self._outside = {_key(p) for p in outside} | {_key(p.rsplit("/", 1)[-1]) for p in outside}
        self._outside |= {k[:-3] for k in list(self._outside) if k.endswith(".md")}
        for rel, note in notes.items():
            self._add(rel, rel[:-3])
            for alias in note.aliases:
                self._by_alias.setdefault(_key(alias), []).append(rel)
        for rel in attachments:
            self._add(rel, rel)

    def _add(self, rel: str, key_path: str) -> None:
        parts = key_path.split("/")
        self._by_name.setdefault(_key(parts[-1]), []).append(rel)
        for k in range(len(parts) - 1):
            self._by_suffix.setdefault(_key("/".join(parts[k:])), []).append(rel)

    # -- lookups
    def by_path(self, rel: str) -> Target:
        """Exact vault-relative path (``.md`` optional), case-insensitive."""
        for cand in (rel, rel + ".md"):
            if cand in self.notes:
                return Target("ok", cand, self.notes[cand])
            if cand in self.attachments:
                return Target("ok", cand)
        hits = self._by_suffix.get(_key(rel[:-3] if rel.lower().endswith(".md") else rel), [])
        exact = [h for h in hits if _key(h) in (_key(rel), _key(rel + ".md"))]
        if exact:
            return self._target(exact[0])
        return Target("missing")

    def resolve(self, target: str, source: Note | None = None, *, relative_first: bool = False) -> Target:
        """Resolve ``target`` (a wikilink target or a decoded Markdown link path) from ``source``."""
        t = target.strip().replace("\\", "/")
        if not t:
            return Target("ok", source.rel, source) if source else Target("missing")
        folder = source.folder if source else ""
        if t.startswith("/") or t.startswith("./") or t.startswith("../") or "/../" in t or relative_first:
            base = "" if t.startswith("/") else folder
            joined = posixpath.normpath(posixpath.join(base, t.lstrip("/")))
            if joined == ".." or joined.startswith("../"):
                return Target("outside")
            hit = self.by_path(joined)
            if hit.found or not relative_first:
                if not hit.found and _key(joined) in self._outside:
                    return Target("outside")
                return hit
        key = _key(t[:-3] if t.lower().endswith(".md") else t)
        if "/" in t:
            rels = self._by_suffix.get(key) or self._by_suffix.get(_key(t), [])
            if len(rels) > 1:  # as Obsidian: the exact vault path, else the path from the note's folder
                for base in ("", folder):
                    hit = self.by_path(posixpath.join(base, t))
                    if hit.found:
                        return hit
        else:
            rels = self._by_name.get(key, [])
            if not rels and key != _key(t):
                rels = self._by_name.get(_key(t), [])
            if media_kind(t) == "note":
                rels = [r for r in rels if r in self.notes] or rels
        if not rels:
            rels = self._by_alias.get(_key(t), [])
        if not rels:
            if key in self._outside or _key(t) in self._outside:
                return Target("outside")
            return Target("missing")
        if len(rels) == 1:
            return self._target(rels[0])
        return self._choose(rels, folder)

    def _target(self, rel: str, status: Status = "ok", candidates: tuple[str, ...] = ()) -> Target:
        return Target(status, rel, self.notes.get(rel), candidates)

    def _choose(self, rels: list[str], folder: str) -> Target:
        """Several files share the name: same folder as the linking note, else the shortest path."""
        uniq = sorted(set(rels), key=lambda r: (r.count("/"), len(r), r))
        if len(uniq) == 1:
            return self._target(uniq[0])
        same = [r for r in uniq if (r.rsplit("/", 1)[0] if "/" in r else "") == folder]
        best = same[0] if same else uniq[0]
        return self._target(best, "ambiguous", tuple(uniq))
