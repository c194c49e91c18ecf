"""Outputs are replaced atomically: a failed write leaves the old file and no temp file behind."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from notedeck.emitters import atomic_target, atomic_write


def test_atomic_write_replaces_with_normal_permissions(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "笔记.py"
    atomic_write(target, "旧\n")
    atomic_write(target, "新\n")
    assert target.read_text(encoding="utf-8") == "新\n"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask  # not mkstemp's 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == ["笔记.py"]


def test_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "deck.apkg"
    target.write_bytes(b"old deck")
    with pytest.raises(KeyboardInterrupt):
        with atomic_target(target) as tmp:
            tmp.write_bytes(b"half a deck")
            raise KeyboardInterrupt  # a killed build
    assert target.read_bytes() == b"old deck"
    assert [p.name for p in tmp_path.iterdir()] == ["deck.apkg"]
