"""Feedback lines and grade_answers for every graded question: pure functions, no kernel."""

from __future__ import annotations

import pytest
from grading_helpers import GRADED, REPO

from coursekit.bank.scoring import score
from coursekit.course import Course
from coursekit.grading.answers_file import HandedIn
from coursekit.grading.feedback import feedback_lines
from coursekit.grading.key import grade_answers, load_quiz, unknown_ids

QUESTIONS = [q for name in GRADED for q in load_quiz(Course(REPO), name).auto_graded()]


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.id)
def test_feedback_reveals_the_explanation_only_when_earned(q):
    """Is the explanation shown for a right answer (or with show_key), and only the hint for no answer?"""
    good = q.accept[0] if q.type == "text" else q.key()  # a text key lists every accepted answer
    right = feedback_lines(q, good, score(q, good), show_key=False)
    assert right[1].startswith("Correct") and f"Explanation: {q.explanation}" in right
    blank = feedback_lines(q, None, score(q, None), show_key=False)
    assert blank[0] == "Your answer: (no answer)" and f"Hint: {q.hint}" in blank
    assert not any(line.startswith(("Explanation", "Answer:")) for line in blank)
    assert any(line.startswith("Answer: ") for line in feedback_lines(q, None, score(q, None), show_key=True))
    assert blank[-1].startswith('Review: chapter "')


def test_grade_answers_scores_every_question_and_ignores_junk():
    """Does grade_answers give one Score per question, whatever the answers mapping holds?"""
    quiz = load_quiz(Course(REPO), "way-forward")
    first, second = quiz.auto_graded()[0], quiz.auto_graded()[1]
    handed = HandedIn(values={first.id: first.key(), second.id: {"junk": [1, 2]}, "junk": 5}, spoiled={"x": "why"})
    scores = grade_answers(quiz.questions, handed)
    assert set(scores) == {q.id for q in quiz.auto_graded()}
    assert scores[first.id].points == first.points and scores[second.id].verdict == "invalid"
    assert unknown_ids(quiz.questions, handed) == ["junk", "x"]
    assert sum(s.points for s in grade_answers(quiz.questions, HandedIn(problem="unreadable")).values()) == 0
