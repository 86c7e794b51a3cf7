"""The quiz helper in a student's kernel: what it saves and says; under a grader it refuses to grade."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from quiz_course import KEY

from coursekit.notebook.answers import write_answer
from coursekit.notebook.quiz import Quiz, QuizSetupError

QUIZ = "mini-quiz"  # tests/fixtures/grading-course/mini-quiz.yaml: its ids and numbers are fixed


@pytest.fixture
def course(tmp_path, monkeypatch):
    """A course holding only the mini quiz, generated into source/ (no nbgrader needed); the cwd is its root."""
    from quiz_course import REPO

    from coursekit.release.generate import generate_assignments

    root = tmp_path / "course"
    (root / "assignments" / "bank").mkdir(parents=True)
    shutil.copy(REPO / "tests/fixtures/grading-course/mini-quiz.yaml", root / "assignments" / "bank")
    shutil.copy(REPO / "assignments" / "nbgrader_config.py", root / "assignments")
    monkeypatch.chdir(root)
    monkeypatch.delenv("COURSEKIT_COURSE", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    generate_assignments(names=[QUIZ])
    return root


def answer(folder, **values):
    for qid, value in values.items():
        write_answer(folder / f"{QUIZ}.answers.json", qid.replace("_", "-"), value)


def test_a_grader_that_runs_the_notebook_gets_an_error_not_a_score(course, monkeypatch):
    """Under NBGRADER_EXECUTION=autograde, does grade() raise (nbgrader then scores 0), not score in the kernel?"""
    folder = course / "assignments" / "source" / QUIZ
    monkeypatch.chdir(folder)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    quiz = Quiz(QUIZ)
    with pytest.raises(QuizSetupError, match="graded from the answers file, outside any kernel"):
        quiz.grade(quiz._order[0])


def test_the_student_side_never_imports_the_key_or_the_bank():
    """Does running a quiz import nothing from coursekit.bank, coursekit.grading or coursekit.release (nor pydantic)?"""
    code = (
        "import sys, coursekit.notebook.quiz, coursekit.notebook.widget, coursekit.notebook.answers\n"
        "bad = [m for m in sys.modules if m.startswith(('coursekit.bank', 'coursekit.grading', 'coursekit.release',"
        " 'pydantic', 'yaml', 'nbgrader'))]\n"
        "print(bad)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_student_run_reports_recorded_or_unanswered_without_the_key(course, monkeypatch, capsys):
    """Does a student's own run of a grade cell say what is recorded, never the verdict or key, and return nothing?"""
    folder = course / "student" / QUIZ
    shutil.copytree(course / "assignments" / "source" / QUIZ, folder)
    monkeypatch.chdir(folder)
    answer(folder, mq_single="b")
    quiz = Quiz(QUIZ)
    assert quiz.grade("mq-single") is None
    assert quiz.grade("mq-numeric") is None
    out = capsys.readouterr()
    assert "Question 1: recorded: September 1951" in out.out
    assert "Question 3: not answered yet." in out.out
    assert out.err == "" and "June 1950" not in out.out and "ncorrect" not in out.out


@pytest.fixture
def shown(monkeypatch):
    """What the quiz shows in a notebook: every display and update it sends, as (display id, update, bundle)."""
    import coursekit.notebook.quiz as quiz_module

    sent = []

    def show(bundle, *, display_id=None, update=False):
        sent.append((display_id, update, bundle))
        return True

    monkeypatch.setattr(quiz_module, "show", show)
    return sent


def test_the_line_under_a_question_follows_its_widget(course, monkeypatch, shown):
    """When the student answers, changes or clears a question, are the line under it and the saved copy above it
    updated at once (no re-run), in place, before the widget is told the answer is saved?"""
    pytest.importorskip("coursekit.notebook.widget")
    folder = course / "student" / QUIZ
    shutil.copytree(course / "assignments" / "source" / QUIZ, folder)
    monkeypatch.chdir(folder)
    quiz = Quiz(QUIZ)
    widget = quiz.ask("mq-single")
    ((copy_id, _, copy),) = shown
    assert copy_id == f"ck-copy-{widget.copy_id}" and f'id="ck-copy-{widget.copy_id}"' in copy["text/html"]
    assert "Your answer when this notebook was saved: not answered yet" in copy["text/plain"]
    assert quiz.grade("mq-single") is None
    line_id, update, first = shown[-1]
    assert line_id and not update and first["text/plain"] == "Question 1: not answered yet."
    seen_at_save = []
    widget.observe(lambda change: seen_at_save.append(len(shown)), names="saves")
    widget.value = "a"
    assert [(i, u) for i, u, _ in shown[-2:]] == [(line_id, True), (copy_id, True)]
    assert shown[-2][2]["text/plain"] == "Question 1: recorded: June 1950"
    assert "Your answer when this notebook was saved: June 1950" in shown[-1][2]["text/plain"]
    assert seen_at_save == [len(shown)] and widget.saves == 1  # `saves` moved after both updates
    widget.value = None
    assert shown[-2][:2] == (line_id, True) and shown[-1][:2] == (copy_id, True)
    assert shown[-2][2]["text/plain"] == "Question 1: answer cleared; not answered now."
    assert "●" not in shown[-2][2]["text/html"] and "○" in shown[-2][2]["text/html"]
    assert "Your answer when this notebook was saved: not answered yet" in shown[-1][2]["text/plain"]
    assert widget.saves == 2


