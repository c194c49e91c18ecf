"""Figures drawn by the notes' own code: ```` ```python figure="激活函数曲线.png" ````.

- **Syntax**: ``figure="a.png"``, several comma-separated (``figure="a.png, b.png"``; ``figures=`` is the same
  key). Each name is a ``.png`` file name (or a vault-relative path with ``/``). When the block ends, each name
  is the file of that name the block itself wrote into its working directory (``plt.savefig("a.png", dpi=80)``
  keeps its options), else an open matplotlib figure: the current one for a single name, else every open
  figure in creation order (their count must match). The figures taken are closed.
- **Code hash**: SHA-256 of the code of that block and of every block before it in the note that runs
  (hidden setup blocks included, skipped ones not) — :func:`code_hash`. It is written into the PNG as a
  ``tEXt`` chunk ``notedeck-code-sha256``. Checks compare hashes, never pixels.
- **Where**: :func:`destination`: a vault-relative path as written; else the file of that name already in
  the vault (nearest the note, as Obsidian resolves ``![[a.png]]``); else Obsidian's
  ``.obsidian/app.json`` ``attachmentFolderPath`` (``/`` vault root, ``./`` the note's folder, ``./x`` below
  it, ``x`` a vault folder); else the folder holding most of the vault's images; else the vault root
  (Obsidian's default).
- ``notedeck figures [VAULT]`` runs the notes that need it (the pytest plugin's isolated runner), writes each
  image atomically, never overwrites an image without our hash (made by hand: a ``hand-made-figure`` warning);
  ``--check`` runs nothing and reports ``error[stale-figure]`` for each missing image or image drawn by other
  code. Under ``pytest`` a figure block whose image is missing or stale fails.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .blocks import Block

HASH_KEY = "notedeck-code-sha256"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".avif"})


def code_hash(blocks: Sequence[Block], index: int) -> str:
    """The hash recorded in the images of ``blocks[index]``: its code and that of every earlier block
    that runs (``Block.runs``), in order."""
    h = hashlib.sha256(b"notedeck-figure-v1\0")
    for b in blocks[: index + 1]:
        if b.runs:
            h.update(b.kind.encode() + b"\0" + b.code.encode("utf-8") + b"\0")
    return h.hexdigest()


# ------------------------------------------------------------------ PNG text chunks


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _chunks(data: bytes) -> Iterable[tuple[int, bytes, bytes]]:
    """(offset, type, payload) of each chunk; stops at a truncated one."""
    at = len(_PNG_SIGNATURE)
    while at + 8 <= len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind = data[at + 4:at + 8]
        end = at + 12 + length
        if end > len(data):
            return
        yield at, kind, data[at + 8:at + 8 + length]
        at = end


def stamp(png: bytes, digest: str) -> bytes:
    """``png`` with a ``tEXt`` chunk ``notedeck-code-sha256`` = ``digest`` (any older one replaced), put
    right after ``IHDR``."""
    if not png.startswith(_PNG_SIGNATURE):
        raise ValueError("not a PNG image")
    parts = [_PNG_SIGNATURE]
    for at, kind, payload in _chunks(png):
        if kind == b"tEXt" and payload.split(b"\0", 1)[0] == HASH_KEY.encode():
            continue
        parts.append(png[at:at + 12 + len(payload)])
        if kind == b"IHDR":
            parts.append(_chunk(b"tEXt", HASH_KEY.encode() + b"\0" + digest.encode("ascii")))
    return b"".join(parts)


def read_stamp(path: Path) -> str | None:
    """The code hash inside the image at ``path``; None when it has none (or is no PNG). Reads only
    the chunks before the image data."""
    try:
        with open(path, "rb") as f:
            head = f.read(64 * 1024)
    except OSError:
        return None
    if not head.startswith(_PNG_SIGNATURE):
        return None
    for _, kind, payload in _chunks(head):
        if kind == b"IDAT":
            break
        if kind == b"tEXt":
            key, _, value = payload.partition(b"\0")
            if key == HASH_KEY.encode():
                return value.decode("latin-1")
    return None


# ------------------------------------------------------------------ where images go


class VaultFiles:
    """The files of a vault by lower-cased name, and Obsidian's attachment setting (one scan)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(os.path.abspath(root))
        self.by_name: dict[str, list[str]] = {}
        image_dirs: dict[str, int] = {}
        for folder, dirs, files in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            rel_dir = Path(folder).relative_to(self.root).as_posix()
            rel_dir = "" if rel_dir == "." else rel_dir
            for name in files:
                rel = f"{rel_dir}/{name}" if rel_dir else name
                self.by_name.setdefault(name.lower(), []).append(rel)
                if Path(name).suffix.lower() in IMAGE_SUFFIXES:
                    image_dirs[rel_dir] = image_dirs.get(rel_dir, 0) + 1
        self.image_dir = max(sorted(image_dirs), key=lambda d: image_dirs[d]) if image_dirs else None
        self.attachment_setting: str | None = None
        try:
            app = json.loads((self.root / ".obsidian" / "app.json").read_text(encoding="utf-8"))
            value = app.get("attachmentFolderPath") if isinstance(app, dict) else None
            if isinstance(value, str):
                self.attachment_setting = value.strip()
        except (OSError, ValueError):
            pass

    def destination(self, note_rel: str, name: str) -> Path:
        """Where the image ``name`` of the note ``note_rel`` (vault-relative) lives or goes (see the module doc)."""
        if "/" in name:
            return self.root / name
        note_dir = note_rel.rsplit("/", 1)[0] if "/" in note_rel else ""
        found = self.by_name.get(name.lower())
        if found:
            near = [r for r in found if (r.rsplit("/", 1)[0] if "/" in r else "") == note_dir]
            return self.root / (near or sorted(found, key=lambda r: (r.count("/"), r)))[0]
        setting = self.attachment_setting
        if setting is not None:
            if setting in ("", "/"):
                return self.root / name
            if setting == "." or setting.startswith("./"):
                sub = setting[2:].strip("/")
                return self.root / note_dir / sub / name if sub else self.root / note_dir / name
            return self.root / setting.strip("/") / name
        if self.image_dir is not None:
            return self.root / self.image_dir / name
        return self.root / name


