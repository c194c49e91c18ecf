"""``notedeck build``'s Anki emitter: cards of the vault → ``<out>/anki/<deck>.apkg``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..config import Config
from ..vault import Diagnostic, Diagnostics, Vault, collector_paused
from .cards import extract
from .deck import WriteStats, package_name, write_package
from .render import RenderContext


def base_deck(config: Config) -> str:
    """The top deck's name: plugin option ``deck``, else the site name."""
    return str(config.options.get("deck") or config.site_name)


def render_context(vault: Vault, config: Config) -> RenderContext:
    from ..home import ROOT_HOMES, home_note

    ctx = RenderContext(vault, site_url=config.site_url,
                        directory_urls=config.mkdocs.get("use_directory_urls", True) is not False)
    home = home_note(vault)
    if ctx.site_url and home is not None and home.rel.lower() not in ROOT_HOMES:  # Home.md is the site's root page
        ctx._pages[home.rel] = ctx.site_url.rstrip("/") + ("/" if ctx.directory_urls else "/index.html")
    return ctx


def write_deck(vault: Vault, base: str, ctx: RenderContext, folder: Path,
               options: dict[str, Any] | None = None) -> tuple[WriteStats | None, list[Diagnostic]]:
    """The vault's cards → ``folder/<base>.apkg`` (None, and no stale package, when there are none),
    with the card diagnostics. The cyclic GC is paused meanwhile (when it resumes, its first pass walks the
    cards that :func:`.extract.last_extraction` keeps for the site; ``notedeck build`` keeps it paused and freezes
    them instead)."""
    with collector_paused():
        return _write_deck(vault, base, ctx, folder, options or {})


def _write_deck(vault: Vault, base: str, ctx: RenderContext, folder: Path,
                options: dict[str, Any]) -> tuple[WriteStats | None, list[Diagnostic]]:
    result = extract(vault, base, options)
    if not result.cards:
        stale = folder / f"{package_name(base)}.apkg"
        if stale.is_file():  # the vault had cards last time: do not leave a deck that no longer matches
            stale.unlink()
        return None, result.diagnostics
    return write_package(result.cards, ctx, base, folder), result.diagnostics


def emit(vault: Vault, config: Config, out: Path, diagnostics: Diagnostics) -> WriteStats | None:
    """Extract, render and write the deck; card problems go into ``diagnostics``."""
    ctx = render_context(vault, config)
    stats, problems = write_deck(vault, base_deck(config), ctx, Path(out) / "anki", config.options)
    diagnostics.extend(problems)
    if stats is None:
        return None
    for decision in stats.decisions:
        card = decision.card
        diagnostics.add(str(card.note.path), card.line, 1, "info", "card-identity",
                        f"kept identity of '{decision.old_question[:60]}' ({decision.reason})")
    for card, before in stats.retyped:
        diagnostics.add(str(card.note.path), card.line, 1, "warning", "card-type-changed",
                        f"this card changed from {before} to {card.kind}; Anki keeps the existing {before} note "
                        f"(same GUID, other note type) — delete it in Anki, or give the card a new ^block-id")
    reported = {(d.path, d.line, d.col) for d in diagnostics if d.code in ("broken-embed", "broken-link")}
    for note, link in ctx.missing:
        if (str(note.path), link.line, link.col) not in reported:
            diagnostics.add(str(note.path), link.line, link.col, "warning", "broken-embed",
                            f"{link.raw} in a card matches no file in the vault")
    return stats
