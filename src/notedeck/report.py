"""What ``notedeck build`` says about what it made: one short table at the end, progress while it works.

Each step's result is a small typed value — :class:`SiteMade` (returned by the site emitter), :class:`CardsMade`,
:class:`SnippetsMade` (made here from what the Anki and snippets emitters return and from the vault model; their
output is never parsed) — and :func:`table` lays them out with each step's time and output path::

    notedeck build: 4 steps in 3.1 s
      vault     40 notes, 9 attachments                                  0.4 s
      snippets  212 Python blocks in 33 files                            0.1 s  snippets/
      anki      350 cards (12 new, 3 changed, 335 unchanged), 9 decks    0.9 s  build/anki/数学.apkg
      site      42 pages, 1 private note left out                        1.7 s  build/site/

On a terminal (stderr is a TTY) a step that runs for more than :data:`BAR_DELAY` seconds gets a click progress
bar: a real one for the site (the MkDocs plugin counts pages through :func:`expect` and :func:`tick`), a moving
one for the others; the bar is erased when the step ends. Elsewhere (CI logs) there is no bar, only the table.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

BAR_DELAY = 1.0  # seconds a step runs before it gets a progress bar


@dataclass(frozen=True)
class VaultRead:
    notes: int
    attachments: int
    private: int

    def summary(self) -> str:
        return f"{_n(self.notes, 'note')}, {_n(self.attachments, 'attachment')}"


@dataclass(frozen=True)
class SiteMade:
    """The site emitter's result: the folder written, the pages in it, the private notes left out."""

    path: Path
    pages: int
    private: int

    def summary(self) -> str:
        left = f", {_n(self.private, 'private note')} left out" if self.private else ""
        return f"{_n(self.pages, 'page')}{left}"


@dataclass(frozen=True)
class CardsMade:
    """The deck: its cards compared with the last build's (``state.json``), and its decks."""

    path: Path | None  # None: the vault has no cards (and no package is left)
    cards: int
    new: int
    changed: int
    unchanged: int
    removed: int
    decks: int

    def summary(self) -> str:
        if not self.cards:
            return "no cards" + (f" ({self.removed} removed)" if self.removed else "")
        parts = [f"{self.new} new", f"{self.changed} changed", f"{self.unchanged} unchanged"]
        if self.removed:
            parts.append(f"{self.removed} removed")
        return f"{_n(self.cards, 'card')} ({', '.join(parts)}), {_n(self.decks, 'deck')}"


@dataclass(frozen=True)
class SnippetsMade:
    path: Path
    blocks: int
    files: int

    def summary(self) -> str:
        return f"{_n(self.blocks, 'Python block')} in {_n(self.files, 'file')}"


Made = VaultRead | SiteMade | CardsMade | SnippetsMade


@dataclass
class Step:
    name: str
    seconds: float
    made: Made | None = None
    failed: bool = False


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# -- the Anki and snippets steps' results (their emitters live in packages this module does not change)

def cards_before(out: Path) -> dict[str, str]:
    """GUID → content hash of the last build's cards (read before the Anki step runs)."""
    from .anki.state import State

    return {g: e.hash for g, e in State.load(Path(out) / "anki").cards.items()}


def cards_made(stats: Any, before: dict[str, str], vault: Any, config: Any, out: Path) -> CardsMade:
    """:class:`CardsMade` from the Anki emitter's ``WriteStats`` (or None) and the state it wrote.

    New = GUIDs the last build did not have; changed = the emitter's changed count less those; decks = the
    decks of the notes the cards come from (a flashcard tag written inside a note's text, which moves the cards
    below it to another deck, is not counted separately)."""
    from .anki.decks import deck_of
    from .anki.emit import base_deck
    from .anki.settings import load_settings
    from .anki.state import State

    if stats is None:
        return CardsMade(None, 0, 0, 0, 0, len(before), 0)
    after = State.load(Path(out) / "anki").cards
    new = len(after.keys() - before.keys())
    changed = max(0, stats.cards_changed - new)
    settings, _ = load_settings(vault.root, config.options)
    base = base_deck(config)
    decks = {deck_of(vault.notes[rel], base, settings) for e in after.values() if (rel := e.note or e.note_key) in vault.notes}
    return CardsMade(stats.path, stats.notes, new, changed, stats.notes - new - changed,
                     len(before.keys() - after.keys()), len(decks))


