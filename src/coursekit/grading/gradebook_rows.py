"""nbgrader's gradebook, read as rows: one per (student, notebook, grade cell) of an assignment.

Plain SQL over nbgrader 0.9's tables (``nbgrader/api.py``) instead of its ORM models: one query
answers a whole class, and importing nbgrader costs seconds. Works with any SQLAlchemy ``db_url``
(SQLite by default, PostgreSQL for teams).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import CourseError

_ROWS_SQL = """
SELECT sa.student_id, n.name, bc.name, g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade,
       gc.max_score, gc.cell_type,
       EXISTS (SELECT 1 FROM base_cell s JOIN solution_cells sc ON sc.id = s.id
               WHERE s.notebook_id = n.id AND s.name = bc.name) AS written
FROM grade g
JOIN grade_cells gc ON gc.id = g.cell_id
JOIN base_cell bc ON bc.id = gc.id
JOIN submitted_notebook sn ON sn.id = g.notebook_id
JOIN notebook n ON n.id = sn.notebook_id
JOIN submitted_assignment sa ON sa.id = sn.assignment_id
JOIN assignment a ON a.id = sa.assignment_id
WHERE a.name = :assignment
ORDER BY sa.student_id, n.name, bc.name
"""


_STUDENTS_SQL = "SELECT id, first_name, last_name, email, lms_user_id FROM student ORDER BY id"

_ASSIGNMENT_SQL = """
SELECT a.name, COALESCE((SELECT SUM(gc.max_score) FROM grade_cells gc JOIN base_cell bc ON bc.id = gc.id
                         JOIN notebook n ON n.id = bc.notebook_id WHERE n.assignment_id = a.id), 0)
FROM assignment a ORDER BY a.name
"""

_SUBMISSIONS_SQL = """
SELECT sa.student_id, COALESCE(SUM(sn.late_submission_penalty), 0)
FROM submitted_assignment sa
JOIN assignment a ON a.id = sa.assignment_id
LEFT JOIN submitted_notebook sn ON sn.assignment_id = sa.id
WHERE a.name = :assignment
GROUP BY sa.student_id
ORDER BY sa.student_id
"""


@dataclass(frozen=True)
class Row:
    student: str
    notebook: str
    cell: str  # the grade cell's name: a question id for coursekit quizzes
    auto: float | None
    manual: float | None
    extra: float | None
    needs_manual: bool
    max_score: float
    cell_type: str
    written: bool  # also a solution cell: an answer a grader scores by hand

    @property
    def score(self) -> float:
        """What nbgrader counts: the manual score when a grader set one, else the autograded one."""
        base = self.manual if self.manual is not None else (self.auto or 0.0)
        return base + (self.extra or 0.0)


@dataclass(frozen=True)
class Student:
    """A student in nbgrader's gradebook (``nbgrader db student add``), names and LMS id optional."""

    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    lms_user_id: str = ""

    @property
    def name(self) -> str:
        return " ".join(n for n in (self.first_name, self.last_name) if n) or self.id


def _query(db_url: str, sql: str, params: dict, what: str) -> list:
    """All rows of one read-only query; a missing or foreign database becomes a CourseError."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    if db_url.startswith("sqlite:///") and not Path(db_url.removeprefix("sqlite:///")).is_file():
        raise CourseError(f"{db_url.removeprefix('sqlite:///')}: no gradebook yet; release and grade {what} first")
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).all()
    except SQLAlchemyError as e:
        raise CourseError(f"{db_url}: cannot read the nbgrader gradebook ({type(e).__name__}); is it one?") from None
    finally:
        engine.dispose()


def gradebook_rows(db_url: str, assignment: str) -> list[Row]:
    """Every grade of ``assignment`` in the gradebook at ``db_url``."""
    found = _query(db_url, _ROWS_SQL, {"assignment": assignment}, assignment)
    return [Row(*r[:6], bool(r[6]), float(r[7]), r[8], bool(r[9])) for r in found]


def gradebook_students(db_url: str) -> list[Student]:
    """Every student in the gradebook, submitted or not, by id."""
    found = _query(db_url, _STUDENTS_SQL, {}, "an assignment")
    return [Student(r[0], *(value or "" for value in r[1:])) for r in found]


def assignment_max_scores(db_url: str) -> dict[str, float]:
    """assignment name -> the points it is worth (the sum of its grade cells), for every assignment."""
    return {name: float(total) for name, total in _query(db_url, _ASSIGNMENT_SQL, {}, "an assignment")}


def submissions(db_url: str, assignment: str) -> dict[str, float]:
    """student -> late-submission penalty, for every student with a submission of ``assignment``."""
    found = _query(db_url, _SUBMISSIONS_SQL, {"assignment": assignment}, assignment)
    return {student: float(penalty) for student, penalty in found}


def configured_db_url(folder: Path) -> str:
    """The gradebook URL from nbgrader_config.py (``CourseDirectory.db_url``), else nbgrader's default."""
    from traitlets.config import PyFileConfigLoader

    default = f"sqlite:///{folder / 'gradebook.db'}"
    if not (folder / "nbgrader_config.py").is_file():
        return default
    config = PyFileConfigLoader("nbgrader_config.py", str(folder)).load_config()
    return config.CourseDirectory.get("db_url") or default