def find_vault_root(note: Path, rootdir: Path | None = None) -> Path:
    """The vault a note belongs to: the nearest folder with ``.obsidian/``; else ``docs_dir`` of
    ``<rootdir>/mkdocs.yml`` when the note lies in it; else ``rootdir`` (else the note's folder).
    Paths are made absolute, not resolved (a symlinked vault keeps its name)."""
    note = Path(os.path.abspath(note))
    return _vault_root_of(note.parent, Path(os.path.abspath(rootdir)) if rootdir else None)


_ROOTS: dict[tuple[Path, Path | None], Path] = {}


def _vault_root_of(folder: Path, rootdir: Path | None) -> Path:
    key = (folder, rootdir)
    if key in _ROOTS:
        return _ROOTS[key]
    found: Path | None = None
    for d in (folder, *folder.parents):
        if (d / ".obsidian").is_dir():
            found = d
            break
        if rootdir is not None and d == rootdir:
            break
    if found is None and rootdir is not None and (rootdir / "mkdocs.yml").is_file():
        from notedeck.config import read_mkdocs_yml

        docs = Path(os.path.abspath(rootdir / str(read_mkdocs_yml(rootdir / "mkdocs.yml").get("docs_dir", "docs"))))
        if docs == folder or docs in folder.parents:
            found = docs
    if found is None:
        found = rootdir if rootdir is not None and (rootdir == folder or rootdir in folder.parents) else folder
    _ROOTS[key] = found
    return found


@dataclass(frozen=True)
class FigureState:
    """One declared image: ``state`` is ``current``, ``missing``, ``stale`` (drawn by other code) or
    ``hand-made`` (a file without our hash)."""

    name: str
    path: Path
    expected: str
    state: str


def figure_states(files: VaultFiles, note_rel: str, blocks: Sequence[Block], block: Block) -> list[FigureState]:
    expected = code_hash(blocks, block.index)
    out = []
    for name in block.figures:
        path = files.destination(note_rel, name)
        if not path.is_file():
            state = "missing"
        else:
            found = read_stamp(path)
            state = "hand-made" if found is None else "current" if found == expected else "stale"
        out.append(FigureState(name, path, expected, state))
    return out


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def stale_message(fig: FigureState, block_line: int) -> str:
    if fig.state == "missing":
        return (f"image {_shown(fig.path)} (figure=\"{fig.name}\" of the block at line {block_line}) is missing; "
                "run `notedeck figures`")
    return (f"image {_shown(fig.path)} (figure=\"{fig.name}\" of the block at line {block_line}) was drawn by other code "
            f"than this block and the blocks before it; run `notedeck figures`")


def _figure_col(text: str, line_starts: list[int], line: int) -> int:
    start = line_starts[line - 1] if line - 1 < len(line_starts) else 0
    end = text.find("\n", start)
    at = text[start:end if end >= 0 else len(text)].find("figure")
    return at + 1 if at >= 0 else 1


def __getattr__(name: str):  # noqa: ANN202 - the command is loaded with click only when the CLI asks for it
    if name == "figures":
        from .command import figures

        return figures
    raise AttributeError(name)
