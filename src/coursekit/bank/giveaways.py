"""What one question of a file gives away about another: a key shown by another question, and a written
answer's rubric criterion stated by an auto-graded question of the same quiz (which students see while writing)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .parse import Parsed
from .schema import BankFile
from .text import normalize_text
from .words import shown, stems, visible_texts

RUN_WORDS = 5  # a run of this many of a key's words, found in another question, gives the key away
CLAUSE_STEMS = 3  # a rubric clause with fewer content stems is too short to be "stated" elsewhere
STATED_SHARE = 0.6  # ... and it is stated by a text holding this share of its stems (at least CLAUSE_STEMS)
_CLAUSE = re.compile(r"[.;:(),]")


def key_leaks(q, quiz: BankFile, parsed: Parsed, index: dict[str, int]) -> Iterator[tuple[tuple, str]]:
    for loc, key in key_texts(q):
        for other in quiz.questions:
            if other is q:
                continue
            words = given_away(key, " | ".join(visible_texts(other)))
            if words:
                line = parsed.line(("questions", index[other.id], "id"))
                whole = words == normalize_text(key)
                what = f'the key "{short(key)}" appears' if whole else f'the key\'s words "{words}" appear'
                yield loc, f"{what} in question '{other.id}' (line {line}), which gives it away. Reword one of them."


def key_texts(q) -> list[tuple[tuple, str]]:
    """The texts a student would have to choose or produce to be right, with where each is written."""
    if q.type == "single":
        return [(("options", i), o.text) for i, o in enumerate(q.options) if o.id == q.answer]
    if q.type == "multiple":
        return [(("options", i), o.text) for i, o in enumerate(q.options) if o.id in q.answers]
    if q.type == "text":
        return [((field, i), a) for field in ("core", "accept") for i, a in enumerate(getattr(q, field))]
    if q.type == "numeric":
        return [(("answer",), str(q.key()))]
    return []


def given_away(key: str, other: str) -> str | None:
    """The key (or a run of its words) if ``other`` contains it as whole words, else None."""
    k, text = normalize_text(key), f" {normalize_text(other)} "
    if len(k.replace(" ", "")) >= 3 and f" {k} " in text:
        return k
    words = k.split()
    for i in range(len(words) - RUN_WORDS + 1):
        run = words[i : i + RUN_WORDS]
        if sum(len(w) >= 4 for w in run) >= 2 and f" {' '.join(run)} " in text:
            return " ".join(run)
    return None


def short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


def rubric_leaks(q, quiz: BankFile, topic: set[str], parsed: Parsed, index: dict) -> Iterator[tuple[tuple, str]]:
    """A criterion of written question ``q`` whose content an auto-graded question of the quiz states."""
    if q.type != "written":
        return
    for i, c in enumerate(q.rubric):
        for clause in _clauses(c):
            words = stems(clause, topic)
            if len(words) < CLAUSE_STEMS:
                continue
            hit = _stated_in(words, quiz, topic)
            if hit:
                other, text, shared = hit
                line = parsed.line(("questions", index[other.id], "id"))
                yield (
                    ("rubric", i),
                    (
                        f"criterion '{c.id or i + 1}' is stated by question '{other.id}' (line {line}): "
                        f'"{short(text)}" shares {shown(clause, shared)} with "{short(clause)}". Students see that '
                        "question while they write, so it hands them this criterion. Test the point in one place only."
                    ),
                )
                break


def _clauses(c) -> list[str]:
    """What a criterion asks for, clause by clause: its text and its top level's descriptor."""
    top = max(c.levels, key=lambda lv: lv.points).descriptor if c.levels else ""
    return [part.strip() for part in _CLAUSE.split(f"{c.criterion}. {top}") if part.strip()]


def _stated_in(words: set[str], quiz: BankFile, topic: set[str]):
    """(question, text, shared stems) of the first auto-graded text that states a clause with these stems."""
    for other in quiz.auto_graded():
        for text in visible_texts(other):
            shared = words & stems(text, topic)
            if len(shared) >= CLAUSE_STEMS and len(shared) >= STATED_SHARE * len(words):
                return other, text, shared
    return None
