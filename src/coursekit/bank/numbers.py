"""How a typed number is read: the forms students type ("1,951", "1951.", "four", "4 years"), nothing looser.

Pure; the book's self-checks and the graded widget read numbers with a copy in ``notebook/static/quiz.mjs`` (its
section "answer matching"), checked against the same vectors (``tests/fixtures/matching-vectors.json``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from .matching import fold, words

_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
_NUMBER_WORDS = {w: i for i, w in enumerate([*_ONES.split(" "), "seventeen", "eighteen", "nineteen"])}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_DIGITS = re.compile(r"[+-]?(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+)")
MAX_NUMBER_CHARS = 40


@dataclass(frozen=True)
class NumberReading:
    """A typed number: its value (None if it is not one) and how it was read ("in words", "a trailing period"...)."""

    value: float | None
    how: tuple[str, ...] = ()


def read_number(text: str, unit: str | None = None) -> NumberReading:
    """``text`` as a number: digits with a thousands separator or a trailing period, 0 to 100 in words, or either
    followed by the question's ``unit`` ("4 years"). Anything else ("about 366", "1e3", "0x10") is no number."""
    s, how = _trim(fold(text)), []
    if len(s) > MAX_NUMBER_CHARS:
        return NumberReading(None)
    if s.endswith(".") and not s.endswith(".."):
        s, how = _trim(s[:-1]), ["a trailing period"]
    s, with_unit = _without_unit(s, unit)
    how += ["the unit"] if with_unit else []
    if _DIGITS.fullmatch(s):
        value = float(s.replace(",", "").replace(" ", ""))
        how += ["a thousands separator"] if ("," in s or " " in s) else []
        return NumberReading(value if math.isfinite(value) else None, tuple(how))
    value = _in_words(s)
    return NumberReading(value, (*how, "in words")) if value is not None else NumberReading(None)


def _without_unit(s: str, unit: str | None) -> tuple[str, bool]:
    """``s`` without the question's unit at its end ("4 years" for unit "years"), and whether it had one."""
    if not unit or " " not in s:
        return s, False
    head, _, last = s.rpartition(" ")
    unit_words = words(unit)
    return (_trim(head), True) if unit_words and words(last) == unit_words[-1:] else (s, False)


def _trim(s: str) -> str:
    """Without spaces and control characters at either end (the same set as the browser's copy)."""
    start, end = 0, len(s)
    while start < end and _edge(s[start]):
        start += 1
    while end > start and _edge(s[end - 1]):
        end -= 1
    return s[start:end]


def _edge(c: str) -> bool:
    return unicodedata.category(c)[0] == "Z" or unicodedata.category(c) == "Cc"


def _in_words(s: str) -> float | None:
    """0 to 100 written out: "four", "twenty-one", "twenty one", "a hundred", "one hundred"."""
    parts = [p for p in re.split(r"[ -]+", s) if p]
    if parts in (["a", "hundred"], ["one", "hundred"]):
        return 100.0
    if len(parts) == 1 and parts[0] in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[parts[0]])
    if parts and parts[0] in _TENS and len(parts) <= 2:
        rest = parts[1:]
        if not rest:
            return float(_TENS[parts[0]])
        if rest[0] in _NUMBER_WORDS and 0 < _NUMBER_WORDS[rest[0]] < 10:
            return float(_TENS[parts[0]] + _NUMBER_WORDS[rest[0]])
    return None
