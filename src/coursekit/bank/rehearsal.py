"""Graded keys that a public self-check already hands out. The book shows every practice question with its key, so
a graded key that repeats a practice key is answered from memory of the self-check, not from the reading.

Compared: the texts a student must choose or produce to be right (``giveaways.key_texts``: right options, accepted
answers, a number), of each graded question against each practice question. A graded key repeats a practice key
when it appears in it whole (or as a run of its words), or when the two share at least ``MIN_SHARED`` content words
that make up at least ``SHARE`` of the practice key's content words: what the student memorised comes back.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .giveaways import given_away, key_texts, short
from .words import shown, stems, visible_texts, vocabulary

MIN_SHARED = 2  # one shared content word is a topic ("China"); two are a phrase the eye recognises
SHARE = 0.4  # ... and they must be a good part of the practice key: a long practice key shares words by chance


@dataclass(frozen=True)
class PracticeKey:
    """One key text of a practice question, and where that question is written (``file:line``)."""

    qid: str
    text: str
    where: str


@dataclass(frozen=True)
class Practice:
    """What graded keys are compared with: every practice key, and the course's vocabulary, which cues nothing."""

    keys: Sequence[PracticeKey] = ()
    vocabulary: frozenset[str] = frozenset()


def practice_context(bank, places: dict, extra: Sequence[tuple[object, str]] = ()) -> Practice:
    """What the graded keys of a checked ``bank`` are compared with: the keys of its practice questions and of
    ``extra`` ones, as (question, ``file:line``), and the vocabulary of all those questions together."""
    shown = [*practice_of(bank, places), *extra]
    return Practice(practice_keys(shown), course_vocabulary([*bank.questions.values(), *(q for q, _ in extra)]))


def course_vocabulary(questions) -> frozenset[str]:
    """The stems so many of the bank's ``questions`` use (prompts, options, keys) that sharing them is no echo."""
    return frozenset(vocabulary([" ".join([*visible_texts(q), *(t for _, t in key_texts(q))]) for q in questions]))


def practice_of(bank, places: dict) -> list[tuple[object, str]]:
    """The practice questions of a loaded ``bank``, each with its ``file:line`` (from ``places``: id -> both)."""
    found = [(q, path) for path, f in bank.files.items() if f.kind == "practice" for q in f.questions]
    return [(q, "{}:{}".format(*places.get(q.id, (path, 0)))) for q, path in found]


def practice_keys(questions: Sequence[tuple[object, str]]) -> list[PracticeKey]:
    """The key texts of practice ``questions``, given as (question, ``file:line``)."""
    return [PracticeKey(q.id, text, where) for q, where in questions for _, text in key_texts(q)]


def rehearsals(q, practice: Practice, topic: set[str]) -> Iterator[tuple[tuple, str]]:
    """Each key text of graded question ``q`` that repeats a practice key: once per practice question. Stems of the
    quiz's ``topic`` and of the course's vocabulary do not count as shared words."""
    reported, ignore = set(), topic | practice.vocabulary
    for loc, key in key_texts(q):
        for p in practice.keys:
            if p.qid in reported:
                continue
            what = _repeats(key, p.text, ignore)
            if what:
                reported.add(p.qid)
                yield loc, _message(key, what, p)


def _message(key: str, what: str, p: PracticeKey) -> str:
    return (
        f"the key \"{short(key)}\" repeats {what} of practice self-check '{p.qid}' ({p.where}), whose key the public "
        f'book shows ("{short(p.text)}"), so students answer from memory of the self-check. Reword the practice '
        "question (it is public) or test the point another way."
    )


def _repeats(key: str, practiced: str, topic: set[str]) -> str | None:
    """How ``key`` repeats the practice key ``practiced`` ("the key", "the words x, y"), or None."""
    if given_away(key, practiced):
        return "the key"
    words = stems(practiced, topic)
    shared = stems(key, topic) & words
    if len(shared) >= MIN_SHARED and len(shared) >= SHARE * len(words):
        return f"the words {shown(practiced, shared)} ({len(shared)} of its {len(words)} content words)"
    return None
