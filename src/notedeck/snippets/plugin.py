"""pytest plugin (entry point ``pytest11``): every runnable block of a ``.md`` file is a test item.

Item ids are ``path/to/note.md::<id>`` (``id="…"`` option) or ``::L<line>`` (opening fence line), so
``-k``, ``--lf`` and ``-n auto`` work. Blocks of one note share a namespace and a temporary working
directory (per process: the :class:`NoteFile` collector holds a :class:`NoteRun` between its
``setup``/``teardown``). An item whose earlier blocks have not run in this process (``-k``, ``--lf``,
xdist sending blocks of a note to different workers) runs them first in its setup, each under its
own timeout, so every item's outcome is the same as in a serial run of the whole note.

Skip / xfail come from the block's marks as ordinary pytest markers; timeouts are pytest-timeout
markers (``signal`` method: a hanging block fails and the session goes on).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .blocks import Block
    from .run import NoteRun

DEFAULT_TIMEOUT = 60.0

#: Cheap pre-filter: a note without a fence whose info string starts with a runnable language
#: has no items, so it is not parsed at all (a false positive only costs a parse).
_MAYBE_RUNNABLE = re.compile(r"(?:```|~~~)[ \t]*\{?[ \t]*\.?(?:python3?|py|pycon)(?!\w)", re.IGNORECASE)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("notedeck_timeout", "Default timeout (seconds) of each Markdown code block "
                  "(a block's timeout=\"S\" option overrides it).", default=str(DEFAULT_TIMEOUT))
    group = parser.getgroup("notedeck", "executable notes (Markdown code blocks)")
    group.addoption("--notedeck-timeout", type=float, default=None, dest="notedeck_timeout",
                    help="Default timeout in seconds of each Markdown code block (default: ini notedeck_timeout, 60).")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> NoteFile | None:
    if file_path.suffix.lower() == ".md":
        return NoteFile.from_parent(parent, path=file_path)
    return None


def default_timeout(config: pytest.Config) -> float:
    value = config.getoption("notedeck_timeout", None)
    if value is None:
        raw = config.getini("notedeck_timeout")
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise pytest.UsageError(f"notedeck_timeout must be a number of seconds, got {raw!r}") from None
    return float(value)


class NoteFile(pytest.File):
    """A Markdown note: collects one :class:`BlockItem` per runnable fence (via the vault model)."""

    run: NoteRun | None = None

    def collect(self):
        from notedeck.vault import parse_note
        from notedeck.vault.files import read_note_text

        from .blocks import blocks_of

        text, problem = read_note_text(self.path)
        if text is None:  # not UTF-8, binary …: a diagnostic, not a collection error that stops the session
            self.warn(pytest.PytestCollectionWarning(f"{problem}; no code blocks collected"))
            return
        if not _MAYBE_RUNNABLE.search(text):
            return
        note, _ = parse_note(self.path, self.path.name, text, blocks_only=True)  # code is all it needs
        self.blocks = blocks_of(note)
        self.line_count = len(note.line_starts)
        self.display = self.nodeid.split("::", 1)[0] or self.path.name
        timeout = default_timeout(self.config)
        for block in self.blocks:
            yield BlockItem.from_parent(self, name=block.name, block=block, timeout=block.timeout or timeout)

    def setup(self) -> None:
        from .run import NoteRun

        self.run = NoteRun(self.path, self.blocks, self.display, self.line_count)

    def teardown(self) -> None:
        from .run import close_figures

        if self.run is not None:
            self.run.release()
            self.run = None
        close_figures()


class BlockItem(pytest.Item):
    """One runnable block of a note."""

    def __init__(self, *, block: Block, timeout: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.block = block
        self.timeout = timeout
        for mark in block.marks:
            self.add_marker(getattr(pytest.mark, mark.name)(reason=f"{mark.reason} ({self.location_text})"))
        if self.config.pluginmanager.has_plugin("timeout"):  # pytest-timeout (a dependency) unless -p no:timeout
            self.add_marker(pytest.mark.timeout(timeout, method="signal", func_only=True))

    @property
    def location_text(self) -> str:
        return f"{self.parent.display}:{self.block.line}"  # type: ignore[attr-defined]

    @property
    def note_run(self) -> NoteRun:
        run = self.parent.run  # type: ignore[attr-defined]
        assert run is not None
        return run

    def setup(self) -> None:
        failed = self.note_run.run_until(self.block.index, self._start_timer, self._stop_timer)
        if failed is not None:
            raise pytest.skip.Exception(f"block at line {failed} failed", _use_item_location=True)

    def runtest(self) -> None:
        self.note_run.run(self.block)

    # Earlier blocks replayed in setup get pytest-timeout's timer too (same settings as their items).
    def _start_timer(self, block: Block) -> bool:
        pm = self.config.pluginmanager
        if not pm.has_plugin("timeout"):
            return False
        from pytest_timeout import Settings

        seconds = block.timeout or default_timeout(self.config)
        pm.hook.pytest_timeout_set_timer(item=self, settings=Settings(seconds, "signal", True, False))
        return True

    def _stop_timer(self, started: bool) -> None:
        if started:
            self.config.pluginmanager.hook.pytest_timeout_cancel_timer(item=self)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        from .run import BlockFailure

        if isinstance(excinfo.value, BlockFailure):
            return excinfo.value.report
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        label = self.location_text
        if self.name != f"L{self.block.line}":
            label += f" [{self.name}]"
        return self.path, self.block.line - 1, label
