"""`coursekit collect`: LMS bulk downloads, laid out as Canvas and Moodle write them, placed in submitted/.

The archives are built by ``lms_archives.py`` from each LMS's own naming rules (cited there), not from what
coursekit expects. No kernel and no grading here: ``test_lms_route.py`` takes collected classes through grading.
"""

from __future__ import annotations

import json
import os
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lms_archives import canvas_copy, canvas_entry, moodle_copy, moodle_entry, moodle_worksheet, write_zip
from quiz_course import QUIZ, generated

from coursekit.cli import main
from coursekit.errors import CourseError
from coursekit.grading.intake.lms_download import collect_download
from coursekit.grading.intake.lms_names import canonical, canvas_file, moodle_file

NB, ANSWERS = f"{QUIZ}.ipynb", f"{QUIZ}.answers.json"
WANTED = {NB, ANSWERS}
ROSTER = """id,name,email,lms_id,sis_user_id
ana,Ana Lima,ana@uni.edu,1101,S1
ben,Ben O'Neil,ben@uni.edu,1102,S2
cho,Cho Min-jun,cho@uni.edu,1103,S3
dee,Dee Lee_2,dee@uni.edu,1104,S4
fay,Fay Wu,fay@uni.edu,1106,S6
"""


# ---------- names, read back ----------


@pytest.mark.parametrize(
    ("sortable", "late", "name"),
    [("Lima, Ana", False, "limaana"), ("O'Neil, Ben", True, "oneilben"), ("Lee_2, Dee", False, "lee_2dee"),
     ("Müller, Jörg", True, "müllerjörg"), ("", False, "")],
)  # fmt: skip
def test_canvas_names_are_read_back(sortable, late, name):
    """Is each part of a Canvas file name (name, LATE, user id, attachment id, file) read back as Canvas wrote it?"""
    got = canvas_file(canvas_entry(sortable, 1104, 98765, "mini-quiz-1.answers.json", late=late), known={"1104"})
    assert (got.name, got.late, got.who, got.order) == (name, late, "1104", 98765)
    assert got.filename == "mini-quiz-1.answers.json"


@settings(max_examples=200, deadline=None)
@given(
    st.text(st.characters(categories=["L", "N", "P", "Zs"]), max_size=20),
    st.integers(1, 10**9),
    st.integers(1, 10**9),
    st.text(st.characters(categories=["L", "N", "P"]), min_size=1, max_size=20),
    st.booleans(),
)
def test_any_canvas_name_is_read_back_for_a_roster_id(sortable, user, attachment, display, late):
    """Whatever the student's name and file name (digits and underscores included), is the user id known to the
    roster, the attachment id, the late flag and the file name read back from the name Canvas writes?"""
    entry = canvas_entry(sortable, user, attachment, display, late=late)
    got = canvas_file(entry, known={str(user)})
    assert (got.who, got.order, got.late) == (str(user), attachment, late)
    assert entry.endswith(got.filename) and got.filename


def test_digits_in_a_file_name_never_pick_another_student():
    """Can a student the roster does not know upload a file named with a roster student's Canvas ids, to have it
    placed as that student's? (Canvas's own ids come first in the name; the file's digits are never read as ids.)"""
    forged = canvas_entry("Stranger, Sam", 1999, 706, "1101_999_mini-quiz.answers.json")
    got = canvas_file(forged, known={"1101"})
    assert (got.who, got.filename) == ("1999", "1101_999_mini-quiz.answers.json")
    own = canvas_file(canvas_entry("Lee_2, Dee", 1104, 98765, "1101_5_x.ipynb"), known={"1101", "1104"})
    assert (own.who, own.name, own.filename) == ("1104", "lee_2dee", "1101_5_x.ipynb")
    ends_in_digits = canvas_file("lee_2_1104_98765_mini-quiz.ipynb", known={"1104"})
    assert (ends_in_digits.who, ends_in_digits.name, ends_in_digits.filename) == ("1104", "lee_2", NB)


