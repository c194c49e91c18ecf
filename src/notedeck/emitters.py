"""The emitters ``notedeck build`` runs, in order. Each is ``module:function`` with the signature
``emit(vault: Vault, config: Config, out: Path, diagnostics: Diagnostics) -> result``; it only reads
the vault model, writes below ``out`` (atomically) and reports problems into ``diagnostics``. What it returns says
what it made, for ``notedeck build``'s summary: one of :mod:`notedeck.report`'s typed results (the site's
``SiteMade``), or a value :func:`notedeck.report.made_of` turns into one (the deck's ``WriteStats``; None for the
snippets, counted from the model)."""

from __future__ import annotations

import importlib
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from collections.abc import Callable, Iterator

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


@contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """A temp path next to ``path`` to write; on success it replaces ``path`` (rename), else it is removed.

    The result gets the usual permissions (``0o666`` less the umask), not ``mkstemp``'s ``0o600``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write ``path`` via a temp file in the same folder + rename: never half-written."""
    with atomic_target(path) as tmp:
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
