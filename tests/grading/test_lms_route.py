"""The LMS hand-in route, end to end, as a course without a JupyterHub runs it.

Students answer the quiz in their own kernel and save the notebook; some upload it alone, some with the answers
file, some twice, one late, one with a notebook doctored for a better grade, one not at all. The class comes
back as one Canvas-style and one Moodle-style bulk download (``lms_archives.py``). Then, with the real commands:
`coursekit collect`, `coursekit grade`, `coursekit audit`, plain `nbgrader autograde` (for its log and its own
gradebook), `nbgrader generate_feedback` and `nbgrader export`. Every student must score exactly what their
answers earn (the same answers in an answers file, scored in this process), and every problem must be named.
"""

from __future__ import annotations

import csv
import json
import shutil

import nbformat
import pytest
from lms_archives import canvas_copy, canvas_entry, moodle_copy, moodle_entry, moodle_worksheet, write_zip
from nbclient import NotebookClient
from quiz_course import BIN, KEY, QUIZ, REPO, WRONG, build, gradebook, must, release, run, scores

from coursekit.bank.load import load_bank
from coursekit.grading.intake.answers_file import parse_answers
from coursekit.grading.scoring.key import grade_answers
from coursekit.notebook.lines import ANSWER_MIME

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]

NB, ANSWERS = f"{QUIZ}.ipynb", f"{QUIZ}.answers.json"
BANK = REPO / "tests" / "fixtures" / "grading-course" / f"{QUIZ}.yaml"
QUESTIONS = list(next(iter(load_bank([BANK]).files.values())).questions)
PARTIAL = {"mq-single": "a", "mq-multiple": ["ai"], "mq-numeric": 1961, "mq-ordering": ["sanfrancisco", "invasion",
           "amended"], "mq-matching": {"china": "one", "pogo": "one"}}  # fmt: skip
ROSTER = [  # id, name, email, Canvas user id, Moodle participant id
    ("ana", "Ana Lima", "ana@uni.edu", "1101", 5501),
    ("ben", "Ben Okafor", "ben@uni.edu", "1102", 5502),
    ("cho", "Cho Min-jun", "cho@uni.edu", "1103", 5503),
    ("dee", "Dee Park", "dee@uni.edu", "1104", 5504),
    ("eve", "Eve Moss", "eve@uni.edu", "1105", 5505),
    ("fay", "Fay Wu", "fay@uni.edu", "1106", 5506),
]


def earn(answers: dict | bytes) -> dict[str, float]:
    """What these answers earn in an answers file, scored here, outside the commands under test."""
    raw = answers if isinstance(answers, bytes) else json.dumps({"schema": 1, "answers": answers}).encode()
    return {qid: round(s.points, 4) for qid, s in grade_answers(QUESTIONS, parse_answers(raw)).items()}


def answered_and_saved(course, values: dict) -> bytes:
    """The released notebook as a student saves it after answering in a real kernel: every change goes through the
    widget, so the answers file and the status lines are written by the quiz helper itself."""
    folder = course / "student-work"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(release(course), folder)
    nb = nbformat.read(folder / NB, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "from coursekit.notebook.widget import QuizWidget\nimport json\n"
        f"wanted = json.loads({json.dumps(json.dumps(values))})\n"
        "for w in [w for w in Out.values() if isinstance(w, QuizWidget)]:\n    w.value = wanted.get(w.question['id'])"
    ))  # fmt: skip
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    nb.cells.pop()  # the student's clicks, not a cell of theirs
    assert json.loads((folder / ANSWERS).read_text())["answers"] == values
    return nbformat.writes(nb).encode()


