"""What a regrade would change: each ledgered submission re-scored with the bank as it is now, against the gradebook.

Reads only the gradebook (nbgrader's tables, as rows), the ledger (the answers as handed in) and the bank, so a dry
run is fast and changes nothing. A question's points cannot change this way: nbgrader keeps each grade cell's
maximum in the gradebook, from the released notebook, so that takes generating and grading again.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ...course import Course
from ...errors import CourseError
from ..audit import TOLERANCE, quiz_notebooks
from ..gradebook_rows import Row, gradebook_rows
from ..intake import ledger
from ..intake.answers_file import HandedIn
from ..scoring.key import grade_answers, key_version, load_quiz


@dataclass(frozen=True)
class Change:
    """One autograded score that the bank as it is now would set differently."""

    student: str
    notebook: str
    question: str
    old: float | None  # the gradebook's autograded score
    new: float
    manual: float | None  # a grader's score, which stays and still counts


@dataclass
class Plan:
    assignment: str
    quizzes: dict[str, str]  # notebook -> quiz
    versions: dict[str, str]  # quiz -> the bank's version now
    students: list[str] = field(default_factory=list)  # every student with a graded submission
    changes: list[Change] = field(default_factory=list)
    scored_with: Counter = field(default_factory=Counter)  # version the ledger records -> entries
    missing: list[str] = field(default_factory=list)  # "student: notebook.ipynb ..." that cannot be re-scored
    restamp: dict[str, dict[str, str]] = field(default_factory=dict)  # student -> {quiz: version now}
    entries: dict[tuple[str, str], ledger.Entry] = field(default_factory=dict)  # (student, quiz) -> ledger entry
    scores: dict[tuple[str, str], dict] = field(default_factory=dict)  # (student, quiz) -> question id -> Score now
    handed: dict[tuple[str, str], HandedIn] = field(default_factory=dict)  # (student, quiz) -> answers as handed in
    manual: dict[tuple[str, str], int] = field(default_factory=dict)  # (student, notebook) -> cells a grader scored

    @property
    def changed_students(self) -> list[str]:
        return sorted({c.student for c in self.changes})

    @property
    def changed_notebooks(self) -> dict[str, set[str]]:
        """student -> the notebooks with a score that changes."""
        found: dict[str, set[str]] = {}
        for c in self.changes:
            found.setdefault(c.student, set()).add(c.notebook)
        return found

    def manual_to_review(self) -> int:
        """Cells with a grader's score in the notebooks whose scores change: graded again, nbgrader marks each of them
        for review (its SaveAutoGrades rule), though the score stays."""
        return sum(self.manual.get((s, nb), 0) for s, notebooks in self.changed_notebooks.items() for nb in notebooks)


def plan_regrade(*, course: Course, assignment: str, db_url: str) -> Plan:
    """Re-score every ledgered submission of ``assignment`` and list what differs from the gradebook."""
    root = course.assignments
    quizzes = quiz_notebooks(root / "source" / assignment)
    if not quizzes:
        raise CourseError(f"{root / 'source' / assignment}: no coursekit quiz notebooks to regrade for '{assignment}'.")
    keys = {quiz: load_quiz(course, quiz).questions for quiz in set(quizzes.values())}
    plan = Plan(assignment, quizzes, {quiz: key_version(qs) for quiz, qs in keys.items()})
    rows = gradebook_rows(db_url, assignment)
    _points_unchanged(rows, quizzes, keys)
    by_student: dict[str, list[Row]] = {}
    for row in rows:
        by_student.setdefault(row.student, []).append(row)
    plan.students = sorted(by_student)
    for student, mine in sorted(by_student.items()):
        for notebook, quiz in sorted(quizzes.items()):
            _plan_notebook(plan, root, student, notebook, quiz, keys[quiz], [r for r in mine if r.notebook == notebook])
    return plan


def _plan_notebook(plan: Plan, root, student: str, notebook: str, quiz: str, questions, rows: list[Row]) -> None:
    entry = ledger.entry(root, plan.assignment, student, quiz)
    if entry is None:
        plan.missing.append(f"{student}: {notebook}.ipynb has no ledger record (grade it with `coursekit grade "
                            f"{plan.assignment} --student {student} --force`)")  # fmt: skip
        return
    plan.entries[(student, quiz)] = entry
    plan.scored_with[entry.bank_version] += 1
    if entry.bank_version != plan.versions[quiz]:
        plan.restamp.setdefault(student, {})[quiz] = plan.versions[quiz]
    by_cell = {r.cell: r for r in rows}
    plan.manual[(student, notebook)] = sum(r.manual is not None for r in rows)
    plan.handed[(student, quiz)] = handed = entry.handed_in()
    plan.scores[(student, quiz)] = grade_answers(questions, handed)
    for qid, result in plan.scores[(student, quiz)].items():
        row = by_cell.get(qid)
        old = row.auto if row is not None else None
        if old is None or abs(old - result.points) > TOLERANCE:
            plan.changes.append(Change(student, notebook, qid, old, result.points, row.manual if row else None))


def _points_unchanged(rows: list[Row], quizzes: dict[str, str], keys: dict) -> None:
    """Refuse when a question's points differ from its grade cell's maximum in the gradebook."""
    points = {(nb, q.id): q.points for nb, quiz in quizzes.items() for q in keys[quiz]}
    for row in rows:
        want = points.get((row.notebook, row.cell))
        if want is not None and abs(want - row.max_score) > TOLERANCE:
            raise CourseError(
                f"question '{row.cell}' is worth {want:g} point(s) in the bank but {row.max_score:g} in the gradebook: "
                "points live in the released notebook, so regrading cannot change them. Run `coursekit generate`, "
                "`coursekit release --force`, then `coursekit grade ASSIGNMENT --force`."
            )
