"""A grader finds a good answer graded wrong, accepts its group, previews the change and applies it: does every step do
what it says with nbgrader's real commands, match plain `nbgrader autograde --force`, and leave the audit passing?"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from quiz_course import BIN, KEY, QUIZ, autograded, build, gradebook, hand_in, must, run, scores

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]

GOOD_BUT_REJECTED = "San Francisco treaty system"  # right, but not in the mini quiz's accept list
CLASS = {
    "ann": KEY["mq-text"],  # right from the start
    "bob": GOOD_BUT_REJECTED,
    "cy": "san francisco TREATY-system!",  # the same group, typed differently
    "dan": "Tokyo Pact",  # wrong, and stays wrong
    "eve": GOOD_BUT_REJECTED,  # a grader gives her a manual score before the regrade
}


class Done:
    """What one `coursekit` command printed, and its exit code (run in this process: the imports are paid once)."""

    def __init__(self, returncode: int, stdout: str, stderr: str):
        self.returncode, self.stdout, self.stderr, self.args = returncode, stdout, stderr, "coursekit"


@pytest.fixture
def coursekit(capsys, monkeypatch):
    """coursekit(root, *args) -> Done: the real command line (`coursekit.cli.main`) in the course's assignments/."""
    from coursekit.cli import main

    def run_it(root: Path, *args: str) -> Done:
        monkeypatch.chdir(root / "assignments")
        capsys.readouterr()
        code = main(list(args))
        out = capsys.readouterr()
        return Done(code, out.out, out.err)

    return run_it


def nbgrader(root: Path, *args: str):
    return run([str(BIN / "nbgrader"), *args], root / "assignments")


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Path:
    """The mini quiz, handed in by the class above, graded by `coursekit grade`, eve's text question scored by hand,
    and the feedback pages made; each test works on its own copy."""
    root = build(tmp_path_factory.mktemp("regrade") / "course")
    for student, text in CLASS.items():
        hand_in(root, student, {**KEY, "mq-text": text})
    must(run([str(BIN / "coursekit"), "grade", QUIZ, "--quiet"], root / "assignments"))
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'assignments' / 'gradebook.db'}") as gb:
        grade = gb.find_grade("mq-text", QUIZ, QUIZ, "eve")
        grade.manual_score = 0.5
        gb.db.commit()
    must(nbgrader(root, "generate_feedback", QUIZ))
    return root


@pytest.fixture
def course(graded, tmp_path) -> Path:
    return shutil.copytree(graded, tmp_path / "course", symlinks=True)


def _group_number(listing: str, text: str) -> str:
    line = next(line for line in listing.splitlines() if f"“{text}”" in line)
    return re.search(r"\[(\d+)\]", line).group(1)


def _snapshot(root: Path) -> tuple:
    files = sorted((root / "assignments" / "autograded").rglob("*.ipynb"))
    return gradebook(root / "assignments" / "gradebook.db"), {str(p): p.read_bytes() for p in files}