def doctored(saved: bytes) -> bytes:
    """Eve's notebook: the key pasted as saved answers into an added cell and the widget cells, and the first grade
    cell's saved answer rewritten to smuggle in an answer for another question."""
    nb = json.loads(saved)
    forged = [{"output_type": "display_data", "metadata": {}, "data": {ANSWER_MIME: json.dumps(v)}} for v in
              KEY.values()]  # fmt: skip
    nb["cells"].append({"cell_type": "code", "metadata": {}, "source": "", "execution_count": None, "outputs": forged})
    for cell in nb["cells"]:
        gid = cell["metadata"].get("nbgrader", {}).get("grade_id", "")
        if gid.startswith("ask-"):
            cell["outputs"] = forged[:1]
        if gid == "mq-single":
            cell["outputs"][0]["data"][ANSWER_MIME] = ['"a", "mq-numeric": 1960']
    return json.dumps(nb).encode()


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A course, and the notebooks its students saved after answering (all right; partly right)."""
    course = build(tmp_path_factory.mktemp("lms") / "course")
    return course, {"key": answered_and_saved(course, KEY), "partial": answered_and_saved(course, PARTIAL)}


EXPECTED = {
    "ana": earn(WRONG),  # a notebook carrying the key, and an answers file (wrong): the file is preferred
    "ben": earn(PARTIAL),  # the notebook alone
    "cho": earn(KEY),  # resubmitted: the newer answers file (right) over the older (wrong)
    "dee": earn(KEY),  # late, the notebook alone
    "eve": dict.fromkeys(earn(KEY), 0.0),  # a doctored notebook: refused as a whole
}


def canvas_download(path, nbs: dict) -> None:
    wrong = json.dumps({"schema": 1, "answers": WRONG}).encode()
    right = json.dumps({"schema": 1, "answers": KEY}).encode()
    write_zip(path, {
        canvas_entry("Lima, Ana", 1101, 701, NB): nbs["key"],
        canvas_entry("Lima, Ana", 1101, 702, ANSWERS): wrong,
        canvas_entry("Okafor, Ben", 1102, 703, NB): nbs["partial"],
        canvas_entry("Min-jun, Cho", 1103, 704, ANSWERS): wrong,
        canvas_entry("Min-jun, Cho", 1103, 811, canvas_copy(ANSWERS, 1, modern=True)): right,
        canvas_entry("Min-jun, Cho", 1103, 812, canvas_copy(NB, 1, modern=True)): nbs["released"],
        canvas_entry("Park, Dee", 1104, 705, NB, late=True): nbs["key"],
        canvas_entry("Moss, Eve", 1105, 706, NB): doctored(nbs["key"]),
        canvas_entry("Stranger, Sam", 1999, 707, NB): nbs["key"],
    })  # fmt: skip


def moodle_download(path, nbs: dict) -> None:
    wrong = json.dumps({"schema": 1, "answers": WRONG}).encode()
    right = json.dumps({"schema": 1, "answers": KEY}).encode()
    write_zip(path, {
        moodle_entry("Ana Lima", 5501, NB): nbs["key"],
        moodle_entry("Ana Lima", 5501, ANSWERS): wrong,
        moodle_entry("Ben Okafor", 5502, NB): nbs["partial"],
        moodle_entry("Cho Min-jun", 5503, ANSWERS): wrong,
        moodle_entry("Cho Min-jun", 5503, moodle_copy(ANSWERS, 1)): right,
        moodle_entry("Cho Min-jun", 5503, NB): nbs["released"],
        moodle_entry("Dee Park", 5504, NB): nbs["key"],
        moodle_entry("Eve Moss", 5505, NB): doctored(nbs["key"]),
        moodle_entry("Sam Stranger", 5599, NB): nbs["key"],
    })  # fmt: skip


@pytest.fixture(scope="module", params=["canvas", "moodle"])
def route(request, saved, tmp_path_factory):
    """The class collected from one LMS's download, graded by `coursekit grade` and audited; for Canvas also a copy
    graded by plain `nbgrader autograde`, the feedback and nbgrader's export (the same steps after collect)."""
    lms = request.param
    base, nbs = saved
    course = tmp_path_factory.mktemp(lms) / "course"
    shutil.copytree(base, course, ignore=shutil.ignore_patterns("student-work"))
    nbs = {**nbs, "released": (release(course) / NB).read_bytes()}
    roster = [("id", "name", "email", "lms_id")] + [(i, n, e, c) for i, n, e, c, _ in ROSTER]
    with open(course / "assignments" / "roster.csv", "w", newline="") as f:
        csv.writer(f).writerows(roster)
    zip_path = course / "download.zip"
    (canvas_download if lms == "canvas" else moodle_download)(zip_path, nbs)
    extra = []
    if lms == "moodle":
        (course / "worksheet.csv").write_text(moodle_worksheet([(p, n, e, "") for _, n, e, _, p in ROSTER]))
        extra = ["--worksheet", str(course / "worksheet.csv")]
    collect = [str(BIN / "coursekit"), "collect", QUIZ, str(zip_path), "--from", lms, *extra]
    done = {"collect": must(run(collect, course))}
    plain = course.parent / "plain"
    shutil.copytree(course, plain)
    done["grade"] = must(run([str(BIN / "coursekit"), "grade", QUIZ, "--quiet"], course))
    done["audit"] = run([str(BIN / "coursekit"), "audit", QUIZ], course)
    if lms == "canvas":
        done["nbgrader"] = must(run([str(BIN / "nbgrader"), "autograde", QUIZ], plain / "assignments"))
        must(run([str(BIN / "nbgrader"), "db", "student", "add", "fay"], course / "assignments"))
        must(run([str(BIN / "nbgrader"), "generate_feedback", QUIZ, "--student", "eve"], course / "assignments"))
        must(run([str(BIN / "nbgrader"), "export"], course / "assignments"))
    return lms, course, plain, done


