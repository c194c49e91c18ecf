"""Running a note's blocks: one namespace per note, a fresh temporary working directory, and
failures reported at the ``.md`` file's own lines.

Each block is compiled with the note's path as file name and padded with blank lines, so a
traceback frame's line *is* the note's line; the note's code lines are registered in
:mod:`linecache` (blank elsewhere), so frames also show the code, even for fences inside list
items or callouts whose source lines carry ``>`` or indentation.
"""

from __future__ import annotations

import ast
import contextlib
import difflib
import doctest
import io
import linecache
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from notedeck.vault import Note

from .blocks import Block
from .sandbox import BlockTimeout, Tee, alarm, empty_dir, give_back_dir, use_agg


CO_COROUTINE = 0x0080  # inspect.CO_COROUTINE (not imported: the worker starts faster)


def _pytest_types() -> tuple[tuple[type[BaseException], ...], tuple[type[BaseException], ...], type[BaseException] | None]:
    """(pytest outcomes a block may raise — ``pytest.skip()`` / ``pytest.xfail()``; exceptions that are not
    the block's failure but pass through; ``pytest.fail``'s exception). Looked up when needed: a worker
    process does not import pytest unless a note does."""
    pytest = sys.modules.get("pytest")
    if pytest is None:
        return (), (KeyboardInterrupt,), None
    outcomes = (pytest.skip.Exception, pytest.xfail.Exception)
    return outcomes, (KeyboardInterrupt, *outcomes, pytest.exit.Exception), pytest.fail.Exception


class BlockFailure(Exception):
    """A block failed. ``str()`` is the whole report, headed ``note.md:line: …``."""

    def __init__(self, block: Block, line: int, report: str) -> None:
        super().__init__(report)
        self.block = block
        self.line = line
        self.report = report


#: Set by the worker process: the memory limit a MemoryError is reported with (MiB per note).
MEMORY_LIMIT_MB: float | None = None


def _normalize(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.rstrip().splitlines())


class _DoctestRunner(doctest.DocTestRunner):
    """A doctest runner that lets pytest outcomes (a timeout's ``Failed``) stop the block."""

    def report_unexpected_exception(self, out, test, example, exc_info):  # type: ignore[override]
        exc = exc_info[1]
        if not isinstance(exc, (Exception, SystemExit)):
            raise exc
        super().report_unexpected_exception(out, test, example, exc_info)


