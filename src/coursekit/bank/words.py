"""Content words for the item-writing checks: a question's words without function words, reduced to crude stems.

A stem is the word's first six letters once one common ending (-ing, -ed, -es, -s) is gone, so "alliance"
and "alliances", "depends" and "dependent", "wished" and "wish" meet. It is deliberately rough: the checks
that use it compare wordings a student sees side by side, where a shared stem is what the eye catches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .text import normalize_text

STEM_LETTERS = 6
MIN_WORD = 4  # shorter words are nearly all function words
TOPIC_SHARE = 0.5  # a stem in at least this share of a quiz's questions is its topic, and cues nothing
FUNCTION_WORDS = frozenset(
    """
    about above after again against also among another around because been before being below between both brief could
    does doing down during each either even every from further have having here into itself just least less like
    made make cannot many more most much must near neither none only other ours over quite rather said same says shall
    should since some such than that their theirs them then there these they this those though through under until
    upon very were what when where whether which while whom whose will with within without would your yours haggard
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
_WORD = re.compile(r"[^\W\d_]+")


_SUFFIXES = ("ing", "ed", "es", "s")


def stem(word: str) -> str:
    """A crude stem: one common ending off ("wished", "wishes" -> "wish"), then the first six letters."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_WORD and not word.endswith("ss"):
            word = word[: -len(suffix)]
            break
    return word[:STEM_LETTERS]


def stems(text: str, ignore: Iterable[str] = ()) -> set[str]:
    """The content stems of ``text``, leaving out function words and the stems in ``ignore``."""
    words = _WORD.findall(normalize_text(text))
    found = {stem(w) for w in words if len(w) >= MIN_WORD and w not in FUNCTION_WORDS}
    return found - set(ignore)


def topic_stems(texts: list[str]) -> set[str]:
    """Stems found in at least ``TOPIC_SHARE`` of ``texts`` (one text per question): the quiz's shared topic."""
    if len(texts) < 2:
        return set()
    counts: dict[str, int] = {}
    for text in texts:
        for s in stems(text):
            counts[s] = counts.get(s, 0) + 1
    return {s for s, n in counts.items() if n >= TOPIC_SHARE * len(texts) and n >= 2}


VOCABULARY_SHARE = 0.2  # a stem in a fifth of the bank's questions is the course's vocabulary ("Washington") ...
VOCABULARY_MIN = 5  # ... once five or more use it: in a small bank a fifth is two questions, which is a phrase


def vocabulary(texts: list[str]) -> set[str]:
    """Stems found in at least ``VOCABULARY_SHARE`` (and ``VOCABULARY_MIN``) of ``texts``, one text per question of
    the whole bank: the course's own vocabulary, which two questions share without one echoing the other."""
    counts: dict[str, int] = {}
    for text in texts:
        for s in stems(text):
            counts[s] = counts.get(s, 0) + 1
    return {s for s, n in counts.items() if n >= VOCABULARY_SHARE * len(texts) and n >= VOCABULARY_MIN}


def visible_texts(q) -> list[str]:
    """Every text a student reads of a question before grading, one entry per prompt or option."""
    texts = [q.prompt]
    for field in ("options", "items", "left", "right"):
        texts += [o.text for o in getattr(q, field, None) or []]
    return texts


def shown(text: str, found: Iterable[str]) -> str:
    """The words of ``text`` whose stems are in ``found``, as a reader would recognise them."""
    found, seen = set(found), []
    for word in _WORD.findall(normalize_text(text)):
        if stem(word) in found and word not in seen and len(word) >= MIN_WORD:
            seen.append(word)
    return ", ".join(seen)
