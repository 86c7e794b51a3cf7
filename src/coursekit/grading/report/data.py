"""What the item report reads: scores from the gradebook, answers from the grading ledger, questions from the bank.

Scores are the gradebook's (manual scores and overrides included), so the report agrees with what
students get. What each student chose comes from the answers file as handed in, recorded in the
ledger at grading time. Nothing here starts a kernel or imports nbgrader.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ...errors import BankError, CourseError
from ..gradebook_rows import Row, gradebook_rows, gradebook_students
from ..intake import ledger
from ..scoring.rules import SCORERS


class Spoiled:
    """An answer that was handed in but could not be read (scored 0 as invalid)."""

    def __repr__(self) -> str:
        return "<spoiled answer>"


SPOILED = Spoiled()


@dataclass(frozen=True)
class Item:
    """One graded cell of the assignment, and the bank question behind it when there is one."""

    id: str  # the grade cell's name (the question id), prefixed with its notebook if two notebooks share it
    notebook: str
    points: float
    kind: str  # the question type; "written" for a manually graded answer; "code" for other grade cells
    prompt: str = ""
    question: object | None = None  # the bank model of an auto-graded question


@dataclass
class Cohort:
    """The students of one assignment (or a subset) and everything the report computes from."""

    assignment: str
    students: list[str]
    items: list[Item]
    scores: np.ndarray  # students x items, the points nbgrader counts
    answers: dict[str, list] = field(default_factory=dict)  # item id -> one value per student (None = blank)
    ungraded: dict[str, int] = field(default_factory=dict)  # item id -> written answers not graded yet
    blank_written: dict[str, int] = field(default_factory=dict)  # item id -> written answers left unchanged
    unrecorded: list[str] = field(default_factory=list)  # students whose answers the ledger does not hold
    names: dict[str, str] = field(default_factory=dict)  # student id -> name (shown only with --names)


def read_cohort(course, root: Path, db_url: str, assignment: str, only: Iterable[str] | None = None) -> Cohort:
    """The cohort of ``assignment`` (only the students in ``only`` when given)."""
    rows = gradebook_rows(db_url, assignment)
    if only is not None:
        keep = set(only)
        rows = [r for r in rows if r.student in keep]
    if not rows:
        who = "the chosen students" if only is not None else "anyone"
        raise CourseError(
            f"{assignment}: the gradebook has no grades for {who}; run `coursekit grade {assignment}` first"
        )
    students = sorted({r.student for r in rows})
    items = _items(course, rows)
    cohort = Cohort(assignment, students, items, _scores(rows, students, items))
    _written(cohort, rows)
    _answers(cohort, root)
    cohort.names = {s.id: s.name for s in gradebook_students(db_url)}
    return cohort


def _quiz_questions(course, notebook: str) -> dict:
    """question id -> bank model for the quiz notebook ``notebook``; {} when it is not a quiz of the bank."""
    from ..scoring.key import load_quiz

    try:
        return {q.id: q for q in load_quiz(course, notebook).questions}
    except BankError:
        return {}


def _items(course, rows: list[Row]) -> list[Item]:
    """The grade cells in bank order (other cells after, by name), with their questions."""
    cells: dict[tuple[str, str], Row] = {}
    for r in rows:
        cells.setdefault((r.notebook, r.cell), r)
    names = [cell for _, cell in cells]
    items = []
    for notebook in sorted({nb for nb, _ in cells}):
        bank = _quiz_questions(course, notebook)
        order = {qid: i for i, qid in enumerate(bank)}
        mine = sorted((c for nb, c in cells if nb == notebook), key=lambda c: (order.get(c, len(order)), c))
        for cell in mine:
            row, q = cells[(notebook, cell)], bank.get(cell)
            item_id = cell if names.count(cell) == 1 else f"{notebook}/{cell}"
            items.append(_item(item_id, row, q))
    return items


def _item(item_id: str, row: Row, q) -> Item:
    auto = q is not None and q.type in SCORERS and not row.written
    kind = "written" if row.written else (q.type if q is not None else "code")
    prompt = q.prompt if q is not None else ""
    return Item(item_id, row.notebook, row.max_score, kind, prompt, q if auto else None)


def _cell_of(item: Item) -> tuple[str, str]:
    return item.notebook, item.id.rsplit("/", 1)[-1]


def _scores(rows: list[Row], students: list[str], items: list[Item]) -> np.ndarray:
    row_of = {s: i for i, s in enumerate(students)}
    col_of = {_cell_of(it): j for j, it in enumerate(items)}
    scores = np.zeros((len(students), len(items)))
    for r in rows:
        scores[row_of[r.student], col_of[(r.notebook, r.cell)]] = r.score
    return scores


def _written(cohort: Cohort, rows: list[Row]) -> None:
    """Count written answers still to grade, and those nbgrader scored 0 because they were left unchanged."""
    col_of = {_cell_of(it): it for it in cohort.items}
    for r in rows:
        if not r.written:
            continue
        item = col_of[(r.notebook, r.cell)].id
        if r.manual is None and r.needs_manual:
            cohort.ungraded[item] = cohort.ungraded.get(item, 0) + 1
        elif r.manual is None and r.auto == 0:
            cohort.blank_written[item] = cohort.blank_written.get(item, 0) + 1


def _answers(cohort: Cohort, root: Path) -> None:
    """Each auto-graded question's answer per student, from the ledger (None = blank)."""
    auto = [it for it in cohort.items if it.question is not None]
    cohort.answers = {it.id: [] for it in auto}
    for student in cohort.students:
        entries = ledger.entries_of(root, cohort.assignment, student)
        if auto and not any(it.notebook in entries for it in auto):
            cohort.unrecorded.append(student)
        handed = {nb: e.handed_in() for nb, e in entries.items()}
        for it in auto:
            cohort.answers[it.id].append(_value(handed.get(it.notebook), it.question.id))


def _value(handed, qid: str):
    if handed is None:
        return None
    if qid in handed.spoiled:
        return SPOILED
    return handed.values.get(qid)
