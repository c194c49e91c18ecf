"""``notedeck sync`` on a real Anki collection (Anki's own library), with reviews."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from anki_helpers import copy_fixture, fresh_collection
from anki.collection import Collection
from click.testing import CliRunner

from notedeck.cli import main

NOTE = "卡片.md"


def run_sync(vault: Path, col_path: Path, out: Path, *args: str):
    return CliRunner().invoke(main, ["sync", str(vault), "--collection", str(col_path), "--out", str(out), *args])


def summary(result) -> str:
    return [line for line in result.stdout.splitlines() if line.startswith("notedeck sync:")][-1]


def _fronts(col) -> dict[str, int]:
    return {col.get_note(nid).fields[0]: nid for nid in col.find_notes("")}


def _edit(vault: Path, rel: str, old: str, new: str) -> None:
    p = vault / rel
    text = p.read_text(encoding="utf-8")
    assert old in text, old
    p.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def synced(tmp_path):
    """A vault synced once into a fresh collection whose cards were all reviewed once (collection closed)."""
    vault = copy_fixture("anki-sync", tmp_path / "vault")
    col = fresh_collection(tmp_path / "col")
    col_path = Path(col.path)
    col.close()
    out = tmp_path / "out"
    result = run_sync(vault, col_path, out)
    assert result.exit_code == 0, result.output
    assert summary(result).startswith("notedeck sync: 8 added, 0 updated, 0 moved, 0 deleted, 0 unchanged (backup: ")
    col = Collection(str(col_path))
    for cid in col.find_cards("-is:review"):
        card = col.get_card(cid)
        card.start_timer()
        col.sched.answerCard(card, 3)
    reviews = {nid: sum(col.get_card(c).reps for c in col.card_ids_of_note(nid)) for nid in col.find_notes("")}
    fronts = _fronts(col)
    col.close()
    return vault, col_path, out, fronts, reviews


def test_first_sync_adds_with_decks_and_osr_schedule(synced):
    vault, col_path, out, fronts, _ = synced
    col = Collection(str(col_path))
    try:
        nid = fronts["OSR carried a schedule for this question"]
        card = col.get_card(col.card_ids_of_note(nid)[0])
        # carried over from <!--SR:!2031-05-01,12,250--> (then reviewed once in the fixture: still a review card)
        assert card.type == 2 and card.factor >= 2500 - 200
        col2_days = (dt.date(2031, 5, 1) - dt.date.today()).days
        assert card.ivl >= 12 and card.due >= col.sched.today + min(col2_days, 12) - 1
        decks = {col.decks.name(col.get_card(col.card_ids_of_note(n)[0]).did) for n in fronts.values()}
        assert decks == {"vault::语言", "vault::其他"}  # no sub-deck tag: the folder
    finally:
        col.close()


def test_schedule_is_carried_exactly_on_first_import(tmp_path):
    vault = copy_fixture("anki-sync", tmp_path / "vault")
    col = fresh_collection(tmp_path / "col")
    col_path = Path(col.path)
    col.close()
    assert run_sync(vault, col_path, tmp_path / "out").exit_code == 0
    col = Collection(str(col_path))
    try:
        nid = _fronts(col)["OSR carried a schedule for this question"]
        card = col.get_card(col.card_ids_of_note(nid)[0])
        assert (card.type, card.queue, card.ivl, card.factor) == (2, 2, 12, 2500)
        assert card.due == col.sched.today + (dt.date(2031, 5, 1) - dt.date.today()).days
        others = [col.get_card(c) for n in _fronts(col).values() if n != nid for c in col.card_ids_of_note(n)]
        assert all(c.type == 0 for c in others)  # no schedule in the note: new
    finally:
        col.close()


def test_unchanged_resync_changes_nothing_and_keeps_anki_edits(synced):
    vault, col_path, out, fronts, reviews = synced
    col = Collection(str(col_path))
    note = col.get_note(fronts["The chemical symbol of gold"])
    note.fields[1] = "Au (edited in Anki)"
    col.update_note(note)
    mods = dict(col.db.all("select id, mod from notes"))
    col.close()
    result = run_sync(vault, col_path, out)
    assert result.exit_code == 0, result.output
    assert summary(result).startswith("notedeck sync: 0 added, 0 updated, 0 moved, 0 deleted, 8 unchanged")
    col = Collection(str(col_path))
    try:
        assert dict(col.db.all("select id, mod from notes")) == mods
        assert col.get_note(fronts["The chemical symbol of gold"]).fields[1] == "Au (edited in Anki)"
    finally:
        col.close()


def test_reword_update_delete_and_deck_move(synced):
    vault, col_path, out, fronts, reviews = synced
    _edit(vault, NOTE, "What is the capital of France?", "What is the capitol of France?")  # reworded
    _edit(vault, NOTE, "::Mars", "::Mars (the fourth planet)")  # answer edited
    _edit(vault, NOTE, "Who wrote the novel War and Peace?::Leo Tolstoy\n", "")  # deleted
    _edit(vault, "其他/笔记.md", "#flashcards\n", "#flashcards/物理\n")  # both cards change deck (moved; also updated: the deck is part of a card)
    dry = run_sync(vault, col_path, out, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert summary(dry) == "notedeck sync: would be: 0 added, 4 updated, 2 moved, 1 deleted, 3 unchanged"
    assert "delete  Who wrote the novel War and Peace?" in dry.stdout
    col = Collection(str(col_path))
    assert _fronts(col) == fronts  # the dry run wrote nothing
    col.close()
    result = run_sync(vault, col_path, out)
    assert result.exit_code == 0, result.output
    assert summary(result).startswith("notedeck sync: 0 added, 4 updated, 2 moved, 1 deleted, 3 unchanged (backup: ")
    assert "kept identity of 'What is the capital of France?' (reworded)" in result.stderr
    col = Collection(str(col_path))
    try:
        after = _fronts(col)
        assert after["What is the capitol of France?"] == fronts["What is the capital of France?"]
        assert "Who wrote the novel War and Peace?" not in after and col.note_count() == 7
        for front in ("Speed of light in vacuum", "The chemical symbol of gold"):
            nid = after[front]
            assert nid == fronts[front]
            (cid,) = col.card_ids_of_note(nid)
            assert col.decks.name(col.get_card(cid).did) == "vault::物理"
            assert col.get_card(cid).reps == reviews[nid]  # moved with its reviews
        for nid in after.values():
            assert sum(col.get_card(c).reps for c in col.card_ids_of_note(nid)) == reviews[nid]  # no review lost
    finally:
        col.close()
    backups = list((out / "anki" / "backups").iterdir())
    assert len(backups) == 2 and all(b.stat().st_size > 0 for b in backups)


def test_renamed_note_keeps_notes_in_sync(synced):
    vault, col_path, out, fronts, reviews = synced
    (vault / "新文件夹").mkdir()
    (vault / NOTE).rename(vault / "新文件夹" / "重命名.md")
    result = run_sync(vault, col_path, out)
    assert result.exit_code == 0, result.output
    assert summary(result).startswith("notedeck sync: 0 added, 6 updated, 0 moved, 0 deleted, 2 unchanged")
    col = Collection(str(col_path))
    try:
        assert _fronts(col) == fronts  # same notes, no duplicate, source links updated
    finally:
        col.close()


def test_locked_collection_is_refused_and_untouched(synced):
    vault, col_path, out, fronts, _ = synced
    _edit(vault, NOTE, "::Paris", "::Paris (on the Seine)")
    before = col_path.read_bytes()
    anki_open = Collection(str(col_path))  # as Anki holds it while open
    try:
        result = run_sync(vault, col_path, out)
        assert result.exit_code == 1
        assert "the collection is open in Anki (or being synced): close Anki, then sync again" in result.stderr
        assert "Traceback" not in result.output
    finally:
        anki_open.close()
    assert not (out / "anki" / "backups").exists() or len(list((out / "anki" / "backups").iterdir())) == 1
    col = Collection(str(col_path))
    try:
        assert "Paris (on the Seine)" not in col.get_note(fronts["What is the capital of France?"]).fields[1]
    finally:
        col.close()
    del before


def test_empty_vault_refuses_mass_deletion_without_force(synced, tmp_path):
    vault, col_path, out, fronts, _ = synced
    for p in list(vault.rglob("*.md")):
        p.write_text("nothing here\n", encoding="utf-8")
    result = run_sync(vault, col_path, out)
    assert result.exit_code == 1 and "would delete 8 of this vault's 8 notes" in result.stderr
    col = Collection(str(col_path))
    assert col.note_count() == 8
    col.close()
    result = run_sync(vault, col_path, out, "--force")
    assert result.exit_code == 0, result.output
    col = Collection(str(col_path))
    assert col.note_count() == 0
    col.close()


def test_notes_of_another_vault_and_other_note_types_are_never_deleted(synced, tmp_path):
    vault, col_path, out, fronts, _ = synced
    other = tmp_path / "other-vault"
    other.mkdir()
    (other / "别的.md").write_text("#flashcards\n\nA question of another vault::its answer\n", encoding="utf-8")
    result = run_sync(other, col_path, tmp_path / "out2")
    assert result.exit_code == 0, result.output
    col = Collection(str(col_path))
    basic = col.models.by_name("Basic")
    note = col.new_note(basic)
    note["Front"], note["Back"] = "my own", "card"
    col.add_note(note, col.decks.id("Default"))
    col.close()
    _edit(vault, NOTE, "Which planet is known as the red planet?::Mars\n", "")
    result = run_sync(vault, col_path, out)
    assert result.exit_code == 0, result.output
    assert ", 1 deleted," in summary(result)
    col = Collection(str(col_path))
    try:
        assert {"my own", "A question of another vault"} <= set(_fronts(col)) and col.note_count() == 9
    finally:
        col.close()


def test_missing_collection_is_a_clear_error(tmp_path):
    vault = copy_fixture("anki-sync", tmp_path / "vault")
    result = run_sync(vault, tmp_path / "nope.anki2", tmp_path / "out")
    assert result.exit_code == 1 and "no Anki collection there" in result.stderr and "Traceback" not in result.output


def test_apkg_first_import_carries_the_osr_schedule(tmp_path):
    """Through the .apkg and Anki's importer (with "import scheduling"): the card arrives as a review card."""
    from anki_helpers import build, import_package

    vault = copy_fixture("anki-sync", tmp_path / "vault")
    apkg, _ = build(vault, tmp_path / "out")
    col = fresh_collection(tmp_path / "col")
    try:
        import_package(col, apkg)
        nid = _fronts(col)["OSR carried a schedule for this question"]
        card = col.get_card(col.card_ids_of_note(nid)[0])
        assert (card.type, card.queue, card.ivl, card.factor) == (2, 2, 12, 2500)
        assert card.due == col.sched.today + (dt.date(2031, 5, 1) - dt.date.today()).days
        # a rebuild writes it as an ordinary card again (the schedule is only for the first import)
        apkg2, _ = build(vault, tmp_path / "out")
        import_package(col, apkg2)
        assert col.get_card(card.id).due == card.due
    finally:
        col.close()
