"""Broken hand-ins, named for the grader: no answers, a refused file and why, ignored answers, added cells.

One list per ledger entry (``problems_of``), shared by `coursekit grade`'s summary, `coursekit audit` and the
log of plain `nbgrader autograde` (``nbgrader_steps.QuizSubmission``), so all three name the same students for
the same reasons. A low score says how much; this says why, before a student has to ask.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .intake import ledger

SHOWN_IGNORED = 3  # ignored answers named per student (the feedback page lists them all)


@dataclass(frozen=True)
class Problem:
    kind: str  # "no answers", "refused", "ignored answers" or "added cells"
    text: str  # one line for the grader, naming the file and what is wrong


def problems_of(entry: ledger.Entry) -> list[Problem]:
    """What is wrong with one quiz's hand-in, as recorded in the ledger ([] when nothing is)."""
    handed = entry.handed_in()
    found = []
    if not handed.present:
        found.append(Problem("no answers", f"no answers: {handed.problem}"))
    elif handed.problem:
        found.append(Problem("refused", f"answers refused: {handed.problem}"))
    if handed.spoiled:
        named = "; ".join(f"{qid} ({why})" for qid, why in sorted(handed.spoiled.items())[:SHOWN_IGNORED])
        more = len(handed.spoiled) - SHOWN_IGNORED
        found.append(Problem("ignored answers", f"answers ignored: {named}" + (f"; {more} more" if more > 0 else "")))
    if entry.added_cells:
        cells = "cell" if entry.added_cells == 1 else "cells"
        found.append(Problem("added cells", f"{entry.added_cells} added {cells} in the notebook ignored"))
    return found


@dataclass
class ClassHandins:
    """The hand-in problems of one assignment's ledger: student -> lines, and who handed in only a notebook."""

    problems: dict[str, list[str]]
    from_notebook: list[str]


def class_handins(root: Path, assignment: str) -> ClassHandins:
    """Every student's hand-in problems for ``assignment``, from the ledger (several quizzes: each line says which)."""
    out = ClassHandins({}, [])
    for student in ledger.students(root, assignment):
        try:
            entries = ledger.entries_of(root, assignment, student)
        except ledger.LedgerError as e:
            out.problems[student] = [str(e)]
            continue
        several = len(entries) > 1
        lines = [f"{q}: {p.text}" if several else p.text for q, e in sorted(entries.items()) for p in problems_of(e)]
        if lines:
            out.problems[student] = lines
        if any(e.source == ledger.NOTEBOOK and not e.refused for e in entries.values()):
            out.from_notebook.append(student)
    return out


def handins_text(handins: ClassHandins) -> str:
    """The lines `coursekit grade` prints after the scores ("" when every hand-in was fine)."""
    lines = []
    if handins.problems:
        n = len(handins.problems)
        lines.append(f"Hand-in problems ({n} {'student' if n == 1 else 'students'}; their scores are what they earn):")
        lines += [f"  {student}: {'; '.join(found)}" for student, found in sorted(handins.problems.items())]
    if handins.from_notebook:
        lines.append(
            "Answers read from the saved notebook (no answers file was handed in): " + ", ".join(handins.from_notebook)
        )
    return "\n".join(lines)


def handin_summary(root: Path, assignment: str) -> str:
    """``handins_text`` of the ledger of ``assignment`` in the course directory ``root``."""
    return handins_text(class_handins(root, assignment))
