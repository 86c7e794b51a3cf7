"""`coursekit export grades`: nbgrader's grades as the gradebook import CSV of Canvas or Moodle.

One line per student (everyone in nbgrader's gradebook, plus everyone in the roster), one column per
assignment, and the total. A student who never submitted an assignment gets an empty cell, not 0:
both LMSs leave an empty cell ungraded, and the command lists who it was. Scores are nbgrader's
(manual grades included) minus any late penalty, floored at 0, as in ``nbgrader export``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ...course import find_course
from ...errors import CourseError
from ..gradebook_rows import (
    Student,
    assignment_max_scores,
    configured_db_url,
    gradebook_rows,
    gradebook_students,
    submissions,
)
from ..private_files import write_private
from ..roster import Member, load_roster


@dataclass
class Gradesheet:
    """Scores by student and assignment; None = no submission."""

    assignments: list[str]
    max_scores: dict[str, float]
    students: list[Student]
    roster: dict[str, Member]
    scores: dict[str, dict[str, float | None]]
    missing: dict[str, list[str]] = field(default_factory=dict)  # assignment -> students without a submission
    not_in_gradebook: list[str] = field(default_factory=list)  # roster students nbgrader does not know


def read_gradesheet(db_url: str, assignments: list[str], roster: dict[str, Member]) -> Gradesheet:
    maxima = assignment_max_scores(db_url)
    unknown = [a for a in assignments if a not in maxima]
    if unknown:
        known = ", ".join(maxima) or "none yet"
        raise CourseError(f"the gradebook has no assignment {', '.join(map(repr, unknown))} (it has: {known})")
    known_students = gradebook_students(db_url)
    ids = {s.id for s in known_students}
    extra = [Student(sid) for sid in roster if sid not in ids]
    students = sorted([*known_students, *extra], key=lambda s: s.id)
    sheet = Gradesheet(assignments, {a: maxima[a] for a in assignments}, students, roster, {s.id: {} for s in students})
    sheet.not_in_gradebook = [s.id for s in extra]
    for a in assignments:
        _fill(sheet, db_url, a)
    return sheet


def _fill(sheet: Gradesheet, db_url: str, assignment: str) -> None:
    penalties = submissions(db_url, assignment)
    raw: dict[str, float] = dict.fromkeys(penalties, 0.0)
    for row in gradebook_rows(db_url, assignment):
        raw[row.student] = raw.get(row.student, 0.0) + row.score
    for student in sheet.scores:
        if student in raw:
            sheet.scores[student][assignment] = max(0.0, raw[student] - penalties.get(student, 0.0))
        else:
            sheet.scores[student][assignment] = None
    sheet.missing[assignment] = [s for s in sheet.scores if s not in raw]


def _number(value: float | None) -> str:
    return "" if value is None else f"{round(value, 4):g}"


def _total(sheet: Gradesheet, sid: str) -> str:
    got = [v for v in sheet.scores[sid].values() if v is not None]
    return f"{round(sum(got), 4):g}" if got else ""


def canvas_csv(sheet: Gradesheet) -> str:
    """Canvas's gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, one column per assignment,
    a 'Points Possible' line, and the read-only 'Final Points' (Canvas ignores it on import)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *sheet.assignments, "Final Points"])
    possible = [f"{sheet.max_scores[a]:g}" for a in sheet.assignments]
    w.writerow(["Points Possible", "", "", "", "", *possible, f"{sum(sheet.max_scores.values()):g}"])
    for s in sheet.students:
        m = sheet.roster.get(s.id, Member(s.id))
        name = ", ".join(n for n in (s.last_name, s.first_name) if n) or m.name or s.id
        login = m.sis_login_id or s.id
        cells = [_number(sheet.scores[s.id][a]) for a in sheet.assignments]
        w.writerow([name, s.lms_user_id, m.sis_user_id, login, m.section, *cells, _total(sheet, s.id)])
    return out.getvalue()


def moodle_csv(sheet: Gradesheet) -> str:
    """Moodle's 'Import grades from CSV': identify students by Username (or Email address / ID number)
    and map each assignment column to a grade item; map 'Total' to 'Ignore'."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["First name", "Last name", "Username", "Email address", "ID number", *sheet.assignments, "Total"])
    for s in sheet.students:
        m = sheet.roster.get(s.id, Member(s.id))
        cells = [_number(sheet.scores[s.id][a]) for a in sheet.assignments]
        email = s.email or m.email
        w.writerow([s.first_name, s.last_name, s.id, email, m.sis_user_id, *cells, _total(sheet, s.id)])
    return out.getvalue()


def gaps(sheet: Gradesheet) -> list[str]:
    """One line per assignment with students who have no submission, and one for roster-only students."""
    lines = [
        f"{a}: {len(who)} student(s) never submitted; their cell is empty (not 0): {', '.join(who)}"
        for a, who in sheet.missing.items()
        if who
    ]
    if sheet.not_in_gradebook:
        lines.append(
            f"{len(sheet.not_in_gradebook)} roster student(s) are not in nbgrader's gradebook (empty cells): "
            + ", ".join(sheet.not_in_gradebook)
        )
    return lines


@dataclass
class GradesExport:
    path: Path
    sheet: Gradesheet
    gaps: list[str]


def export_grades(
    *, assignments: list[str], to: str, out: Path | None = None, roster: Path | None = None
) -> GradesExport:
    """Write the ``to`` (canvas | moodle) gradebook CSV of ``assignments`` (default: assignments/exports/)."""
    if to not in ("canvas", "moodle"):
        raise CourseError(f"unknown LMS '{to}'; use --to canvas or --to moodle")
    root = find_course().assignments
    path = Path(roster) if roster else root / "roster.csv"
    members = load_roster(path) if (roster or path.is_file()) else {}
    sheet = read_gradesheet(configured_db_url(root), assignments, members)
    text = canvas_csv(sheet) if to == "canvas" else moodle_csv(sheet)
    target = Path(out) if out else root / "exports" / f"grades-{to}.csv"
    return GradesExport(write_private(target, text), sheet, gaps(sheet))
