"""The results of the last ``pytest`` run, per Python block, for the site (which runs no code itself).

The pytest plugin writes ``build/notedeck-results.json`` (ini ``notedeck_results`` / ``--notedeck-results``;
relative to pytest's rootdir; written atomically at the end of the session, by the xdist controller for
all its workers). A run that selects only some blocks (``-k``, ``--lf``, one note) updates those blocks'
entries and keeps the others.

Reading it (pure: json + hashlib, no pytest, no vault loading)::

    from notedeck.snippets import results

    res = results.load(Path("build/notedeck-results.json"))   # a missing or unreadable file: nothing ran
    st = res.status(note.rel, code_block)       # note.rel: vault-relative, e.g. "数学/导数.md"
    st.status    # "passed" | "failed" | "skipped" | "xfail" | "not-run"
    st.message   # failed: the first line of the report ("导数.md:12: ValueError: …"); skipped/xfail: the reason
    st.line      # failed: the note line the failure points at; else the block's fence line; None when not-run
    res.counts(note.rel, blocks)                # {"passed": 3, "failed": 1, …} over the given CodeBlocks

A block is matched by its code: an entry counts only when the hash of the block's code (:func:`block_hash`
of ``CodeBlock.code``) equals the hash recorded by the run, so a block edited since the run is
``not-run``; among entries with the same code, the one recorded nearest to the block's line wins
(so inserting lines above a block keeps its status). ``note_rel`` is the vault-relative path; a path
relative to the project (``notes/数学/导数.md``) also works.

File format (version 1)::

    {"version": 1, "notes": {"数学/导数.md": {"path": "notes/数学/导数.md", "blocks": [
        {"name": "L12", "line": 12, "hash": "<sha256 of the code>", "status": "failed",
         "message": "notes/数学/导数.md:14: ValueError: …", "fail_line": 14}]}}}
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

Status = Literal["passed", "failed", "skipped", "xfail", "not-run"]
VERSION = 1


class _HasCode(Protocol):  # notedeck.vault.CodeBlock (or anything with its code and fence line)
    code: str
    line: int


@dataclass(frozen=True)
class BlockStatus:
    """The outcome of one block in the last run."""

    status: Status
    message: str = ""
    line: int | None = None


NOT_RUN = BlockStatus("not-run")


def block_hash(code: str) -> str:
    """SHA-256 (hex) of a block's code, as recorded in the results file."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


class Results:
    """What :func:`load` read: entries per note."""

    def __init__(self, notes: dict[str, dict[str, Any]] | None = None) -> None:
        self.notes = notes or {}
        self._by_path = {str(n.get("path", "")): n for n in self.notes.values()}

    def _entries(self, note_rel: str) -> list[dict[str, Any]]:
        note = self.notes.get(note_rel) or self._by_path.get(note_rel)
        if note is None:
            suffix = "/" + note_rel.lstrip("/")
            note = next((n for p, n in self._by_path.items() if p.endswith(suffix)), None)
        return list(note.get("blocks", [])) if note else []

    def status(self, note_rel: str, block: _HasCode) -> BlockStatus:
        """The status of ``block`` (a :class:`notedeck.vault.CodeBlock`) of the note ``note_rel``."""
        digest = block_hash(block.code)
        same = [e for e in self._entries(note_rel) if e.get("hash") == digest]
        if not same:
            return NOT_RUN
        e = min(same, key=lambda e: abs(int(e.get("line", 0)) - block.line))
        status = e.get("status")
        if status not in ("passed", "failed", "skipped", "xfail"):
            return NOT_RUN
        line = block.line
        if status == "failed" and e.get("fail_line"):
            line = int(e["fail_line"]) + block.line - int(e.get("line", block.line))  # moved with the block
        return BlockStatus(status, str(e.get("message", "")), line)

    def counts(self, note_rel: str, blocks: Iterable[_HasCode]) -> dict[str, int]:
        """How many of ``blocks`` have each status (all five keys present)."""
        out = dict.fromkeys(("passed", "failed", "skipped", "xfail", "not-run"), 0)
        for b in blocks:
            out[self.status(note_rel, b).status] += 1
        return out


