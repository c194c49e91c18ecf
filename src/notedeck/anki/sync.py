"""``notedeck sync [VAULT] --collection PATH``: the vault's cards into an Anki collection file, with Anki's own
library (the ``anki`` package: ``pip install anki``; notedeck's ``test`` extra installs it).

What an ``.apkg`` import cannot do, sync does: cards deleted from the notes are removed (only notes of
notedeck's own note types whose Source links to this vault), and cards whose deck changed move there with
their reviews. Adding and updating go through Anki's own importer, with the build's rule: an unchanged card
keeps its modification time, so edits made inside Anki survive. A card new to the collection that carries an
OSR schedule (``<!--SR:!2024-05-01,12,250-->``) starts with that due date, interval and ease.

Safety: a collection open in Anki (locked) is refused and left untouched; a sync that would delete more than a
third of this vault's notes in the collection refuses without ``--force``; ``--dry-run`` prints the plan and
writes nothing; otherwise the collection is copied to ``<out>/anki/backups/`` before anything is written.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from ..vault import Vault, collector_paused
from .card import Card
from .deck import write_package
from .identity import Decision
from .models import BASIC_ID, CLOZE_ID, REVERSED_ID
from .render import RenderContext
from .state import STATE_NAME, State

OUR_MODELS = (BASIC_ID, REVERSED_ID, CLOZE_ID)


class SyncError(Exception):
    """A refusal or a problem, with the message to print; the collection is untouched."""


@dataclass
class Plan:
    added: list[Card] = field(default_factory=list)
    updated: list[Card] = field(default_factory=list)
    unchanged: list[Card] = field(default_factory=list)
    moved: list[tuple[Card, int, str]] = field(default_factory=list)  # card, note id, old deck
    deleted: list[tuple[int, str]] = field(default_factory=list)  # note id, its first field
    ours: int = 0  # this vault's notes in the collection before the sync
    backup: Path | None = None
    decisions: list[Decision] = field(default_factory=list)  # GUIDs kept by similarity

    def summary(self) -> str:
        return (f"{len(self.added)} added, {len(self.updated)} updated, {len(self.moved)} moved, "
                f"{len(self.deleted)} deleted, {len(self.unchanged)} unchanged")


def open_collection(path: Path):
    from anki.collection import Collection
    from anki.errors import DBError

    if not path.is_file():
        raise SyncError(f"{path}: no Anki collection there (give the path of collection.anki2 in your Anki "
                        f"profile folder)")
    try:
        return Collection(str(path))
    except DBError as e:
        raise SyncError(f"{path}: the collection is open in Anki (or being synced): close Anki, then sync "
                        f"again. Nothing was changed ({e})") from None
    except Exception as e:  # not a collection, unreadable …
        raise SyncError(f"{path}: cannot open it as an Anki collection ({e}); nothing was changed") from None


def vault_marker(vault: Vault) -> str:
    """What every Source field of this vault's cards contains."""
    return f"obsidian://open?vault={quote(vault.root.name, safe='')}&"


def plan_sync(col, cards: list[Card], mods: dict[str, int], marker: str) -> Plan:
    """Compare the cards (with the modification times the importer will see) with the collection."""
    plan = Plan()
    ids = ",".join(str(m) for m in OUR_MODELS)
    rows = col.db.all(f"select id, guid, mod, flds, sfld from notes where mid in ({ids})")
    existing: dict[str, tuple[int, int]] = {}
    for nid, guid, mod, flds, sfld in rows:
        if marker in flds.split("\x1f")[-1]:
            existing[guid] = (nid, mod)
            plan.ours += 1
            if guid not in mods:
                plan.deleted.append((nid, str(sfld)))
    decks = {d.id: d.name for d in col.decks.all_names_and_ids()}
    for card in cards:
        hit = existing.get(card.guid)
        if hit is None:
            plan.added.append(card)
            continue
        nid, mod = hit
        (plan.updated if mods[card.guid] > mod else plan.unchanged).append(card)
        dids = set(col.db.list("select did from cards where nid = ?", nid))
        names = {decks.get(d, "") for d in dids}
        if names != {card.deck}:
            plan.moved.append((card, nid, ", ".join(sorted(names))))
    return plan


def carry_schedules(col, cards: list[Card]) -> int:
    """OSR's review state of newly added cards → Anki review cards (due, interval, ease)."""
    today = dt.date.today()
    n = 0
    for card in cards:
        if not card.schedule:
            continue
        nid = col.db.scalar("select id from notes where guid = ?", card.guid)
        if nid is None:
            continue
        cids = col.db.list("select id from cards where nid = ? order by ord", nid)
        for cid, entry in zip(cids, card.schedule, strict=False):
            if entry is None:
                continue
            due, ivl, ease = entry
            try:
                days = (dt.date.fromisoformat(due) - today).days
            except ValueError:
                continue
            c = col.get_card(cid)
            c.type = c.queue = 2  # review
            c.ivl = max(1, ivl)
            c.factor = ease * 10
            c.due = col.sched.today + days
            col.update_card(c)
            n += 1
    return n


def sync(vault: Vault, cards: list[Card], base: str, ctx: RenderContext, collection: Path, out: Path,
         dry_run: bool = False, force: bool = False) -> Plan:
    """Sync ``cards`` into ``collection`` (see the module's doc); raises :class:`SyncError` on a refusal."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    folder = out / "anki"
    col = open_collection(collection)
    try:
        with tempfile.TemporaryDirectory(prefix="notedeck-sync-") as tmp:
            state = State.load(folder)
            state.path = Path(tmp) / STATE_NAME
            with collector_paused():
                stats = write_package(cards, ctx, base, Path(tmp), state)
            mods = {g: e[1] for g, e in state.seen.items()}
            plan = plan_sync(col, cards, mods, vault_marker(vault))
            plan.decisions = stats.decisions
            if plan.deleted and len(plan.deleted) * 3 > plan.ours and not force:
                raise SyncError(f"{collection}: this sync would delete {len(plan.deleted)} of this vault's "
                                f"{plan.ours} notes in the collection (more than a third): is it the right vault? "
                                f"Run again with --force to delete them. Nothing was changed")
            if dry_run:
                return plan
            col.close()
            col = None
            backups = folder / "backups"
            backups.mkdir(parents=True, exist_ok=True)
            stamp = time.strftime("%Y%m%d-%H%M%S")
            plan.backup = backups / f"{collection.stem}-{stamp}.anki2"
            n = 1
            while plan.backup.exists():
                n += 1
                plan.backup = backups / f"{collection.stem}-{stamp}-{n}.anki2"
            shutil.copy2(collection, plan.backup)
            col = open_collection(collection)
            req = ImportAnkiPackageRequest(package_path=str(stats.path),
                                           options=ImportAnkiPackageOptions(with_scheduling=True))
            col.import_anki_package(req)
            for card, nid, _ in plan.moved:
                col.set_deck(col.card_ids_of_note(nid), col.decks.id(card.deck))
            if plan.deleted:
                col.remove_notes([nid for nid, _ in plan.deleted])
            carry_schedules(col, plan.added)
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy2(state.path, folder / STATE_NAME)
        return plan
    finally:
        if col is not None:
            col.close()