class NoteRun:
    """The running state of one note: its namespace and temporary working directory.

    ``done`` is how many of ``blocks`` have been dealt with (run, or skipped by a mark);
    ``failed_line`` is the fence line of the block that failed, after which nothing runs.
    """

    def __init__(self, path: Path, blocks: list[Block], display: str | None = None, line_count: int = 0) -> None:
        self.path = path.absolute()
        self.filename = str(self.path)
        self.display = display or _display(self.path)
        self.blocks = blocks
        self.line_count = line_count or max((b.fence.end_line for b in blocks), default=0)
        self.namespace: dict[str, Any] = {}
        self.tmpdir: str | None = None
        self.done = 0
        self.failed_line: int | None = None
        self.capture = False  # True (in a worker): a block's stdout/stderr go to ``captured``, not sys.stdout
        self.captured: tuple[str, str] = ("", "")
        self.save_figures = False  # True (``notedeck figures``): ``figures`` gets the PNGs of figure blocks
        self.figures: list[tuple[str, bytes]] = []
        self._loop: Any = None  # an asyncio event loop, made by the first block with a top-level await
        self.reset()

    # -- lifecycle
    def reset(self) -> None:
        self.release()
        self.namespace = {"__name__": "__main__", "__file__": self.filename, "__builtins__": __builtins__}
        self.done = 0
        self.failed_line = None
        self._register_lines()

    def release(self) -> None:
        """Drop the namespace and remove the temporary directory."""
        self.namespace = {}
        if self._loop is not None:
            with contextlib.suppress(Exception):
                self._loop.close()
            self._loop = None
        if self.tmpdir:
            give_back_dir(self.tmpdir)
            self.tmpdir = None

    def _register_lines(self) -> None:
        lines = ["\n"] * self.line_count
        for b in self.blocks:
            for k, text in enumerate(b.code.splitlines()):
                at = b.fence.code_line - 1 + k
                if at < len(lines):
                    lines[at] = text + "\n"
        try:
            st = os.stat(self.filename)
            linecache.cache[self.filename] = (st.st_size, st.st_mtime, lines, self.filename)
        except OSError:
            pass

    # -- running
    def run_until(self, index: int, before_each: Callable[[Block], Any] | None = None,
                  after_each: Callable[[Block], Any] | None = None) -> int | None:
        """Bring the namespace to just before block ``index`` (running earlier blocks that have
        not run in this process); the fence line of a failed earlier block, or None."""
        if self.done > index:
            self.reset()
        while self.done < index and self.failed_line is None:
            block = self.blocks[self.done]
            if block.runs:
                ctx = before_each(block) if before_each else None
                try:
                    self.run(block)
                except BlockFailure:  # recorded in failed_line
                    pass
                except BaseException as e:  # a pytest.skip() in the block
                    if not isinstance(e, _pytest_types()[0]):
                        raise
                finally:
                    if after_each:
                        after_each(ctx)
            self.done = block.index + 1
        return self.failed_line

    def run(self, block: Block, timeout: float | None = None) -> None:
        """Run one block in the namespace; raise :class:`BlockFailure` with a report when it fails.
        A failure (unless expected) stops the note: later blocks are not run. ``timeout``: seconds
        before :class:`BlockTimeout` is raised in the block (None: no limit)."""
        if self.tmpdir is None:
            use_agg()
            self.tmpdir = empty_dir()
        self.done = max(self.done, block.index + 1)
        self.figures = []
        try:
            with alarm(timeout):
                if block.kind == "doctest":
                    self._doctest(block)
                else:
                    self._python(block)
        except BlockFailure:
            if not block.may_fail:
                self.failed_line = block.line
            raise
        except BaseException as e:  # noqa: BLE001 - sys.exit(), timeouts: fail this block only
            if isinstance(e, _pytest_types()[1]):
                raise
            if not block.may_fail:
                self.failed_line = block.line
            raise self._failure(block, e) from None

    @contextlib.contextmanager
    def _isolated(self):
        cwd = os.getcwd()
        stdout, stderr = sys.stdout, sys.stderr
        out = err = None
        if self.capture:
            out, err = io.StringIO(), io.StringIO()
            sys.stdout, sys.stderr = out, err
        try:
            os.chdir(self.tmpdir)  # type: ignore[arg-type]
        except FileNotFoundError:  # an earlier block removed it
            os.makedirs(self.tmpdir)  # type: ignore[arg-type]
            os.chdir(self.tmpdir)  # type: ignore[arg-type]
        try:
            yield
        finally:
            if out is not None and err is not None:
                self.captured = (out.getvalue(), err.getvalue())
            sys.stdout, sys.stderr = stdout, stderr
            try:
                os.chdir(cwd)
            except OSError:
                os.chdir(os.path.expanduser("~"))

    def _python(self, block: Block) -> None:
        source = "\n" * (block.fence.code_line - 1) + block.code
        try:  # top-level ``await`` runs, as in pytest-markdown-docs and Jupyter
            code = compile(source, self.filename, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
        except SyntaxError as e:
            line = e.lineno or block.fence.code_line
            col = f":{e.offset}" if e.offset else ""
            detail = "".join(traceback.format_exception_only(type(e), e)).replace(self.filename, self.display)
            raise BlockFailure(block, line, f"{self.display}:{line}{col}: {type(e).__name__}: {e.msg}\n{detail}") from None
        with self._isolated():
            drawn = _files_state(block.figures) if block.figures else None
            tee = Tee(sys.stdout) if block.expect is not None else None
            if tee is not None:
                with contextlib.redirect_stdout(tee):
                    self._exec(code)
            else:
                self._exec(code)
            if drawn is not None:
                self._figures(block, drawn)
        if tee is not None and block.expect is not None:
            self._check_output(block, tee.getvalue())

    def _exec(self, code: Any) -> None:
        if code.co_flags & CO_COROUTINE:
            if self._loop is None:
                import asyncio

                self._loop = asyncio.new_event_loop()  # one loop per note: tasks live across its blocks
            self._loop.run_until_complete(eval(code, self.namespace))  # noqa: S307 - the note's own code
        else:
            exec(code, self.namespace)

    def _figures(self, block: Block, before: dict[str, tuple[int, int] | None]) -> None:
        """After a ``figure="…"`` block: each name is the file of that name the block wrote into its
        working directory (its own ``savefig`` options kept), else an open matplotlib figure — the
        current one for a single name, else all open figures in creation order, one per name. The
        figures taken are closed. With ``save_figures``, :attr:`figures` gets each PNG, stamped with
        the code hash (:func:`notedeck.snippets.figures.code_hash`)."""
        from .figures import code_hash, stamp

        found: dict[str, bytes | None] = {}
        for name in block.figures:
            base = name.rsplit("/", 1)[-1]
            state = _file_state(base)
            if state is not None and state != before.get(base):
                with open(base, "rb") as f:
                    found[name] = f.read() if self.save_figures else None
        missing = [n for n in block.figures if n not in found]
        if missing:
            plt = sys.modules.get("matplotlib.pyplot")
            nums = plt.get_fignums() if plt is not None else []
            where = f"{self.display}:{block.line}"
            if not nums:
                raise BlockFailure(block, block.line, f"{where}: figure=\"{missing[0]}\" but the block drew no matplotlib "
                                                      f"figure (nor wrote a file of that name)")
            if len(missing) == 1:
                figs = [plt.gcf()]
            elif len(nums) == len(missing):
                figs = [plt.figure(n) for n in nums]
            else:
                raise BlockFailure(block, block.line, f"{where}: {len(missing)} figures declared ({', '.join(missing)}) "
                                                      f"but {len(nums)} matplotlib figures are open")
            for name, fig in zip(missing, figs):
                if self.save_figures:
                    buf = io.BytesIO()
                    fig.savefig(buf, format="png")
                    found[name] = buf.getvalue()
                plt.close(fig)
        if self.save_figures:
            digest = code_hash(self.blocks, block.index)
            self.figures = [(n, stamp(found[n] or b"", digest)) for n in block.figures]

    def _check_output(self, block: Block, actual: str) -> None:
        expect = block.expect
        assert expect is not None
        if _normalize(actual) == _normalize(expect.code):
            return
        diff = difflib.unified_diff(_normalize(expect.code).splitlines(), _normalize(actual).splitlines(),
                                    f"expected (output fence at {self.display}:{expect.line})", "actual stdout",
                                    lineterm="")
        raise BlockFailure(block, expect.line, f"{self.display}:{expect.line}: stdout of the block at line {block.line} "
                                               f"does not match its output fence\n" + "\n".join(diff))

    def _failure(self, block: Block, e: BaseException) -> BlockFailure:
        frames = traceback.extract_tb(e.__traceback__)
        while frames and frames[0].filename != self.filename:
            frames.pop(0)
        while frames and frames[-1].filename != self.filename and _is_machinery(frames[-1].filename):
            frames.pop()  # pytest-timeout's signal handler and pytest.fail()
        here = [f for f in frames if f.filename == self.filename]
        line = here[-1].lineno if here and here[-1].lineno else block.fence.code_line
        failed = _pytest_types()[2]
        if failed is not None and isinstance(e, failed):
            message = str(getattr(e, "msg", e))
        elif isinstance(e, BlockTimeout):
            message = f"{e}: the block ran longer than its timeout"
        elif isinstance(e, MemoryError) and MEMORY_LIMIT_MB:
            message = ("".join(traceback.format_exception_only(type(e), e)).strip()
                       + f" (the worker's memory limit: {MEMORY_LIMIT_MB:g} MiB per note; "
                         "ini notedeck_memory / --notedeck-memory)")
        elif isinstance(e, SystemExit):
            message = f"SystemExit: {e.code!r} (sys.exit() in a block fails that block)"
        else:
            message = "".join(traceback.format_exception_only(type(e), e)).strip()
        out = [f"{self.display}:{line}: {message}", "Traceback (most recent call last):"]
        for f in frames:
            name = self.display if f.filename == self.filename else _display(Path(f.filename))
            out.append(f'  File "{name}", line {f.lineno}, in {f.name}')
            if f.line:
                out.append(f"    {f.line.strip()}")
        out.append(message)
        return BlockFailure(block, line, "\n".join(out))

    def _doctest(self, block: Block) -> None:
        name = f"{self.display}::{block.name}"
        try:
            test = doctest.DocTestParser().get_doctest(block.code, self.namespace, name, self.display,
                                                       block.fence.code_line - 1)
        except ValueError as e:
            at = block.fence.code_line
            raise BlockFailure(block, at, f"{self.display}:{at}: bad doctest: {e}") from None
        test.globs = self.namespace  # DocTest copies its globals; the note's namespace is shared
        runner = _DoctestRunner(optionflags=doctest.ELLIPSIS, verbose=False)
        out = io.StringIO()
        with self._isolated():
            runner.run(test, out=out.write, clear_globs=False)
        if runner.failures:
            report = out.getvalue()
            line = block.fence.code_line
            for ex in test.examples:  # the first example that failed (its line is in the report)
                if f"line {test.lineno + ex.lineno + 1}," in report:
                    line = test.lineno + ex.lineno + 1
                    break
            raise BlockFailure(block, line, f"{self.display}:{line}: doctest failed\n{report}")


def _is_machinery(filename: str) -> bool:
    name = Path(filename).name
    return (name == "pytest_timeout.py" or f"{os.sep}_pytest{os.sep}" in filename or filename == __file__
            or f"{os.sep}asyncio{os.sep}" in filename)


def _file_state(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def _files_state(names: tuple[str, ...]) -> dict[str, tuple[int, int] | None]:
    return {n.rsplit("/", 1)[-1]: _file_state(n.rsplit("/", 1)[-1]) for n in names}


def execute(run: NoteRun, block: Block, timeout: float | None) -> dict[str, Any]:
    """Run ``block`` and describe the outcome as plain data (what a worker sends back):
    ``status`` ``passed`` / ``failed`` (``line``, ``report``) / ``skip`` or ``xfail`` (``pytest.skip()`` /
    ``pytest.xfail()`` called in the block; ``report`` = reason), ``stdout``/``stderr`` when captured,
    ``figures`` = [(name, png bytes)] with ``save_figures``."""
    result: dict[str, Any] = {"status": "passed", "line": block.line, "report": ""}
    try:
        run.run(block, timeout)
    except BlockFailure as e:
        result.update(status="failed", line=e.line, report=e.report)
    except BaseException as e:
        outcomes = _pytest_types()[0]
        if not outcomes or not isinstance(e, outcomes):
            raise
        skip = isinstance(e, outcomes[0])
        result.update(status="skip" if skip else "xfail", report=str(getattr(e, "msg", e)))
    if run.capture:
        result["stdout"], result["stderr"] = run.captured
        run.captured = ("", "")
    if run.figures:
        result["figures"], run.figures = run.figures, []
    return result


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return str(path)


def parse_file(path: Path, rel: str | None = None) -> Note:
    """Parse one note file with the vault model (raises ValueError for unreadable files)."""
    from notedeck.vault import parse_note
    from notedeck.vault.files import read_note_text

    text, problem = read_note_text(path)
    if text is None:
        raise ValueError(str(problem))
    note, _ = parse_note(path, rel or path.name, text)
    return note


def load_note(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Run the blocks of the note at ``path`` in order (skipped blocks not run, expected failures
    tolerated, ``output`` fences checked) in a fresh temporary directory and return the namespace.

    Raises :class:`BlockFailure` (message ``note.md:line: …``) when a block fails."""
    from .blocks import blocks_of

    p = Path(path)
    note = parse_file(p)
    blocks = blocks_of(note)
    run = NoteRun(p, blocks, line_count=len(note.line_starts))
    try:
        for block in blocks:
            if not block.runs:
                continue
            try:
                run.run(block)
            except BlockFailure:
                if not block.may_fail:
                    raise
        return run.namespace
    finally:
        if run.tmpdir:
            give_back_dir(run.tmpdir)
            run.tmpdir = None
