"""Feedback for every graded question and grade_answers: pure functions, no kernel, no nbgrader."""

from __future__ import annotations

import html
import re

import pytest
from grading_helpers import GRADED, REPO

from coursekit.course import Course
from coursekit.grading.feedback.answer_view import num
from coursekit.grading.feedback.book_links import BookLinks, load_book_links
from coursekit.grading.feedback.bundle import question_outputs
from coursekit.grading.intake.answers_file import HandedIn
from coursekit.grading.scoring.key import grade_answers, load_quiz, unknown_ids
from coursekit.grading.scoring.rules import score

QUESTIONS = [q for name in GRADED for q in load_quiz(Course(REPO), name).auto_graded()]
BOOK = load_book_links(Course(REPO))


def text_of(page: str) -> str:
    """The words a reader sees in a feedback bundle (tags dropped, entities decoded)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _right(q):
    return q.forms()[0] if q.type == "text" else q.key()


def _wrong(q):
    """An answer that scores 0 and names none of the key's parts."""
    if q.type == "single":
        return next(o.id for o in q.options if o.id != q.answer)
    if q.type == "multiple":
        return [o.id for o in q.options if o.id not in q.answers][:1]
    if q.type == "numeric":
        return q.answer + q.tolerance + 11
    if q.type == "text":
        return "not the answer at all"
    if q.type == "ordering":
        return [o.id for o in reversed(q.items)]
    return {q.left[0].id: next(r.id for r in q.right if r.id != q.answer[q.left[0].id])}


def _key_lines(q) -> list[str]:
    """How the key reads in feedback: every part of it that a wrong answer must not show."""
    label = {o.id: o.text for g in ("options", "items", "left", "right") for o in getattr(q, g, None) or []}
    if q.type == "single":
        return [label[q.answer]]
    if q.type == "multiple":
        return [label[a] for a in q.answers]
    if q.type == "text":
        return [f"“{a}”" for a in q.forms()]
    if q.type == "numeric":
        return [f"{q.key()} {q.unit}" if q.unit else str(q.key())]
    if q.type == "ordering":
        return ["Correct answer"]  # the items are the student's own; the key is their order
    return [f"{q.left[0].text} → {label[q.answer[q.left[0].id]]}"]


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.id)
def test_feedback_reveals_the_explanation_only_when_earned(q):
    """Is the explanation shown for a right answer (or with show_key), and only the hint for no answer?"""
    right = text_of(question_outputs(1, q, _right(q), score(q, _right(q)), False, BOOK)["text/html"])
    assert f"Correct: {num(q.points)} / {num(q.points)}" in right and text_of(q.explanation) in right
    blank = question_outputs(2, q, None, score(q, None), False, BOOK)
    words = text_of(blank["text/html"])
    assert "(no answer)" in words and f"Not answered: 0 / {num(q.points)}" in words
    assert text_of(q.hint) in words and text_of(q.explanation) not in words and "Correct answer" not in words
    assert "Correct answer" in text_of(question_outputs(2, q, None, score(q, None), True, BOOK)["text/html"])
    assert blank["text/plain"].startswith("Question 2") and "Review: " in blank["text/plain"]


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.id)
def test_a_wrong_answer_never_shows_the_key_unless_show_key(q):
    """With show_key off, does the feedback of a wrong answer hold no part of the key; with it on, all of it?"""
    wrong = _wrong(q)
    result = score(q, wrong)
    assert result.verdict == "incorrect", (q.id, result)
    hidden = question_outputs(1, q, wrong, result, False, BOOK)
    shown = question_outputs(1, q, wrong, result, True, BOOK)
    for part in _key_lines(q):
        assert part not in text_of(hidden["text/html"]) and part not in hidden["text/plain"], (q.id, part)
        assert part in text_of(shown["text/html"]), (q.id, part)
    assert text_of(q.explanation) not in text_of(hidden["text/html"])


def test_partial_credit_says_why_without_naming_what_was_missed(questions_by_type):
    """For a partly right answer, are right and wrong choices, misplaced positions and wrong pairs marked, and
    are missed options counted but never named?"""
    q = questions_by_type["multiple"]
    picked = [q.answers[0], next(o.id for o in q.options if o.id not in q.answers)]
    words = text_of(question_outputs(1, q, picked, score(q, picked))["text/html"])
    assert "right choice" in words and "not a right choice" in words
    assert f"{len(q.answers) - 1} right option" in words and "not chosen" in words
    missed = {o.text for o in q.options if o.id in q.answers[1:]}
    assert not [t for t in missed if t in words]
    q = questions_by_type["ordering"]
    key = [o.id for o in q.items]
    swapped = [key[1], key[0], *key[2:]]
    words = text_of(question_outputs(1, q, swapped, score(q, swapped))["text/html"])
    assert "Positions 1 and 2 are out of place." in words and words.count("in place") >= len(key) - 2
    q = questions_by_type["matching"]
    half = {q.left[0].id: q.answer[q.left[0].id]}
    words = text_of(question_outputs(1, q, half, score(q, half))["text/html"])
    assert "✓ right" in words and "(not matched)" in words and f"1 of {len(q.left)} pairs is right." in words


@pytest.fixture(scope="module")
def questions_by_type():
    out = {}
    for q in QUESTIONS:
        out.setdefault(q.type, q)
    return out


def test_points_have_one_format(questions_by_type):
    """Are points written one way everywhere ("0.67 / 2"), never "0.6667" or "point(s)"?"""
    q = questions_by_type["ordering"]
    key = [o.id for o in q.items]
    answer = [key[1], key[0], *key[2:]]
    bundle = question_outputs(3, q, answer, score(q, answer))
    points = score(q, answer).points
    assert f"{num(points)} / {num(q.points)}" in bundle["text/plain"]
    assert not re.search(r"\d\.\d{3}|point\(s\)", bundle["text/plain"] + bundle["text/html"])


def test_review_links_name_the_chapter_as_the_book_does(questions_by_type):
    """Does the review line link to the chapter under the book's navigation title, and name it without a link
    when the course has no book_url?"""
    q = questions_by_type["single"]
    linked = BookLinks("https://example.edu/book", BOOK.pages, BOOK.reading)
    page = question_outputs(1, q, None, score(q, None), False, linked)["text/html"]
    nav = BOOK.pages[q.chapter].title
    assert re.match(r"\d\. ", nav), nav  # the book's sidebar numbers its chapters
    assert re.search(rf'<a href="https://example.edu/book/[a-z-]+(#[a-z0-9-]+)?">{re.escape(html.escape(nav))}', page)
    assert "https://" not in question_outputs(1, q, None, score(q, None), False, BOOK)["text/html"]


def test_a_students_text_is_shown_literally():
    """Is a student's typed answer shown as typed: HTML escaped, Markdown characters not interpreted?"""
    q = next(q for q in QUESTIONS if q.type == "text")
    typed = "<img src=x onerror=alert(1)> **bold** `code`"
    page = question_outputs(1, q, typed, score(q, typed))["text/html"]
    assert "<img" not in page and "&lt;img" in page and "**bold** `code`" in page


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
