"""The nbgrader gradebook on a real PostgreSQL server gives exactly what the default SQLite gradebook gives.

The same class goes twice through release, `coursekit grade` (one quiz) and plain `nbgrader autograde`
(another), `coursekit audit`, `nbgrader generate_feedback` and `nbgrader export`: once with SQLite, one
step after the other, and once with ``CourseDirectory.db_url`` pointing at a PostgreSQL server started by
the tests, the two quizzes graded AT THE SAME TIME (two graders at once). Only the commands' results are
compared, every grade row and the export CSV, so the test does not depend on how grading works inside.
"""

from __future__ import annotations

import csv
import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from platform_helpers import answer_in_kernel, answer_sets, copy_course, graded_quizzes

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]

BIN = Path(sys.executable).parent
# student -> the answer set they submit; "none": no answers file; "corrupt": an unreadable one
CLASS = {"ana": "right", "ben": "wrong", "cho": "mixed", "dai": "half", "eli": "none", "fay": "corrupt"}


def env() -> dict:
    """This environment with the venv first on PATH and no grading state leaking in from the test process."""
    out = {k: v for k, v in os.environ.items() if k not in ("NBGRADER_EXECUTION", "COURSEKIT_COURSE")}
    out["PATH"] = f"{BIN}{os.pathsep}{out.get('PATH', '')}"
    return out


