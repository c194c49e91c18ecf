"""Isolation: a note's blocks run in a worker process, so a hard exit, a crash, a memory blow-up or a
hang inside C code fails that note's block and the run goes on.

One worker per test process (per xdist worker too): a fresh interpreter (no threads, no test state of
the parent) that imports the runner once and is reused for note after note, each note in a fresh
namespace and temporary directory; a new one is started only after a worker died or was killed. A block
is one message on a socket: the parent sends a note's plan (the blocks to run, with their timeouts) and the
worker runs them ahead, sending each block's result (the plain data of :func:`run.execute`) as it finishes,
while pytest is still reporting the earlier ones; it stops at a failing block.

- **Timeout**: the worker raises :class:`~notedeck.snippets.sandbox.BlockTimeout` inside the block after
  ``timeout`` seconds (a Python-level loop fails with its traceback); a block that does not return to
  the interpreter (``sum(range(10**11))``) is killed by the parent ``grace`` seconds later:
  ``killed after 2 s``.
- **Death**: the worker's exit is reported as ``worker died: os._exit(N)`` or the signal
  (``SIGSEGV`` …), with the Python traceback faulthandler wrote for a fatal signal.
- **Memory**: a note may allocate ``memory_mb`` MiB (default :data:`DEFAULT_MEMORY_MB`; 0 = no limit) beyond
  what its worker held when the note started (``RLIMIT_DATA``): a larger allocation raises ``MemoryError``.
  Core dumps are off in the worker.

:class:`LocalExecutor` runs blocks in this process instead (``--notedeck-isolation=off``, and
:func:`~notedeck.snippets.run.load_note`): same results, no protection.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import tempfile
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .blocks import Block
from .run import NoteRun, execute
from .sandbox import close_figures

DEFAULT_MEMORY_MB = 512
GRACE = 1.0  # seconds between the in-block timeout and killing the worker


class NoteSession:
    """One note's run, as the plugin and ``notedeck figures`` see it: which blocks are done, which failed.

    ``done`` counts the blocks dealt with; ``failed_line`` is the fence line of the block that failed
    (not expected to), after which the note runs nothing more."""

    def __init__(self, executor: Executor, path: Path, blocks: Sequence[Block], display: str | None = None,
                 line_count: int = 0) -> None:
        from .run import _display

        self.executor = executor
        self.path = Path(path).absolute()
        self.blocks = list(blocks)
        self.display = display or _display(self.path)
        self.line_count = line_count or max((b.fence.end_line for b in blocks), default=0)
        self.done = 0
        self.failed_line: int | None = None

    def execute(self, block: Block, timeout: float | None) -> dict[str, Any]:
        """Run one block (the earlier ones must have been dealt with); its result (see :func:`run.execute`)."""
        result = self.executor.run(self, block, timeout)
        self.done = max(self.done, block.index + 1)
        if result["status"] == "failed" and not block.may_fail:
            self.failed_line = block.line
        return result

    def run_until(self, index: int, timeout_of: Callable[[Block], float | None]) -> int | None:
        """Run the blocks before ``index`` that have not run yet (``-k``, ``--lf``, xdist); the fence line
        of a failed earlier block, or None."""
        if self.done > index:
            self.reset()
        while self.done < index and self.failed_line is None:
            block = self.blocks[self.done]
            if block.runs:
                self.execute(block, timeout_of(block))
            self.done = block.index + 1
        return self.failed_line

    def plan(self, blocks: Sequence[Block], timeout_of: Callable[[Block], float | None]) -> None:
        """Announce that ``blocks`` (the first blocks of the note, in order) will be asked for: a worker
        starts running them at once."""
        if self.done == 0:
            self.executor.plan(self, [(b.index, timeout_of(b)) for b in blocks if b.runs])

    def reset(self) -> None:
        self.executor.close(self)
        self.done = 0
        self.failed_line = None

    def close(self) -> None:
        self.executor.close(self)


class Executor:
    """Runs blocks of :class:`NoteSession`\\ s (in a worker process, or here)."""

    save_figures = False

    def session(self, path: Path, blocks: Sequence[Block], display: str | None = None, line_count: int = 0) -> NoteSession:
        return NoteSession(self, path, blocks, display, line_count)

    def run(self, session: NoteSession, block: Block, timeout: float | None) -> dict[str, Any]:
        raise NotImplementedError

    def plan(self, session: NoteSession, blocks: Sequence[tuple[int, float | None]]) -> None:
        """Blocks that will be asked for next, in order (an executor may start them early)."""

    def close(self, session: NoteSession) -> None:
        """Done with ``session``'s namespace and working directory."""

    def shutdown(self) -> None:
        """Stop the worker (if any)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


class LocalExecutor(Executor):
    """Blocks run in this process (no isolation)."""

    def __init__(self, save_figures: bool = False) -> None:
        self.save_figures = save_figures
        self._runs: dict[int, NoteRun] = {}

    def run(self, session: NoteSession, block: Block, timeout: float | None) -> dict[str, Any]:
        run = self._runs.get(id(session))
        if run is None:
            run = self._runs[id(session)] = NoteRun(session.path, session.blocks, session.display, session.line_count)
            run.save_figures = self.save_figures
        return execute(run, block, timeout)

    def close(self, session: NoteSession) -> None:
        run = self._runs.pop(id(session), None)
        if run is not None:
            run.release()
            close_figures()


class WorkerExecutor(Executor):
    """Blocks run in a reused worker process (see the module doc)."""

    def __init__(self, memory_mb: float = DEFAULT_MEMORY_MB, save_figures: bool = False, grace: float = GRACE) -> None:
        self.memory_mb = memory_mb
        self.save_figures = save_figures
        self.grace = grace
        self._proc: Any = None
        self._conn: Any = None
        self._crash: str | None = None
        self._current: NoteSession | None = None
        self._pending: deque[tuple[NoteSession, int, float | None]] = deque()  # planned, results not read yet
        self._since = 0.0  # when the worker began the first pending block, at the latest
        self.started = 0  # workers started (1 + those that died)

    # -- worker lifecycle
    def _start(self) -> None:
        import socket
        import subprocess
        import sys
        from multiprocessing.connection import Connection

        fd, self._crash = tempfile.mkstemp(prefix="notedeck-crash-", suffix=".txt")
        os.close(fd)
        ours, theirs = socket.socketpair()
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        env.pop("PYTHONSTARTUP", None)
        cmd = [sys.executable, "-c", "from notedeck.snippets.worker import _worker_main as m; m()",
               str(theirs.fileno()), self._crash, str(self.memory_mb)]
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, pass_fds=(theirs.fileno(),), env=env, close_fds=True)
        theirs.close()
        self._proc, self._conn, self._current = proc, Connection(ours.detach()), None
        self.started += 1

    def _stop(self, kill: bool, grace: float = 0.0) -> int | None:
        """End the worker (killed, unless it exits by itself within ``grace`` seconds); its exit code
        (negative: the signal), None if unknown."""
        proc, conn = self._proc, self._conn
        self._proc = self._conn = self._current = None
        self._pending.clear()
        if proc is None:
            return None
        if kill and grace:
            with contextlib.suppress(Exception):  # a dying worker closes its socket before it can be waited for
                proc.wait(grace)
        if kill and proc.poll() is None:
            with contextlib.suppress(OSError):
                proc.kill()
        elif not kill:
            with contextlib.suppress(OSError, ValueError):
                conn.send(("quit",))
        try:
            proc.wait(2)
        except Exception:  # noqa: BLE001 - TimeoutExpired
            with contextlib.suppress(OSError):
                proc.kill()
            with contextlib.suppress(Exception):
                proc.wait(2)
        with contextlib.suppress(OSError):
            conn.close()
        return proc.returncode

    def _crash_report(self, session: NoteSession) -> str:
        if not self._crash:
            return ""
        try:
            text = Path(self._crash).read_text(encoding="utf-8", errors="replace").strip()
            os.unlink(self._crash)
        except OSError:
            text = ""
        self._crash = None
        ours = (f"{os.sep}snippets{os.sep}run.py", f"{os.sep}snippets{os.sep}worker.py", 'File "<string>"')
        lines = [line for line in text.replace(str(session.path), session.display).splitlines()
                 if not any(o in line for o in ours) and not line.startswith("Extension modules:")]
        return "\n".join(lines).strip()

    def shutdown(self) -> None:
        self._stop(kill=bool(self._pending))  # still running ahead (-x, an interrupt): no need to wait
        if self._crash:
            with contextlib.suppress(OSError):
                os.unlink(self._crash)
            self._crash = None

    # -- running
    def plan(self, session: NoteSession, blocks: Sequence[tuple[int, float | None]]) -> None:
        """Run ahead: the worker runs these blocks of ``session`` (indices in order, with their timeouts)
        one after the other, sending each result as it finishes, while pytest reports the earlier ones;
        it stops after a block that fails (unless expected to). :meth:`run` then picks the results up.
        Plans of several notes queue up (the plugin plans the next note while the current one runs)."""
        if not blocks:
            return
        self._send_plan(session, list(blocks))
        self._pending.extend((session, i, t) for i, t in blocks)

    def _send_plan(self, session: NoteSession, plan: list[tuple[int, float | None]]) -> None:
        """One message: open the note (unless it is the worker's current one) and run ``plan``."""
        import time

        if not self._pending:
            self._since = time.monotonic()  # an idle worker starts at once
        if self._current is session:
            self._conn.send(("plan", plan))  # (an OSError here: the note's worker is gone, see run())
            return
        for attempt in (1, 2):
            if self._proc is None:
                self._start()
                self._since = time.monotonic()
            try:
                self._conn.send(("open", str(session.path), [b.to_wire() for b in session.blocks], session.display,
                                 session.line_count, self.save_figures, plan))
                self._current = session
                return
            except OSError:  # the worker died between two notes (a thread of an earlier note?): a new one
                self._stop(kill=True)
                if attempt == 2:
                    raise

    def _drop(self, session: NoteSession) -> None:
        """Forget the pending blocks of ``session`` (the worker runs no more of them)."""
        if any(e[0] is session for e in self._pending):
            self._pending = deque(e for e in self._pending if e[0] is not session)

    def run(self, session: NoteSession, block: Block, timeout: float | None) -> dict[str, Any]:
        import time

        try:
            mine = any(e[0] is session for e in self._pending)
            while mine and self._pending and (self._pending[0][0] is not session or self._pending[0][1] < block.index):
                # results nobody asked for (an earlier note left early, or a block skipped by a conftest): read, drop
                other, index, t = self._pending.popleft()
                skipped = self._receive(other, other.blocks[index], t, self._since)
                self._since = time.monotonic()
                if skipped["status"] == "failed" and not other.blocks[index].may_fail:
                    self._drop(other)
                if self._proc is None:  # it died or was killed on that block: what is pending went with it
                    break
            if self._pending and self._pending[0][0] is session and self._pending[0][1] == block.index:
                _, _, timeout = self._pending.popleft()
                result = self._receive(session, block, timeout, self._since)
            else:
                if self._pending:  # the plan was left (an item ran out of order): start afresh
                    self._stop(kill=True)
                try:
                    self._send_plan(session, [(block.index, timeout)])
                except OSError:
                    return self._died(session, block)
                result = self._receive(session, block, timeout, self._since)
            self._since = time.monotonic()
            if result["status"] == "failed" and not block.may_fail:
                self._drop(session)  # the worker runs nothing more of this note
            return result
        except BaseException:  # an interrupt of the wait: the worker's state is unknown
            self._stop(kill=True)
            raise

    def _receive(self, session: NoteSession, block: Block, timeout: float | None, since: float) -> dict[str, Any]:
        """The result of ``block``, started at ``since`` at the latest; killing the worker past its timeout."""
        import time

        conn = self._conn
        try:
            wait = None if timeout is None else max(0.0, since + timeout + self.grace - time.monotonic())
            if conn.poll(wait):
                try:
                    index, result = conn.recv()
                except (EOFError, OSError):
                    return self._died(session, block)
                assert index == block.index, (index, block.index)
                return result
            return self._killed(session, block, timeout)
        except (BrokenPipeError, ConnectionResetError, EOFError):
            return self._died(session, block)

    def _died(self, session: NoteSession, block: Block) -> dict[str, Any]:
        code = self._stop(kill=True, grace=2.0)
        crash = self._crash_report(session)
        if code is None:
            why = "worker died (exit status unknown)"
        elif code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            hint = {"SIGSEGV": " (a segmentation fault: the block crashed the interpreter, e.g. through ctypes or a C extension)",
                    "SIGABRT": " (aborted, e.g. by a C library)",
                    "SIGKILL": " (killed from outside, e.g. by the system's out-of-memory killer)"}.get(name, "")
            why = f"worker died: {name}{hint}"
        else:
            why = f"worker died: os._exit({code}) (the process running this note exited with code {code} in the block)"
        line = block.fence.code_line
        m = re.search(r'File "' + re.escape(session.display) + r'", line (\d+)', crash)
        if m:
            line = int(m.group(1))
        report = f"{session.display}:{line}: {why}; the note's later blocks are skipped, the other notes still run"
        if crash:
            report += "\n" + crash
        return {"status": "failed", "line": line, "report": report}

    def _killed(self, session: NoteSession, block: Block, timeout: float | None) -> dict[str, Any]:
        self._stop(kill=True)
        self._crash_report(session)
        line = block.fence.code_line
        return {"status": "failed", "line": line,
                "report": f"{session.display}:{line}: killed after {timeout:g} s: the block ran past its timeout and "
                          f"did not return to Python (a loop inside C code?); its worker was stopped"}

    def close(self, session: NoteSession) -> None:
        if any(e[0] is session for e in self._pending):  # still running ahead blocks nobody will ask for (-x …)
            self._stop(kill=True)
        elif self._current is session:
            self._current = None  # the worker drops the note's namespace and directory at the next "open"


# ------------------------------------------------------------------ inside the worker


def _data_bytes() -> int:
    """The process's data size (``VmData``: heap and private writable mappings), what ``RLIMIT_DATA`` limits."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _no_core_dumps() -> None:
    import resource

    with contextlib.suppress(ValueError, OSError):
        _, hard = resource.getrlimit(resource.RLIMIT_CORE)
        resource.setrlimit(resource.RLIMIT_CORE, (0, hard))


_HARD_DATA: list[int] = []  # the data limit the worker inherited (never raised above)


def _limit_memory(memory_mb: float) -> None:
    """At most ``memory_mb`` MiB of data beyond what the worker holds now, at the start of a note
    (``RLIMIT_DATA``: anonymous memory — shared libraries, and address space reserved but never made
    writable such as malloc's per-thread arenas, do not count, unlike ``RLIMIT_AS``)."""
    if not memory_mb or memory_mb <= 0:
        return
    import resource

    from . import run

    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if not _HARD_DATA:
        _HARD_DATA.append(soft)
    limit = _data_bytes() + int(memory_mb * 1024 * 1024)
    if _HARD_DATA[0] != resource.RLIM_INFINITY:
        limit = min(limit, _HARD_DATA[0])
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
        run.MEMORY_LIMIT_MB = memory_mb


def _worker_main() -> None:
    """The worker process: ``python -c … <socket fd> <crash file> <memory MiB>``."""
    import faulthandler
    import sys
    from multiprocessing.connection import Connection

    conn = Connection(int(sys.argv[1]))
    crash_path, memory_mb = sys.argv[2], float(sys.argv[3])
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is pytest's to handle: it stops this worker
    crash = open(crash_path, "w", encoding="utf-8")  # noqa: SIM115 - open for the process's life
    faulthandler.enable(crash)
    _no_core_dumps()
    note: NoteRun | None = None
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            break
        op = msg[0]
        if op == "open":  # ("open", path, blocks, display, line_count, save_figures, plan)
            if note is not None:
                note.release()
                close_figures()
            _, path, blocks, display, line_count, save, plan = msg
            note = NoteRun(Path(path), [Block.from_wire(b) for b in blocks], display, line_count)
            note.capture = True
            note.save_figures = save
            _limit_memory(memory_mb)
        elif op == "plan":  # ("plan", [(index, timeout), …])
            plan = msg[1]
        else:
            break
        assert note is not None
        for index, timeout in plan:
            block = note.blocks[index]
            result = execute(note, block, timeout)
            conn.send((index, result))
            if result["status"] == "failed" and not block.may_fail:
                break
    if note is not None:
        note.release()
