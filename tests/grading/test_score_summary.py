"""The class summary `coursekit grade` ends with: pure over gradebook rows, and printed by the real command."""

from __future__ import annotations

import pytest
from quiz_course import BIN, KEY, QUIZ, WRONG, build, hand_in, must, run

from coursekit.grading.gradebook_rows import Row
from coursekit.grading.score_summary import summarize, summary_text


def row(student, cell, auto, top, *, manual=None, extra=None, needs_manual=False):
    return Row(student, "quiz", cell, auto, manual, extra, needs_manual, top, "code", False)


CLASS = [
    *[row("ann", "q1", 1, 1), row("ann", "q2", 2, 2), row("ann", "essay", None, 3, needs_manual=True)],
    *[row("ben", "q1", 0, 1), row("ben", "q2", 1, 2), row("ben", "essay", None, 3, manual=2.5, needs_manual=False)],
    *[row("cid", "q1", 0, 1, manual=1), row("cid", "q2", 0, 2), row("cid", "essay", None, 3, needs_manual=True)],
    *[row("dee", "q1", 0, 1), row("dee", "q2", 0.5, 2, extra=0.5), row("dee", "essay", 3, 3)],
]


def test_totals_count_what_nbgrader_counts():
    """Is each total the gradebook's score: a grader's manual score over the automatic one, plus extra credit?"""
    s = summarize(CLASS)
    assert s.students == 4 and s.max_total == 6
    assert s.totals == {"ann": 3, "ben": 3.5, "cid": 1, "dee": 4}


def test_most_missed_and_pending():
    """Are the questions at least half the class lost points on listed, most missed first, and the answers still
    waiting for a grader counted per student?"""
    s = summarize(CLASS)
    assert [(cell, n) for cell, n, _, _ in s.missed] == [("q2", 3), ("q1", 2)]
    assert s.pending == {"ann": 1, "cid": 1}


def test_questions_waiting_for_a_grader_are_never_most_missed():
    """Is a written question whose answers nobody has graded yet (all 0 for now) left out of "most missed",
    and listed once it is graded and most students lost points?"""
    waiting = [row(s, "essay", None, 3, needs_manual=True) for s in ("a", "b", "c")] + [row("d", "essay", 0, 3)]
    assert summarize(waiting).missed == []
    graded = [row(s, "essay", None, 3, manual=1) for s in ("a", "b", "c")] + [row("d", "essay", 0, 3)]
    assert [cell for cell, *_ in summarize(graded).missed] == ["essay"]


def test_summary_text_reads_well():
    """Does the summary give mean and median out of the maximum, the lowest totals, the most missed questions and
    what is left to grade by hand, each on one line?"""
    text = summary_text(CLASS, "quiz")
    assert text.splitlines() == [
        "Scores (quiz, 4 graded, before late penalties): mean 2.88 / 6, median 3.25 / 6.",
        "  lowest: cid 1, ann 3, ben 3.5, dee 4",
        "  most missed:",
        "    q2: 3 of 4 lost points (mean 1 / 2)",
        "    q1: 2 of 4 lost points (mean 0.5 / 1)",
        "  to grade by hand: 2 answers of 2 students (nbgrader formgrader); totals rise as they are graded.",
    ]
    assert summary_text([], "quiz") == "Scores: no graded submissions of quiz in the gradebook yet."


@pytest.mark.slow
@pytest.mark.nbgrader
def test_coursekit_grade_ends_with_the_summary(tmp_path):
    """Does the real `coursekit grade` end its output with the class's scores, computed from the gradebook, then
    the broken hand-ins (carol handed in no answers)?"""
    root = build(tmp_path / "course")
    for student, answers in (("alice", KEY), ("bob", WRONG), ("carol", None), ("dave", {"mq-multiple": ["ai"]})):
        hand_in(root, student, answers)
    done = must(run([str(BIN / "coursekit"), "grade", QUIZ, "--quiet"], root, timeout=300))
    lines = done.stdout.strip().splitlines()
    start = lines.index(f"Scores ({QUIZ}, 4 graded, before late penalties): mean 2.5 / 9, median 0.5 / 9.")
    assert lines[start + 1 : start + 4] == [
        "  lowest: bob 0, carol 0, dave 1, alice 9",
        "  most missed:",
        "    mq-matching: 3 of 4 lost points (mean 0.5 / 2)",
    ]
    assert lines[start + 3 + 5 :] == [  # after the five most missed: the hand-in problems, and nothing after
        "Hand-in problems (1 student; their scores are what they earn):",
        f"  carol: no answers: no answers file was handed in, and {QUIZ}.ipynb carries no answers",
    ]
