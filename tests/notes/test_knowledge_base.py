"""The knowledge base as a whole: the pitfalls page, the exercises, the learning path, the cards."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

NOTES = Path(__file__).resolve().parents[2] / "notes"
DL = NOTES / "深度学习基础"


def sections(text: str, level: str = "## ") -> dict[str, str]:
    parts = re.split(rf"^{level}(.+)$", text, flags=re.M)
    return {title.strip(): body for title, body in zip(parts[1::2], parts[2::2])}


def test_every_pitfall_has_wrong_why_fix_and_a_block_asserting_both():
    pitfalls = {t: b for t, b in sections((DL / "常见的坑.md").read_text(encoding="utf-8")).items() if t[0].isdigit()}
    assert [int(t.split(".")[0]) for t in pitfalls] == list(range(1, 14))
    for title, body in pitfalls.items():
        assert "**错误**" in body and "**为什么错**" in body and "**修正**" in body, title
        code = "\n".join(re.findall(r"```python\n(.*?)```", body, flags=re.S))
        assert code.count("assert") >= 2, title  # the wrong way fails one, the fix passes another
        assert "[[" in body, title  # links to the note that explains it


def test_every_exercise_has_a_folded_answer_checked_by_code():
    exercises = {t: b for t, b in sections((DL / "练习.md").read_text(encoding="utf-8")).items() if t[0].isdigit()}
    assert len(exercises) >= 10
    for title, body in exercises.items():
        answer = body.split("> [!example]- 答案", 1)
        assert len(answer) == 2, title
        assert "> ```python" in answer[1] and re.search(r"^>\s+.*\bassert\b", answer[1], flags=re.M), title


def test_every_note_is_on_the_learning_path():
    path_text = (DL / "深度学习基础.md").read_text(encoding="utf-8") + (NOTES / "index.md").read_text(encoding="utf-8")
    linked = {m.split("|")[0].split("#")[0] for m in re.findall(r"\[\[([^\]]+)\]\]", path_text)}
    for md in NOTES.rglob("*.md"):
        if md.name != "index.md":
            assert md.stem in linked, md


def test_provenance_lives_in_one_note():
    for md in NOTES.rglob("*.md"):
        text = md.read_text(encoding="utf-8")
        assert "原图缺失" not in text and "原动图缺失" not in text, md
    assert "Pasted image 20250405163206" in (NOTES / "来源与修订.md").read_text(encoding="utf-8")


def test_cards_count_and_length():
    out = subprocess.run([sys.executable, "-c", "from notedeck.cli import main; main()", "cards", str(NOTES), "--json"],
                         capture_output=True, text=True, check=True).stdout
    cards = json.loads(out)
    assert len(cards) >= 150
    long = [c for c in cards if len(c["back"]) > 120]
    assert len(long) <= 0.05 * len(cards)
    fronts = [c["front"] for c in cards]
    assert len(fronts) == len(set(fronts))  # no question asked twice
    for md in NOTES.rglob("*.md"):
        assert "table-cards" not in md.read_text(encoding="utf-8"), md  # a card per fact, not per table row
