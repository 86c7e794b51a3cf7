"""Feedback lines for one graded answer: what the student answered, the verdict, and what to do next.

Pure and key-safe: the explanation and the key appear only when the student got the question
fully right or the instructor set ``show_key``; otherwise the key-free hint and the chapter to review.
"""

from __future__ import annotations

import html
import json

from ..bank.brief import chapter
from ..bank.scoring import Score

MAX_SHOWN = 400  # characters of a student's answer echoed back

_VERDICTS = {
    "correct": "Correct",
    "partial": "Partly correct",
    "incorrect": "Incorrect",
    "unanswered": "Not answered",
    "invalid": "Could not be graded",
}


def _clip(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def _num(x: float) -> str:
    return f"{x:g}"


def _labels(q) -> dict[str, str]:
    """Option/item id -> text, for every list the question shows."""
    out: dict[str, str] = {}
    for group in ("options", "items", "left", "right"):
        for o in getattr(q, group, None) or []:
            out[o.id] = o.text
    return out


def answer_in_words(q, value) -> str:
    """A student's answer (or a key) as a person would say it; never raises."""
    if value is None:
        return "(no answer)"
    try:
        return _clip(_words(q, value))
    except Exception:  # a value of an unexpected shape: show it as data, clipped
        return _clip(json.dumps(value, ensure_ascii=False, default=str))


def _words(q, value) -> str:
    label = _labels(q)
    if q.type == "single":
        return label.get(value, f"'{value}' (not an option)")
    if q.type in ("multiple", "ordering"):
        joiner = "; " if q.type == "multiple" else " → "
        return joiner.join(label.get(v, f"'{v}'") for v in value) or "(nothing selected)"
    if q.type == "matching":
        order = [o.id for o in q.left] + sorted(k for k in value if k not in label)  # the question's order
        pairs = [f"{label.get(k, k)} → {label.get(value[k], value[k])}" for k in order if k in value]
        return "; ".join(pairs) or "(nothing matched)"
    if q.type == "numeric" and not isinstance(value, bool) and isinstance(value, int | float):
        return f"{_num(value)} ({q.unit})" if q.unit else _num(value)
    if q.type == "text" and isinstance(value, str):
        return f'"{value}"'
    return json.dumps(value, ensure_ascii=False)


def _key_in_words(q) -> str:
    if q.type == "text":
        return " or ".join(f'"{a}"' for a in q.accept)
    if q.type == "numeric" and q.tolerance:
        return f"{answer_in_words(q, q.key())} (± {_num(q.tolerance)})"
    return answer_in_words(q, q.key())


def feedback_lines(q, value, score: Score, show_key: bool = False) -> list[str]:
    """Lines of feedback for one question; the key only if fully right or ``show_key``."""
    verdict = _VERDICTS.get(score.verdict, score.verdict)
    if score.note:
        verdict += f" ({score.note})"
    lines = [
        f"Your answer: {answer_in_words(q, value)}",
        f"{verdict}: {_num(score.points)} of {_num(score.max_points)} point(s).",
    ]
    if score.verdict == "correct" or show_key:
        lines.append(f"Explanation: {q.explanation}")
        lines.append(f"Answer: {_key_in_words(q)}")
    elif q.hint:
        lines.append(f"Hint: {q.hint}")
    ch = chapter(q.chapter)
    lines.append(f'Review: chapter "{ch.title}" (reading section "{q.source.section}").')
    return lines


def question_outputs(number: int, q, value, score: Score, show_key: bool = False) -> dict:
    """The feedback of one question as a rich output: HTML for the feedback page, plain text as its fallback."""
    lines = feedback_lines(q, value, score, show_key)
    title = f"Question {number}"
    text = "\n".join([title, *lines])
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    page = f'<div class="coursekit-feedback"><p><strong>{title}</strong></p><ul>{items}</ul></div>'
    return {"text/plain": text, "text/html": page}


def notes_html(notes: list[str]) -> str:
    items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    return f'<div class="coursekit-feedback-notes"><ul>{items}</ul></div>'