def load(path: str | os.PathLike[str]) -> Results:
    """Read a results file; a missing, unreadable or foreign file gives empty results (all ``not-run``)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Results()
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("notes"), dict):
        return Results()
    return Results({k: v for k, v in data["notes"].items() if isinstance(v, dict)})


# ------------------------------------------------------------------ writing (the pytest plugin)


def _first_line(text: str) -> str:
    lines = (line for line in text.splitlines() if line.strip() and not line.startswith("[gw"))  # xdist's header
    return next(lines, "")[:500]


def _reason(report: Any) -> str:
    lr = report.longrepr
    reason = lr[2] if isinstance(lr, (tuple, list)) and len(lr) == 3 else str(lr or "")
    return reason[len("Skipped: "):] if reason.startswith("Skipped: ") else reason


def outcome_of(report: Any, data: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
    """Fold one phase's report (setup/call/teardown) of a block item into its entry."""
    entry = dict(previous or {}, **{k: v for k, v in data.items() if k not in ("fail_line", "fail_message")})
    if "names" in entry:
        entry["names"] = list(entry["names"])
    entry.setdefault("status", "not-run")
    entry.setdefault("message", "")
    when = report.when
    if when == "call" and hasattr(report, "wasxfail"):
        if report.skipped:
            entry.update(status="xfail", message=str(report.wasxfail or _reason(report)))
        else:
            entry.update(status="failed" if report.failed else "passed",
                         message="" if report.passed else _first_line(report.longreprtext))
    elif report.failed:
        if when != "teardown" or entry["status"] in ("passed", "not-run"):
            entry.update(status="failed", message=data.get("fail_message") or _first_line(report.longreprtext))
            if data.get("fail_line"):
                entry["fail_line"] = data["fail_line"]
    elif report.skipped:
        entry.update(status="skipped", message=_reason(report))
    elif when == "call":
        entry.update(status="passed", message="")
    return entry


def update(path: Path, entries: Iterable[dict[str, Any]]) -> None:
    """Merge ``entries`` (per block: note, path, name, line, hash, status, message[, fail_line], and
    ``names``: every block name the note has now) into the results file at ``path`` (atomically). For
    each note in ``entries`` the blocks of this run replace those of the same name, entries of blocks
    the note no longer has are dropped; a note's entries keep source order."""
    old = load(path).notes
    fresh: dict[str, dict[str, dict[str, Any]]] = {}
    paths: dict[str, str] = {}
    current: dict[str, set[str]] = {}
    for e in entries:
        if e.get("status") == "not-run":
            continue
        note = str(e["note"])
        paths[note] = str(e.get("path", note))
        current.setdefault(note, set()).update(map(str, e.get("names", ())))
        block = {k: e[k] for k in ("name", "line", "hash", "status", "message", "fail_line") if k in e}
        fresh.setdefault(note, {})[str(e["name"])] = block
    notes = dict(old)
    for note, blocks in fresh.items():
        kept = {b["name"]: b for b in old.get(note, {}).get("blocks", [])
                if isinstance(b, dict) and b.get("name") in current[note]}
        kept.update(blocks)
        notes[note] = {"path": paths[note], "blocks": sorted(kept.values(), key=lambda b: int(b.get("line", 0)))}
    # one note a line (json's C encoder; an indented dump goes through its pure-Python one)
    lines = [f"{json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}" for k, v in sorted(notes.items())]
    text = f'{{"version": {VERSION}, "notes": {{\n' + ",\n".join(lines) + "\n}}"
    from ..emitters import atomic_write  # (the usual permissions, not mkstemp's 0600)

    atomic_write(path, text + "\n")
