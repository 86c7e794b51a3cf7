"""Scoring: one pure function per question type, from (question, answer value) to points.

Every function accepts any JSON value: a value of the wrong shape scores 0 with the
verdict ``invalid``, never an exception. Rules (also in the instructor guide):

* single: full points for the key's option id, else 0.
* multiple: (right picks - wrong picks) / number of right options, floored at 0.
* numeric: full points when |value - answer| <= tolerance (years use tolerance 0); text is read
  as students type numbers ("1,951", "1951.", "four", "4 years"), see ``bank/matching.py``.
* text: full points when the answer matches the question's core terms (with its optional words),
  or one of its accepted answers, and no refused form; see ``bank/matching.py``.
* ordering: Kendall's tau against the key, floored at 0: the share of item pairs in the
  right relative order minus the share in the wrong order.
* matching: the share of left items matched to the right partner.
* written: never scored here. A grader scores it by hand in nbgrader's formgrader; ``score``
  returns 0 of its points with the verdict ``manual`` so that callers can report it as pending.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from ...bank.matching import intent, match_text
from ...bank.numbers import read_number
from ...bank.schema import Matching, MultipleSelect, Numeric, Ordering, ShortText, SingleChoice, Written

VERDICTS = ("correct", "partial", "incorrect", "unanswered", "invalid", "manual")


@dataclass(frozen=True)
class Score:
    points: float
    max_points: float
    verdict: str  # one of VERDICTS
    note: str = ""  # why an answer was invalid
    matched: str = ""  # text and numeric: which form of the key the answer matched, in words ("" for none)


def _fraction(q, fraction: float) -> Score:
    fraction = min(1.0, max(0.0, fraction))
    points = round(q.points * fraction, 4)
    verdict = "correct" if fraction == 1 else "incorrect" if fraction == 0 else "partial"
    return Score(points, q.points, verdict)


def _invalid(q, note: str) -> Score:
    return Score(0.0, q.points, "invalid", note)


def _is_id_list(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def score_single(q: SingleChoice, value) -> Score:
    if not isinstance(value, str):
        return _invalid(q, "expected one option id")
    if value not in {o.id for o in q.options}:
        return _invalid(q, f"'{value[:40]}' is not an option of this question")
    return _fraction(q, 1.0 if value == q.answer else 0.0)


def score_multiple(q: MultipleSelect, value) -> Score:
    if not _is_id_list(value):
        return _invalid(q, "expected a list of option ids")
    picked = set(value)
    if picked - {o.id for o in q.options}:
        return _invalid(q, "the list names options this question does not have")
    right = len(picked & set(q.answers))
    wrong = len(picked - set(q.answers))
    return _fraction(q, (right - wrong) / len(q.answers))


def _finite(value) -> float | None:
    """The value as a finite float; None for non-numbers, NaN, infinities and ints too big for a float."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:  # a JSON integer with hundreds of digits
        return None
    return number if math.isfinite(number) else None


def score_numeric(q: Numeric, value) -> Score:
    number, how = _finite(value), ()
    if number is None and isinstance(value, str):
        reading = read_number(value, q.unit)
        number, how = reading.value, reading.how
    if number is None:
        return _invalid(q, "expected a number")
    right = abs(number - q.answer) <= q.tolerance + 1e-9
    result = _fraction(q, 1.0 if right else 0.0)
    return replace(result, matched=_number_form(q, number, how) if right else "")


def _number_form(q: Numeric, number: float, how: tuple) -> str:
    """How a right number was read: from text ("four" read as 4) and whether the tolerance was needed."""
    parts = [f"read as {number:g} ({', '.join(how)})"] if how else []
    if abs(number - q.answer) > 1e-9:
        parts.append(f"within the tolerance of ± {q.tolerance:g}")
    return "; ".join(parts)


def score_text(q: ShortText, value) -> Score:
    if not isinstance(value, str):
        return _invalid(q, "expected text")
    found = match_text(intent(**{k: tuple(v) for k, v in q.matching().items()}), value)
    return replace(_fraction(q, 1.0 if found.accepted else 0.0), matched=found.describe())


def score_ordering(q: Ordering, value) -> Score:
    key = [o.id for o in q.items]
    if not _is_id_list(value) or sorted(value) != sorted(key):
        return _invalid(q, "expected every item exactly once")
    position = {item: i for i, item in enumerate(value)}
    pairs = [(a, b) for i, a in enumerate(key) for b in key[i + 1 :]]
    concordant = sum(position[a] < position[b] for a, b in pairs)
    return _fraction(q, (2 * concordant - len(pairs)) / len(pairs))


def score_matching(q: Matching, value) -> Score:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        return _invalid(q, "expected an object mapping left ids to right ids")
    if set(value) - set(q.answer):
        return _invalid(q, "the object names left items this question does not have")
    right = sum(value.get(left) == partner for left, partner in q.answer.items())
    return _fraction(q, right / len(q.answer))


def score_written(q: Written, value) -> Score:
    # Whatever the value, a person grades this answer; nothing here may count it as right or wrong.
    return Score(0.0, q.points, "manual", "graded by hand in formgrader")


SCORERS = {
    "single": score_single,
    "multiple": score_multiple,
    "numeric": score_numeric,
    "text": score_text,
    "ordering": score_ordering,
    "matching": score_matching,
    "written": score_written,
}


def score(question, value) -> Score:
    """Score one answer; ``None`` means the question was not answered. Written answers are ``manual``."""
    if value is None and question.type != "written":
        return Score(0.0, question.points, "unanswered")
    return SCORERS[question.type](question, value)
