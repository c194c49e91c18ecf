"""pytest plugin (entry point ``pytest11``): every runnable block of a ``.md`` file is a test item.

Item ids are ``path/to/note.md::<id>`` (``id="…"`` option) or ``::L<line>`` (opening fence line), so
``-k``, ``--lf`` and ``-n auto`` work. Blocks of one note share a namespace and a temporary working
directory (per process: the :class:`NoteFile` collector holds a :class:`~.worker.NoteSession` between its
``setup``/``teardown``). An item whose earlier blocks have not run in this process (``-k``, ``--lf``,
xdist sending blocks of a note to different workers) runs them first in its setup, each under its
own timeout, so every item's outcome is the same as in a serial run of the whole note.

Blocks run in a worker process (:mod:`notedeck.snippets.worker`; ``--notedeck-isolation=off`` runs them
in the pytest process): a hard exit, a crash, a memory blow-up or a hang in C code fails that block only.
Skip / xfail come from the block's marks as ordinary pytest markers. A ``figure="…"`` block whose image
is missing or was drawn by other code fails (:mod:`notedeck.snippets.figures`). Each block's outcome is
written to the results file (:mod:`notedeck.snippets.results`).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .blocks import Block
    from .worker import Executor, NoteSession

DEFAULT_TIMEOUT = 60.0
DEFAULT_MEMORY_MB = 512  # = worker.DEFAULT_MEMORY_MB (not imported: the plugin loads in every pytest run)
DEFAULT_RESULTS = "build/notedeck-results.json"

#: Cheap pre-filter: a note without a fence whose info string starts with a runnable language
#: has no items, so it is not parsed at all (a false positive only costs a parse).
_MAYBE_RUNNABLE = re.compile(r"(?:```|~~~)[ \t]*\{?[ \t]*\.?(?:python3?|py|pycon)(?!\w)", re.IGNORECASE)

_EXECUTOR = pytest.StashKey["Executor"]()
_FILES = pytest.StashKey[dict]()
_RESULTS = pytest.StashKey[dict]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("notedeck_timeout", "Default timeout (seconds) of each Markdown code block "
                  "(a block's timeout=\"S\" option overrides it).", default=str(DEFAULT_TIMEOUT))
    parser.addini("notedeck_isolation", "Run the notes' blocks in a worker process (on, the default) or in the "
                  "pytest process (off).", default="on")
    parser.addini("notedeck_memory", "Memory (MiB) a note may allocate in its worker, beyond what the worker "
                  "held when the note started (0: no limit).", default=str(DEFAULT_MEMORY_MB))
    parser.addini("notedeck_results", "Where the blocks' outcomes are written (relative to the rootdir; "
                  "empty: not written).", default=DEFAULT_RESULTS)
    group = parser.getgroup("notedeck", "executable notes (Markdown code blocks)")
    group.addoption("--notedeck-timeout", type=float, default=None, dest="notedeck_timeout",
                    help="Default timeout in seconds of each Markdown code block (default: ini notedeck_timeout, 60).")
    group.addoption("--notedeck-isolation", choices=("on", "off"), default=None, dest="notedeck_isolation",
                    help="Run blocks in a worker process (on, default: ini notedeck_isolation) or in pytest's (off).")
    group.addoption("--notedeck-memory", type=float, default=None, dest="notedeck_memory",
                    help=f"MiB a note may allocate in its worker (default: ini notedeck_memory, {DEFAULT_MEMORY_MB}; "
                         "0: no limit).")
    group.addoption("--notedeck-results", default=None, dest="notedeck_results",
                    help=f"Results file (default: ini notedeck_results, {DEFAULT_RESULTS}; '' to skip).")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> NoteFile | None:
    if file_path.suffix.lower() == ".md":
        return NoteFile.from_parent(parent, path=file_path)
    return None


def _number(config: pytest.Config, name: str) -> float:
    value = config.getoption(name, None)
    if value is None:
        raw = config.getini(name)
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise pytest.UsageError(f"{name} must be a number, got {raw!r}") from None
    return float(value)


def default_timeout(config: pytest.Config) -> float:
    return _number(config, "notedeck_timeout")


def executor(config: pytest.Config) -> Executor:
    """This process's executor (one worker, started at the first block)."""
    ex = config.stash.get(_EXECUTOR, None)
    if ex is None:
        from .worker import LocalExecutor, WorkerExecutor

        mode = config.getoption("notedeck_isolation", None) or str(config.getini("notedeck_isolation")).strip().lower()
        if mode in ("off", "false", "no", "0"):
            ex = LocalExecutor()
        else:
            ex = WorkerExecutor(memory_mb=_number(config, "notedeck_memory"))
        config.stash[_EXECUTOR] = ex
    return ex


