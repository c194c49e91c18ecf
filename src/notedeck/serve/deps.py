"""Which pages of the site depend on which notes: what ``notedeck serve`` re-renders after an edit.

A page shows its own note, what it embeds (sections, blocks, whole notes; transitively), how each of its links
resolves (URL, anchor, broken or not) and its backlinks. :class:`LinkGraph` holds, for every note, how its links
resolve (with a hash of the text each embed transcludes) and the reverse edges (who links to / embeds whom).
After an edit only the edited notes and the notes linking to them are re-scanned (:meth:`LinkGraph.update`);
comparing their scans before and after gives the pages to re-render (:func:`affected`). The navigation, the tags
index and the home page are not tracked here: when what they show of a note changes (:func:`shape`), ``serve``
re-builds every page. When names change (an alias edited), every note is re-scanned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..vault import Note, Vault, media_kind

#: How one link resolves, as far as the page showing it can tell: (problem, status, target rel, anchor,
#: target private, hash of the transcluded text for a note embed).
LinkSig = tuple[str, str, "str | None", str, bool, int]


@dataclass(frozen=True)
class NoteLinks:
    """One note's links, resolved."""

    sigs: tuple[LinkSig, ...]
    lines: tuple[int, ...]  # line of each link
    targets: frozenset[str]  # notes its links reach (a broken heading still reaches the note)
    backlinked: frozenset[str]  # notes whose backlinks list this note (published, resolved, not itself)
    embeds: tuple[tuple[str, int, int, int], ...]  # (target, first line, last line of the region, line here)


def scan(vault: Vault, note: Note) -> NoteLinks:
    sigs, lines, targets, back, embeds = [], [], set(), set(), []
    for link in note.links:
        r = vault.resolve(link, note)
        t = r.note
        region = 0
        if t is not None:
            targets.add(t.rel)
            if r.ok and not t.private and not note.private and t.rel != note.rel:
                back.add(t.rel)
            if link.embed and r.ok and media_kind(link.target) == "note":
                a, b = vault.section_of(r)
                embeds.append((t.rel, a, b, link.line))
                region = hash(t.lines(a, b))
        sigs.append((r.problem, r.target.status, r.rel, r.anchor, bool(t is not None and t.private), region))
        lines.append(link.line)
    return NoteLinks(tuple(sigs), tuple(lines), frozenset(targets), frozenset(back), tuple(embeds))


@dataclass
class Delta:
    """What :meth:`LinkGraph.update` changed: each re-scanned note's scan before and after (None: absent)."""

    scans: dict[str, tuple[NoteLinks | None, NoteLinks | None]] = field(default_factory=dict)
    backlinks: set[str] = field(default_factory=set)  # notes whose backlinks list changed


@dataclass
class LinkGraph:
    notes: dict[str, NoteLinks] = field(default_factory=dict)
    linkers: dict[str, set[str]] = field(default_factory=dict)  # note → notes with a link reaching it
    embedders: dict[str, set[tuple[str, int, int, int]]] = field(default_factory=dict)  # note → (src, a, b, line)
    back: dict[str, set[str]] = field(default_factory=dict)  # note → notes its backlinks list

    @classmethod
    def of(cls, vault: Vault) -> LinkGraph:
        graph = cls()
        graph.update(vault, list(vault.notes))
        return graph

    def backlinks(self, rel: str) -> list[str]:
        """The backlinks of ``rel``'s page, as :func:`notedeck.render.site.compute_backlinks` gives them."""
        return sorted(self.back.get(rel, ()))

    def dependents(self, rels: Iterable[str]) -> set[str]:
        """Notes whose links reach one of ``rels`` (which may now resolve differently)."""
        out: set[str] = set()
        for rel in rels:
            out |= self.linkers.get(rel, set())
        return out

    def update(self, vault: Vault, rels: Iterable[str]) -> Delta:
        """Re-scan the notes ``rels`` (gone ones are dropped) and return what changed."""
        delta = Delta()
        for rel in dict.fromkeys(rels):
            old = self.notes.pop(rel, None)
            if old is not None:
                self._edges(rel, old, remove=True)
            note = vault.notes.get(rel)
            new = scan(vault, note) if note is not None else None
            if new is not None:
                self.notes[rel] = new
                self._edges(rel, new, remove=False)
            delta.scans[rel] = (old, new)
            if (old.backlinked if old else frozenset()) != (new.backlinked if new else frozenset()):
                delta.backlinks |= (old.backlinked if old else frozenset()) ^ (new.backlinked if new else frozenset())
        return delta

    def _edges(self, rel: str, links: NoteLinks, *, remove: bool) -> None:
        for t in links.targets:
            s = self.linkers.setdefault(t, set())
            s.discard(rel) if remove else s.add(rel)
        for t in links.backlinked:
            s = self.back.setdefault(t, set())
            s.discard(rel) if remove else s.add(rel)
        for t, a, b, line in links.embeds:
            e = self.embedders.setdefault(t, set())
            e.discard((rel, a, b, line)) if remove else e.add((rel, a, b, line))


def shape(note: Note | None) -> tuple | None:
    """What other pages (navigation, tags index, home page) show of a note: when this changes, every page may.
    (Aliases are not in it: they change how links resolve, which :func:`affected` follows.)"""
    if note is None:
        return None
    h1 = next((h.text for h in note.headings if h.level == 1), "") if note.stem.lower() in ("index", "readme") else ""
    return note.title, tuple(note.tag_names), note.private, note.frontmatter.get("title"), h1, "material/tags" in note.text


def affected(graph: LinkGraph, delta: Delta, edited: Iterable[str]) -> set[str]:
    """Notes whose page changes after the notes ``edited`` were re-read (``graph``: after the edit, ``delta``: its
    :meth:`~LinkGraph.update`): those notes; notes whose links resolve differently or whose embeds transclude
    different text; notes whose backlinks differ; and, transitively, the notes embedding a region of one of these
    that holds such a link."""
    edited = set(edited)
    pages = set(edited) | delta.backlinks
    changed_lines: dict[str, set[int]] = {}
    for rel, (old, new) in delta.scans.items():
        if rel in edited or old is None or new is None:
            continue
        lines = {line for line, a, b in zip(new.lines, old.sigs, new.sigs) if a != b}
        if lines:
            changed_lines[rel] = lines
    todo = list(changed_lines)
    pages |= changed_lines.keys()
    while todo:  # a changed link inside an embedded region changes the embedder at its embed's line, and so on
        rel = todo.pop()
        lines = changed_lines[rel]
        for src, a, b, line in graph.embedders.get(rel, ()):
            if src in edited or not any(a <= n <= b for n in lines):
                continue
            seen = changed_lines.setdefault(src, set())
            if line not in seen:
                seen.add(line)
                pages.add(src)
                todo.append(src)
    return {rel for rel in pages if rel in graph.notes}  # (a deleted note has no page left)
