"""The built .apkg imported with Anki's own importer (headless ``anki`` package), and the update lifecycle."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

from anki_helpers import build, copy_fixture, fresh_collection, import_package

from notedeck.anki.models import BASIC_ID, CLOZE_ID, REVERSED_ID
from notedeck.vault import slugify


def _note_by_front(col, front_substring: str):
    ids = col.find_notes(f'"Front:*{front_substring}*"')
    assert len(ids) == 1, (front_substring, ids)
    return col.get_note(ids[0])


def _cards_per_deck(col) -> dict[str, int]:
    return {col.decks.name(did): n for did, n in col.db.all("select did, count() from cards group by did")}


def test_import_counts_models_and_decks(tmp_path):
    vault = copy_fixture("anki-vault", tmp_path / "vault")
    apkg, diags = build(vault, tmp_path / "out")
    assert apkg == tmp_path / "out" / "anki" / "测试站点.apkg"
    assert [d for d in diags if d.severity != "info"] == []
    col = fresh_collection(tmp_path / "col")
    try:
        log = import_package(col, apkg)
        assert len(log.new) == 19 and col.note_count() == 19
        # 16 cards: 12 notes, 2 reversed pairs (+2), 2 cloze notes with c1/c2 (+2)
        assert _cards_per_deck(col) == {"测试站点::数学::微积分": 16, "测试站点::子目录": 3, "测试站点": 4}
        mids = {col.models.get(m)["name"]: int(m) for m in col.db.list("select distinct mid from notes")}
        assert mids == {"notedeck Basic": BASIC_ID, "notedeck Basic (and reversed card)": REVERSED_ID,
                        "notedeck Cloze": CLOZE_ID}
        tags = set(col.tags.all())
        assert {"数学", "子目录"} <= tags and not any(" " in t for t in tags)
    finally:
        col.close()


def test_question_and_answer_render_math_context_links_code_and_media(tmp_path):
    vault = copy_fixture("anki-vault", tmp_path / "vault")
    apkg, _ = build(vault, tmp_path / "out")
    col = fresh_collection(tmp_path / "col")
    try:
        import_package(col, apkg)
        limit = _note_by_front(col, "导数的极限定义").cards()[0]
        q, a = limit.question(), limit.answer()
        assert "导数 › 定义" in q and "导数的极限定义" in q
        assert r"\(f'(x) = \lim_{h \to 0} \frac{f(x+h)-f(x)}{h}\)" in a
        page = "https://example.org/notes/" + quote("数学/导数/") + "#" + quote(slugify("定义"), safe="")
        assert f'href="{page}"' in a
        assert 'href="obsidian://open?vault=vault&amp;file=' + quote("数学/导数", safe="") + '"' in a

        related = _note_by_front(col, "相关笔记").cards()[0].answer()
        target = "https://example.org/notes/" + quote("数学/积分/") + "#" + quote(slugify("基本公式"), safe="")
        assert f'<a href="{target}">积分 › 基本公式</a>' in related
        assert '<a href="https://example.org/notes/' + quote("数学/积分/") + '">积分笔记</a>' in related

        code = _note_by_front(col, "哪段代码打印 hello").cards()[0]
        assert '<div class="highlight">' in code.answer() and '<span class="nb">print</span>' in code.answer()
        assert ".highlight .nb" in code.note_type()["css"]  # Pygments CSS travels in the note type

        reverse = _note_by_front(col, "导数的符号").cards()
        assert len(reverse) == 2 and r"\(f'(x)\)" in reverse[1].question()

        (cloze_id,) = col.find_notes('"Text:*代入*"')
        c1, c2 = sorted(col.get_note(cloze_id).cards(), key=lambda c: c.ord)
        assert r"\(2x\)" in c2.question() and "[代入]" in c2.question()  # ==2==^[代入]: hint shown
        assert "[...]" in c1.question() and "导数 › 定义 › 例子" in c1.question()

        media = Path(col.media.dir())
        red = _note_by_front(col, "红色图片").cards()[0].answer()
        blue = _note_by_front(col, "蓝色图片").cards()[0].answer()
        red_name = re.search(r'<img src="([^"]+)"', red).group(1)
        blue_name = re.search(r'<img src="([^"]+)"', blue).group(1)
        assert red_name != blue_name  # same file name 图.png in img/a and img/b: no collision
        assert (media / red_name).read_bytes() == (vault / "img/a/图.png").read_bytes()
        assert (media / blue_name).read_bytes() == (vault / "img/b/图.png").read_bytes()
        assert 'width="100"' in blue

        row = _note_by_front(col, "Sigmoid").cards()[0]
        assert '<span class="nd-th">函数:</span> Sigmoid' in row.question()
        assert '<span class="nd-th">公式:</span> \\(\\frac{1}{1+e^{-x}}\\)' in row.answer()
        section = _note_by_front(col, "梯度下降 › 学习率").cards()[0]
        assert "<p>步长的大小。</p>" in section.answer()

        private = _note_by_front(col, "私有问题").cards()[0].answer()
        assert "example.org/notes/" + quote("私有") not in private  # a private note has no page to link to
    finally:
        col.close()


def _answer_text(col, front: str) -> str:
    return _note_by_front(col, front)["Back"]


def test_lifecycle_update_in_place_keeps_reviews_and_anki_edits(tmp_path):
    vault = copy_fixture("anki-vault", tmp_path / "vault")
    out = tmp_path / "out"
    apkg, _ = build(vault, out)
    col = fresh_collection(tmp_path / "col")
    try:
        import_package(col, apkg)
        note = _note_by_front(col, "导数的几何意义是什么")
        card = note.cards()[0]
        card.start_timer()
        col.sched.answerCard(card, 3)  # "Good": a review in revlog, the card leaves the new queue
        card.load()
        before = (card.id, card.type, card.queue, card.due, card.reps)
        assert col.db.scalar("select count() from revlog where cid = ?", card.id) == 1
        assert card.reps == 1 and card.type != 0

        edited_in_anki = _note_by_front(col, "求导的步骤")
        edited_in_anki["Back"] = "我在 Anki 里改过"
        col.update_note(edited_in_anki)

        # 1) edit that card's answer in the source note, rebuild, re-import
        md = vault / "数学/导数.md"
        md.write_text(md.read_text(encoding="utf-8").replace("::切线的斜率", "::切线的斜率（瞬时变化率）"), encoding="utf-8")
        state = json.loads((out / "anki" / "state.json").read_text(encoding="utf-8"))
        apkg2, _ = build(vault, out)
        log = import_package(col, apkg2)
        assert len(log.updated) == 1 and len(log.new) == 0  # exactly one note updated, none added
        assert col.note_count() == 19
        updated = _note_by_front(col, "导数的几何意义是什么")
        assert updated.id == note.id and "切线的斜率（瞬时变化率）" in updated["Back"]
        card = col.get_card(card.id)
        assert (card.id, card.type, card.queue, card.due, card.reps) == before  # scheduling kept
        assert col.db.scalar("select count() from revlog where cid = ?", card.id) == 1  # history kept
        assert _answer_text(col, "求导的步骤") == "我在 Anki 里改过"  # unchanged card did not overwrite it
        new_state = json.loads((out / "anki" / "state.json").read_text(encoding="utf-8"))
        changed = [g for g in state["cards"] if state["cards"][g] != new_state["cards"][g]]
        assert changed == [updated.guid] and new_state["cards"][updated.guid][1] > state["cards"][updated.guid][1]  # [hash, mod, type]

        # 2) rebuild with no source change, re-import: nothing is updated
        apkg3, _ = build(vault, out)
        log = import_package(col, apkg3)
        assert len(log.updated) == 0 and len(log.new) == 0 and len(log.duplicate) == 19
        assert _answer_text(col, "求导的步骤") == "我在 Anki 里改过"
        assert col.note_count() == 19
    finally:
        col.close()


def test_changing_a_cards_type_is_reported(tmp_path):
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "n.md").write_text("#flashcards\n\n问::答\n", encoding="utf-8")
    apkg, _ = build(vault, tmp_path / "out")
    col = fresh_collection(tmp_path / "col")
    try:
        import_package(col, apkg)
        (vault / "n.md").write_text("#flashcards\n\n问:::答\n", encoding="utf-8")
        apkg, diags = build(vault, tmp_path / "out")
        assert [(d.line, d.code) for d in diags] == [(3, "card-type-changed")]
        log = import_package(col, apkg)  # what the warning explains: Anki keeps the old note
        assert len(log.conflicting) == 1 and col.note_count() == 1
    finally:
        col.close()