def snippets_made(vault: Any, config: Any, out: Path) -> SnippetsMade:
    """The blocks the snippets step extracts (those ``notedeck extract`` writes) and where."""
    from .snippets.blocks import blocks_of
    from .snippets.extract import snippets_dir

    dest = snippets_dir(config, Path(out))
    root = Path(vault.root).resolve()
    if dest.resolve() == root or root in dest.resolve().parents:  # refused (output-in-vault)
        return SnippetsMade(dest, 0, 0)
    counts = [sum(1 for b in blocks_of(n) if b.runs and not b.may_fail) for n in vault.notes.values()]
    return SnippetsMade(dest, sum(counts), sum(1 for c in counts if c))


def made_of(name: str, returned: Any, vault: Any, config: Any, out: Path, before: dict[str, str]) -> Made | None:
    """The typed result of the step ``name``: what its emitter returned, when it is one, else made from that."""
    if isinstance(returned, (SiteMade, CardsMade, SnippetsMade)):
        return returned
    if name == "anki":
        return cards_made(returned, before, vault, config, out)
    if name == "snippets":
        return snippets_made(vault, config, out)
    return None


# -- progress

class _Progress:
    def __init__(self) -> None:
        self.done = 0
        self.total: int | None = None


_current: _Progress | None = None


def expect(total: int) -> None:
    """The running step will do ``total`` units of work (the site: its pages)."""
    if _current is not None:
        _current.total = total


def tick(n: int = 1) -> None:
    """The running step finished ``n`` more units."""
    if _current is not None:
        _current.done += n


@contextmanager
def progress(label: str, enabled: bool, stream: TextIO | None = None, delay: float | None = None) -> Iterator[None]:
    """Run a step; when ``enabled`` and it takes longer than ``delay`` seconds (:data:`BAR_DELAY`), show a click
    progress bar on ``stream`` (stderr) until it ends."""
    global _current
    delay = BAR_DELAY if delay is None else delay
    state = _current = _Progress()
    stop = threading.Event()
    thread = None
    if enabled:
        thread = threading.Thread(target=_bar, args=(label, state, stop, stream or sys.stderr, delay), daemon=True)
        thread.start()
    try:
        yield
    finally:
        stop.set()
        if thread is not None:
            thread.join()
        _current = None


def _bar(label: str, state: _Progress, stop: threading.Event, stream: TextIO, delay: float) -> None:
    import click

    if stop.wait(delay):
        return
    length = state.total
    bar = click.progressbar(length=length, label=label, file=stream) if length else \
        click.progressbar((x for x in ()), label=label, file=stream)  # an unknown length: a moving mark
    bar.render_progress()
    shown = 0
    try:
        while not stop.wait(0.1):
            if bar.length is None and state.total:
                bar.length = state.total
            step = max(state.done - shown, 1 if bar.length is None else 0)
            shown += step
            bar.update(step)
    finally:
        stream.write("\r\x1b[2K\x1b[?25h")  # erase the bar (and show the cursor again): the table follows
        stream.flush()


@contextmanager
def timed() -> Iterator[Callable[[], float]]:
    start = time.perf_counter()
    yield lambda: time.perf_counter() - start


# -- the table

def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, width: int) -> str:
    return s + " " * max(0, width - _width(s))


def shown_path(path: Path | None, cwd: Path | None = None) -> str:
    """``path`` relative to the working folder when inside it (folders end with ``/``)."""
    if path is None:
        return ""
    path = Path(path)
    cwd = cwd or Path.cwd()
    try:
        text = path.resolve().relative_to(cwd.resolve()).as_posix()
    except ValueError:
        text = str(path)
    return text + ("/" if path.is_dir() and not text.endswith("/") else "")


def table(steps: list[Step], seconds: float, cwd: Path | None = None) -> str:
    """The build's summary: one line per step (what it made, its time, its output)."""
    rows = []
    for s in steps:
        made = "failed (see the internal-error above)" if s.failed else s.made.summary() if s.made else "—"
        path = shown_path(getattr(s.made, "path", None), cwd) if s.made is not None else ""
        rows.append((s.name, made, f"{s.seconds:.1f} s", path))
    widths = [max((_width(r[i]) for r in rows), default=0) for i in range(3)]
    lines = [f"notedeck build: {_n(len(steps), 'step')} in {seconds:.1f} s"]
    for name, made, secs, path in rows:
        line = f"  {_pad(name, widths[0])}  {_pad(made, widths[1])}  {secs.rjust(widths[2])}"
        lines.append((line + "  " + path) if path else line)
    return "\n".join(lines)


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):
        return False


@dataclass
class Report:
    """The steps of one build, in order."""

    steps: list[Step] = field(default_factory=list)

    def add(self, name: str, seconds: float, made: Made | None = None, failed: bool = False) -> Step:
        step = Step(name, seconds, made, failed)
        self.steps.append(step)
        return step
