"""What students chose, question by question: option, pairing and position counts with the key marked.

Pure functions of a bank question and the answer each student handed in (``None`` = left blank). A
question is split into *slots*, each a set of choices one student picks from: the one slot of a
single or multiple choice question; one slot per left item of a matching question (its choices are
the right items); one slot per item of an ordering question (its choices are the positions). Numeric
and text questions get one slot of the answers at least two students gave, so no single student's
free text is shown. Counts are kept for the whole class and for its upper and lower groups.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ...bank.text import normalize_text
from ..scoring.rules import score

CHOICE_TYPES = ("single", "multiple", "matching", "ordering")
COMMON_MIN = 2  # an answer typed by fewer students is not shown (it could name the student)
OTHER = "other answers"  # the label of the typed answers given by one student each, counted together
MIN_TOP_COUNT = 5  # the top-group rule needs at least this many of the top group on the distractor


@dataclass(frozen=True)
class Choice:
    id: str
    text: str
    key: bool  # part of the key in this slot
    count: int  # students who chose it
    upper: int = 0  # of them, in the upper group
    lower: int = 0  # in the lower group


@dataclass(frozen=True)
class Slot:
    label: str  # "" for a one-slot question; the left item or the ordered item otherwise
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class Options:
    """Every slot of one question, and the answers that did not fit its shape."""

    kind: str  # options | pairs | positions | answers
    slots: tuple[Slot, ...]
    invalid: int  # answers of the wrong shape (scored 0 as invalid)
    distractors: tuple[str, ...] = ()  # ids of choices that are never part of the key


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _tally(chosen: Callable[[object], bool], values: Sequence, upper: set[int], lower: set[int]):
    """(count, upper count, lower count) of the students whose value satisfies ``chosen``."""
    hits = [i for i, v in enumerate(values) if v is not None and chosen(v)]
    return len(hits), sum(i in upper for i in hits), sum(i in lower for i in hits)


def _choice(cid: str, text: str, key: bool, chosen, values, upper, lower) -> Choice:
    return Choice(cid, text, key, *_tally(chosen, values, upper, lower))


def _single(q, values, upper, lower) -> tuple[Slot, ...]:
    return (
        Slot(
            "",
            tuple(
                _choice(o.id, o.text, o.id == q.answer, lambda v, o=o: v == o.id, values, upper, lower)
                for o in q.options
            ),
        ),
    )


def _multiple(q, values, upper, lower) -> tuple[Slot, ...]:
    keys = set(q.answers)
    return (
        Slot(
            "",
            tuple(
                _choice(o.id, o.text, o.id in keys, lambda v, o=o: o.id in v, values, upper, lower) for o in q.options
            ),
        ),
    )


def _matching(q, values, upper, lower) -> tuple[Slot, ...]:
    return tuple(
        Slot(
            left.text,
            tuple(
                _choice(
                    r.id,
                    r.text,
                    q.answer[left.id] == r.id,
                    lambda v, a=left.id, r=r: v.get(a) == r.id,
                    values,
                    upper,
                    lower,
                )
                for r in q.right
            ),
        )
        for left in q.left
    )


def _ordering(q, values, upper, lower) -> tuple[Slot, ...]:
    def at(item: str, position: int):
        return lambda v: v.index(item) == position

    return tuple(
        Slot(
            item.text,
            tuple(
                _choice(str(p + 1), ordinal(p + 1), p == k, at(item.id, p), values, upper, lower)
                for p in range(len(q.items))
            ),
        )
        for k, item in enumerate(q.items)
    )


def _common(q, values, upper, lower) -> tuple[Slot, ...]:
    """Every answer at least COMMON_MIN students gave, most frequent first, grouped as scoring compares
    them, then one "other answers" choice for the answers given by one student each."""
    shown: dict[str, object] = {}
    groups: Counter = Counter()
    for v in values:
        if v is not None:
            label = _label(q, v)
            groups[label] += 1
            shown.setdefault(label, v)
    common = sorted((label for label, n in groups.items() if n >= COMMON_MIN), key=lambda x: (-groups[x], x))
    choices = [
        _choice(label, label, score(q, shown[label]).verdict == "correct",
                lambda v, label=label: _label(q, v) == label, values, upper, lower)
        for label in common
    ]  # fmt: skip
    rare = {label for label, n in groups.items() if n < COMMON_MIN}
    if rare:
        rest = _choice(OTHER, OTHER, False, lambda v: _label(q, v) in rare, values, upper, lower)
        choices.append(rest)
    return (Slot("", tuple(choices)),)


def _label(q, value) -> str:
    if q.type == "numeric":
        return f"{float(value):g}"
    return normalize_text(value)


_SLOTS = {"single": _single, "multiple": _multiple, "matching": _matching, "ordering": _ordering}
KINDS = {"single": "options", "multiple": "options", "matching": "pairs", "ordering": "positions"}


def option_counts(q, values: Sequence, upper: Sequence[int] = (), lower: Sequence[int] = ()) -> Options | None:
    """The slots of question ``q`` counted over ``values`` (one per student, None = blank).

    Answers of the wrong shape are counted as ``invalid`` and left out of the slots. None for a
    question type without choices or answers to count (a written response).
    """
    builder = _SLOTS.get(q.type) or (_common if q.type in ("numeric", "text") else None)
    if builder is None:
        return None
    valid = [v if v is not None and score(q, v).verdict != "invalid" else None for v in values]
    invalid = sum(v is not None for v in values) - sum(v is not None for v in valid)
    slots = builder(q, valid, set(upper), set(lower))
    return Options(KINDS.get(q.type, "answers"), slots, invalid, _distractors(q))


def _distractors(q) -> tuple[str, ...]:
    if q.type in ("single", "multiple"):
        keys = set(q.key()) if q.type == "multiple" else {q.key()}
        return tuple(o.id for o in q.options if o.id not in keys)
    if q.type == "matching":
        used = set(q.answer.values())
        return tuple(r.id for r in q.right if r.id not in used)
    return ()


def unused_distractors(options: Options) -> list[str]:
    """Texts of the distractors that nobody chose in any slot."""
    chosen: Counter = Counter()
    texts = {}
    for slot in options.slots:
        for c in slot.choices:
            chosen[c.id] += c.count
            texts[c.id] = c.text
    return [texts[d] for d in options.distractors if chosen[d] == 0]


@dataclass(frozen=True)
class Prefers:
    """A wrong choice the top group took more often than the key (shares of the group's students)."""

    slot: str
    wrong: str
    key: str
    wrong_share: float
    key_share: float
    lower_share: float


def top_group_prefers(options: Options, group: int) -> list[Prefers]:
    """Wherever a wrong choice drew a larger share of the upper group than a key choice of the same slot,
    and a larger share of the upper group than of the lower group, chosen by at least MIN_TOP_COUNT of the
    upper group. ``group`` is the size of each group. A hard question whose key is right draws the top
    group to the key more than the bottom group; this flags a distractor that does the opposite."""
    if options.kind == "answers" or group == 0:
        return []
    found = []
    for slot in options.slots:
        keys = [c for c in slot.choices if c.key]
        wrong = [c for c in slot.choices if not c.key]
        if not keys or not wrong:
            continue
        weakest = min(keys, key=lambda c: (c.upper, c.id))
        strongest = max(wrong, key=lambda c: (c.upper, c.lower * -1, c.id))
        if strongest.upper >= MIN_TOP_COUNT and strongest.upper > weakest.upper and strongest.upper > strongest.lower:
            shares = (strongest.upper / group, weakest.upper / group, strongest.lower / group)
            found.append(Prefers(slot.label, strongest.text, weakest.text, *shares))
    return found
