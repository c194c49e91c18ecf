"""The vault model: every note parsed once, an index over them, and their diagnostics."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .diagnostics import Diagnostic, Diagnostics
from .files import VaultFiles, discover, read_note_text
from .index import Target, VaultIndex
from .suggest import suggestion
from .note import BlockRef, Heading, Link, Note, media_kind
from .parse import parse_note


@dataclass(frozen=True)
class Resolved:
    """A link fully resolved: the file it names and the heading or block inside it."""

    link: Link
    target: Target
    heading: Heading | None = None
    block: BlockRef | None = None
    problem: Literal["", "broken-link", "broken-embed", "broken-heading", "broken-block", "outside-vault"] = ""
    message: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem

    @property
    def note(self) -> Note | None:
        return self.target.note

    @property
    def rel(self) -> str | None:
        return self.target.rel

    @property
    def anchor(self) -> str:
        """The id the site gives what the link names inside its note: the heading's anchor, ``^id`` for a block,
        ``""`` for the note itself."""
        return self.heading.anchor if self.heading else ("^" + self.block.id if self.block else "")


@contextmanager
def collector_paused(pause: bool = True) -> Iterator[None]:
    """Python's cycle collector off (with ``pause``) while a large structure is built — the vault's model, its
    cards: building leaves almost no cyclic garbage, while every collection re-walks all that was made so far (a
    third of a large vault's load time; about half of card building)."""
    was = gc.isenabled()
    if not pause:
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@dataclass
class Vault:
    root: Path
    notes: dict[str, Note] = field(default_factory=dict)  # rel → note, private ones included
    attachments: dict[str, Path] = field(default_factory=dict)
    index: VaultIndex = field(init=False)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    _resolved: dict[int, Resolved] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, root: str | Path, *, progress: bool | None = None, check: bool = True) -> Vault:
        """Discover, read and parse every note of ``root``; with ``check``, validate every link."""
        root = Path(root)
        vault = cls(root.resolve())
        if not root.is_dir():
            vault.index = VaultIndex({}, [])
            vault.diagnostics.add(str(root), 0, 0, "error", "no-vault", "vault folder does not exist")
            return vault
        files = discover(root)
        vault.diagnostics.extend(files.diagnostics)
        show = sys.stderr.isatty() if progress is None else progress
        total = len(files.notes)
        with collector_paused():
            for n, rel in enumerate(files.notes, 1):
                path = vault.root / rel
                text, problem = read_note_text(path)
                if problem:
                    vault.diagnostics.extend([problem])
                else:
                    note, diags = parse_note(path, rel, text)  # type: ignore[arg-type]
                    vault.notes[rel] = note
                    vault.diagnostics.extend(diags)
                if show and (n % 50 == 0 or n == total):
                    print(f"\rparsing notes {n}/{total}", end="\n" if n == total else "", file=sys.stderr, flush=True)
            vault.attachments = {rel: vault.root / rel for rel in files.attachments}
            vault.index = VaultIndex(vault.notes, files.attachments, files.outside)
            if check:
                vault.check()
        return vault

    # -- queries
    @property
    def published(self) -> list[Note]:
        """Notes that may appear on the site (not ``publish: false`` / ``draft: true``)."""
        return [n for n in self.notes.values() if not n.private]

    def path_of(self, rel: str) -> Path:
        return self.root / rel

    def resolve(self, link: Link, source: Note) -> Resolved:
        """Resolve ``link`` written in ``source`` (memoised per link)."""
        cached = self._resolved.get(id(link))
        if cached is not None and cached.link is link:
            return cached
        result = self._resolve(link, source)
        self._resolved[id(link)] = result
        return result

    def _resolve(self, link: Link, source: Note) -> Resolved:
        broken = "broken-embed" if link.embed else "broken-link"
        target = self.index.resolve(link.target, source, relative_first=link.kind in ("markdown", "html"))
        if target.status == "outside":
            return Resolved(link, target, problem="outside-vault", message=f"{link.raw} points outside the vault; not followed")
        if not target.found:
            what = "note or file" if media_kind(link.target) == "note" else "file"
            return Resolved(link, target, problem=broken,
                            message=f"{link.raw} matches no {what} in the vault{suggestion(self, link)}")
        note = target.note
        if note is None:
            return Resolved(link, target)
        if link.block:
            block = note.blocks.get(link.block)
            if block is None:
                return Resolved(link, target, problem="broken-block", message=f"{link.raw}: no block ^{link.block} in {note.rel}")
            return Resolved(link, target, block=block)
        if link.headings:
            heading = note.heading_by_path(link.headings)
            if heading is None:
                return Resolved(link, target, problem="broken-heading",
                                message=f"{link.raw}: no heading '{'#'.join(link.headings)}' in {note.rel}")
            return Resolved(link, target, heading=heading)
        return Resolved(link, target)

    # -- checks
    def check(self) -> None:
        """Diagnose every link and embed, embed cycles, and embeds of private notes."""
        for note in self.notes.values():
            self.diagnostics.extend(self.check_note(note, cycles=False))
        for note, link, chain in self.embed_cycles():
            self.diagnostics.extend([self._cycle_diagnostic(note, link, chain)])

    def check_note(self, note: Note, *, cycles: bool = True) -> list[Diagnostic]:
        """The link diagnostics of one note (and, with ``cycles``, its embeds that reach themselves again)."""
        found: list[Diagnostic] = []
        display = str(note.path)
        for link in note.links:
            r = self.resolve(link, note)
            if r.problem:
                # (a raw HTML URL leaving the vault may be meant for the web server: never followed, a warning)
                severity = "error" if r.problem == "outside-vault" and link.kind != "html" else "warning"
                found.append(Diagnostic(display, link.line, link.col, severity, r.problem, r.message))  # type: ignore[arg-type]
                continue
            if r.target.status == "ambiguous":
                found.append(Diagnostic(display, link.line, link.col, "warning", "ambiguous-link",
                                        f"{link.raw} matches {len(r.target.candidates)} files "
                                        f"({', '.join(r.target.candidates)}); using {r.target.rel}"))
            if not link.embed and r.note is not None and r.note.private and not note.private:
                found.append(Diagnostic(display, link.line, link.col, "warning", "private-link",
                                        f"{link.raw} links to a private note (publish: false / draft: true); "
                                        "the site shows the link's text only"))
            if link.embed and r.note is not None and r.note.private and not note.private:
                found.append(Diagnostic(display, link.line, link.col, "warning", "private-embed",
                                        f"{link.raw} embeds a private note (publish: false / draft: true); "
                                        "it is left out of the site"))
        if cycles:
            for link in self.embedded_links(note):
                chain = self._cycle_from(note, link)
                if chain:
                    found.append(self._cycle_diagnostic(note, link, chain))
        return found

    @staticmethod
    def _cycle_diagnostic(note: Note, link: Link, chain: list[str]) -> Diagnostic:
        return Diagnostic(str(note.path), link.line, link.col, "error", "embed-cycle",
                          f"{link.raw} embeds itself through {' → '.join(chain)}; not expanded")

    def refresh(self, files: VaultFiles, changed: Iterable[str]) -> list[Diagnostic]:
        """Bring the model up to date with ``files`` (a fresh :func:`discover` of the vault) after an edit, for
        ``notedeck serve``: re-read and re-parse the notes in ``changed`` (only those; one that cannot be read
        keeps its last good version), drop notes that are gone, take the new attachments. When names changed
        (a note or attachment added or removed, an alias edited) the index is rebuilt and every resolved link
        forgotten; otherwise only links into the re-read notes (their headings and blocks) are resolved again.
        Returns the diagnostics of reading and parsing the re-read notes; ``diagnostics`` is left as it was
        (:meth:`check_note` gives a note's link diagnostics)."""
        found: list[Diagnostic] = list(files.diagnostics)
        present = set(files.notes)
        changed = [rel for rel in changed if rel in present or rel in self.notes]
        old_names = self._names(changed)
        stale = {id(link) for rel in changed if rel in self.notes for link in self.notes[rel].links}
        for rel in [r for r in self.notes if r not in present]:
            del self.notes[rel]
        for rel in changed:
            if rel not in present:
                continue
            path = self.root / rel
            text, problem = read_note_text(path)
            if problem:  # (not UTF-8 yet, e.g. a file still being written: its last good version stays)
                found.append(problem)
                continue
            try:
                note, diags = parse_note(path, rel, text)  # type: ignore[arg-type]
            except Exception as e:  # a bug of ours on this text: report it, keep the last good version
                found.append(Diagnostic(str(path), 0, 0, "error", "internal-error",
                                        f"could not parse this note: {type(e).__name__}: {e}"))
                continue
            self.notes[rel] = note
            found.extend(diags)
        ordered = {rel: self.notes[rel] for rel in files.notes if rel in self.notes}  # discovery order
        self.notes.clear()
        self.notes.update(ordered)
        self.attachments = {rel: self.root / rel for rel in files.attachments}
        new_names = self._names(changed)
        if new_names != old_names or set(files.outside) != self.index.outside:
            self.index = VaultIndex(self.notes, files.attachments, files.outside)
            self._resolved.clear()
        else:  # the same names: only links into the re-read notes (their headings, blocks) may resolve otherwise
            edited = set(changed)
            self._resolved = {k: r for k, r in self._resolved.items() if k not in stale and r.target.rel not in edited}
        return found

    def _names(self, rels: list[str]) -> tuple:
        return set(self.notes), set(self.attachments), {r: tuple(self.notes[r].aliases) for r in rels if r in self.notes}

    def embedded_links(self, note: Note, start_line: int = 1, end_line: int | None = None) -> list[Link]:
        """Note embeds (not images) whose line lies within ``start_line``..``end_line``."""
        end = end_line if end_line is not None else len(note.line_starts)
        return [l for l in note.links if l.embed and start_line <= l.line <= end and media_kind(l.target) == "note"]

    def section_of(self, r: Resolved) -> tuple[int, int]:
        """Line range an embed transcludes: a heading's section, a block, or the whole note."""
        note = r.note
        assert note is not None
        if r.heading:
            return r.heading.line, r.heading.end_line
        if r.block:
            return r.block.start_line, r.block.end_line
        return 1, len(note.line_starts)

    def embed_cycles(self) -> list[tuple[Note, Link, list[str]]]:
        """Every note embed whose expansion reaches itself again."""
        found: list[tuple[Note, Link, list[str]]] = []
        for note in self.notes.values():
            for link in self.embedded_links(note):
                chain = self._cycle_from(note, link)
                if chain:
                    found.append((note, link, chain))
        return found

    def _cycle_from(self, note: Note, link: Link) -> list[str] | None:
        start = (note.rel, id(link))
        stack: list[tuple[Note, Link, list[str]]] = [(note, link, [note.rel])]
        visited: set[tuple[str, int]] = set()
        while stack:
            src, lk, chain = stack.pop()
            r = self.resolve(lk, src)
            if not r.ok or r.note is None:
                continue
            a, b = self.section_of(r)
            for inner in self.embedded_links(r.note, a, b):
                key = (r.note.rel, id(inner))
                if key == start:
                    return chain + [r.note.rel]
                if key not in visited:
                    visited.add(key)
                    stack.append((r.note, inner, chain + [r.note.rel]))
        return None
