"""Executable notes: the Python blocks of a vault run under pytest (``plugin``), are extracted to
``snippets/`` (``extract``), and a note's namespace can be loaded in a test (:func:`load_note`)."""

from __future__ import annotations

from typing import Any

__all__ = ["BlockFailure", "load_note"]


def __getattr__(name: str) -> Any:  # lazy: the pytest plugin imports this package in every pytest run
    if name in __all__:
        from . import run

        return getattr(run, name)
    raise AttributeError(name)
