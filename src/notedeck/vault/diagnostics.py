"""The one diagnostic type every command reports, printed compiler-style."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from collections.abc import Iterable

Severity = Literal["error", "warning", "info"]
_RANK = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, order=True)
class Diagnostic:
    """A problem at ``path:line:col`` (1-based; line/col 0 = whole file)."""

    path: str
    line: int
    col: int
    severity: Severity
    code: str
    message: str

    def __str__(self) -> str:
        message = " ".join(self.message.split()) if "\n" in self.message or "\r" in self.message else self.message
        return f"{display_path(self.path)}:{self.line}:{self.col}: {self.severity}[{self.code}]: {message}"


def display_path(path: str | os.PathLike[str]) -> str:
    """``path`` relative to the working directory when it lies below it."""
    absolute = os.path.abspath(path)  # not resolve(): a symlink is reported where it sits
    try:
        return Path(absolute).relative_to(os.getcwd()).as_posix()
    except ValueError:
        try:
            return Path(absolute).relative_to(Path.cwd().resolve()).as_posix()
        except ValueError:
            return str(path)


@dataclass
class Diagnostics:
    """An ordered, de-duplicated collection of diagnostics."""

    items: list[Diagnostic] = field(default_factory=list)
    _seen: set[Diagnostic] = field(default_factory=set, repr=False)

    def add(self, path: str | os.PathLike[str], line: int, col: int, severity: Severity, code: str, message: str) -> Diagnostic:
        d = Diagnostic(str(path), line, col, severity, code, message)
        if d not in self._seen:
            self._seen.add(d)
            self.items.append(d)
        return d

    def extend(self, ds: Iterable[Diagnostic]) -> None:
        for d in ds:
            if d not in self._seen:
                self._seen.add(d)
                self.items.append(d)

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=lambda d: (d.path, d.line, d.col, _RANK[d.severity], d.code))

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.items if d.severity == severity)

    def failed(self, strict: bool = False) -> bool:
        """True when the run must exit non-zero: errors, or warnings under ``--strict``."""
        return any(d.severity == "error" or (strict and d.severity == "warning") for d in self.items)

    def summary(self) -> str:
        e, w = self.count("error"), self.count("warning")
        return f"{e} error{'s' * (e != 1)}, {w} warning{'s' * (w != 1)}"
