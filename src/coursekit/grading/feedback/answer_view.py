"""A graded answer shown the way the widget showed it, each part marked, and why it earned what it did.

One function per question type turns (question, answer) into a ``View``: the answer's lines (a list, a
numbered list, pairs), a mark on each line where the type has one (a right or wrong choice, a position
in or out of place, a pair right or wrong), the reasons in words, and the key's lines. Marks only ever
judge what the student chose; what they missed is counted, never named. The key's lines are shown only
when the caller decides the student may see them (``feedback.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

MAX_SHOWN = 400  # characters of a student's answer echoed back


@dataclass(frozen=True)
class Line:
    text: str  # Markdown subset (the bank's own text, or the student's, already quoted)
    mark: str = ""  # "good" or "bad": how the line fared; "" for no mark
    why: str = ""  # the mark in words ("right choice", "out of place", ...)
    literal: bool = False  # the student's own text: shown exactly as typed, no Markdown


@dataclass
class View:
    lines: list[Line]
    style: str = "one"  # "one" (a single line), "list" (bullets), "numbered"
    reasons: list[str] = field(default_factory=list)
    key: list[Line] = field(default_factory=list)
    key_style: str = "one"


def clip(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def num(x: float) -> str:
    """Points and numbers in one format everywhere: at most two decimals, no trailing zeros (0.6667 -> 0.67)."""
    return f"{round(float(x), 2):g}"


def _quoted(text: str) -> Line:
    """A student's own text (or an accepted answer), shown exactly as typed, in quotes."""
    return Line(f"“{clip(text)}”", literal=True)


def _labels(q) -> dict[str, str]:
    out: dict[str, str] = {}
    for group in ("options", "items", "left", "right"):
        for o in getattr(q, group, None) or []:
            out[o.id] = o.text
    return out


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def view(q, value, verdict: str) -> View:
    """The student's answer to ``q`` as a View; never raises (an answer of a bad shape is shown as data)."""
    if value is None:
        return View([Line("(no answer)")], key=_key(q))
    if verdict == "invalid":
        return View([_data(value)], key=_key(q))
    try:
        return VIEWS[q.type](q, value)
    except (TypeError, ValueError, KeyError, AttributeError):
        return View([_data(value)], key=_key(q))


def _data(value) -> Line:
    text = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else value
    return _quoted(text)


def _single(q, value) -> View:
    return View([Line(_labels(q)[value])], key=_key(q))


def _multiple(q, value: list) -> View:
    label, right = _labels(q), set(q.answers)
    marks = {True: ("good", "right choice"), False: ("bad", "not a right choice")}
    lines = [Line(label[v], *marks[v in right]) for v in value]
    good = sum(v in right for v in value)
    missing = len(right - set(value))
    reasons = []
    if len(value) == 1:
        reasons.append("Your one choice is right." if good else "Your one choice is not right.")
    elif value:
        verb = "is" if good == 1 else "are"
        reasons.append(f"{good} of your {len(value)} choices {verb} right.")
    if missing:
        reasons.append(f"{_plural(missing, 'right option was', 'right options were')} not chosen.")
    if len(value) - good and good:
        reasons.append("Each wrong choice cancels one right choice.")
    return View(lines or [Line("(nothing selected)")], "list", reasons, _key(q), "list")


def _numeric(q, value) -> View:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("not a number")
    return View([Line(_with_unit(q, num(value) if isinstance(value, float) else str(value)))], key=_key(q))


def _with_unit(q, text: str) -> str:
    return f"{text} {q.unit}" if q.unit else text


def _text(q, value: str) -> View:
    if not isinstance(value, str):
        raise TypeError("not text")
    return View([_quoted(value)], key=_key(q), key_style="list" if len(q.forms()) > 1 else "one")


def _ordering(q, value: list) -> View:
    label, key = _labels(q), [o.id for o in q.items]
    lines = [Line(label[v], *(("good", "in place") if i < len(key) and key[i] == v else ("bad", "out of place")))
             for i, v in enumerate(value)]  # fmt: skip
    wrong = [str(i + 1) for i, line in enumerate(lines) if line.mark == "bad"]
    reasons = []
    if wrong:
        where = ", ".join(wrong[:-1]) + f" and {wrong[-1]}" if len(wrong) > 1 else wrong[0]
        reasons.append(f"{'Position' if len(wrong) == 1 else 'Positions'} {where} {'is' if len(wrong) == 1 else 'are'} "
                       "out of place.")  # fmt: skip
        pairs, before = _pairs(key, value)
        reasons.append(f"{before} of {pairs} pairs of items are in the right order relative to each other, "
                       f"{pairs - before} in the wrong order; the credit is the right pairs minus the wrong ones, "
                       "as a share of all pairs.")  # fmt: skip
    return View(lines, "numbered", reasons, _key(q), "numbered")


def _pairs(key: list, value: list) -> tuple[int, int]:
    at = {v: i for i, v in enumerate(value)}
    pairs = [(a, b) for i, a in enumerate(key) for b in key[i + 1 :]]
    return len(pairs), sum(at[a] < at[b] for a, b in pairs)


def _matching(q, value: dict) -> View:
    label = _labels(q)
    lines = []
    for left in q.left:
        if left.id not in value:
            lines.append(Line(f"{left.text} → (not matched)", "bad", "not matched"))
            continue
        good = value[left.id] == q.answer[left.id]
        lines.append(Line(f"{left.text} → {label[value[left.id]]}", *(("good", "right") if good else ("bad", "wrong"))))
    right = sum(line.mark == "good" for line in lines)
    verb = "is" if right == 1 else "are"
    reasons = [f"{right} of {len(lines)} pairs {verb} right."] if right < len(lines) else []
    return View(lines, "list", reasons, _key(q), "list")


def _key(q) -> list[Line]:
    """The key's lines (shown only when the caller allows it)."""
    label = _labels(q)
    if q.type == "single":
        return [Line(label[q.answer])]
    if q.type == "multiple":
        return [Line(label[a]) for a in q.answers]
    if q.type == "numeric":
        tolerance = f" (± {num(q.tolerance)})" if q.tolerance else ""
        return [Line(_with_unit(q, str(q.key())) + tolerance)]
    if q.type == "text":
        return [_quoted(a) for a in q.forms()]
    if q.type == "ordering":
        return [Line(o.text) for o in q.items]
    if q.type == "matching":
        return [Line(f"{left.text} → {label[q.answer[left.id]]}") for left in q.left]
    return []


VIEWS = {"single": _single, "multiple": _multiple, "numeric": _numeric, "text": _text}
VIEWS |= {"ordering": _ordering, "matching": _matching}