def pytest_unconfigure(config: pytest.Config) -> None:
    ex = config.stash.get(_EXECUTOR, None)
    if ex is not None:
        ex.shutdown()


class NoteFile(pytest.File):
    """A Markdown note: collects one :class:`BlockItem` per runnable fence (via the vault model)."""

    session_: NoteSession | None = None
    plan_to = -1  # index of the last block of this note that this session runs (-1: not known)
    next_note: NoteFile | None = None  # the note whose items come next in this session
    _vault_rel: str | None = None

    def collect(self):
        from notedeck.vault import parse_note
        from notedeck.vault.files import read_note_text

        from .blocks import bad_options, blocks_of

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
        for line, col, message in bad_options(note, self.blocks):
            self.warn(pytest.PytestCollectionWarning(f"{self.display}:{line}:{col}: warning[bad-option]: {message}"))
        timeout = default_timeout(self.config)
        from .requires import missing, skip_reason

        for block in self.blocks:
            item = BlockItem.from_parent(self, name=block.name, block=block, timeout=block.timeout or timeout)
            gone = missing(note, block.fence)  # ``requires: [scipy]``: skipped, not failed, without scipy
            if gone:
                item.add_marker(pytest.mark.skip(reason=f"{skip_reason(gone)} ({item.location_text})"))
            yield item

    def setup(self) -> None:
        self._start_session()
        if self.next_note is not None:  # the worker starts on the next note as soon as it is done with this one
            self.next_note._start_session()

    def _start_session(self) -> None:
        if self.session_ is not None:
            return
        self.session_ = executor(self.config).session(self.path, self.blocks, self.display, self.line_count)
        if self.plan_to >= 0:  # the worker runs the note's blocks ahead while pytest reports them
            self.session_.plan(self.blocks[: self.plan_to + 1], lambda b: b.timeout or default_timeout(self.config))

    def teardown(self) -> None:
        if self.session_ is not None:
            self.session_.close()
            self.session_ = None

    def vault_files(self):  # noqa: ANN201 - figures.VaultFiles
        from .figures import VaultFiles, find_vault_root

        root = find_vault_root(self.path, self.config.rootpath)
        cache = self.config.stash.setdefault(_FILES, {})
        if root not in cache:
            cache[root] = VaultFiles(root)
        return cache[root]

    def vault_rel(self) -> str:
        """The note's path in its vault (:func:`figures.find_vault_root`), as the site names it."""
        if self._vault_rel is None:
            from .figures import find_vault_root

            root = find_vault_root(self.path, self.config.rootpath)
            try:
                self._vault_rel = Path(os.path.abspath(self.path)).relative_to(root).as_posix()
            except ValueError:
                self._vault_rel = self.path.name
        return self._vault_rel


def pytest_collection_finish(session: pytest.Session) -> None:
    """Which blocks each note will be asked for in this process (not known in an xdist worker, which
    gets its items one batch at a time)."""
    if hasattr(session.config, "workerinput"):
        return
    previous: NoteFile | None = None
    for item in session.items:
        if isinstance(item, BlockItem):
            parent: NoteFile = item.parent  # type: ignore[assignment]
            parent.plan_to = max(parent.plan_to, item.block.index)
            if previous is not None and previous is not parent and previous.next_note is None:
                previous.next_note = parent
            previous = parent


