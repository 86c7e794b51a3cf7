"""A class through nbgrader's real release, autograde, feedback, export and validate, on the mini quiz.

One module-scoped run serves every assertion. Expected scores are written out by hand from the
scoring rules in assignments/bank/README.md; one student answers through the widgets in a real kernel.
"""

from __future__ import annotations

import csv
import html
import json
import re
import shutil

import nbformat
import pytest
from nbclient import NotebookClient
from quiz_course import BIN, FULL, KEY, POINTS, QUIZ, WRONG, ZERO, build, hand_in, must, release, run, scores

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

PARTIAL = {
    "mq-text": "San Francisco",
    "mq-multiple": ["ai", "g5", "nukes"],
    "mq-ordering": ["sanfrancisco", "invasion", "amended"],
    "mq-matching": {"china": "one", "pogo": "one"},
}
# "1960" as text would be read as the number (numbers are read as typed: bank/numbers.py); words past 100 are not
ODD = {"mq-numeric": "nineteen sixty", "mq-single": ["a"], "mq-text": "the San Francisco System", "no-such-question": 5}
EXPECTED = {
    "alice": FULL,
    "bob": ZERO,
    "carol": ZERO,  # no answers file
    "dave": {**ZERO, "mq-multiple": 1.0, "mq-ordering": 0.6667, "mq-matching": 1.0},  # (2-1)/2; tau 1/3; 1 of 2
    "erin": ZERO,  # a corrupt answers file
    "frank": {**ZERO, "mq-text": 1.0},  # only the well-typed answer counts
    "kim": FULL,  # answered through the widgets in a real kernel
    "lena": FULL,  # all right, but late: the late penalty applies to her total
}
DUE = "2026-03-01 12:00:00 UTC"


def answer_in_kernel(folder, values: dict) -> tuple[dict, str]:
    """Run the released notebook in a real kernel and set each widget's value; return the saved answers."""
    nb = nbformat.read(folder / f"{QUIZ}.ipynb", as_version=4)
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "from coursekit.notebook.widget import QuizWidget\n"
            f"wanted = {values!r}\n"
            "shown = [w for w in Out.values() if isinstance(w, QuizWidget)]\n"
            "for w in shown:\n    w.value = wanted[w.question['id']]\n"
            "print(len(shown), sorted({w.status for w in shown}))"
        )
    )
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    return json.loads((folder / f"{QUIZ}.answers.json").read_text()), printed


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The mini quiz released, eight submissions, autograde, generate_feedback and export."""
    root = build(tmp_path_factory.mktemp("roundtrip") / "course")
    config = root / "assignments" / "nbgrader_config.py"
    config.write_text(config.read_text() + '\nc.LateSubmissionPlugin.penalty_method = "zero"\n')
    must(run([str(BIN / "nbgrader"), "db", "assignment", "add", QUIZ, f"--duedate={DUE}"], root / "assignments"))
    work = root / "kim-work"
    shutil.copytree(release(root), work)
    kernel = answer_in_kernel(work, KEY)
    for student, answers in (("alice", KEY), ("bob", WRONG), ("carol", None), ("dave", PARTIAL), ("frank", ODD)):
        hand_in(root, student, answers)
    hand_in(root, "erin", raw=b'{"schema": 1, "answers": {"mq-single": ')
    shutil.copy(work / f"{QUIZ}.answers.json", hand_in(root, "kim"))
    (hand_in(root, "lena", KEY) / "timestamp.txt").write_text("2026-03-02 12:00:00 UTC")
    must(run([str(BIN / "nbgrader"), "autograde", QUIZ], root / "assignments"))
    must(run([str(BIN / "nbgrader"), "generate_feedback", QUIZ], root / "assignments"))
    must(run([str(BIN / "nbgrader"), "export", f"--to={root / 'grades.csv'}"], root / "assignments"))
    return {"root": root, "kernel": kernel}


def test_every_question_gets_the_exact_expected_score(graded):
    """Does nbgrader's gradebook hold exactly the expected score for every student and question?"""
    got = scores(graded["root"] / "assignments" / "gradebook.db")
    for student, expected in EXPECTED.items():
        assert got[student] == pytest.approx(expected, abs=1e-4), student


