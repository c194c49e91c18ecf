"""Executable notes: the Python blocks of a vault run under pytest (``plugin``), are extracted to
``snippets/`` (``extract``), and a note's namespace can be loaded in a test (:func:`load_note`)."""

from .run import BlockFailure, load_note

__all__ = ["BlockFailure", "load_note"]