def start(course: Path, *cmd: str) -> subprocess.Popen:
    folder = course / "assignments" if cmd[0] == "nbgrader" else course
    return subprocess.Popen(
        [str(BIN / cmd[0]), *cmd[1:]], cwd=folder, env=env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip


def finish(proc: subprocess.Popen) -> str:
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, f"{proc.args} failed ({proc.returncode}):\n{out[-4000:]}"
    return out


def run(course: Path, *cmd: str) -> str:
    return finish(start(course, *cmd))


@pytest.fixture(scope="module")
def quizzes():
    """Two graded quizzes of the bank: the first is graded with `coursekit grade`, the second with nbgrader. Only
    assignments that are a quiz notebook alone (the capstone's code exercise has tests of its own)."""
    source = Path(__file__).resolve().parents[2] / "assignments" / "source"
    found = [(q, qs) for q, qs in graded_quizzes().items() if len(list((source / q).glob("*.ipynb"))) == 1]
    assert len(found) >= 2, "the bank needs two graded quizzes for this test"
    return dict(found[:2])


@pytest.fixture(scope="module")
def submissions(quizzes, tmp_path_factory):
    """Each quiz's released folder answered in a real kernel once per answer set: {quiz: {set: folder}}."""
    tmp = tmp_path_factory.mktemp("answered")
    course = copy_course(tmp / "course")
    run(course, "coursekit", "release", *quizzes)
    out = {}
    for quiz, questions in quizzes.items():
        release = course / "assignments" / "release" / quiz
        out[quiz] = {"none": release}
        for name, values in answer_sets(questions).items():
            folder = tmp / quiz / name
            shutil.copytree(release, folder)
            answer_in_kernel(folder / f"{quiz}.ipynb", values)
            out[quiz][name] = folder
        corrupt = tmp / quiz / "corrupt"
        shutil.copytree(out[quiz]["right"], corrupt)
        for written in set(corrupt.iterdir()) - {corrupt / p.name for p in release.iterdir()}:
            written.write_text('{"schema": 1, "answ')  # what the kernel wrote, cut short
        out[quiz]["corrupt"] = corrupt
    return out


def grade_class(root: Path, quizzes: dict, submissions: dict, db_url: str | None, together: bool) -> dict:
    """Release, submit, grade (both quizzes at once if ``together``), audit, feedback, export; return results."""
    course = copy_course(root)
    if db_url:
        with (course / "assignments" / "nbgrader_config.py").open("a") as f:
            f.write(f"\nc.CourseDirectory.db_url = {db_url!r}\n")
    by_coursekit, by_nbgrader = quizzes
    run(course, "coursekit", "release", *quizzes)
    for quiz in quizzes:
        for student, answers in CLASS.items():
            shutil.copytree(submissions[quiz][answers], course / "assignments" / "submitted" / student / quiz)
    graders = [("coursekit", "grade", by_coursekit, "--quiet"), ("nbgrader", "autograde", by_nbgrader)]
    # together: both graders write to the gradebook at the same time, as two TAs would
    running = [start(course, *g) for g in graders] if together else []
    logs = [finish(p) for p in running] if together else [run(course, *g) for g in graders]
    audits = [start(course, "coursekit", "audit", quiz) for quiz in quizzes]
    audits = [(p.communicate(timeout=600)[0], p.returncode) for p in audits]
    for quiz in quizzes:
        run(course, "nbgrader", "generate_feedback", quiz)
    run(course, "nbgrader", "export", f"--to={course / 'grades.csv'}")
    with open(course / "grades.csv", newline="") as f:
        export = sorted(csv.DictReader(f), key=lambda r: (r["assignment"], r["student_id"]))
    return {"rows": grade_rows(db_url or f"sqlite:///{course / 'assignments' / 'gradebook.db'}"),
            "export": export, "logs": logs, "audits": audits, "course": course}  # fmt: skip


def grade_rows(db_url: str) -> list[tuple]:
    """Every grade row of the gradebook, read with nbgrader's own API."""
    from nbgrader.api import Gradebook

    rows = []
    with Gradebook(db_url) as gb:
        for assignment in gb.assignments:
            for sub in gb.assignment_submissions(assignment.name):
                for nb in sub.notebooks:
                    for g in nb.grades:
                        rows.append((assignment.name, sub.student.id, nb.name, g.name, g.auto_score, g.manual_score,
                                     g.max_score, g.needs_manual_grade))  # fmt: skip
    return sorted(rows, key=lambda r: tuple(str(x) for x in r))


@pytest.fixture(scope="module")
def sqlite(quizzes, submissions, tmp_path_factory):
    return grade_class(tmp_path_factory.mktemp("sqlite") / "course", quizzes, submissions, None, together=False)


@pytest.fixture(scope="module")
def postgres(quizzes, submissions, postgres_server, tmp_path_factory):
    url = postgres_server.create_database("gradebook")
    return grade_class(tmp_path_factory.mktemp("pg") / "course", quizzes, submissions, url, together=True)


def test_the_postgres_gradebook_is_really_used(postgres):
    """Is the PostgreSQL run's gradebook on the server, with no SQLite gradebook.db written beside the course?"""
    assert not (postgres["course"] / "assignments" / "gradebook.db").exists()
    assert postgres["rows"], "the server's gradebook holds grades"


def test_every_grade_row_is_identical(sqlite, postgres, quizzes):
    """Do SQLite and PostgreSQL hold the same grade rows, one per student and question of both quizzes,
    although the PostgreSQL class was graded by two graders at once (no row lost)?"""
    assert postgres["rows"] == sqlite["rows"]
    expected = sum(len(questions) for questions in quizzes.values()) * len(CLASS)
    assert len(sqlite["rows"]) == expected


def test_the_class_is_mixed(sqlite, quizzes):
    """Is the comparison worth making: full marks for the right answers, zero for wrong and missing ones?"""
    totals = {(r["assignment"], r["student_id"]): float(r["score"]) for r in sqlite["export"]}
    for quiz, questions in quizzes.items():
        full = sum(q.points for q in questions if q.type != "written")  # nobody wrote a written response
        assert totals[(quiz, "ana")] == pytest.approx(full)
        assert totals[(quiz, "ben")] == totals[(quiz, "eli")] == totals[(quiz, "fay")] == 0
        assert 0 < totals[(quiz, "cho")] < full and 0 < totals[(quiz, "dai")] < full


def test_the_export_csv_is_identical(sqlite, postgres):
    """Does `nbgrader export` write the same CSV rows from PostgreSQL as from SQLite?"""
    assert postgres["export"] == sqlite["export"]
    assert len(sqlite["export"]) == 2 * len(CLASS)


def test_audit_passes_on_both(sqlite, postgres):
    """Does `coursekit audit` read the gradebook on either database, find it agrees with the answers, and name the
    two broken hand-ins (no answers, a corrupt file: exit 3)?"""
    for result in (sqlite, postgres):
        for out, code in result["audits"]:
            assert code == 3 and "every autograded score matches" in out, out
            assert "eli: no answers" in out and "fay: answers refused" in out, out


def visible_text(page: Path) -> str:
    """A feedback page's text without markup or white space: a kernel may flush one cell's stdout in one
    chunk or two (one <pre> block or two), at random under load, whatever the gradebook."""
    return re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", page.read_text())))


def test_feedback_is_identical(sqlite, postgres, quizzes):
    """Does every student get the same feedback from either gradebook?"""
    for quiz in quizzes:
        for student in CLASS:
            pages = [r["course"] / "assignments" / "feedback" / student / quiz / f"{quiz}.html"
                     for r in (sqlite, postgres)]  # fmt: skip
            assert visible_text(pages[0]) == visible_text(pages[1]), (quiz, student)