def test_export_totals_and_late_penalty(graded):
    """Does `nbgrader export` give each total, with the late submission's penalty (zero) applied?"""
    with open(graded["root"] / "grades.csv", newline="") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    for student, expected in EXPECTED.items():
        total = 0.0 if student == "lena" else sum(expected.values())
        assert float(rows[student]["score"]) == pytest.approx(total, abs=1e-3), student
        assert float(rows[student]["max_score"]) == sum(POINTS.values())
    assert float(rows["lena"]["late_submission_penalty"]) == pytest.approx(sum(POINTS.values()))


def test_grade_cells_hold_feedback_and_a_number_only(graded):
    """Does every grade cell hold no stderr and no error: a rich feedback output, then one number?"""
    for student in EXPECTED:
        nb = json.loads((graded["root"] / "assignments/autograded" / student / QUIZ / f"{QUIZ}.ipynb").read_text())
        for cell in nb["cells"]:
            if cell["metadata"].get("nbgrader", {}).get("grade"):
                kinds = [o["output_type"] for o in cell["outputs"]]
                assert set(kinds[:-1]) == {"display_data"} and kinds[-1] == "execute_result", (student, kinds)


def _feedback(graded, student) -> str:
    """The words of a student's feedback page (tags dropped, entities decoded, spaces collapsed)."""
    page = graded["root"] / "assignments/feedback" / student / QUIZ / f"{QUIZ}.html"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.read_text())).split())


SECRETS = {  # what each question's feedback must not show unless the answer earned it
    "mq-single": ["The brief dates the invasion to June 1950."],
    "mq-text": ["San Francisco System"],
    "mq-numeric": ["It was amended in 1960."],
    "mq-ordering": ["1950, 1951, 1960."],
    "mq-matching": ["The brief numbers them."],
    "mq-multiple": ["AI and 5G are two of the three areas."],
}


def test_feedback_shows_verdict_and_hint_but_no_key(graded):
    """Does the feedback of an all-wrong student give verdicts and hints and none of the key?"""
    text = _feedback(graded, "bob")
    assert text.count("Incorrect: 0 /") == len(POINTS) and "Your answer “Tokyo Pact”" in text
    assert "Hint: The name comes from the city where the treaties were signed." in text
    for secret in (s for qid in POINTS for s in SECRETS[qid]):
        assert not re.search(re.escape(secret), text, re.IGNORECASE), secret


def test_feedback_of_a_partial_submission_reveals_only_what_was_earned(graded):
    """Does partial-credit feedback show explanations only for fully right answers?"""
    text = _feedback(graded, "dave")
    assert "Partly correct: 1 / 2" in text and "Not answered: 0 / 1" in text
    for qid, points in EXPECTED["dave"].items():
        for secret in SECRETS[qid]:
            assert (secret in text) == (points == POINTS[qid]), (qid, secret)


def test_bad_files_are_explained_in_feedback(graded):
    """Do a missing and a corrupt answers file, and an unknown id, each get a line saying why?"""
    assert "No answers file was handed in, so every question scores 0." in _feedback(graded, "carol")
    assert "mini-quiz.answers.json is not valid JSON (line 1, column" in _feedback(graded, "erin")
    assert "question ids this quiz does not have were ignored: no-such-question" in _feedback(graded, "frank")


def test_answering_in_the_kernel_saves_every_widget_value(graded):
    """Does setting each widget's value in a real kernel record every answer in the answers file?"""
    saved, printed = graded["kernel"]
    assert saved == {"schema": 1, "answers": KEY}
    assert printed.strip() == f"{len(POINTS)} ['Answer recorded']"


def test_validate_lists_exactly_the_unanswered_questions(graded, tmp_path):
    """Does `nbgrader validate` on a half-answered quiz fail once, listing exactly the unanswered questions in plain
    words (not one failed cell per question)?"""
    folder = tmp_path / QUIZ
    shutil.copytree(release(graded["root"]), folder)
    (folder / f"{QUIZ}.answers.json").write_text(json.dumps({"schema": 1, "answers": {"mq-single": "a"}}))
    done = run([str(BIN / "nbgrader"), "validate", str(folder / f"{QUIZ}.ipynb")], tmp_path, timeout=120)
    out = done.stdout + done.stderr
    assert "VALIDATION FAILED ON 1 CELL(S)" in out and "Not answered yet:" in out, out[-2000:]
    for n, qid in enumerate(POINTS, 1):
        assert (f"Question {n} (" in out) == (qid != "mq-single"), qid
