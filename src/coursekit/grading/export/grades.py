"""`coursekit export grades`: nbgrader's grades as the gradebook import CSV of Canvas or Moodle.

One line per student the LMS can identify: the roster (``assignments/roster.csv``) gives each nbgrader id
its LMS ids (``lms_id``, ``sis_user_id``, ``sis_login_id``, ``email``); students without one are left out
and listed, never guessed. One column per assignment. A student who never submitted an assignment gets
an empty cell, not 0: both LMSs leave an empty cell ungraded, and the command lists who it was. Every
cell goes through ``safe_csv``, so a name like ``=HYPERLINK(...)`` is never run by a spreadsheet. Scores are nbgrader's
(manual grades included) minus any late penalty, floored at 0, as in ``nbgrader export``.
"""

from __future__ import annotations

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
from ..safe_csv import csv_text


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


def _cells(sheet: Gradesheet, sid: str) -> list[str]:
    return [_number(sheet.scores[sid][a]) for a in sheet.assignments]


# How each LMS finds the student a line is about (canvas-lms app/models/gradebook_importer.rb, process_student:
# the Canvas user id in "ID", then the SIS user id, then the SIS login; Moodle grade/import/csv/classes/
# load_data.php, map_user_data_with_value: one column mapped to a user field, and a line whose value is
# empty or unknown stops the whole import). So a student goes into the file only with such an id.
CANVAS_IDS = ("lms_id", "sis_user_id", "sis_login_id")
MOODLE_MATCH = {  # --match-by: (column header, roster field, the field Moodle's "Map to" calls it)
    "email": ("Email address", "email", "useremail"),
    "idnumber": ("ID number", "sis_user_id", "useridnumber"),
    "username": ("Username", "sis_login_id", "username"),
    "id": ("User ID", "lms_id", "userid"),
}


def _member(sheet: Gradesheet, s: Student) -> Member:
    """The student's roster line, completed from nbgrader's gradebook (its email and LMS user id)."""
    m = sheet.roster.get(s.id, Member(s.id))
    return Member(**{**m.__dict__, "email": m.email or s.email, "lms_id": m.lms_id or s.lms_user_id})


def canvas_csv(sheet: Gradesheet) -> tuple[str, list[str]]:
    """(Canvas's gradebook import CSV, nbgrader ids left out for want of a Canvas id in the roster).

    Columns as Canvas's importer reads them: Student, ID, SIS User ID, SIS Login ID, Section, one column per
    assignment, then the read-only 'Final Points' it skips; a 'Points Possible' line under the header."""
    possible = [f"{sheet.max_scores[a]:g}" for a in sheet.assignments]
    rows = [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *sheet.assignments, "Final Points"],
        ["Points Possible", "", "", "", "", *possible, f"{sum(sheet.max_scores.values()):g}"],
    ]
    left_out = []
    for s in sheet.students:
        m = _member(sheet, s)
        if not any(getattr(m, f) for f in CANVAS_IDS):
            left_out.append(s.id)
            continue
        name = ", ".join(n for n in (s.last_name, s.first_name) if n) or m.name or s.id
        ids = [m.lms_id, m.sis_user_id, m.sis_login_id]
        rows.append([name, *ids, m.section, *_cells(sheet, s.id), _total(sheet, s.id)])
    return csv_text(rows), left_out


def moodle_csv(sheet: Gradesheet, match_by: str = "email") -> tuple[str, list[str]]:
    """(Moodle's 'Import grades from CSV' file, nbgrader ids left out for want of the ``match_by`` field).

    The first column is the user field the instructor maps ('Map from' that column, 'Map to' the field);
    each assignment column maps to its grade item. Students without that field are left out, because one
    line Moodle cannot match stops the whole import."""
    header, field, _ = MOODLE_MATCH[match_by]
    rows = [[header, "First name", "Last name", "nbgrader id", *sheet.assignments]]
    left_out = []
    for s in sheet.students:
        m = _member(sheet, s)
        key = getattr(m, field)
        if not key:
            left_out.append(s.id)
            continue
        first, last = s.first_name, s.last_name
        if not (first or last) and m.name:
            first, _, last = m.name.partition(" ")
        rows.append([key, first, last, s.id, *_cells(sheet, s.id)])
    return csv_text(rows), left_out


def gaps(sheet: Gradesheet, left_out: list[str], why: str) -> list[str]:
    """One line per assignment with students who have no submission, one for roster-only students, and
    one for the students the file leaves out."""
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
    if sheet.roster and (unlisted := [s.id for s in sheet.students if s.id not in sheet.roster]):
        lines.append(f"{len(unlisted)} student(s) are not in the roster: {', '.join(unlisted)}")
    if left_out:
        lines.append(f"{len(left_out)} student(s) left out of the file, {why}: {', '.join(left_out)}")
    return lines


@dataclass
class GradesExport:
    path: Path
    sheet: Gradesheet
    gaps: list[str]


def export_grades(
    *,
    assignments: list[str],
    to: str,
    out: Path | None = None,
    roster: Path | None = None,
    match_by: str = "email",
) -> GradesExport:
    """Write the ``to`` (canvas | moodle) gradebook CSV of ``assignments`` (default: assignments/exports/).

    Students are identified by the roster's LMS ids (``match_by`` picks Moodle's user field)."""
    if to not in ("canvas", "moodle"):
        raise CourseError(f"unknown LMS '{to}'; use --to canvas or --to moodle")
    if match_by not in MOODLE_MATCH:
        raise CourseError(f"unknown --match-by '{match_by}'; use one of: {', '.join(MOODLE_MATCH)}")
    root = find_course().assignments
    path = Path(roster) if roster else root / "roster.csv"
    members = load_roster(path) if (roster or path.is_file()) else {}
    sheet = read_gradesheet(configured_db_url(root), assignments, members)
    if to == "canvas":
        text, left_out = canvas_csv(sheet)
        why = f"with no lms_id, sis_user_id or sis_login_id (in {path.name} or nbgrader); Canvas could not match them"
    else:
        text, left_out = moodle_csv(sheet, match_by)
        field = MOODLE_MATCH[match_by][1]
        why = f"with no {field} (in {path.name} or nbgrader); one such line would stop Moodle's whole import"
    target = Path(out) if out else root / "exports" / f"grades-{to}.csv"
    return GradesExport(write_private(target, text), sheet, gaps(sheet, left_out, why))
