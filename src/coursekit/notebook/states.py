"""What a recorded answer looks like to the student: unfinished or not, in words, and what Validate says.

Judged from the public view only (no key), so it can run in a student's kernel.
"""

from __future__ import annotations

import re

from .static_view import answer_words

LINE_CHARS = 160  # characters of an answer the line under a question shows (the saved copy shows it in full)


def incomplete(public: dict, value) -> str:
    """Why a recorded answer is visibly unfinished ("" if it is not)."""
    kind = public.get("type")
    if kind == "matching" and isinstance(value, dict) and len(value) < len(public.get("left", [])):
        return f"only {len(value)} of {len(public['left'])} items matched"
    if kind == "ordering" and isinstance(value, list):
        items = [o["id"] for o in public.get("items", [])]
        if sorted(map(str, value)) != sorted(items):
            return "the saved order does not hold every item once"
    if kind == "multiple" and value == []:
        return "nothing selected"
    if kind == "text" and isinstance(value, str) and not value.strip():
        return "the answer is empty"
    return ""


def line_words(public: dict, value) -> str:
    """A recorded answer in words, short enough for the line under the question."""
    text = answer_words(public, value)
    return text if len(text) <= LINE_CHARS else text[: LINE_CHARS - 1] + "…"


def _named(public: dict, number: int) -> str:
    """'Question 3 (How many years passed between…)': a question named by the first words of its prompt."""
    words = re.sub(r"[*`]", "", str(public.get("prompt", ""))).split()
    start = " ".join(words[:7])
    return f"Question {number} ({start}{'…' if len(words) > 7 else ''})" if words else f"Question {number}"


def validate_report(questions: list[tuple[dict, int, str, str]]) -> str:
    """Validate's words for (public view, number, state, line text) of each question: "" when all are answered."""
    problem = next((text for _, _, state, text in questions if state == "problem"), "")
    if problem:  # the answers file could not be read: one sentence covers every question
        return problem.split(": ", 1)[-1]
    missing = [_named(q, n) for q, n, state, _ in questions if state in ("unanswered", "cleared")]
    unfinished = [f"{_named(q, n)}: {text.split(': ', 1)[-1].split('. (recorded')[0]}"
                  for q, n, state, text in questions if state == "incomplete"]  # fmt: skip
    parts = [("Not answered yet:", missing), ("Started, not finished:", unfinished)]
    listed = [head + "".join(f"\n  {item}" for item in items) for head, items in parts if items]
    if not listed:
        return ""
    return "\n".join([*listed, "Answer them in their widgets, then validate again."])
