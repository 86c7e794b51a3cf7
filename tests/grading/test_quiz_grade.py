"""The grade cell's logic in-process: what a grading kernel prints and returns for each kind of submission."""

from __future__ import annotations

import json
import shutil

import pytest

from coursekit.notebook.answers import write_answer
from coursekit.notebook.quiz import Quiz, QuizSetupError

QUIZ = "treaty-years"


@pytest.fixture
def autograded(course, monkeypatch):
    """An autograded/<student>/<quiz>/ folder of the course copy, as the cwd, under NBGRADER_EXECUTION=autograde."""
    folder = course / "assignments" / "autograded" / "alice" / QUIZ
    folder.mkdir(parents=True)
    shutil.copy(course / "assignments" / "source" / QUIZ / f"{QUIZ}.questions.json", folder)
    monkeypatch.chdir(folder)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    return folder


def answer(folder, **values):
    for qid, value in values.items():
        write_answer(folder / f"{QUIZ}.answers.json", qid.replace("_", "-"), value)


def grade(capsys, qid):
    points = Quiz(QUIZ).grade(qid)
    out = capsys.readouterr()
    return points, out.out, out.err


def test_correct_answer_scores_full_points_and_shows_the_explanation(autograded, capsys):
    """Does a right answer return the points as a float, with feedback on stdout only?"""
    answer(autograded, ty_amended_year=1960)
    points, out, err = grade(capsys, "ty-amended-year")
    assert points == 1.0 and type(points) is float
    assert err == ""
    assert "Correct: 1 of 1 point(s)." in out
    assert "subsequently amended in 1960" in out  # the explanation, earned by answering right


def test_wrong_answer_gets_the_hint_but_not_the_key(autograded, capsys):
    """Does a wrong answer score 0 and show the hint and the chapter, without the explanation or key?"""
    answer(autograded, ty_amended_year=1961)
    points, out, err = grade(capsys, "ty-amended-year")
    assert (points, err) == (0.0, "")
    assert "Incorrect" in out and "Hint: The amendment is mentioned" in out
    assert "1960" not in out and "Explanation" not in out
    assert 'Review: chapter "History of the Alliances"' in out


def test_show_key_setting_reveals_the_explanation(autograded, capsys, course):
    """Does `show_key = true` in coursekit.toml put the explanation and key in feedback for wrong answers?"""
    (course / "assignments" / "coursekit.toml").write_text("[feedback]\nshow_key = true\n")
    answer(autograded, ty_amended_year=1961)
    points, out, _ = grade(capsys, "ty-amended-year")
    assert points == 0.0 and "Answer: 1960 (year)" in out


def test_partial_credit_for_multiple_ordering_and_matching(autograded, capsys):
    """Do multiple-select, ordering and matching give the documented partial credit?"""
    answer(
        autograded,
        ty_other_treaty_allies=["australia-nz", "philippines", "india"],
        ty_partner_years={"korea-alliance": "y1953", "taiwan-alliance": "y1953", "dicc": "y1993", "korus": "y2007"},
        ty_milestone_order=[
            "sf-treaties",
            "invasion",
            "korea-treaty",
            "defense-committee",
            "korus-fta",
            "vision-statement",
        ],
    )
    assert grade(capsys, "ty-other-treaty-allies")[0] == pytest.approx(0.6667)  # (2 right - 1 wrong) / 3 of 2 points
    assert grade(capsys, "ty-partner-years")[0] == 1.5  # 3 of 4 pairs of 2 points
    points, out, _ = grade(capsys, "ty-milestone-order")
    assert points == pytest.approx(1.7333)  # one swapped pair of 15: tau = 13/15 of 2 points
    assert "Partly correct" in out


@pytest.mark.parametrize(
    "content, says",
    [
        (b"{not json", "could not be read"),
        (b"\xff\xfe\x00garbage", "could not be read"),
        (json.dumps({"schema": 99, "answers": {}}).encode(), "not a coursekit answers file"),
        (b'{"schema": 1, "answers": {"ty-amended-year": 1960}}' + b" " * 300_000, "larger than"),
        (b"[" * 100_000 + b"]" * 100_000, "ignored"),
    ],
    ids=["corrupt", "not-utf8", "wrong-schema", "oversized", "deeply-nested"],
)
def test_bad_answers_files_score_zero_with_a_note(autograded, capsys, content, says):
    """Does a corrupt, non-UTF-8, foreign, oversized or pathological answers file give 0 and a clear note, no crash?"""
    (autograded / f"{QUIZ}.answers.json").write_bytes(content)
    points, out, err = grade(capsys, "ty-invasion-year")  # the first question carries the note
    assert (points, err) == (0.0, "")
    assert says in out and "every question scores 0" in out


def test_missing_answers_file_scores_zero_with_a_note(autograded, capsys):
    """Does a submission without an answers file get 0 per question and say why?"""
    points, out, err = grade(capsys, "ty-invasion-year")
    assert (points, err) == (0.0, "")
    assert "no answers file was submitted" in out


def test_unknown_ids_and_wrong_types(autograded, capsys):
    """Are wrong value types scored 0 as invalid and unknown ids reported, while good answers still count?"""
    answer(autograded, ty_invasion_year="1950", ty_forged_in=["korean-war"], ty_amended_year=1960)
    answer(autograded, **{"no_such_question": 5})
    points, out, err = grade(capsys, "ty-invasion-year")
    assert (points, err) == (0.0, "")
    assert "Could not be graded (expected a number)" in out
    assert "unknown question ids were ignored: no-such-question" in out
    assert grade(capsys, "ty-forged-in")[0] == 0.0
    assert grade(capsys, "ty-amended-year")[0] == 1.0