def test_the_grader_finds_accepts_previews_applies_and_audits(course, tmp_path, coursekit):
    """The whole path of issue 18: `answers` lists the rejected group with its count and students; `--accept` adds it
    to the bank changing one line; `regrade --dry-run` shows the changes and changes nothing; `regrade` applies them
    (a manual score stays), marks the out-of-date feedback, and `--feedback` remakes it; audit then passes and names
    the bank's version; and plain `nbgrader autograde --force` gives the same gradebook and graded notebooks."""
    listing = must(coursekit(course, "answers", QUIZ)).stdout
    assert re.search(rf"\[\d+\] 3 students, 0/1: “{GOOD_BUT_REJECTED}” \(\+1 other spelling\) — bob, cy, eve", listing)
    assert "“Tokyo Pact” — dan" in listing

    bank = course / "assignments" / "bank" / f"{QUIZ}.yaml"
    before = bank.read_text()
    done = must(coursekit(course, "answers", QUIZ, "mq-text", "--accept", _group_number(listing, GOOD_BUT_REJECTED)))
    assert f"added “{GOOD_BUT_REJECTED}” under `accept` of mq-text" in done.stdout and "3 student(s)" in done.stdout
    changed = [(a, b) for a, b in zip(before.splitlines(), bank.read_text().splitlines(), strict=True) if a != b]
    assert changed == [(
        '    accept: [San Francisco System, "the San Francisco System"]',
        f'    accept: [San Francisco System, "the San Francisco System", {GOOD_BUT_REJECTED}]',
    )]  # fmt: skip

    plain = shutil.copytree(course, tmp_path / "plain", symlinks=True)  # graded again by nbgrader itself, below
    snapshot = _snapshot(course)
    preview = must(coursekit(course, "regrade", QUIZ, "--dry-run")).stdout
    assert "would change 3 score(s) of 3 student(s)" in preview
    assert {
        "  bob: mq-text: 0 -> 1",
        "  cy: mq-text: 0 -> 1",
        "  eve: mq-text: 0 -> 1 (manual score 0.5 stays)",
    } <= set(preview.splitlines())
    assert _snapshot(course) == snapshot, "a dry run changed the gradebook or a graded notebook"

    applied = must(coursekit(course, "regrade", QUIZ, "--quiet")).stdout
    assert "changed 3 score(s) of 3 student(s)" in applied
    assert "the gradebook and 3 graded notebook(s) updated" in applied
    assert "Feedback pages now out of date (3): bob, cy, eve." in applied
    got = scores(course / "assignments" / "gradebook.db")
    assert {s: got[s]["mq-text"] for s in CLASS} == {"ann": 1, "bob": 1, "cy": 1, "dan": 0, "eve": 1}
    eve = gradebook(course / "assignments" / "gradebook.db")[("eve", QUIZ, "mq-text")]
    assert eve[1] == 0.5 and eve[3] is True  # the manual score stays (and still counts), marked for review again
    untouched = course / "assignments" / "autograded" / "ann" / QUIZ / f"{QUIZ}.ipynb"
    assert untouched.read_bytes() == snapshot[1][str(untouched)]

    again = must(coursekit(course, "regrade", QUIZ, "--feedback", "--quiet")).stdout
    assert "would change" not in again and "changed 0 score(s)" in again
    assert "Feedback pages made again for 3 student(s)." in again
    page = (course / "assignments" / "feedback" / "bob" / QUIZ / f"{QUIZ}.html").read_text()
    assert f"Matched: the accepted answer “{GOOD_BUT_REJECTED}”." in page

    audit = must(coursekit(course, "audit", QUIZ)).stdout
    assert "every autograded score matches the handed-in answers" in audit
    assert re.search(r"Scored with the bank as it is now \(mini-quiz bank-[0-9a-f]{12}\)\.", audit)
    versions = {json.loads(p.read_text())["quizzes"][QUIZ]["bank_version"]
                for p in (course / "assignments" / ".coursekit" / "ledger" / QUIZ).glob("*.json")}  # fmt: skip
    assert len(versions) == 1 and versions.pop() in audit

    must(nbgrader(plain, "autograde", QUIZ, "--force"))
    assert gradebook(plain / "assignments" / "gradebook.db") == gradebook(course / "assignments" / "gradebook.db")
    assert autograded(plain) == autograded(course)


def test_a_hand_in_edited_after_grading_changes_nothing(course, coursekit):
    """A student who rewrites their answers file in submitted/ after grading: does a regrade still score what was
    handed in (the ledger), and does the audit name the changed file?"""
    target = course / "assignments" / "submitted" / "dan" / QUIZ / f"{QUIZ}.answers.json"
    target.chmod(0o644)
    target.write_text(json.dumps({"schema": 1, "answers": {**KEY}}))
    done = must(coursekit(course, "regrade", QUIZ, "--quiet")).stdout
    assert "changed 0 score(s)" in done
    assert scores(course / "assignments" / "gradebook.db")["dan"]["mq-text"] == 0
    audit = coursekit(course, "audit", QUIZ)
    assert (
        audit.returncode == 1
        and "dan: mini-quiz.answers.json in submitted/ differs from the one graded" in audit.stdout
    )


def test_points_changed_in_the_bank_are_refused_with_what_to_do(course, coursekit):
    """If the bank changes a question's points (which live in the released notebook), does regrade refuse in one
    line that says what to run instead, changing nothing?"""
    bank = course / "assignments" / "bank" / f"{QUIZ}.yaml"
    text = bank.read_text()
    bank.write_text(text.replace("  - id: mq-text\n", "  - id: mq-text\n    points: 3\n", 1))
    snapshot = _snapshot(course)
    done = coursekit(course, "regrade", QUIZ)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "question 'mq-text' is worth 3 point(s) in the bank but 1 in the gradebook" in done.stderr
    assert "coursekit release --force" in done.stderr
    assert _snapshot(course) == snapshot


def test_answers_refuses_what_it_cannot_do_in_one_line(course, coursekit):
    """Are a missing question, a group that is right already, a refused group and a numeric question each answered
    with one line that says what to do (no traceback, no bank edit)?"""
    bank = course / "assignments" / "bank" / f"{QUIZ}.yaml"
    before = bank.read_text()
    for args, says in [
        (["--accept", "1"], "name the question: coursekit answers mini-quiz QUESTION --accept 1"),
        (["mq-text", "--accept", KEY["mq-text"]], "already gets full credit"),
        (["mq-numeric", "--accept", "1961"], "question 'mq-numeric' is numeric"),
        (["mq-nope"], "'mq-nope' is not a text or numeric question of 'mini-quiz'"),
        (["mq-text", "--accept", "99"], "question 'mq-text' has no group 99"),
    ]:
        done = coursekit(course, "answers", QUIZ, *args)
        assert done.returncode == 1 and says in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert bank.read_text() == before
