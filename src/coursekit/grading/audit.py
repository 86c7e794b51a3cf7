"""``coursekit audit``: check the gradebook against the answers as handed in, outside any kernel.

For every submission of an assignment in nbgrader's gradebook: the ledger's record of the answers file
is re-scored with the bank's key and compared, question by question, with the gradebook's autograded
score; the file still in ``submitted/`` must have the hash recorded when it was graded; manual scores
on autograded questions are listed, so each can be confirmed; written responses still waiting for a
grader are counted; every broken hand-in is named (``handin_problems.py``: no answers, a refused file and why,
ignored answers, added cells). It says which version of the bank it scored with, and whether the ledger records
that grading used another one. Files are read with bounded, non-blocking reads (``handin.py``), and a problem with
one student is reported and the audit goes on. Exit status (the first that applies): 1 a mismatch, 2 could not
audit, 3 every score matches but some hand-ins are broken, 0 all match and every hand-in was whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..course import find_course
from ..errors import CourseError
from .gradebook_rows import Row, configured_db_url, gradebook_rows
from .handin_problems import problems_of
from .intake import ledger
from .intake.notebook_answers import HandedNotebook, question_ids
from .intake.quarantine import refusals
from .quiz_notebook import quiz_of
from .scoring.key import grade_answers, key_version, load_quiz

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
    handins: list[Finding] = field(default_factory=list)  # broken hand-ins (handin_problems.py)
    pending_manual: dict[str, int] = field(default_factory=dict)  # student -> written responses to grade
    refused: list[Finding] = field(default_factory=list)  # submissions intake refused whole (not graded)
    versions: dict[str, str] = field(default_factory=dict)  # quiz -> the bank's version the audit checked against
    scored_with: dict[str, int] = field(default_factory=dict)  # version the ledger says scored a submission -> count

    @property
    def exit_code(self) -> int:
        if self.mismatches:
            return 1
        return 2 if self.unaudited or not self.submissions else 3 if self.handins else 0

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    def summary(self) -> str:
        refused = _section("Refused at intake, not graded", self.refused)
        if not self.submissions:
            first = f"audit {self.assignment}: the gradebook has no autograded submissions yet; grade them first."
            return "\n".join([first, *refused])
        lines = [f"audit {self.assignment}: {self.submissions} submission(s) checked against the answers as handed in."]
        lines += self._versions()
        lines += _section("Scores that differ", self.mismatches, "every autograded score matches the handed-in answers")
        lines += _section("Manual scores on autograded questions (confirm a grader set each one)", self.overrides)
        lines += _section("Could not audit", self.unaudited)
        lines += _section("Hand-in problems (each scored as handed in)", self.handins)
        if self.pending_manual:
            total = sum(self.pending_manual.values())
            lines.append(f"Waiting for a grader: {total} written response(s) of {len(self.pending_manual)} student(s).")
        return "\n".join(lines + refused)

    def _versions(self) -> list[str]:
        """Which version of the bank the audit scored with, and whether the ledger says grading used another one."""
        now = ", ".join(f"{quiz} {v}" for quiz, v in sorted(self.versions.items()))
        lines = [f"Scored with the bank as it is now ({now})."]
        older = {v: n for v, n in self.scored_with.items() if v not in self.versions.values()}
        if older:
            what = ", ".join(f"{n} with {v or 'an unrecorded version'}" for v, n in sorted(older.items()))
            lines.append(f"  The ledger says some were graded with another version ({what}): if the key changed since, "
                         f"`coursekit regrade {self.assignment}` re-scores them.")  # fmt: skip
        return lines


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
    keys = {quiz: load_quiz(course, quiz).questions for quiz, _ in set(quizzes.values())}
    report.versions = {quiz: key_version(questions) for quiz, questions in keys.items()}
    by_student: dict[str, list[Row]] = {}
    for row in rows:
        by_student.setdefault(row.student, []).append(row)
    for student, mine in sorted(by_student.items()):
        try:
            _audit_student(report, root, assignment, student, mine, quizzes, keys)
        except Exception as e:  # never stop the audit for one student
            report.unaudited.append(Finding(student, f"could not be checked ({type(e).__name__}: {e})"))
    return report


def quiz_notebooks(folder: Path) -> dict[str, str]:
    """notebook name -> quiz, for the quiz notebooks of the instructor's source folder."""
    return {name: quiz for name, (quiz, _) in _quiz_notebooks(folder).items()}


def _quiz_notebooks(folder: Path) -> dict[str, tuple[str, tuple[str, ...]]]:
    """notebook name -> (quiz, its question ids), for the quiz notebooks of the instructor's source folder."""
    import nbformat

    found = {}
    for path in sorted(folder.glob("*.ipynb")) if folder.is_dir() else []:
        source = nbformat.read(path, as_version=4)
        if quiz_of(source):
            found[path.stem] = (quiz_of(source), question_ids(source))
    return found


def _audit_student(report, root: Path, assignment: str, student: str, rows: list[Row], quizzes, keys) -> None:
    for row in rows:
        if row.written and row.needs_manual:
            report.pending_manual[student] = report.pending_manual.get(student, 0) + 1
    for notebook, (quiz, ids) in quizzes.items():
        entry = ledger.entry(root, assignment, student, quiz)
        if entry is None:
            text = f"{notebook}.ipynb has no ledger record; regrade it with `coursekit grade {assignment} --force`"
            report.unaudited.append(Finding(student, text))
            continue
        _check_hash(report, root, entry, HandedNotebook(f"{notebook}.ipynb", ids))
        report.handins += [Finding(student, p.text) for p in problems_of(entry)]
        report.scored_with[entry.bank_version] = report.scored_with.get(entry.bank_version, 0) + 1
        scores = grade_answers(keys[quiz], entry.handed_in())
        _compare(report, student, [r for r in rows if r.notebook == notebook], scores)


def _check_hash(report: AuditReport, root: Path, entry: ledger.Entry, notebook: HandedNotebook) -> None:
    """Do the answers in submitted/ now (answers file, else notebook) match the ones recorded when graded?"""
    folder = root / "submitted" / entry.student / entry.assignment
    now = ledger.look(root, folder, entry.assignment, entry.student, entry.quiz, notebook)
    if now.sha256 == entry.sha256 and (now.source == entry.source or not entry.sha256):
        return  # no answers then and now: an entry recorded before notebooks carried answers says "answers file"
    was, found = entry.sha256[:12] or "no readable file", now.sha256[:12] or now.refused or "no file"
    if now.source != entry.source:
        was, found = f"{was}, from {_FROM[entry.source]}", f"{found}, from {_FROM[now.source]}"
    text = f"{_label(entry)} in submitted/ differs from the one graded (graded: {was}; now: {found})"
    report.mismatches.append(Finding(entry.student, text))


_FROM = {ledger.ANSWERS_FILE: "the answers file", ledger.NOTEBOOK: "the notebook", ledger.NONE: "neither"}


def _label(entry: ledger.Entry) -> str:
    return entry.file if entry.source == ledger.ANSWERS_FILE else f"the answers in {entry.file}"


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
