"""Where a note's blocks run: a fresh temporary working directory per note, a timer that stops a block, matplotlib
without a window, and stdout recorded for a block's expected output."""

from __future__ import annotations

import atexit
import contextlib
import io
import os
import shutil
import signal
import sys
import tempfile
import threading
from typing import Any


class BlockTimeout(BaseException):
    """Raised inside a block by the timer when it runs past its timeout (a BaseException, so that
    ``except Exception`` in the note's code does not swallow it)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"Timeout (>{float(seconds)}s)")
        self.seconds = seconds


@contextlib.contextmanager
def alarm(seconds: float | None):
    """Raise :class:`BlockTimeout` in the main thread after ``seconds`` (SIGALRM; a no-op off the main
    thread). A loop inside C code does not see it: the worker's parent kills such a block."""
    if not seconds or seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def _ring(signum: int, frame: Any) -> None:
        raise BlockTimeout(seconds)

    old = signal.signal(signal.SIGALRM, _ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def use_agg() -> None:
    """matplotlib: Agg backend (``plt.show()`` returns at once, no window, no warning)."""
    os.environ["MPLBACKEND"] = "Agg"
    mpl = sys.modules.get("matplotlib")
    if mpl is not None and str(mpl.get_backend()).lower() != "agg":
        try:
            mpl.use("Agg", force=True)
        except Exception:  # noqa: BLE001 - a backend switch failing must not fail the note
            pass


def close_figures() -> None:
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close("all")


_SPARE_DIRS: list[str] = []


def empty_dir() -> str:
    """A fresh, empty temporary directory for one note (a spare one left empty by an earlier
    note is reused: creating and removing thousands of directories costs more than the blocks)."""
    while _SPARE_DIRS:
        path = _SPARE_DIRS.pop()
        try:
            with os.scandir(path) as it:
                if next(it, None) is None:
                    return path
        except OSError:
            continue
        shutil.rmtree(path, ignore_errors=True)
    return tempfile.mkdtemp(prefix="notedeck-")


def give_back_dir(path: str) -> None:
    """Done with a note's directory: kept as a spare when still empty, else removed."""
    try:
        with os.scandir(path) as it:
            empty = next(it, None) is None
    except OSError:
        return
    if empty and not _SPARE_DIRS:
        _SPARE_DIRS.append(path)
    else:
        shutil.rmtree(path, ignore_errors=True)


@atexit.register
def _remove_spare_dirs() -> None:
    while _SPARE_DIRS:
        shutil.rmtree(_SPARE_DIRS.pop(), ignore_errors=True)


class Tee(io.TextIOBase):
    """stdout that records what a block prints and still passes it on (pytest shows it)."""

    def __init__(self, other: Any) -> None:
        self.buffer_ = io.StringIO()
        self.other = other

    def write(self, s: str) -> int:
        self.buffer_.write(s)
        try:
            self.other.write(s)
        except Exception:  # noqa: BLE001
            pass
        return len(s)

    def flush(self) -> None:
        with contextlib.suppress(Exception):
            self.other.flush()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def getvalue(self) -> str:
        return self.buffer_.getvalue()