def test_canvas_anonymous_and_text_entries_are_not_guessed():
    """Is an anonymous-grading file read with no student id, and a text entry (no attachment id) not read at all?"""
    anon = canvas_file("LATE_anon_x7Qp2_4455_mini-quiz.ipynb")
    assert (anon.who, anon.late, anon.filename) == ("", True, NB)
    assert canvas_file("limaana_1101_text.html") is None


def test_moodle_names_are_read_back():
    """Are Moodle's folder per student (and the flat layout) read back: full name, participant id, file name?"""
    got = moodle_file(moodle_entry("Dee Lee_2", 5502, moodle_copy(ANSWERS, 1)))
    assert (got.name, got.who, got.filename) == ("Dee Lee 2", "5502", "mini-quiz.answers (1).json")
    flat = moodle_file("Ana Lima_5501_assignsubmission_file_mini-quiz.ipynb")
    assert (flat.who, flat.filename) == ("5501", NB)
    assert moodle_file("Ana Lima_5501_assignsubmission_onlinetext/onlinetext.html") is None


@pytest.mark.parametrize(
    ("filename", "expected"),
    [(NB, (NB, 0)), (canvas_copy(NB, 2, modern=True), (NB, 2)), (canvas_copy(ANSWERS, 1, modern=True), (ANSWERS, 1)),
     (canvas_copy(ANSWERS, 3, modern=False), (ANSWERS, 3)), (moodle_copy(ANSWERS, 2), (ANSWERS, 2)),
     ("mini-quiz(1).ipynb", (NB, 1)), ("mini-quiz.ipynb.txt", None), ("mini-quiz-final.ipynb", None),
     ("other.ipynb", None), ("Mini-Quiz.ipynb", None)],
)  # fmt: skip
def test_renamed_copies_are_recognised_and_nothing_else(filename, expected):
    """Are the LMS's and browsers' copies of a file recognised with their number, and other names not?"""
    assert canonical(filename, sorted(WANTED)) == expected


# ---------- collect ----------


@pytest.fixture
def course(tmp_path, monkeypatch):
    """A course with the mini quiz generated into source/ (no nbgrader run needed) and a roster; cwd its root."""
    root = generated(tmp_path / "course", monkeypatch)
    (root / "assignments" / "roster.csv").write_text(ROSTER)
    return root


def submitted(root, student) -> dict[str, bytes]:
    folder = root / "assignments" / "submitted" / student / QUIZ
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.is_dir() else {}


def canvas_class(path):
    return write_zip(path, {
        canvas_entry("Lima, Ana", 1101, 501, NB): b"ana nb",
        canvas_entry("Lima, Ana", 1101, 502, ANSWERS): b"ana answers",
        canvas_entry("O'Neil, Ben", 1102, 503, NB, late=True): b"ben nb",
        canvas_entry("Min-jun, Cho", 1103, 504, ANSWERS): b"cho old answers",
        canvas_entry("Min-jun, Cho", 1103, 611, canvas_copy(ANSWERS, 1, modern=False)): b"cho new answers",
        canvas_entry("Min-jun, Cho", 1103, 612, canvas_copy(NB, 1, modern=True)): b"cho nb",
        canvas_entry("Lee_2, Dee", 1104, 505, "notes.docx"): b"dee notes",
        canvas_entry("Stranger, Sam", 1999, 506, NB): b"sam nb",
        "limaana_1101_text.html": b"<p>hi</p>",
    })  # fmt: skip