class BlockItem(pytest.Item):
    """One runnable block of a note."""

    def __init__(self, *, block: Block, timeout: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.block = block
        self.timeout = timeout
        self._data: dict[str, Any] | None = None
        for mark in block.marks:
            self.add_marker(getattr(pytest.mark, mark.name)(reason=f"{mark.reason} ({self.location_text})"))

    @property
    def location_text(self) -> str:
        return f"{self.parent.display}:{self.block.line}"  # type: ignore[attr-defined]

    @property
    def note_session(self) -> NoteSession:
        session = self.parent.session_  # type: ignore[attr-defined]
        assert session is not None
        return session

    def result_data(self) -> dict[str, Any]:
        """What the results file records of this block (besides its outcome)."""
        if self._data is None:
            from .results import block_hash

            note: NoteFile = self.parent  # type: ignore[assignment]
            self._data = {"note": note.vault_rel(), "path": note.display, "name": self.name, "line": self.block.line,
                          "hash": block_hash(self.block.code), "names": [b.name for b in note.blocks]}
        return self._data

    def _timeout_of(self, block: Block) -> float:
        return block.timeout or default_timeout(self.config)

    def setup(self) -> None:
        failed = self.note_session.run_until(self.block.index, self._timeout_of)
        if failed is not None:
            raise pytest.skip.Exception(f"block at line {failed} failed", _use_item_location=True)

    def runtest(self) -> None:
        from .run import BlockFailure

        result = self.note_session.execute(self.block, self.timeout)
        if result.get("stdout"):
            sys.stdout.write(result["stdout"])
        if result.get("stderr"):
            sys.stderr.write(result["stderr"])
        status = result["status"]
        if status == "failed":
            raise BlockFailure(self.block, result["line"], result["report"])
        if status == "skip":
            raise pytest.skip.Exception(result["report"] or "skipped in the block", _use_item_location=True)
        if status == "xfail":
            raise pytest.xfail.Exception(result["report"])
        if self.block.figures:
            self._check_figures()

    def _check_figures(self) -> None:
        from .figures import figure_states, stale_message
        from .run import BlockFailure

        note: NoteFile = self.parent  # type: ignore[assignment]
        states = figure_states(note.vault_files(), note.vault_rel(), note.blocks, self.block)
        bad = [f for f in states if f.state in ("missing", "stale")]
        if bad:
            lines = [f"{self.location_text}: stale-figure: {stale_message(f, self.block.line)}" for f in bad]
            raise BlockFailure(self.block, self.block.line, "\n".join(lines))

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


# ------------------------------------------------------------------ the results file


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # noqa: ANN201
    outcome = yield
    if not isinstance(item, BlockItem):
        return
    report = outcome.get_result()
    data = item.result_data()
    if call.excinfo is not None:
        from .run import BlockFailure

        if isinstance(call.excinfo.value, BlockFailure):
            e = call.excinfo.value
            data = dict(data, fail_line=e.line, fail_message=next((x for x in e.report.splitlines() if x.strip()), ""))
    report.user_properties = [*report.user_properties, ("notedeck", data)]


class ResultsRecorder:
    """Collects each block item's outcome from the reports (in an xdist controller too, which gets its
    workers' reports) and writes the results file when the session ends (:mod:`notedeck.snippets.results`)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.entries: dict[str, dict[str, Any]] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        data = next((v for k, v in report.user_properties if k == "notedeck"), None)
        if data is None:
            return
        from .results import outcome_of

        self.entries[report.nodeid] = outcome_of(report, data, self.entries.get(report.nodeid))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        config = self.config
        if hasattr(config, "workerinput") or not self.entries:  # an xdist worker: the controller writes
            return
        raw = config.getoption("notedeck_results", None)
        if raw is None:
            raw = str(config.getini("notedeck_results"))
        if not raw.strip():
            return
        from .results import update

        path = Path(raw)
        if not path.is_absolute():
            path = config.rootpath / path
        try:
            update(path, self.entries.values())
        except OSError as e:
            sys.stderr.write(f"notedeck: could not write the results file {path}: {e}\n")


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(ResultsRecorder(config), "notedeck-results")
