"""OSR's review state, kept in the note after each card: ``<!--SR:!due,interval,ease!…-->``."""

from __future__ import annotations

import re

SR_RE = re.compile(r"(\d{4}-\d{2}-\d{2}),(\d+),(\d+)")


def schedule_of(comment: str) -> tuple[tuple[str, int, int] | None, ...]:
    """``<!--SR:!2024-05-01,12,250!…-->`` → ((due, interval, ease), …), one per card of the note (None for a
    card with another algorithm's data, e.g. OSR's FSRS entries, or a new one)."""
    body = comment.strip()
    body = body[len("<!--SR:"):].split("-->", 1)[0]
    out: list[tuple[str, int, int] | None] = []
    for item in body.split("!") if "!" in body else [body]:
        if not item and not out and body.startswith("!"):
            continue
        m = SR_RE.fullmatch(item.strip())
        out.append((m.group(1), int(m.group(2)), int(m.group(3))) if m else None)
    return tuple(out) if any(out) else ()
