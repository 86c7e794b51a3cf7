"""``coursekit audit``: check the gradebook against the answers as handed in, outside any kernel.

For every submission of an assignment in nbgrader's gradebook: the ledger's record of the answers file
is re-scored with the bank's key and compared, question by question, with the gradebook's autograded
score; the file still in ``submitted/`` must have the hash recorded when it was graded; manual scores
on autograded questions are listed, so each can be confirmed; written responses still waiting for a
grader are counted. Files are read with bounded, non-blocking reads (``handin.py``), and a problem with
one student is reported and the audit goes on. Exit status: 0 all match, 1 a mismatch, 2 could not audit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..course import find_course
from ..errors import CourseError
from .gradebook_rows import Row, configured_db_url, gradebook_rows
from .intake import ledger
from .intake.quarantine import refusals
from .quiz_notebook import quiz_of
from .scoring.key import grade_answers, load_quiz

TOLERANCE = 1e-3  # nbgrader stores floats; our points are rounded to 4 decimals


@dataclass(frozen=True)
class Finding:
    student: str
    text: str  # one line of facts, never an accusation


@dataclass
class AuditReport:
    assignment: str
    submissions: int = 0
    mismatches: list[Finding] = field(default_factory=list)
    overrides: list[Finding] = field(default_factory=list)
    unaudited: list[Finding] = field(default_factory=list)
    pending_manual: dict[str, int] = field(default_factory=dict)  # student -> written responses to grade
    refused: list[Finding] = field(default_factory=list)  # submissions intake refused whole (not graded)

    @property
    def exit_code(self) -> int:
        return 1 if self.mismatches else 2 if self.unaudited or not self.submissions else 0

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    def summary(self) -> str:
        refused = _section("Refused at intake, not graded", self.refused)
        if not self.submissions:
            first = f"audit {self.assignment}: the gradebook has no autograded submissions yet; grade them first."
            return "\n".join([first, *refused])
        lines = [f"audit {self.assignment}: {self.submissions} submission(s) checked against the answers as handed in."]
        lines += _section("Scores that differ", self.mismatches, "every autograded score matches the handed-in answers")
        lines += _section("Manual scores on autograded questions (confirm a grader set each one)", self.overrides)
        lines += _section("Could not audit", self.unaudited)
        if self.pending_manual:
            total = sum(self.pending_manual.values())
            lines.append(f"Waiting for a grader: {total} written response(s) of {len(self.pending_manual)} student(s).")
        return "\n".join(lines + refused)


def _section(title: str, findings: list[Finding], empty: str = "") -> list[str]:
    if not findings:
        return [f"  {empty}."] if empty else []
    return [f"{title}:", *(f"  {f.student}: {f.text}" for f in findings)]


def audit_assignment(*, assignment: str, db_url: str | None = None) -> AuditReport:
    """Audit ``assignment``'s gradebook entries against the ledger; see the module doc."""
    course = find_course()
    root = course.assignments
    quizzes = _quiz_notebooks(root / "source" / assignment)
    if not quizzes:
        raise CourseError(f"{root / 'source' / assignment}: no coursekit quiz notebooks to audit for '{assignment}'.")
    rows = gradebook_rows(db_url or configured_db_url(root), assignment)
    report = AuditReport(assignment, submissions=len({r.student for r in rows}))
    for student, last in refusals(root, assignment).items():
        text = f"{last.get('at', '')}: {last.get('reason', '')}; its folder is in {last.get('moved_to', '')}"
        report.refused.append(Finding(student, text))
    keys = {quiz: load_quiz(course, quiz).questions for quiz in set(quizzes.values())}
    by_student: dict[str, list[Row]] = {}
    for row in rows:
        by_student.setdefault(row.student, []).append(row)
    for student, mine in sorted(by_student.items()):
        try:
            _audit_student(report, root, assignment, student, mine, quizzes, keys)
        except Exception as e:  # never stop the audit for one student
            report.unaudited.append(Finding(student, f"could not be checked ({type(e).__name__}: {e})"))
    return report


def _quiz_notebooks(folder: Path) -> dict[str, str]:
    """notebook name -> quiz, for the quiz notebooks of the instructor's source folder."""
    import nbformat

    found = {}
    for path in sorted(folder.glob("*.ipynb")) if folder.is_dir() else []:
        quiz = quiz_of(nbformat.read(path, as_version=4))
        if quiz:
            found[path.stem] = quiz
    return found


def _audit_student(report, root: Path, assignment: str, student: str, rows: list[Row], quizzes, keys) -> None:
    for row in rows:
        if row.written and row.needs_manual:
            report.pending_manual[student] = report.pending_manual.get(student, 0) + 1
    for notebook, quiz in quizzes.items():
        entry = ledger.entry(root, assignment, student, quiz)
        if entry is None:
            text = f"{notebook}.ipynb has no ledger record; regrade it with `coursekit grade {assignment} --force`"
            report.unaudited.append(Finding(student, text))
            continue
        _check_hash(report, root, entry)
        scores = grade_answers(keys[quiz], entry.handed_in())
        _compare(report, student, [r for r in rows if r.notebook == notebook], scores)


def _check_hash(report: AuditReport, root: Path, entry: ledger.Entry) -> None:
    folder = root / "submitted" / entry.student / entry.assignment
    now = ledger.read_submitted(root / "submitted", folder, entry.file)
    digest = ledger.digest(now.data) if now.data is not None else ""
    if digest != entry.sha256:
        was = entry.sha256[:12] or "no readable file"
        found = digest[:12] or now.refused or "no file"
        text = f"{entry.file} in submitted/ differs from the one graded (graded: {was}; now: {found})"
        report.mismatches.append(Finding(entry.student, text))


def _compare(report: AuditReport, student: str, rows: list[Row], scores: dict) -> None:
    by_cell = {r.cell: r for r in rows}
    for qid, result in scores.items():
        row = by_cell.get(qid)
        if row is None or row.auto is None:
            text = f"{qid}: the gradebook has no autograded score; the handed-in answers earn {result.points:g}"
            report.mismatches.append(Finding(student, text))
            continue
        if abs(row.auto - result.points) > TOLERANCE:
            text = f"{qid}: the gradebook says {row.auto:g}; the handed-in answers earn {result.points:g}"
            report.mismatches.append(Finding(student, text))
        if row.manual is not None:
            text = f"{qid}: manual score {row.manual:g} replaces the autograded {row.auto:g}"
            report.overrides.append(Finding(student, text))