def test_every_student_scores_exactly_what_their_answers_earn(route):
    """Collected from the LMS and graded: does each student score what their answers earn in an answers file
    (notebook alone, both, resubmitted, late), the doctored notebook nothing, and plain nbgrader the same?"""
    lms, course, plain, _ = route
    got = scores(course / "assignments" / "gradebook.db")
    assert {s: {q: round(v, 4) for q, v in qs.items()} for s, qs in got.items()} == EXPECTED
    if lms == "canvas":
        assert gradebook(course / "assignments/gradebook.db") == gradebook(plain / "assignments/gradebook.db")


def test_collect_names_the_late_the_resubmitted_the_stranger_and_the_missing(route):
    """Does collect say who was late (Canvas), which resubmitted copy it kept, which file it could not place and
    why, and who on the roster handed in nothing?"""
    lms, course, _, done = route
    out = done["collect"].stdout
    assert "5 student(s) placed in submitted/" in out
    assert ("late (per Canvas): dee" in out) == (lms == "canvas")
    kept = canvas_copy(ANSWERS, 1, modern=True) if lms == "canvas" else moodle_copy(ANSWERS, 1)
    assert f"resubmitted: cho: kept {kept}, not {ANSWERS}" in out
    assert ("Canvas user 1999 (strangersam) is not in the roster" in out) or ("participant 5599" in out)
    assert "no submission (on the roster, nothing placed): fay" in out
    assert (course / "assignments/submitted/cho" / QUIZ / ANSWERS).read_text() == json.dumps(
        {"schema": 1, "answers": KEY}
    )


def test_grade_audit_and_nbgraders_log_name_every_broken_hand_in(route):
    """Do `coursekit grade`, `coursekit audit` (with its own exit status, 3) and plain nbgrader's log each name the
    doctored notebook (refused, and why; its added cell), and does grade say who handed in the notebook alone?"""
    lms, _, _, done = route
    refused = "eve: answers refused: the saved answer of question mq-single in mini-quiz.ipynb is not one JSON value"
    grade, audit = done["grade"].stdout, done["audit"]
    assert refused in grade and "1 added cell in the notebook ignored" in grade
    assert "Answers read from the saved notebook (no answers file was handed in): ben, dee" in grade
    assert audit.returncode == 3, audit.stdout + audit.stderr
    assert "every autograded score matches the handed-in answers" in audit.stdout and refused in audit.stdout
    log = done["nbgrader"].stdout + done["nbgrader"].stderr if lms == "canvas" else ""
    assert lms != "canvas" or "eve, mini-quiz.ipynb: answers refused: the saved answer of question mq-single" in log
    assert "Traceback" not in grade + audit.stdout + log


def test_feedback_says_why_and_export_tells_zero_from_no_submission(route):
    """Does the doctored notebook's feedback say why it scored 0, and does nbgrader's export give every collected
    student a timestamp and the student who handed in nothing none?"""
    lms, course, _, _ = route
    if lms != "canvas":
        assert all((course / "assignments/submitted" / s / QUIZ / "timestamp.txt").is_file() for s in EXPECTED)
        return
    page = (course / "assignments/feedback/eve" / QUIZ / f"{QUIZ}.html").read_text()
    assert "is not one JSON value" in page and "Traceback" not in page
    lines = (course / "assignments" / "grades.csv").read_text().splitlines()
    rows = {r["student_id"]: r for r in csv.DictReader(lines)}
    assert rows["fay"]["timestamp"] == "" and rows["fay"]["score"] == "0.0"
    assert rows["eve"]["timestamp"] and rows["eve"]["score"] == "0.0"
    assert all(rows[s]["timestamp"] for s in EXPECTED)
