"""``coursekit audit``: re-grade submitted answers outside any kernel and compare with nbgrader's gradebook.

Code a student adds to a notebook runs in the grading kernel and can fake a grade cell's
result; the answers file cannot lie that way. So every autograded answers file is re-graded
here with the bank's key and each question's score is compared with the gradebook's
``auto_score``. No kernel, one bank load, one SQL query: thousands of submissions a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..course import find_course
from ..errors import CourseError
from ..notebook.answers import answers_path, read_answers
from .key import grade_answers, load_quiz

TOLERANCE = 1e-3  # nbgrader stores floats; our points are rounded to 4 decimals


@dataclass(frozen=True)
class Mismatch:
    student: str
    question: str
    gradebook: float | None
    regraded: float


@dataclass
class AuditReport:
    assignment: str
    submissions: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def summary(self) -> str:
        if not self.submissions:
            return f"audit {self.assignment}: no autograded submissions in the gradebook; run nbgrader autograde first."
        head = f"audit {self.assignment}: {self.submissions} submission(s) re-graded"
        if self.ok:
            return f"{head}; every score matches the gradebook."
        students = sorted({m.student for m in self.mismatches})
        lines = [
            f"{head}; {len(self.mismatches)} score(s) differ, for {len(students)} student(s): {', '.join(students)}"
        ]
        for m in self.mismatches:
            book = "missing" if m.gradebook is None else f"{m.gradebook:g}"
            lines.append(f"  {m.student}  {m.question}: gradebook {book}, re-graded {m.regraded:g}")
        lines.append("A gradebook score above the re-graded one means code in the notebook changed the grade.")
        return "\n".join(lines)


# The gradebook's tables as nbgrader 0.9 defines them (nbgrader/api.py). Plain SQL instead of nbgrader's
# models because importing nbgrader costs seconds (it loads jsonschema's URI grammar and its server extension).
_SCORES_SQL = """
SELECT sa.student_id, bc.name, g.auto_score
FROM grade g
JOIN grade_cells gc ON gc.id = g.cell_id
JOIN base_cell bc ON bc.id = gc.id
JOIN submitted_notebook sn ON sn.id = g.notebook_id
JOIN submitted_assignment sa ON sa.id = sn.assignment_id
JOIN assignment a ON a.id = sa.assignment_id
WHERE a.name = :assignment
"""


def gradebook_scores(db_url: str, assignment: str) -> dict[str, dict[str, float | None]]:
    """student -> {grade cell name -> auto_score} for every submission of ``assignment``."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    engine = create_engine(db_url)
    scores: dict[str, dict[str, float | None]] = {}
    try:
        with engine.connect() as conn:
            for student, cell, auto in conn.execute(text(_SCORES_SQL), {"assignment": assignment}):
                scores.setdefault(student, {})[cell] = auto
    except SQLAlchemyError as e:
        raise CourseError(
            f"{db_url}: cannot read the nbgrader gradebook ({type(e).__name__}); is it a gradebook?"
        ) from None
    finally:
        engine.dispose()
    return scores


def configured_db_url(folder: Path) -> str:
    """The gradebook URL from nbgrader_config.py (``CourseDirectory.db_url``), else nbgrader's default."""
    from traitlets.config import PyFileConfigLoader

    default = f"sqlite:///{folder / 'gradebook.db'}"
    if not (folder / "nbgrader_config.py").is_file():
        return default
    config = PyFileConfigLoader("nbgrader_config.py", str(folder)).load_config()
    return config.CourseDirectory.get("db_url") or default


def audit_assignment(*, assignment: str, db_url: str | None = None) -> AuditReport:
    """Compare the gradebook's per-question scores of ``assignment`` with a kernel-free re-grade."""
    course = find_course()
    quiz = load_quiz(course, assignment)
    db_url = db_url or configured_db_url(course.assignments)
    if db_url.startswith("sqlite:///") and not Path(db_url.removeprefix("sqlite:///")).is_file():
        raise CourseError(
            f"{db_url.removeprefix('sqlite:///')}: no gradebook; run nbgrader autograde {assignment} first"
        )
    book = gradebook_scores(db_url, assignment)
    report = AuditReport(assignment, submissions=len(book))
    autograded = course.assignments / "autograded"
    for student in sorted(book):
        answers = read_answers(answers_path(autograded / student / assignment, assignment))
        for qid, result in grade_answers(quiz.questions, answers.values).items():
            recorded = book[student].get(qid)
            if recorded is None or abs(recorded - result.points) > TOLERANCE:
                report.mismatches.append(Mismatch(student, qid, recorded, result.points))
    return report