def test_unknown_question_in_a_grade_cell_scores_zero(autograded, capsys):
    """Does a grade cell naming a question the quiz does not have give 0 rather than an error?"""
    quiz = Quiz(QUIZ)
    quiz._public["ghost"] = {"id": "ghost", "type": "single", "prompt": "?", "points": 1}
    quiz._order.append("ghost")
    assert quiz.grade("ghost") == 0.0
    assert "not in the bank" in capsys.readouterr().out


def test_missing_bank_raises_for_the_grader(tmp_path, monkeypatch, course):
    """Without the bank above the autograded folder, does grading raise (so nbgrader scores 0) with a message?"""
    folder = tmp_path / "elsewhere" / QUIZ
    folder.mkdir(parents=True)
    shutil.copy(course / "assignments" / "source" / QUIZ / f"{QUIZ}.questions.json", folder)
    monkeypatch.chdir(folder)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(QuizSetupError, match="cannot find the key.*COURSEKIT_COURSE"):
        Quiz(QUIZ).grade("ty-invasion-year")


def test_student_run_reports_recorded_or_unanswered_without_the_key(course, monkeypatch, capsys):
    """Does a student's own run of a grade cell say what is recorded, never the verdict or key, and return nothing?"""
    folder = course / "student" / QUIZ
    shutil.copytree(course / "assignments" / "source" / QUIZ, folder)
    monkeypatch.chdir(folder)
    answer(folder, ty_forged_in="vietnam-war")
    quiz = Quiz(QUIZ)
    assert quiz.grade("ty-forged-in") is None
    assert quiz.grade("ty-amended-year") is None
    out = capsys.readouterr()
    assert "Question 5: recorded: The Vietnam War" in out.out
    assert "Question 3: not answered yet." in out.out
    assert out.err == "" and "Korean" not in out.out and "ncorrect" not in out.out


def test_validate_flags_only_unanswered_questions(course, monkeypatch, capsys):
    """Under nbgrader validate, do unanswered and half-matched questions write to stderr (fail), answered ones not?"""
    folder = course / "student" / QUIZ
    shutil.copytree(course / "assignments" / "source" / QUIZ, folder)
    monkeypatch.chdir(folder)
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    answer(folder, ty_forged_in="vietnam-war")
    quiz = Quiz(QUIZ)
    quiz.grade("ty-forged-in")
    assert capsys.readouterr().err == ""
    quiz.grade("ty-amended-year")
    assert "not answered yet" in capsys.readouterr().err
    answer(folder, ty_partner_years={"korea-alliance": "y1953"})
    quiz.grade("ty-partner-years")
    assert "Question 7: only 1 of 4 items matched." in capsys.readouterr().err


def test_answers_stay_in_memory_in_the_source_folder(course, monkeypatch, capsys):
    """Does a test-run of the source notebook keep answers in memory, so none can be released?"""
    pytest.importorskip("coursekit.notebook.widget")
    monkeypatch.chdir(course / "assignments" / "source" / QUIZ)
    quiz = Quiz(QUIZ)
    assert "in memory only" in capsys.readouterr().out
    widget = quiz.ask("ty-amended-year")
    widget.value = 1960
    assert "in memory" in widget.status
    assert not list((course / "assignments" / "source" / QUIZ).glob("*.answers.json"))
    quiz.grade("ty-amended-year")
    assert "recorded: 1960 (year)" in capsys.readouterr().out


def test_quiz_outside_its_folder_says_where_to_run(tmp_path, monkeypatch):
    """Does opening the quiz away from its questions file fail with a message saying what to do?"""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(QuizSetupError, match="Run this notebook from its folder"):
        Quiz(QUIZ)


def test_widget_changes_are_saved_and_restored(course, monkeypatch):
    """Does answering in a widget write the answers file at once, and does a new kernel's widget show it again?"""
    pytest.importorskip("coursekit.notebook.widget")
    folder = course / "student" / QUIZ
    shutil.copytree(course / "assignments" / "source" / QUIZ, folder)
    monkeypatch.chdir(folder)
    widget = Quiz(QUIZ).ask("ty-partner-years")
    assert widget.value is None and "answer" not in widget.question
    widget.value = {"korea-alliance": "y1953"}
    assert widget.status == "Answer recorded"
    saved = json.loads((folder / f"{QUIZ}.answers.json").read_text())
    assert saved == {"schema": 1, "answers": {"ty-partner-years": {"korea-alliance": "y1953"}}}
    assert Quiz(QUIZ).ask("ty-partner-years").value == {"korea-alliance": "y1953"}  # after a restart


def test_student_is_told_when_the_answers_file_is_unreadable(course, monkeypatch, capsys):
    """If the answers file got damaged, does the student's grade cell say so instead of a bare 'not answered'?"""
    folder = course / "student" / QUIZ
    shutil.copytree(course / "assignments" / "source" / QUIZ, folder)
    monkeypatch.chdir(folder)
    (folder / f"{QUIZ}.answers.json").write_text("{oops")
    Quiz(QUIZ).grade("ty-amended-year")
    out = capsys.readouterr().out
    assert "could not be read" in out and "Answer the questions again" in out
