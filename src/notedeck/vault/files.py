"""Finding a vault's notes and attachments, and reading them safely."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostic

#: Folders Obsidian itself never shows; every other dot-folder is skipped too.
SKIP_DIRS = frozenset({".obsidian", ".trash", ".git", "node_modules", "__pycache__"})


@dataclass
class VaultFiles:
    root: Path
    notes: list[str] = field(default_factory=list)  # vault-relative POSIX paths of ``.md`` files
    attachments: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)  # symlinks that leave the vault (never read)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def discover(root: Path) -> VaultFiles:
    """Walk ``root`` once. Symlinks are followed only when they stay inside the vault."""
    root = root.resolve()
    found = VaultFiles(root)
    seen_dirs: set[Path] = set()

    def walk(directory: Path, rel_dir: str) -> None:
        real = directory.resolve()
        if real in seen_dirs:
            return
        seen_dirs.add(real)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            name = entry.name
            if name.startswith(".") or name in SKIP_DIRS:
                continue
            rel = f"{rel_dir}{name}"
            path = Path(entry.path)
            if entry.is_symlink():
                target = path.resolve()
                if not _inside(target, root) or not target.exists():
                    found.outside.append(rel)
                    why = "points outside the vault" if target.exists() or not _inside(target, root) else "is broken"
                    found.diagnostics.append(Diagnostic(str(path), 1, 1, "error" if why.startswith("points") else "warning",
                                                        "outside-vault" if why.startswith("points") else "broken-link",
                                                        f"symlink {why} ({os.readlink(path)}); not read"))
                    continue
            if entry.is_dir():
                walk(path, rel + "/")
            elif entry.is_file():
                (found.notes if name.lower().endswith(".md") else found.attachments).append(rel)

    walk(root, "")
    return found


def read_note_text(path: Path) -> tuple[str | None, Diagnostic | None]:
    """UTF-8 text with ``\\n`` line ends, or a ``not-utf8`` diagnostic at the first bad byte."""
    try:
        data = path.read_bytes()
    except OSError as e:
        return None, Diagnostic(str(path), 0, 0, "error", "unreadable", f"cannot read file: {e.strerror}")
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        col = nul - (data.rfind(b"\n", 0, nul) + 1) + 1
        return None, Diagnostic(str(path), line, col, "error", "not-utf8", "binary file (NUL byte), not a Markdown note; skipped")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        return None, Diagnostic(str(path), line, col, "error", "not-utf8",
                                f"not valid UTF-8 (byte 0x{data[e.start]:02x}); note skipped — save it as UTF-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, None