def test_a_canvas_download_is_placed_under_nbgraders_names(course):
    """Does each roster student's newest copy land in submitted/<id>/mini-quiz/ under its own name with nbgrader's
    timestamp.txt, and is every late student, resubmission, file not placed (and why) and missing student named?"""
    zip_path = canvas_class(course / "download.zip")
    os.utime(zip_path, (1_772_000_000, 1_772_000_000))  # the download's time
    done = collect_download(assignment=QUIZ, archive=zip_path, lms="canvas")
    assert submitted(course, "ana") == {ANSWERS: b"ana answers", NB: b"ana nb", "timestamp.txt": b"2026-02-25 "
                                        b"06:13:20.000000 UTC\n"}  # fmt: skip
    assert submitted(course, "cho")[ANSWERS] == b"cho new answers" and submitted(course, "cho")[NB] == b"cho nb"
    assert sorted(done.placed) == ["ana", "ben", "cho"] and done.late == ["ben"]
    assert done.older == [("cho", "mini-quiz.answers-1.json", ANSWERS)]
    reasons = dict(done.unplaced)
    assert "dee: not a file of mini-quiz" in reasons[canvas_entry("Lee_2, Dee", 1104, 505, "notes.docx")]
    stranger = reasons[canvas_entry("Stranger, Sam", 1999, 506, NB)]
    assert "Canvas user 1999 (strangersam) is not in the roster" in stranger
    assert "not named as Canvas names" in reasons["limaana_1101_text.html"]
    assert done.missing == ["dee", "fay"]
    text = done.summary()
    assert "late (per Canvas): ben" in text and "no submission (on the roster, nothing placed): dee, fay" in text


def test_collecting_again_needs_force_and_writes_nothing_without_it(course, capsys):
    """Does a second collect refuse, in one line and with nothing changed, until --force replaces the folders?"""
    zip_path = canvas_class(course / "download.zip")
    assert main(["collect", QUIZ, str(zip_path), "--from", "canvas"]) == 0
    (course / "assignments/submitted/ana" / QUIZ / "extra.txt").write_text("earlier")
    before = submitted(course, "ana")
    assert main(["collect", QUIZ, str(zip_path), "--from", "canvas"]) == 1
    err = capsys.readouterr().err
    assert "already holds this assignment for ana, ben, cho; nothing was written" in err and "Traceback" not in err
    assert submitted(course, "ana") == before
    assert main(["collect", QUIZ, str(zip_path), "--from", "canvas", "--force"]) == 0
    assert "extra.txt" not in submitted(course, "ana")
    assert not [p for p in (course / "assignments/submitted/ana").iterdir() if p.name.startswith(".")]


def test_late_flag_and_due_date_give_nbgrader_the_right_side_of_the_deadline(course, monkeypatch):
    """With a due date in nbgrader's gradebook before the download, is an on-time student's timestamp the due date
    (so nbgrader never counts it late) and a late one's the download's time?"""
    from datetime import UTC, datetime

    import coursekit.grading.intake.lms_place as place

    due = datetime(2026, 2, 20, 23, 59, tzinfo=UTC)
    monkeypatch.setattr(place, "_due_date", lambda root, assignment: due)
    zip_path = canvas_class(course / "download.zip")
    os.utime(zip_path, (1_772_000_000, 1_772_000_000))
    collect_download(assignment=QUIZ, archive=zip_path, lms="canvas")
    assert submitted(course, "ana")["timestamp.txt"] == b"2026-02-20 23:59:00.000000 UTC\n"
    assert submitted(course, "ben")["timestamp.txt"] == b"2026-02-25 06:13:20.000000 UTC\n"


def moodle_class(path):
    return write_zip(path, {
        moodle_entry("Ana Lima", 5501, NB): b"ana nb",
        moodle_entry("Ana Lima", 5501, ANSWERS): b"ana old",
        moodle_entry("Ana Lima", 5501, moodle_copy(ANSWERS, 1)): b"ana new",
        moodle_entry("Ben O'Neil", 5502, NB): b"ben nb",
        moodle_entry("Dee Lee_2", 5504, NB): b"dee nb",
        "Ana Lima_5501_assignsubmission_onlinetext/onlinetext.html": b"<p>hi</p>",
    })  # fmt: skip


def test_a_moodle_download_is_placed_by_the_grading_worksheet(course):
    """With Moodle's grading worksheet, is each participant placed by ID number or email, the newest copy kept?"""
    sheet = course / "worksheet.csv"
    sheet.write_text(moodle_worksheet([(5501, "Ana Lima", "ana@uni.edu", ""), (5502, "Ben O'Neil", "x@y", "S2"),
                                       (5504, "Dee Lee_2", "other@uni.edu", "")]))  # fmt: skip
    done = collect_download(assignment=QUIZ, archive=moodle_class(course / "m.zip"), lms="moodle", worksheet=sheet)
    assert submitted(course, "ana")[ANSWERS] == b"ana new" and submitted(course, "ben")[NB] == b"ben nb"
    assert sorted(done.placed) == ["ana", "ben"] and done.late == [] and done.missing == ["cho", "dee", "fay"]
    assert "participant 5504 (Dee Lee 2) has no roster row" in dict(done.unplaced)[moodle_entry("Dee Lee_2", 5504, NB)]


