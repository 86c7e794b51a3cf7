"""nbgrader's own exchange, end to end, with two students: release, fetch, answer, submit, collect, grade, feedback.

Each student works in a home folder of their own, with their own submission cache, and names themselves with
`--student` (nbgrader's exchange would otherwise take the Unix user, and the tests run as one user).
Everything else is nbgrader's real commands.
"""

from __future__ import annotations

import html
import os

import pytest
from quiz_course import BIN, KEY, QUIZ, WRONG, build, must, run, scores

from coursekit.notebook.answers import write_answer

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]
COURSE = "korea-japan"  # course_id in assignments/nbgrader_config.py


@pytest.fixture(scope="module")
def exchanged(tmp_path_factory):
    base = tmp_path_factory.mktemp("exchange")
    root = build(base / "course")
    exchange = base / "exchange"
    exchange.mkdir()
    os.chmod(exchange, 0o777)
    ex = f"--Exchange.root={exchange}"

    def nbgrader(*args, cwd, student=None):
        # A student's own id and submission cache (nbgrader keeps it under the user's home by default).
        who = [f"--student={student}", f"--Exchange.cache={cwd / '.nbgrader-cache'}"] if student else []
        return must(run([str(BIN / "nbgrader"), *args, ex, *who], cwd))

    instructor = root / "assignments"
    nbgrader("release_assignment", QUIZ, cwd=instructor)
    homes = {}
    for student, answers in (("alice", KEY), ("bob", {**WRONG, "mq-single": "a"})):
        home = base / "home" / student
        home.mkdir(parents=True)
        nbgrader("fetch_assignment", QUIZ, f"--course={COURSE}", cwd=home, student=student)
        for qid, value in answers.items():  # what the widgets call on every change
            write_answer(home / QUIZ / f"{QUIZ}.answers.json", qid, value)
        nbgrader("submit", QUIZ, f"--course={COURSE}", cwd=home, student=student)
        homes[student] = home
    nbgrader("collect", QUIZ, cwd=instructor)
    nbgrader("autograde", QUIZ, cwd=instructor)
    nbgrader("generate_feedback", QUIZ, cwd=instructor)
    nbgrader("release_feedback", QUIZ, cwd=instructor)
    for student, home in homes.items():
        nbgrader("fetch_feedback", QUIZ, f"--course={COURSE}", cwd=home, student=student)
    return root, homes


def test_each_student_gets_their_own_score(exchanged):
    """After submit and collect, does each student score exactly what their answers earn?"""
    root, _ = exchanged
    got = scores(root / "assignments" / "gradebook.db")
    assert sum(got["alice"].values()) == 9 and sum(got["bob"].values()) == 1
    assert (root / "assignments/submitted/alice" / QUIZ / "timestamp.txt").is_file()


def test_each_student_fetches_only_their_own_feedback_page(exchanged):
    """Does fetch_feedback give each student one HTML page, with their own answers and no one else's?"""
    _, homes = exchanged
    pages = {s: sorted((home / QUIZ / "feedback").rglob("*")) for s, home in homes.items()}
    for student, found in pages.items():
        files = [p for p in found if p.is_file()]
        assert [p.name for p in files] == [f"{QUIZ}.html"], (student, found)
        text = html.unescape(files[0].read_text())
        assert ("Tokyo Pact" in text) == (student == "bob")  # bob's own wrong text answer
        assert ("the San Francisco System" in text) == (student == "alice")  # alice's own right one
