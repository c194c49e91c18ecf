"""Shared helpers of the knowledge-base tests: a note's namespace, loaded once per test session."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from notedeck.snippets import load_note

NOTES = Path(__file__).resolve().parents[2] / "notes"
ANN = NOTES / "深度学习基础" / "人工神经网络"


@cache
def _load(path: str) -> dict:
    return load_note(path)


@pytest.fixture(scope="session")
def note():
    """``note("Sigmoid")`` → the namespace of 人工神经网络/Sigmoid.md (or a vault-relative path with '/')."""

    def get(name: str) -> dict:
        path = NOTES / f"{name}.md" if "/" in name else ANN / f"{name}.md"
        return _load(str(path))

    return get
