"""`coursekit export grades`: nbgrader's real gradebook as Canvas and Moodle import CSVs, non-submitters kept apart."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "grading"))
import quiz_course as qc  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The mini quiz graded for three students: one full marks, one zero, and 'absent' who never submitted."""
    root = qc.build(tmp_path_factory.mktemp("grades") / "course")
    qc.hand_in(root, "full", qc.KEY)
    qc.hand_in(root, "zero", qc.WRONG)
    assignments = root / "assignments"
    args = ["db", "student", "add", "absent", "--first-name=Min", "--last-name=Park", "--email=min@example.edu"]
    qc.must(qc.run([str(qc.BIN / "nbgrader"), *args], assignments))
    qc.must(qc.run([str(qc.BIN / "coursekit"), "grade", qc.QUIZ, "--quiet"], assignments))
    (assignments / "roster.csv").write_text(
        "id,section,lms_id,sis_user_id,email\nfull,A,11,1001,f@u.edu\nzero,B,12,1002,=cmd@u.edu\n"
        "absent,A,13,1003,\nlate,B,14,1004,l@u.edu\nghost,B,,,\n"
    )
    return root


def export(root: Path, lms: str) -> tuple[list[dict], str]:
    done = qc.must(qc.run([str(qc.BIN / "coursekit"), "export", "grades", qc.QUIZ, "--to", lms], root / "assignments"))
    text = (root / "assignments" / "exports" / f"grades-{lms}.csv").read_text()
    return list(csv.DictReader(io.StringIO(text))), done.stdout


def test_canvas_gradebook_csv(course):
    """Does the Canvas CSV give every student the Canvas id and SIS id from the roster, points possible, a
    score of 0 for 'zero' and an empty cell (not 0) for 'absent', who is also listed?"""
    rows, out = export(course, "canvas")
    assert list(rows[0]) == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", qc.QUIZ, "Final Points"]
    by_id = {r["ID"]: r for r in rows[1:]}
    assert rows[0]["Student"] == "Points Possible" and rows[0][qc.QUIZ] == f"{sum(qc.POINTS.values()):g}"
    assert by_id["11"][qc.QUIZ] == f"{sum(qc.POINTS.values()):g}" and by_id["11"]["Section"] == "A"
    assert by_id["12"][qc.QUIZ] == "0" and by_id["12"]["SIS User ID"] == "1002"
    assert by_id["13"][qc.QUIZ] == "" and by_id["13"]["Student"] == "Park, Min"
    assert by_id["14"][qc.QUIZ] == ""  # in the roster only: kept, never dropped
    assert set(by_id) == {"11", "12", "13", "14"}  # ghost has no LMS id: left out, and said so
    assert "never submitted" in out and "absent" in out and "not in nbgrader's gradebook" in out and "late" in out
    assert "left out of the file" in out and "ghost" in out


def test_moodle_gradebook_csv(course):
    """Does the Moodle CSV identify every student by email (roster, else nbgrader's), neutralise a formula-like
    cell, keep non-submitters empty, and list who it left out?"""
    rows, out = export(course, "moodle")
    assert list(rows[0])[:4] == ["Email address", "First name", "Last name", "nbgrader id"]
    by_email = {r["Email address"]: r for r in rows}
    assert by_email["min@example.edu"]["nbgrader id"] == "absent" and by_email["min@example.edu"][qc.QUIZ] == ""
    assert by_email["'=cmd@u.edu"][qc.QUIZ] == "0"  # neutralised: a spreadsheet shows it as text
    assert by_email["f@u.edu"][qc.QUIZ] == f"{sum(qc.POINTS.values()):g}"
    assert "ghost" in out and "left out of the file" in out


def test_unknown_assignment_is_one_clear_line(course):
    """Is an assignment the gradebook does not have refused in one line naming the ones it has?"""
    done = qc.run([str(qc.BIN / "coursekit"), "export", "grades", "nope", "--to", "canvas"], course / "assignments")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("coursekit: unknown assignment 'nope'; the course at ") and line.endswith(f"has: {qc.QUIZ}.")
