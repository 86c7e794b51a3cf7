"""The answers file as handed in, parsed strictly: what each question's answer is, or why it was ignored.

The kernel writes ``{"schema": 1, "answers": {"<question id>": <value>}}`` (``notebook/answers.py``);
a student can hand in any bytes instead. Parsing never raises and never hangs: the size is bounded
before parsing, nesting depth is checked before ``json`` recurses, and values JSON allows but a quiz
cannot mean (NaN, infinities, integers with hundreds of digits, lone surrogates, a key given twice)
spoil only the question they sit in. That question then scores 0 with one line saying why.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

from ...notebook.answers import MAX_BYTES, SCHEMA

MAX_DEPTH = 20  # an answer is at most an object of strings; deeper is never a real answer
MAX_DIGITS = 30  # digits in one integer literal (a year has 4)


@dataclass(frozen=True)
class HandedIn:
    """The answers of one submission: usable values, and why the other answers were ignored."""

    values: dict = field(default_factory=dict)  # question id -> JSON value
    spoiled: dict = field(default_factory=dict)  # question id -> why its answer cannot be graded
    problem: str = ""  # why the whole file was ignored ("" when it was read)
    present: bool = True  # False: no answers file was handed in


class _Spoiled:
    """A JSON value that parsed but cannot be an answer; ``why`` says what it was."""

    def __init__(self, why: str):
        self.why = why


class _Pairs(dict):
    """A JSON object that remembers a key given twice."""

    twice: str | None = None


def _object(pairs: list) -> _Pairs:
    out = _Pairs()
    for key, value in pairs:
        if key in out and out.twice is None:
            out.twice = key
        out[key] = value
    return out


def _integer(text: str):
    digits = len(text.lstrip("-"))
    return int(text) if digits <= MAX_DIGITS else _Spoiled(f"a number with {digits} digits")


def _real(text: str):
    number = float(text)
    return number if math.isfinite(number) else _Spoiled(f"the number {text[:20]} is too large")


def _constant(name: str):
    return _Spoiled(f"{name} is not a number a quiz can take")


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """Does the JSON text nest arrays/objects deeper than ``limit``? (Checked before ``json`` recurses.)"""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            escaped, in_string = (False, True) if escaped else (char == "\\", char != '"')
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def parse_answers(raw: bytes | None, name: str = "answers file") -> HandedIn:
    """The answers in ``raw`` (the file's bytes; None when no file was handed in). Never raises."""
    if raw is None:
        return HandedIn(problem=f"no {name} was handed in", present=False)
    if len(raw) > MAX_BYTES:
        return HandedIn(problem=f"{name} is larger than {MAX_BYTES // 1024} kB")
    try:
        data = _decode(raw)
    except ValueError as e:
        return HandedIn(problem=f"{name} {e}")
    return _answers(data, name)


def _decode(raw: bytes):
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("is not UTF-8 text") from None
    if too_deep(text):
        raise ValueError(f"nests lists or objects more than {MAX_DEPTH} deep")
    try:
        return json.loads(
            text, object_pairs_hook=_object, parse_int=_integer, parse_float=_real, parse_constant=_constant
        )
    except json.JSONDecodeError as e:
        raise ValueError(f"is not valid JSON (line {e.lineno}, column {e.colno})") from None
    except RecursionError:  # too_deep should have caught it; never let it out
        raise ValueError("nests too deeply") from None


def _answers(data, name: str) -> HandedIn:
    if not isinstance(data, _Pairs):
        return HandedIn(problem=f"{name} is not a JSON object")
    if data.twice in ("schema", "answers"):
        return HandedIn(problem=f"{name} gives '{data.twice}' twice")
    schema = data.get("schema")
    if type(schema) is not int or schema != SCHEMA:
        return HandedIn(problem=f"{name} is not a coursekit answers file (its schema must be {SCHEMA})")
    answers = data.get("answers")
    if not isinstance(answers, _Pairs):
        return HandedIn(problem=f"{name} has no 'answers' object")
    values, spoiled = {}, {}
    for qid, value in answers.items():
        why = _why_spoiled(value) or ("this question's answer is given twice" if qid == answers.twice else "")
        if _has_surrogate(qid):
            continue  # no question id has one: it is an unknown id, and unprintable
        if why:
            spoiled[qid] = why
        else:
            values[qid] = _plain(value)
    return HandedIn(values=values, spoiled=spoiled)


def _why_spoiled(value) -> str:
    """Why ``value`` cannot be an answer ("" if it can): the first spoiled part found."""
    if isinstance(value, _Spoiled):
        return value.why
    if isinstance(value, str):
        return "the text contains an invalid character (a lone surrogate)" if _has_surrogate(value) else ""
    if isinstance(value, _Pairs):
        if value.twice is not None:
            return "a key is given twice"
        return next((w for k, v in value.items() for w in (_why_spoiled(k), _why_spoiled(v)) if w), "")
    if isinstance(value, list):
        return next((w for v in value if (w := _why_spoiled(v))), "")
    return ""


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= c <= "\udfff" for c in text)


def _plain(value):
    """The value with our marker classes turned back into plain dicts."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
