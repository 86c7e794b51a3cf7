"""The feedback of one graded question: its prompt, the answer as the widget showed it, the verdict, why, what next.

Pure and key-safe: the explanation and the key appear only when the student got the question fully
right (the key then is their own answer) or the instructor set ``show_key``; otherwise the hint, the
reasons (which of the student's own choices were right, how many were missed, never which) and
where to review. The output is a rich bundle (``text/html`` with a ``text/plain`` fallback) that
nbgrader stores under the grade cell; the course's feedback template (``templates/feedback``) lays
the page out around it and adds the heading with the final score.
"""

from __future__ import annotations

import html

from ...notebook.markup import inline, markdown, plain
from ..scoring.rules import Score
from .answer_view import Line, View, num, view
from .book_links import BookLinks, Link

VERDICTS = {
    "correct": ("✓", "Correct"),
    "partial": ("◐", "Partly correct"),
    "incorrect": ("✗", "Incorrect"),
    "unanswered": ("○", "Not answered"),
    "invalid": ("⚠", "Could not be graded"),
}
_NO_BOOK = BookLinks()


def title_of(q) -> str:
    """The question's short title from the bank ("" when the bank gives none)."""
    return str(getattr(q, "title", None) or "")


def verdict_text(score: Score) -> str:
    """The verdict with its points, e.g. "Partly correct: 1.33 / 2"."""
    words = VERDICTS.get(score.verdict, ("", score.verdict))[1]
    note = f" ({score.note})" if score.note else ""
    return f"{words}{note}: {num(score.points)} / {num(score.max_points)}"


def reveals_key(score: Score, show_key: bool) -> bool:
    return score.verdict == "correct" or show_key


def _matched(score: Score) -> str:
    """Which form of the key a typed answer matched, for the student and the grader ("Matched: the core term …")."""
    return f"Matched: {score.matched}."


def question_outputs(
    number: int, q, value, score: Score, show_key: bool = False, book: BookLinks | None = None
) -> dict:
    """The feedback of one question as a rich output: HTML for the feedback page, plain text as its fallback."""
    shown = view(q, value, score.verdict)
    review = (book or _NO_BOOK).review(q)
    return {
        "text/html": _html(q, shown, score, show_key, review),
        "text/plain": _plain(number, q, shown, score, show_key, review),
    }


def output_metadata(number: int, q, score: Score) -> dict:
    """What the feedback page needs beside the bundle: the number, the title and the automatic score."""
    part = {"part": "question", "number": number, "title": title_of(q), "verdict": score.verdict}
    return {"coursekit": {**part, "points": score.points, "max_points": score.max_points}}


# ---------- HTML ----------


def _html(q, shown: View, score: Score, show_key: bool, review: list[Link]) -> str:
    answer = _lines_html(shown.lines, shown.style)
    parts = [
        f'<div class="ck-fb-prompt">{markdown(q.prompt)}</div>',
        f'<div class="ck-fb-answer"><p class="ck-fb-label">Your answer</p>{answer}</div>',
        _verdict_html(score),
    ]
    if score.matched and reveals_key(score, show_key):
        parts.append(f'<p class="ck-fb-matched">{html.escape(_matched(score))}</p>')
    if shown.reasons and score.verdict != "correct":
        parts.append('<ul class="ck-fb-why">' + "".join(f"<li>{html.escape(r)}</li>" for r in shown.reasons) + "</ul>")
    if score.verdict != "correct" and getattr(q, "hint", None):
        parts.append(f'<p class="ck-fb-hint"><strong>Hint:</strong> {inline(q.hint)}</p>')
    if show_key and score.verdict != "correct" and shown.key:
        parts.append(f'<div class="ck-fb-key"><p class="ck-fb-label">Correct answer</p>'
                     f"{_lines_html(shown.key, shown.key_style)}</div>")  # fmt: skip
    if reveals_key(score, show_key):
        label = '<p class="ck-fb-label">Explanation</p>'
        parts.append(f'<div class="ck-fb-explanation">{label}{markdown(q.explanation)}</div>')
    parts.append(_review_html(review))
    return f'<div class="ck-fb ck-fb-{score.verdict}">' + "".join(parts) + "</div>"


def _verdict_html(score: Score) -> str:
    icon, _ = VERDICTS.get(score.verdict, ("", ""))
    # "Automatic check:" shows only when a grader has changed the score (the page template marks that).
    return (
        f'<p class="ck-fb-verdict ck-fb-v-{score.verdict}"><span class="ck-fb-auto">Automatic check: </span>'
        f'<span aria-hidden="true">{icon} </span><strong>{html.escape(verdict_text(score))}</strong></p>'
    )


def _line_html(line: Line) -> str:
    text = html.escape(line.text) if line.literal else inline(line.text)
    if not line.mark:
        return text
    icon = "✓" if line.mark == "good" else "✗"
    return f'{text} <span class="ck-fb-mark ck-fb-{line.mark}">{icon} {html.escape(line.why)}</span>'


def _lines_html(lines: list[Line], style: str) -> str:
    if style == "one" and len(lines) == 1:
        return f'<p class="ck-fb-value">{_line_html(lines[0])}</p>'
    tag = "ol" if style == "numbered" else "ul"
    return f'<{tag} class="ck-fb-value">' + "".join(f"<li>{_line_html(x)}</li>" for x in lines) + f"</{tag}>"


def _review_html(review: list[Link]) -> str:
    def one(link: Link) -> str:
        text = html.escape(link.text)
        return f'<a href="{html.escape(link.url)}">{text}</a>' if link.url else f"<em>{text}</em>"

    return f'<p class="ck-fb-review"><strong>Review:</strong> {" and ".join(one(x) for x in review)}</p>'


# ---------- plain text ----------


def _plain(number: int, q, shown: View, score: Score, show_key: bool, review: list[Link]) -> str:
    title = title_of(q)
    lines = [f"Question {number}" + (f": {title}" if title else ""), plain(q.prompt)]
    lines.append("Your answer: " + "; ".join(_line_plain(x) for x in shown.lines))
    lines.append(verdict_text(score))
    if score.matched and reveals_key(score, show_key):
        lines.append(_matched(score))
    if score.verdict != "correct":
        lines += shown.reasons
        if getattr(q, "hint", None):
            lines.append(f"Hint: {plain(q.hint)}")
        if show_key and shown.key:
            lines.append("Correct answer: " + "; ".join(_line_plain(x) for x in shown.key))
    if reveals_key(score, show_key):
        lines.append(f"Explanation: {plain(q.explanation)}")
    lines.append("Review: " + " and ".join(f"{x.text} ({x.url})" if x.url else x.text for x in review))
    return "\n".join(lines)


def _line_plain(line: Line) -> str:
    text = line.text if line.literal else plain(line.text)
    return f"{text} ({line.why})" if line.why else text


class Info(str):
    """A note about a submission that informs and warns of nothing (cells a student added): a neutral box."""


def notes_html(notes: list[str]) -> str:
    items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    kind = "ck-fb-notes ck-fb-info" if all(isinstance(n, Info) for n in notes) else "ck-fb-notes"
    return f'<div class="{kind}"><p class="ck-fb-label">About your submission</p><ul>{items}</ul></div>'
