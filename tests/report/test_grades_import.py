"""Grade CSVs read by the gradebook importers' own rules (gradebook_import.py), and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

import pytest
from gradebook_import import ImportStopped, canvas_import, moodle_import
from hypothesis import given
from hypothesis import strategies as st

from coursekit.grading.export.grades import Gradesheet, canvas_csv, gaps, moodle_csv
from coursekit.grading.gradebook_rows import Student
from coursekit.grading.roster import Member
from coursekit.grading.safe_csv import TRIGGERS, safe_cell

ROSTER = {
    "ana": Member("ana", section="A", email="ana@u.edu", lms_id="101", sis_user_id="S1", sis_login_id="ana1"),
    "ben": Member("ben", section="B", email="ben@u.edu", sis_user_id="S2"),  # no Canvas user id: SIS id instead
    "cy": Member("cy", section="A", email="cy@u.edu", sis_login_id="cy9"),
    "dee": Member("dee", section="B"),  # in the roster without any LMS id
}


def sheet(names: dict[str, str] | None = None) -> Gradesheet:
    names = names or {}
    ids = ["ana", "ben", "cy", "dee", "eve"]  # eve: in nbgrader's gradebook, not in the roster
    students = [Student(s, first_name=names.get(s, s.title()), last_name="Lee") for s in ids]
    scores = {"ana": {"q1": 9.0}, "ben": {"q1": 0.0}, "cy": {"q1": None}, "dee": {"q1": 4.5}, "eve": {"q1": 7.0}}
    return Gradesheet(["q1"], {"q1": 9.0}, students, dict(ROSTER), scores, {"q1": ["cy"]})


CANVAS_USERS = {"101": {"sis_user_id": "S1", "login": "ana1"}, "202": {"sis_user_id": "S2"}, "303": {"login": "cy9"}}


def test_canvas_matches_every_line_by_its_ids():
    """Does Canvas's importer find every student of the file by Canvas id, SIS id or login, with 0 kept as 0
    and a non-submitter's cell empty, and are the students Canvas could not match left out and listed?"""
    text, left_out = canvas_csv(sheet())
    grades = canvas_import(text, CANVAS_USERS)
    assert grades == {"101": {"q1": "9"}, "202": {"q1": "0"}, "303": {"q1": ""}}
    assert left_out == ["dee", "eve"]
    notes = " ".join(gaps(sheet(), left_out, "for want of an id"))
    assert "not in the roster: eve" in notes and "left out of the file, for want of an id: dee, eve" in notes


def test_moodle_import_never_stops_on_a_line():
    """Mapped by email, does Moodle's import match every line (one unmatched line would stop it all)?"""
    users = [{"id": 7, "email": "ana@u.edu"}, {"id": 8, "email": "ben@u.edu"}, {"id": 9, "email": "cy@u.edu"}]
    text, left_out = moodle_csv(sheet(), "email")
    assert moodle_import(text, "Email address", "email", users) == {7: {"q1": 9.0}, 8: {"q1": 0.0}, 9: {"q1": None}}
    assert left_out == ["dee", "eve"]
    text, left_out = moodle_csv(sheet(), "idnumber")
    assert list(csv.reader(io.StringIO(text)))[0][0] == "ID number" and left_out == ["cy", "dee", "eve"]


def test_the_old_file_could_not_be_imported_as_written():
    """Is the port strict enough to refuse what issue 20 found: nbgrader ids where Canvas wants ids?"""
    old = "Student,ID,SIS User ID,SIS Login ID,Section,q1\nLee,,,ana,A,9\n"
    with pytest.raises(ImportStopped):
        canvas_import(old, CANVAS_USERS)


FORMULA = st.sampled_from(TRIGGERS).flatmap(lambda t: st.text(max_size=20).map(lambda rest: t + rest))


@given(FORMULA)
def test_no_exported_name_can_run_as_a_formula(name):
    """Whatever a student's name starts with (=, +, -, @, tab, CR, fullwidth forms), does every cell of both
    files begin with something a spreadsheet shows as text, and does Canvas still match the line?"""
    gs = sheet({"ana": name})
    for text in (canvas_csv(gs)[0], moodle_csv(gs, "email")[0]):
        for row in csv.reader(io.StringIO(text)):
            for cell in row:
                assert not cell.startswith(TRIGGERS) or _is_number(cell), repr(cell)
    assert canvas_import(canvas_csv(gs)[0], CANVAS_USERS)["101"] == {"q1": "9"}


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@given(st.text(max_size=30))
def test_safe_cell_changes_only_what_a_spreadsheet_would_evaluate(text):
    """Is a cell left as it is unless it starts like a formula, and then only a quote put in front?"""
    out = safe_cell(text)
    assert out == text or (out == "'" + text and text.startswith(TRIGGERS))


def test_numbers_stay_numbers():
    """Are negative scores and statistics (-0.25, -1e-3) left as numbers, and '-1+1' neutralised?"""
    assert [safe_cell(v) for v in ("-0.25", "-1e-3", "+3", "-1+1", "=1")] == ["-0.25", "-1e-3", "+3", "'-1+1", "'=1"]
