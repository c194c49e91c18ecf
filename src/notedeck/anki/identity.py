"""Identity that survives rewording: a card whose question changed, or whose note was renamed or moved, keeps
the GUID it had in the last build, so Anki updates that note in place and keeps its reviews. Nothing is
written into the notes; the last build's :mod:`.state` is the memory.

1. A card whose (note key, card key) was in the last build gets that build's GUID (its own, or one it
   inherited earlier: an inherited GUID sticks).
2. The cards left over on both sides — new cards, and cards of the last build that no card claimed — are
   paired within one note (same note key), most similar first, when they are of one kind and similar enough:

   - question similarity ≥ 0.75 (a typo fixed, a word added or removed, punctuation), or
   - answer similarity ≥ 0.9 with an answer of 4+ characters, and question similarity ≥ 0.4 (the question
     reworded more, the answer the same), or
   - for clozes (no answer): text similarity ≥ 0.75;
   - a card split in two keeps its identity in the part more like it; the other part is new.

   Two cards swapped or reordered keep their keys, so step 1 already keeps both; a card deleted and an
   unrelated one added stay a deletion and an addition (similarity below the thresholds). Position among the
   note's cards only breaks ties (+0.05 when it is the same).
3. A note renamed or moved: the leftover cards of notes new to this build are paired the same way with the
   unclaimed cards of notes that are gone, with stricter thresholds (question ≥ 0.9, or exactly the same
   question and answer), so that a copied note does not take another's reviews.

Similarity is :class:`difflib.SequenceMatcher`'s ratio over the normalized text (answers: their HTML) (characters, so it works
for Chinese as for English). Each decision is reported (``notedeck cards`` prints them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher

from .card import Card, normalize
from .state import ANSWER_CHARS, Entry, State

Q_REWORD = 0.75
A_SAME = 0.9
A_MIN_LEN = 4
Q_WITH_SAME_ANSWER = 0.4
Q_RENAMED = 0.9
POSITION_BONUS = 0.05


@dataclass(frozen=True, slots=True)
class Decision:
    card: Card
    guid: str
    reason: str  # "reworded" | "note renamed or moved from <path>"
    old_question: str

    def __str__(self) -> str:
        return f"{self.card.source}: kept identity of '{_short(self.old_question)}' ({self.reason})"


def _short(s: str, width: int = 50) -> str:
    s = " ".join(s.split())
    return s if len(s) <= width else s[: width - 1] + "…"


def _ratio(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    m = SequenceMatcher(None, a, b, autojunk=False)
    if m.real_quick_ratio() < Q_WITH_SAME_ANSWER or m.quick_ratio() < Q_WITH_SAME_ANSWER:
        return m.quick_ratio() * 0.5  # cheap upper bounds already too low
    return m.ratio()


def score(card: Card, old: Entry, index: int, renamed: bool = False, answer: str = "") -> float:
    """How well ``card`` (at ``index`` in its note, with ``answer`` as the state stores answers) continues
    ``old``; 0 when it does not."""
    if card.kind != old.kind:
        return 0.0
    q_new, q_old = normalize(card.front_text[:ANSWER_CHARS]), normalize(old.question) if old.question else old.key
    a_new, a_old = (normalize(answer), normalize(old.answer)) if card.kind != "cloze" else ("", "")
    q = _ratio(q_new, q_old)
    a = _ratio(a_new, a_old) if a_new or a_old else 1.0
    if renamed:
        ok = q >= Q_RENAMED or (q_new == q_old and a_new == a_old)
    else:
        ok = q >= Q_REWORD or (a >= A_SAME and len(a_old) >= A_MIN_LEN and q >= Q_WITH_SAME_ANSWER)
    if not ok:
        return 0.0
    return 0.7 * q + 0.3 * a + (POSITION_BONUS if index == old.index else 0.0)


def _pair(cards: list[tuple[Card, int]], olds: list[tuple[str, Entry]], renamed: bool,
          answer_of: Callable[[Card], str]) -> list[tuple[Card, str, Entry]]:
    """Greedy pairing, best score first (ties: file order)."""
    scored = []
    for ci, (card, index) in enumerate(cards):
        answer = answer_of(card)[:ANSWER_CHARS] if card.kind != "cloze" else ""
        for oi, (_, old) in enumerate(olds):
            s = score(card, old, index, renamed, answer)
            if s > 0:
                scored.append((-s, ci, oi))
    scored.sort()
    used_c: set[int] = set()
    used_o: set[int] = set()
    out = []
    for _, ci, oi in scored:
        if ci in used_c or oi in used_o:
            continue
        used_c.add(ci)
        used_o.add(oi)
        out.append((cards[ci][0], olds[oi][0], olds[oi][1]))
    return out


def identify(cards: list[Card], state: State, answer_of: Callable[[Card], str]) -> list[Decision]:
    """Give each card its GUID from the last build (see the module's doc); returns the similarity decisions.
    ``answer_of``: a card's answer as the state stores it (its HTML: :func:`.deck.answer_html`)."""
    old = state.cards
    if not old:
        return []
    by_key: dict[tuple[str, str], str] = {}
    for guid, e in old.items():
        if e.note_key:
            by_key[(e.note_key, e.key)] = guid
    claimed: set[str] = set()
    left: dict[str, list[tuple[Card, int]]] = defaultdict(list)  # note key → unmatched new cards
    index_in_note: dict[str, int] = defaultdict(int)
    for card in cards:
        index = index_in_note[card.note_key]
        index_in_note[card.note_key] += 1
        guid = by_key.get((card.note_key, card.key))
        if guid is None and card.own_guid in old:
            guid = card.own_guid
        if guid is not None and guid not in claimed:
            claimed.add(guid)
            if guid != card.own_guid:
                card.inherited = guid
            continue
        left[card.note_key].append((card, index))
    if not left:
        return []
    orphans: dict[str, list[tuple[str, Entry]]] = defaultdict(list)  # note key → unclaimed old cards
    for guid, e in old.items():
        if guid not in claimed and e.note_key:
            orphans[e.note_key].append((guid, e))
    decisions: list[Decision] = []
    current_notes = {c.note_key for c in cards}
    new_notes: list[tuple[Card, int]] = []
    for note_key, leftovers in left.items():
        if note_key not in orphans:
            if not any(e.note_key == note_key for e in old.values()):
                new_notes.extend(leftovers)  # a note new to this build: maybe a renamed one
            continue
        for card, guid, e in _pair(leftovers, orphans[note_key], False, answer_of):
            card.inherited = guid
            claimed.add(guid)
            decisions.append(Decision(card, guid, "reworded", e.question or e.key))
    gone = [(g, e) for key, items in orphans.items() if key not in current_notes for g, e in items if g not in claimed]
    if new_notes and gone:
        for card, guid, e in _pair(new_notes, gone, True, answer_of):
            card.inherited = guid
            reason = f"note renamed or moved from {e.note or e.note_key}"
            if normalize(card.front_text) != (normalize(e.question) if e.question else e.key):
                reason += ", reworded"
            decisions.append(Decision(card, guid, reason, e.question or e.key))
    return decisions
