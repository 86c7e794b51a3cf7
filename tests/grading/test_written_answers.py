"""Written answers: released as nbgrader answer cells without their rubric, graded by hand the way formgrader does,
and described to graders in a rubric sheet that stays out of everything students receive."""

from __future__ import annotations

import csv
import json
import re
import shutil

import pytest
from grading_helpers import GRADED, nbgrader

from coursekit.course import find_course
from coursekit.errors import CourseError
from coursekit.grading.scoring.key import load_quiz
from coursekit.release.generate import ANSWER_STUB
from coursekit.release.nbgrader_release import find_leaks
from coursekit.release.rubrics import write_rubrics

QUIZ = "pogo-problem"


def _cells(path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _grader_texts(quiz) -> list[str]:
    """Everything of the quiz's written questions that only graders may read."""
    return [t for q in quiz.written() for t in (q.full_answer, *(c.criterion for c in q.rubric))]


@pytest.mark.parametrize("name", GRADED)
def test_written_question_is_a_locked_prompt_then_an_answer_cell(course, name):
    """Is each written question a locked Markdown prompt followed by an unlocked, hand-graded Markdown answer cell
    (solution and grade, the bank's points, the question id as grade_id), with nothing for graders in the notebook?"""
    quiz = load_quiz(find_course(), name)
    cells = _cells(course / "assignments/source" / name / f"{name}.ipynb")
    for q in quiz.written():
        i = next(n for n, c in enumerate(cells) if c["metadata"]["nbgrader"]["grade_id"] == q.id)
        prompt, answer = cells[i - 1], cells[i]
        assert prompt["cell_type"] == answer["cell_type"] == "markdown"
        assert prompt["metadata"]["nbgrader"]["locked"] and not prompt["metadata"]["nbgrader"]["grade"]
        assert " ".join(q.prompt.split()) in " ".join("".join(prompt["source"]).split())
        meta = answer["metadata"]["nbgrader"]
        assert (meta["solution"], meta["grade"], meta["locked"], meta["points"]) == (True, True, False, q.points)
        assert "".join(answer["source"]) == ANSWER_STUB
    text = json.dumps(cells)
    assert not [t for t in _grader_texts(quiz) if t in text]


@pytest.mark.nbgrader
@pytest.mark.slow
def test_nbgrader_releases_the_answer_cell_without_its_rubric(course):
    """After a real `nbgrader generate_assignment`, is the answer cell still a hand-graded cell with its stub, and is
    no rubric or full answer in any released file (and would the scan notice one)?"""
    nbgrader(course, "generate_assignment", QUIZ, "--force")
    quiz = load_quiz(find_course(), QUIZ)
    release = course / "assignments/release" / QUIZ
    answer = next(c for c in _cells(release / f"{QUIZ}.ipynb") if c["metadata"]["nbgrader"].get("solution"))
    assert answer["metadata"]["nbgrader"]["grade_id"] == "pp-written"
    assert "".join(answer["source"]) == "YOUR ANSWER HERE"
    released = "".join(p.read_text(encoding="utf-8") for p in release.iterdir())
    assert not [t for t in _grader_texts(quiz) if t in released]
    assert find_leaks(release, quiz) == []
    (release / "notes.txt").write_text(quiz.written()[0].full_answer, encoding="utf-8")
    assert f"notes.txt: '{quiz.written()[0].full_answer[:40]}'" in find_leaks(release, quiz)


def _submit(course, student: str, written: str | None, answers: dict) -> None:
    """A student's submission: the released notebook (written answer filled in unless None) and an answers file."""
    folder = course / "assignments/submitted" / student / QUIZ
    shutil.copytree(course / "assignments/release" / QUIZ, folder)
    path = folder / f"{QUIZ}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if written is not None and cell["metadata"].get("nbgrader", {}).get("solution"):
            cell["source"] = written
    path.write_text(json.dumps(nb), encoding="utf-8")
    (folder / f"{QUIZ}.answers.json").write_text(json.dumps({"schema": 1, "answers": answers}), encoding="utf-8")


@pytest.mark.nbgrader
@pytest.mark.slow
def test_manual_score_set_as_formgrader_does_counts_in_the_export(course):
    """After a real `nbgrader autograde`, does the written answer wait for manual grading (an untouched one scores 0),
    and once a grader's score is set through nbgrader's Gradebook, does `nbgrader export` include it in the total?"""
    from nbgrader.api import Gradebook

    nbgrader(course, "generate_assignment", QUIZ, "--force")
    quiz = load_quiz(find_course(), QUIZ)
    right = {q.id: q.key() for q in quiz.auto_graded() if q.type in ("single", "numeric")}
    written = "In 2019 Washington pressed Seoul to pay far more for U.S. troops: the damage came from Washington."
    _submit(course, "writer", written, right)
    _submit(course, "blank", None, right)
    nbgrader(course, "autograde", QUIZ)

    db = f"sqlite:///{course / 'assignments' / 'gradebook.db'}"
    with Gradebook(db) as gb:
        auto = {s: gb.find_submission(QUIZ, s).score for s in ("writer", "blank")}
        pending = gb.find_grade("pp-written", QUIZ, QUIZ, "writer")
        assert (pending.auto_score, pending.needs_manual_grade, pending.max_score) == (
            None,
            True,
            quiz.written()[0].points,
        )
        untouched = gb.find_grade("pp-written", QUIZ, QUIZ, "blank")
        assert (untouched.auto_score, untouched.needs_manual_grade) == (0.0, False)
        assert auto["writer"] == auto["blank"] > 0
        # What formgrader's grade API does when a grader types 3 into the cell's score box (GradeHandler.put).
        pending.manual_score = 3.0
        pending.needs_manual_grade = False
        gb.db.commit()
        assert not gb.find_submission(QUIZ, "writer").needs_manual_grade

    nbgrader(course, "export")
    with open(course / "assignments" / "grades.csv", newline="", encoding="utf-8") as f:
        rows = {(r["assignment"], r["student_id"]): r for r in csv.DictReader(f)}
    writer, blank = rows[(QUIZ, "writer")], rows[(QUIZ, "blank")]
    assert float(writer["score"]) == pytest.approx(auto["writer"] + 3.0)
    assert float(blank["score"]) == pytest.approx(auto["blank"])
    assert float(writer["max_score"]) == sum(q.points for q in quiz.questions)


@pytest.mark.nbgrader
@pytest.mark.slow
def test_feedback_heads_the_written_answer_with_its_title(course):
    """After `nbgrader autograde`, a grader's score and `nbgrader generate_feedback`, is the written answer headed on
    the student's page with its number and the bank's title, like every other question, and shown with the score,
    whatever title the student wrote into the notebook's metadata?"""
    from nbgrader.api import Gradebook

    nbgrader(course, "generate_assignment", QUIZ, "--force")
    quiz = load_quiz(find_course(), QUIZ)
    written = "Seoul and Tokyo quarrelled over history and trade while Washington stood aside: the Pogo problem."
    _submit(course, "writer", written, {})
    forged = course / "assignments/submitted/writer" / QUIZ / f"{QUIZ}.ipynb"  # a student's own title, and markup
    nb = json.loads(forged.read_text(encoding="utf-8"))
    nb["metadata"]["coursekit"] = {**nb["metadata"].get("coursekit", {}), "written_titles": {"pp-written": "<b>FORGED"}}
    forged.write_text(json.dumps(nb), encoding="utf-8")
    nbgrader(course, "autograde", QUIZ)
    with Gradebook(f"sqlite:///{course / 'assignments' / 'gradebook.db'}") as gb:
        grade = gb.find_grade("pp-written", QUIZ, QUIZ, "writer")
        grade.manual_score, grade.needs_manual_grade = 3.0, False
        gb.db.commit()
    nbgrader(course, "generate_feedback", QUIZ)

    page = (course / "assignments/feedback/writer" / QUIZ / f"{QUIZ}.html").read_text(encoding="utf-8")
    number, q = next((n, q) for n, q in enumerate(quiz.questions, start=1) if q.type == "written")
    heading = re.search(rf'<h2[^>]*id="question-{number}-title"[^>]*>(.*?)</h2>', page, re.S)
    assert heading and re.sub(r"<[^>]+>|\s+", " ", heading.group(1)).split() == f"Question {number}: {q.title}".split()
    assert written in page and f"3 / {q.points:g}" in page
    assert "FORGED" not in page


def test_rubric_sheet_outside_what_students_get(course, capsys):
    """Does `coursekit rubrics` write a self-contained HTML sheet (and Markdown on request) with every criterion and
    the full answer to assignments/rubrics/, and refuse release/, source/ and the book?"""
    quiz = load_quiz(find_course(), QUIZ)
    (path,) = write_rubrics(names=[QUIZ])
    assert path == (course / "assignments" / "rubrics" / f"{QUIZ}.html").resolve()
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "<script" not in page and "http" not in page
    import html

    assert all(html.escape(t) in page for t in _grader_texts(quiz))
    (md,) = write_rubrics(names=[QUIZ], out=course / "sheets", fmt="md")
    assert "| 2 | All three of the brief's examples, accurately" in md.read_text(encoding="utf-8")
    for where in ("assignments/release", "assignments/source/pogo-problem", "book"):
        with pytest.raises(CourseError, match="students can see; write the rubrics elsewhere"):
            write_rubrics(names=[QUIZ], out=course / where)
    assert "for graders only" in capsys.readouterr().out


def test_rubric_sheet_for_every_quiz_by_default(course):
    """Without names, is there one sheet per quiz that has a written question, and is a quiz without one refused?"""
    written = write_rubrics()
    assert sorted(p.name for p in written) == sorted(f"{name}.html" for name in GRADED)
    bank = course / "assignments/bank/way-forward.yaml"
    text = bank.read_text(encoding="utf-8")
    bank.write_text(text[: text.index("  - id: wf-written")], encoding="utf-8")
    with pytest.raises(CourseError, match="quiz 'way-forward' has no written questions"):
        write_rubrics(names=["way-forward"])
