"""A note's front matter: Obsidian's properties (``tags``/``tag``, ``aliases``/``alias``, ``title``, ``publish``,
``draft``) read from its YAML, with a diagnostic for what Obsidian would not read."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import yaml

from .note import Note, Tag
from .yaml_errors import explain as explain_yaml

_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _privacy_flags(yaml_text: str) -> dict[str, bool]:
    """``publish``/``draft`` from the lines of front matter that does not parse as a whole."""
    flags: dict[str, bool] = {}
    for line in yaml_text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() in ("publish", "draft"):
            try:
                parsed = yaml.safe_load(value)
            except yaml.YAMLError:
                continue
            if isinstance(parsed, bool):
                flags[key.strip()] = parsed
    return flags


def _list_fields(data: dict) -> Iterator[tuple[str, object]]:
    """``(tags|aliases, value)`` for the front-matter keys Obsidian reads as such: ``tags``/``tag``,
    ``aliases``/``alias``, any case."""
    for key, value in data.items():
        name = str(key).lower()
        if value is not None and name in ("tags", "tag", "aliases", "alias"):
            yield ("tags" if name.startswith("tag") else "aliases"), value


def _load_yaml(text: str) -> Any:
    """``yaml.safe_load`` via libyaml when available (~7x faster); on an error the pure-Python loader
    parses again, so diagnostics keep its wording and position."""
    try:
        return yaml.load(text, Loader=_FAST_LOADER)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError:
        return yaml.safe_load(text)


def read_front_matter(note: Note, yaml_text: str, diag: Callable[[int, int, str, str, str], None]) -> None:
    """The note's properties from its front matter's YAML: ``frontmatter``, tags, aliases and title, as Obsidian
    reads them; problems go to ``diag(line, col, severity, code, message)``."""
    try:
        data = _load_yaml(yaml_text) if yaml_text.strip() else {}
    except yaml.YAMLError as e:
        # Obsidian shows such a note (a template's ``{{date}}`` …) without its properties: so do we,
        # but a ``publish``/``draft`` line that still reads as a flag keeps a private note private.
        line, col, message = explain_yaml(e)
        diag(line, col, "warning", "bad-frontmatter", message)
        note.frontmatter = _privacy_flags(yaml_text)
        return
    if not isinstance(data, dict):
        diag(2, 1, "warning", "bad-frontmatter", f"front matter must be a mapping, not {type(data).__name__}")
        return
    note.frontmatter = data
    for key in ("publish", "draft"):
        if key in data and not isinstance(data[key], bool):
            diag(2, 1, "warning", "bad-frontmatter", f"'{key}' should be true or false, got {data[key]!r}")
    for key, value in _list_fields(data):
        # As Obsidian: a string is a comma-separated list (tags: whitespace-separated too).
        if isinstance(value, str):
            items = re.split(r"[,\s]+" if key == "tags" else r",", value)
        else:
            items = value if isinstance(value, list) else [value]  # ``tags: 2024``, a date …
        items = [i for i in items if i is not None]  # an empty ``- `` item: ignored, as Obsidian does
        if not all(isinstance(i, (str, int, float, date)) for i in items):
            diag(2, 1, "warning", "bad-frontmatter", f"'{key}' should be a list of strings")
            continue
        clean = [str(i).strip() for i in items if str(i).strip()]
        if key == "tags":
            note.tags.extend(Tag(t.lstrip("#")) for t in clean)
        else:
            note.aliases.extend(clean)
    title = data.get("title")
    if isinstance(title, list):  # ``title: [My Title]``: a YAML list, as Obsidian's properties allow
        title = ", ".join(str(x) for x in title if x is not None)
    if title not in (None, ""):
        note.title = str(title)