def test_the_saved_copy_shows_a_long_answer_in_full(course, monkeypatch, shown):
    """Does the copy saved above a question show a long typed answer whole (the line under it shortens it), with the
    question's text, and say how to change it?"""
    pytest.importorskip("coursekit.notebook.widget")
    folder = course / "student" / QUIZ
    shutil.copytree(course / "assignments" / "source" / QUIZ, folder)
    monkeypatch.chdir(folder)
    long = "the San Francisco System " + " ".join(f"word{i}" for i in range(80)) + " THE END"
    answer(folder, mq_text=long)
    quiz = Quiz(QUIZ)
    quiz.ask("mq-text")
    quiz.grade("mq-text")
    copy, line = shown[0][2], shown[-1][2]
    assert "THE END" in copy["text/plain"] and "THE END" in copy["text/html"] and "THE END" not in line["text/plain"]
    public = json.loads((folder / f"{QUIZ}.questions.json").read_text())["questions"][3]
    assert " ".join(public["prompt"].split()[:5]) in copy["text/plain"]
    assert (
        f"Run all cells to see your latest answers and to change them; they are safe in {QUIZ}.answers.json."
        in (copy["text/plain"])
    )


def test_validate_lists_what_is_unfinished_once_in_plain_words(course, monkeypatch, capsys):
    """Under nbgrader validate, does only the last question's cell fail, listing every unanswered and half-matched
    question by number and the start of its prompt (no code, no ids), and does nothing fail once all are answered?"""
    folder = course / "student" / QUIZ
    shutil.copytree(course / "assignments" / "source" / QUIZ, folder)
    monkeypatch.chdir(folder)
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    answer(folder, mq_single="b", mq_matching={"china": "one"})
    quiz = Quiz(QUIZ)
    for qid in quiz._order[:-1]:
        quiz.grade(qid)
    assert capsys.readouterr().err == ""  # one failed cell, not one per question
    quiz.grade(quiz._order[-1])
    err = capsys.readouterr().err
    assert err.startswith("Not answered yet:\n  Question 2 (")
    assert [n for n in range(1, 7) if f"Question {n} (" in err] == [2, 3, 4, 5, 6]
    assert "Started, not finished:\n  Question 6 (" in err and "only 1 of 2 items matched" in err
    assert "then validate again." in err and "mq-" not in err and "quiz." not in err
    assert all(len(line) < 84 for line in err.splitlines())  # nbgrader validate cuts longer lines
    answer(folder, **{k.replace("-", "_"): v for k, v in KEY.items()})
    for qid in quiz._order:
        quiz.grade(qid)
    assert capsys.readouterr().err == ""


def test_answers_stay_in_memory_in_the_source_folder(course, monkeypatch, capsys):
    """Does a test-run of the source notebook keep answers in memory, so none can be released?"""
    pytest.importorskip("coursekit.notebook.widget")
    monkeypatch.chdir(course / "assignments" / "source" / QUIZ)
    quiz = Quiz(QUIZ)
    assert "in memory only" in capsys.readouterr().out
    widget = quiz.ask("mq-numeric")
    widget.value = 1960
    assert "in memory" in widget.status
    assert not list((course / "assignments" / "source" / QUIZ).glob("*.answers.json"))
    quiz.grade("mq-numeric")
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
    widget = Quiz(QUIZ).ask("mq-matching")
    assert widget.value is None and "answer" not in widget.question
    widget.value = {"china": "one"}
    assert widget.status == "Answer recorded"
    saved = json.loads((folder / f"{QUIZ}.answers.json").read_text())
    assert saved == {"schema": 1, "answers": {"mq-matching": {"china": "one"}}}
    assert Quiz(QUIZ).ask("mq-matching").value == {"china": "one"}  # after a restart


def test_student_is_told_when_the_answers_file_is_unreadable(course, monkeypatch, capsys):
    """If the answers file got damaged, does the student's grade cell say so instead of a bare 'not answered'?"""
    folder = course / "student" / QUIZ
    shutil.copytree(course / "assignments" / "source" / QUIZ, folder)
    monkeypatch.chdir(folder)
    (folder / f"{QUIZ}.answers.json").write_text("{oops")
    Quiz(QUIZ).grade("mq-numeric")
    out = capsys.readouterr().out
    assert "could not be read" in out and "Answer the questions again" in out
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    Quiz(QUIZ).grade("mq-matching")  # the last question's cell says it, once
    err = capsys.readouterr().err
    assert "could not be read" in err and not err.startswith("Question")  # nbgrader validate lists it as failed
