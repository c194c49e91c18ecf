"""``notedeck cards [VAULT] [--json]``: preview the cards that reach Anki."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..discover import default_out
from ..home import load_project

from .cards import Card, extract
from .deck import answer_html
from .emit import base_deck, render_context
from .identity import identify
from .state import State


def card_record(card: Card) -> dict:
    return {
        "deck": card.deck,
        "type": card.kind,
        "origin": card.origin,
        "front": card.front_text,
        "back": card.back_text,
        "context": card.breadcrumb,
        "tags": card.tags,
        "key": card.key,
        "guid": card.guid,
        "source": card.source,
    }


def _one_line(s: str, width: int = 60) -> str:
    s = " ".join(s.split())
    return s if len(s) <= width else s[: width - 1] + "…"


@click.command("cards")
@click.argument("vault", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the cards as a JSON list.")
@click.option("--out", "out", default=None,
              help="Output folder of the last build, whose anki/state.json keeps the cards' identities "
                   "[default: as notedeck build's].")
@click.option("--deck", default=None, help="The top deck's name [default: the site name].")
def cards(vault: str | None, as_json: bool, out: str | None, deck: str | None) -> None:
    """List the cards the vault's card-enabled notes produce (deck, type, front, back, tags, guid, source), and
    which reworded cards or renamed notes keep their GUIDs from the last build."""
    config, v = load_project(vault, deck=deck)
    result = extract(v, base_deck(config), config.options)
    ctx = render_context(v, config)
    decisions = identify(result.cards, State.load((Path(out) if out else default_out(v.root)) / "anki"),
                         lambda card: answer_html(card, ctx))
    if as_json:
        click.echo(json.dumps([card_record(c) for c in result.cards], ensure_ascii=False, indent=2))
    else:
        for c in result.cards:
            click.echo(f"{c.source}  [{c.deck}] {c.kind}  {_one_line(c.front_text)}  →  {_one_line(c.back_text)}"
                       f"  {' '.join('#' + t for t in c.tags)}  guid={c.guid}")
    for d in sorted(result.diagnostics):
        click.echo(str(d), err=True)
    for decision in decisions:
        click.echo(f"notedeck: {decision}", err=True)
    decks = {c.deck for c in result.cards}
    click.echo(f"notedeck: {len(result.cards)} cards in {len(decks)} decks", err=True)
    sys.exit(1 if any(d.severity == "error" for d in result.diagnostics) else 0)


@click.command("sync")
@click.argument("vault", required=False)
@click.option("--collection", "collection", required=True, type=click.Path(dir_okay=False),
              help="The Anki collection file (collection.anki2 in your Anki profile folder).")
@click.option("--out", "out", default=None,
              help="Output folder whose anki/ keeps the cards' state and the collection's backups "
                   "[default: as notedeck build's].")
@click.option("--deck", default=None, help="The top deck's name [default: the site name].")
@click.option("--dry-run", is_flag=True, help="Print what would change; write nothing.")
@click.option("--force", is_flag=True, help="Delete even when more than a third of this vault's notes would go.")
def sync(vault: str | None, collection: str, out: str | None, deck: str | None, dry_run: bool, force: bool) -> None:
    """Write the vault's cards into an Anki collection (Anki must be closed): add, update, move cards whose deck
    changed, delete cards removed from the notes; a backup first."""
    try:
        from .sync import SyncError
        from .sync import sync as run_sync
    except ImportError as e:  # pragma: no cover - the anki package is an extra
        click.echo(f"notedeck: sync needs Anki's library: pip install anki (or notedeck's test extra) ({e})", err=True)
        sys.exit(1)
    config, v = load_project(vault, deck=deck)
    out = out or str(default_out(v.root))
    result = extract(v, base_deck(config), config.options)
    for d in sorted(result.diagnostics):
        if d.severity != "info":
            click.echo(str(d), err=True)
    try:
        plan = run_sync(v, result.cards, base_deck(config), render_context(v, config), Path(collection), Path(out),
                        dry_run=dry_run, force=force)
    except SyncError as e:
        click.echo(f"notedeck: {e}", err=True)
        sys.exit(1)
    if dry_run:
        for c in plan.added:
            click.echo(f"add     {c.source}  [{c.deck}] {_one_line(c.front_text)}")
        for c in plan.updated:
            click.echo(f"update  {c.source}  {_one_line(c.front_text)}")
        for c, _, old in plan.moved:
            click.echo(f"move    {c.source}  {old} → {c.deck}")
        for _, first in plan.deleted:
            click.echo(f"delete  {_one_line(first)}")
    for decision in plan.decisions:
        click.echo(f"notedeck: {decision}", err=True)
    prefix = "would be: " if dry_run else ""
    backup = f" (backup: {plan.backup})" if plan.backup else ""
    click.echo(f"notedeck sync: {prefix}{plan.summary()}{backup}")


if __name__ == "__main__":  # ``python -m notedeck.anki.command`` until the CLI registers ``cards``
    cards()
