"""The class at a glance after `coursekit grade`: how many graded, mean and median, the lowest totals, the questions
most students missed, and what still waits for a grader.

Pure: a function of nbgrader's gradebook rows (``gradebook_rows.py``), so it says exactly what the gradebook says,
a grader's changes included. Totals are before late penalties, which nbgrader applies per notebook on export.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from .feedback.answer_view import num

MISSED = 0.5  # a question "most students missed": at least this share of students lost points on it
# (a question with any answer still waiting for a grader is never listed: its low scores are not final)
SHOWN = 5  # lowest totals and most-missed questions listed


@dataclass
class Summary:
    students: int = 0
    max_total: float = 0.0
    totals: dict[str, float] = field(default_factory=dict)  # student -> total (auto or manual, plus extra credit)
    missed: list[tuple[str, int, float, float]] = field(default_factory=list)  # (cell, students, mean, max)
    pending: dict[str, int] = field(default_factory=dict)  # student -> answers still to grade by hand


def summarize(rows: list) -> Summary:
    """The class summary of one assignment's gradebook rows."""
    out = Summary()
    by_cell: dict[str, list] = defaultdict(list)
    maxima: dict[str, float] = defaultdict(float)
    several = len({r.notebook for r in rows}) > 1  # then a question is named with its notebook
    for r in rows:
        out.totals[r.student] = out.totals.get(r.student, 0.0) + r.score
        maxima[r.student] += r.max_score
        by_cell[f"{r.notebook}/{r.cell}" if several else r.cell].append(r)
        if r.needs_manual and r.manual is None:
            out.pending[r.student] = out.pending.get(r.student, 0) + 1
    out.students = len(out.totals)
    out.max_total = max(maxima.values(), default=0.0)
    out.missed = _most_missed(by_cell, out.students)
    return out


def _most_missed(by_cell: dict[str, list], students: int) -> list[tuple[str, int, float, float]]:
    found = []
    for cell, rows in by_cell.items():
        if any(r.needs_manual and r.manual is None for r in rows):
            continue  # answers still to grade count 0 for now: the question is not "missed", it is waiting
        graded = rows
        lost = [r for r in graded if r.score < r.max_score - 1e-9]
        if graded and len(lost) >= MISSED * students:
            found.append((cell, len(lost), statistics.fmean(r.score for r in graded), rows[0].max_score))
    return sorted(found, key=lambda m: (-m[1], m[2] / (m[3] or 1), m[0]))[:SHOWN]


def summary_text(rows: list, assignment: str) -> str:
    """The summary as the lines `coursekit grade` prints at its end."""
    s = summarize(rows)
    if not s.students:
        return f"Scores: no graded submissions of {assignment} in the gradebook yet."
    totals = sorted(s.totals.values())
    out = f" / {num(s.max_total)}"
    lowest = sorted(s.totals.items(), key=lambda x: (x[1], x[0]))[:SHOWN]
    lines = [
        f"Scores ({assignment}, {s.students} graded, before late penalties): "
        f"mean {num(statistics.fmean(totals))}{out}, median {num(statistics.median(totals))}{out}.",
        "  lowest: " + ", ".join(f"{student} {num(total)}" for student, total in lowest),
    ]
    if s.missed:
        lines.append("  most missed:")
        for cell, n, mean, top in s.missed:
            lines.append(f"    {cell}: {n} of {s.students} lost points (mean {num(mean)} / {num(top)})")
    if s.pending:
        answers = sum(s.pending.values())
        lines.append(
            f"  to grade by hand: {answers} {'answer' if answers == 1 else 'answers'} of {len(s.pending)} "
            f"{'student' if len(s.pending) == 1 else 'students'} (nbgrader formgrader); totals rise as they are graded."
        )
    return "\n".join(lines)


def score_summary(db_url: str, assignment: str) -> str:
    """The summary of ``assignment`` from the gradebook at ``db_url`` ("" if the gradebook cannot be read)."""
    from ..errors import CourseError
    from .gradebook_rows import gradebook_rows

    try:
        return summary_text(gradebook_rows(db_url, assignment), assignment)
    except CourseError:
        return ""