def test_a_moodle_download_without_worksheet_is_placed_by_exact_names_only(course):
    """Without a worksheet, is a student placed only when exactly one roster name matches (no guessing)?"""
    roster = course / "assignments" / "roster.csv"
    roster.write_text(ROSTER + "gus,Ana Lima,gus@uni.edu,1107,S7\n")
    done = collect_download(assignment=QUIZ, archive=moodle_class(course / "m.zip"), lms="moodle")
    assert sorted(done.placed) == ["ben"]
    assert "no roster student is named exactly 'Ana Lima' (or two are)" in dict(done.unplaced)[moodle_entry(
        "Ana Lima", 5501, NB)]  # fmt: skip


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("no roster", "no roster. `coursekit collect` links the LMS's students"),
        ("not a zip", "not a zip file"),
        ("no lms ids", "the roster has no lms_id values"),
        ("bad worksheet", "worksheet.csv:1: no 'Identifier' column"),
        ("unknown assignment", "unknown assignment 'nope'; the course at"),
        ("escaping id", "the student id '../../etc' cannot be a folder under submitted/"),
    ],
)
def test_bad_input_gets_one_clear_line(course, capsys, setup, message):
    """Does each bad input give one line naming the file and what to do, exit 1, never a traceback?"""
    zip_path = canvas_class(course / "download.zip")
    args = ["collect", QUIZ, str(zip_path), "--from", "canvas"]
    if setup == "no roster":
        (course / "assignments" / "roster.csv").unlink()
    elif setup == "not a zip":
        zip_path.write_text("not a zip")
    elif setup == "escaping id":
        (course / "assignments" / "roster.csv").write_text("id,lms_id\n../../etc,1101\n")
    elif setup == "no lms ids":
        (course / "assignments" / "roster.csv").write_text("id,name\nana,Ana\n")
    elif setup == "bad worksheet":
        (course / "worksheet.csv").write_text("Name,Email\n")
        args = ["collect", QUIZ, str(moodle_class(course / "m.zip")), "--from", "moodle", "--worksheet",
                str(course / "worksheet.csv")]  # fmt: skip
    else:
        args[1] = "nope"
    assert main(args) == 1
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_hostile_archive_entries_never_escape_or_flood(course, monkeypatch):
    """Are a symlink entry, a path with ../ and an entry larger than the limit never followed, never written
    outside the student's folder, and listed with the reason?"""
    import coursekit.grading.intake.lms_download as download

    monkeypatch.setattr(download, "MAX_NOTEBOOK", 1000)
    zip_path = course / "evil.zip"
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
        link = zipfile.ZipInfo(canvas_entry("Lima, Ana", 1101, 1, NB))
        link.external_attr = 0o120777 << 16
        zf.writestr(link, "/etc/passwd")
        zf.writestr("../../" + canvas_entry("O'Neil, Ben", 1102, 2, ANSWERS), json.dumps({"schema": 1}))
        zf.writestr(canvas_entry("Min-jun, Cho", 1103, 3, NB), b"0" * 50_000)
    done = collect_download(assignment=QUIZ, archive=zip_path, lms="canvas")
    reasons = dict(done.unplaced)
    assert reasons[canvas_entry("Lima, Ana", 1101, 1, NB)] == "a symbolic link, not a file"
    assert "larger than" in reasons[canvas_entry("Min-jun, Cho", 1103, 3, NB)]
    assert sorted(done.placed) == ["ben"] and set(submitted(course, "ben")) == {ANSWERS, "timestamp.txt"}
    assert not (course.parent / canvas_entry("O'Neil, Ben", 1102, 2, ANSWERS)).exists()
    with pytest.raises(CourseError, match="unknown LMS"):
        collect_download(assignment=QUIZ, archive=zip_path, lms="blackboard")
