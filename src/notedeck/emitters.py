"""The emitters ``notedeck build`` runs, in order. Each is ``module:function`` with the signature
``emit(vault: Vault, config: Config, out: Path, diagnostics: Diagnostics) -> None``; it only reads
the vault model, writes below ``out`` (atomically) and reports problems into ``diagnostics``."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Callable

EMITTERS: list[tuple[str, str]] = [
    ("snippets", "notedeck.snippets.extract:emit"),
    ("anki", "notedeck.anki.emit:emit"),
    ("site", "notedeck.site.emit:emit"),
]


def load_emitter(spec: str) -> Callable[..., None] | None:
    """The emitter function, or None while its module is not part of this install."""
    module, _, func = spec.partition(":")
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name and (module == e.name or module.startswith(e.name + ".")):
            return None
        raise
    return getattr(mod, func)


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write ``path`` via a temp file in the same folder + rename: never half-written."""
    import os
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
