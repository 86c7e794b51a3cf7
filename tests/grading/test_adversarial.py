"""Students who want a better grade, through nbgrader's real `autograde` and through `coursekit grade`.

One class hands in the mini quiz: honest students (right, wrong, partly right, nothing) and attackers,
one per attack that worked against the old kernel-side grading. The class is graded twice, by plain
`nbgrader autograde` with the course's config and by `coursekit grade`, from identical copies. Every
student must score exactly what the handed-in answers earn, the two gradebooks and the autograded
notebooks must be identical, and no key, bank text or other student's data may reach any feedback.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest
from quiz_course import (
    BIN,
    FULL,
    KEY,
    QUIZ,
    WRONG,
    ZERO,
    autograded,
    build,
    code_cell,
    edit_notebook,
    files_under,
    gradebook,
    hand_in,
    must,
    run,
    scores,
)

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]

STEAL_KEY = """\
import json, pathlib, yaml
bank = next(p for p in pathlib.Path('.').resolve().parents if (p / 'bank').is_dir()) / 'bank'
print(open(bank / 'mini-quiz.yaml').read())
key = {q['id']: q.get('answer', q.get('answers', q.get('accept', [None])[0])) for q in
       yaml.safe_load(open(bank / 'mini-quiz.yaml'))['questions']}
pathlib.Path('mini-quiz.answers.json').write_text(json.dumps({'schema': 1, 'answers': key}))
pathlib.Path('pwned-eve.txt').write_text('ran')
"""
FORGE_GRADEBOOK = """\
import sqlite3, pathlib
db = next(p for p in pathlib.Path('.').resolve().parents if (p / 'gradebook.db').is_file()) / 'gradebook.db'
con = sqlite3.connect(db)
con.execute('UPDATE grade SET manual_score = 0')
con.commit()
pathlib.Path('pwned-frank.txt').write_text('ran')
"""
SNOOP = """\
import glob, pathlib
for f in glob.glob('../../../submitted/*/mini-quiz/*.answers.json'):
    print(open(f).read())
pathlib.Path('pwned-gina.txt').write_text('ran')
"""
SLOW = "import pathlib, time\npathlib.Path('pwned-mia.txt').write_text('ran')\ntime.sleep(25)\nprint('x' * 10_000_000)"

PARTIAL = {"mq-single": "a", "mq-multiple": ["ai"], "mq-ordering": ["sanfrancisco", "invasion", "amended"],
           "mq-matching": {"china": "one", "pogo": "one"}, "mq-text": "DAVES-OWN-WORDS"}  # fmt: skip
EXPECTED = {
    "alice": FULL,
    "bob": ZERO,
    "carol": ZERO,  # handed in no answers file
    "dave": {**ZERO, "mq-single": 1.0, "mq-multiple": 1.0, "mq-ordering": 0.6667, "mq-matching": 1.0},
    "eve": ZERO,  # a cell copies the key into her answers file and prints the bank
    "frank": ZERO,  # a cell zeroes everyone's grade in gradebook.db
    "gina": FULL,  # a cell prints the other students' answers
    "hal": ZERO,  # his answers file is a symlink to alice's
    "ivy": FULL,  # hands in a symlink to /etc/passwd beside her answers
    "jack": {**FULL, "mq-numeric": 0.0},  # a 5,000-digit number
    "kate": ZERO,  # her answers file is a FIFO
    "leo": {**FULL, "mq-text": 0.0},  # a lone surrogate as his text answer
    "mia": FULL,  # cells that sleep 25 s and print 10 MB
    "ned": FULL,  # a duplicated grade cell, an extra grade cell worth 100, a grade cell's points set to 50
    "olga": FULL,  # a notebook file that is not JSON
    "pat": {**FULL, "mq-numeric": 0.0, "mq-single": 0.0},  # NaN, and a question given twice
    "quinn": ZERO,  # answers nested 5,000 deep
    "rob": FULL,  # a symlink to /dev/zero beside his answers
}
HONEST = ("alice", "bob", "carol", "dave")


def _hand_in_class(root) -> None:
    alice = hand_in(root, "alice", KEY)  # and the blank cells JupyterLab adds on Shift+Enter in the last cell
    edit_notebook(
        alice,
        lambda nb: nb["cells"].extend([code_cell(""), {"cell_type": "markdown", "metadata": {}, "source": "\n  "}]),
    )
    hand_in(root, "bob", WRONG)
    hand_in(root, "carol")
    hand_in(root, "dave", PARTIAL)
    for student, source in (("eve", STEAL_KEY), ("frank", FORGE_GRADEBOOK), ("gina", SNOOP)):
        folder = hand_in(root, student, WRONG if student != "gina" else KEY)
        edit_notebook(folder, lambda nb, s=source: nb["cells"].append(code_cell(s)))
    hal = hand_in(root, "hal")
    os.symlink(root / "assignments/submitted/alice" / QUIZ / f"{QUIZ}.answers.json", hal / f"{QUIZ}.answers.json")
    os.symlink("/etc/passwd", hand_in(root, "ivy", KEY) / "notes.txt")
    big = json.dumps({"schema": 1, "answers": {**KEY, "mq-numeric": 0}}).replace(
        '"mq-numeric": 0', '"mq-numeric": ' + "9" * 5000
    )
    hand_in(root, "jack", raw=big.encode())
    os.mkfifo(hand_in(root, "kate") / f"{QUIZ}.answers.json")
    hand_in(root, "leo", raw=_with_raw("mq-text", '"\\ud800"'))
    mia = hand_in(root, "mia", KEY)
    edit_notebook(mia, lambda nb: nb["cells"].extend([code_cell(SLOW), code_cell(SLOW)]))
    _ned(hand_in(root, "ned", KEY))
    (hand_in(root, "olga", KEY) / f"{QUIZ}.ipynb").write_bytes(b"\x00\xffnot a notebook")
    pat = _with_raw("mq-numeric", "NaN").replace(b'"mq-single": "a"', b'"mq-single": "a", "mq-single": "a"')
    hand_in(root, "pat", raw=pat)
    hand_in(root, "quinn", raw=b'{"schema": 1, "answers": {"mq-single": ' + b"[" * 5000 + b"]" * 5000 + b"}}")
    os.symlink("/dev/zero", hand_in(root, "rob", KEY) / "data.bin")


def _with_raw(qid: str, literal: str) -> bytes:
    """The key as an answers file, with question ``qid``'s value replaced by the raw JSON ``literal``."""
    text = json.dumps({"schema": 1, "answers": {**KEY, qid: "@@"}})
    return text.replace('"@@"', literal).encode()


def _ned(folder) -> None:
    def edit(nb):
        grade_cells = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade")]
        nb["cells"].append(json.loads(json.dumps(grade_cells[0])))  # same grade_id twice
        nb["cells"].append(code_cell("100", grade=True, grade_id="bonus", points=100, locked=False, solution=False))
        grade_cells[1]["metadata"]["nbgrader"]["points"] = 50
        grade_cells[1]["source"] = "100.0"

    edit_notebook(folder, edit)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The class graded by plain nbgrader (course config) and by coursekit grade, from identical copies."""
    base = build(tmp_path_factory.mktemp("class") / "course")
    runs = {}
    for how in ("nbgrader", "coursekit"):
        root = tmp_path_factory.mktemp(how) / "course"
        shutil.copytree(base, root)
        _hand_in_class(root)  # in each copy: a FIFO cannot be copied
        if how == "nbgrader":
            runs[how] = run([str(BIN / "nbgrader"), "autograde", QUIZ], root / "assignments", timeout=300)
        else:
            runs[how] = run([str(BIN / "coursekit"), "grade", QUIZ, "--quiet"], root, timeout=300)
        must(run([str(BIN / "nbgrader"), "generate_feedback", QUIZ], root / "assignments"))
        runs[how + "-root"] = root
    return runs


@pytest.mark.parametrize("how", ["nbgrader", "coursekit"])
def test_every_student_scores_exactly_what_the_handed_in_answers_earn(graded, how):
    """Does each attacker (and each honest student) get exactly the score of the answers handed in?"""
    assert graded[how].returncode == 0, graded[how].stdout[-3000:] + graded[how].stderr[-3000:]
    got = scores(graded[how + "-root"] / "assignments" / "gradebook.db")
    for student, expected in EXPECTED.items():
        assert got[student] == pytest.approx(expected, abs=1e-4), student


def test_both_commands_write_identical_gradebooks_and_notebooks(graded):
    """Do plain nbgrader (course config) and coursekit grade give the same gradebook and autograded notebooks?"""
    a, b = graded["nbgrader-root"], graded["coursekit-root"]
    assert gradebook(a / "assignments" / "gradebook.db") == gradebook(b / "assignments" / "gradebook.db")
    assert autograded(a) == autograded(b)


@pytest.mark.parametrize("how", ["nbgrader", "coursekit"])
def test_no_student_code_ran(graded, how):
    """Did no added cell run: no marker file anywhere, no manual score forged in the gradebook?"""
    root = graded[how + "-root"]
    assert not [p for p in root.rglob("pwned-*")]
    rows = gradebook(root / "assignments" / "gradebook.db")
    assert all(v[1] is None for k, v in rows.items() if len(k) == 3 and len(v) == 4)


@pytest.mark.parametrize("how", ["nbgrader", "coursekit"])
def test_feedback_holds_no_key_bank_text_or_other_students_data(graded, how):
    """Is every feedback page free of the bank, the key of wrong answers, other students' answers and /etc/passwd?"""
    root = graded[how + "-root"]
    feedback = root / "assignments" / "feedback"
    assert {p.suffix for p in files_under(feedback)} == {".html"}  # (a collected class would also have timestamp.txt)
    for page in files_under(feedback):
        text = page.read_text(errors="replace")
        assert "root:x:0:0" not in text and "kind: graded" not in text  # /etc/passwd, the bank file
        assert ("DAVES-OWN-WORDS" in text) == (page.parts[-3] == "dave")  # one student's answer, in no other page
    for student in ("bob", "eve", "frank", "carol"):
        page = (feedback / student / QUIZ / f"{QUIZ}.html").read_text()
        assert "San Francisco System" not in page  # the text question's key and explanation
        assert "The brief numbers them" not in page  # the matching question's explanation


@pytest.mark.parametrize("how", ["nbgrader", "coursekit"])
def test_hostile_files_are_quarantined_not_followed(graded, how):
    """Are symlinks, FIFOs and devices moved to quarantine, never copied into autograded/ or feedback/?"""
    root = graded[how + "-root"] / "assignments"
    for folder in ("autograded", "feedback"):
        assert not [p for p in (root / folder).rglob("*") if p.is_symlink()]
        assert all("root:x:0:0" not in p.read_text(errors="replace") for p in files_under(root / folder))
    moved = json.loads((root / ".coursekit/quarantine" / QUIZ / "ivy/moved.json").read_text())
    assert moved["notes.txt"] == {"kind": "a symbolic link", "target": "/etc/passwd"}
    moved = json.loads((root / ".coursekit/quarantine" / QUIZ / "kate/moved.json").read_text())
    assert moved[f"{QUIZ}.answers.json"] == {"kind": "a named pipe (FIFO)"}
    assert json.loads((root / ".coursekit/quarantine" / QUIZ / "rob/moved.json").read_text())["data.bin"] == {
        "kind": "a symbolic link",
        "target": "/dev/zero",
    }


@pytest.mark.parametrize("how", ["nbgrader", "coursekit"])
def test_feedback_says_why_an_answer_scored_zero(graded, how):
    """Does the feedback name the reason for each spoiled answer, in one line, with no traceback?"""
    feedback = graded[how + "-root"] / "assignments" / "feedback"

    def page(student):
        return (feedback / student / QUIZ / f"{QUIZ}.html").read_text()

    assert "a number with 5000 digits" in page("jack")
    assert "lone surrogate" in page("leo")
    assert "NaN is not a number" in page("pat") and "given twice" in page("pat")
    assert "symbolic link" in page("hal") and "named pipe" in page("kate")
    assert "nests lists or objects more than" in page("quinn")
    assert "2 cells you added" in page("mia") and "ck-fb-notes ck-fb-info" in page("mia")  # a neutral note
    assert "About your submission" not in page("alice")  # her blank cells go unmentioned
    assert "Traceback (most recent call last)" not in page("jack") + page("leo") + page("quinn")


def test_audit_holds_and_names_the_student_whose_file_changed(graded, tmp_path):
    """Does audit find every score matching on the graded class (exit 3: it names the broken hand-ins), then exit 1
    naming bob once his handed-in file is rewritten, and never hang?"""
    root = graded["coursekit-root"]
    ok = run([str(BIN / "coursekit"), "audit", QUIZ], root, timeout=120)
    assert ok.returncode == 3, ok.stdout + ok.stderr
    assert "every autograded score matches" in ok.stdout and "carol: no answers: no answers file" in ok.stdout
    assert "kate: answers refused: mini-quiz.answers.json was a named pipe (FIFO)" in ok.stdout
    assert "mia: 2 added cells in the notebook ignored" in ok.stdout and "alice" not in ok.stdout
    bob = root / "assignments" / "submitted" / "bob" / QUIZ / f"{QUIZ}.answers.json"
    bob.write_text(json.dumps({"schema": 1, "answers": KEY}))
    os.unlink(root / "assignments" / "submitted" / "alice" / QUIZ / f"{QUIZ}.answers.json")
    os.mkfifo(root / "assignments" / "submitted" / "alice" / QUIZ / f"{QUIZ}.answers.json")
    bad = run([str(BIN / "coursekit"), "audit", QUIZ], root, timeout=120)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "bob: mini-quiz.answers.json in submitted/ differs from the one graded" in bad.stdout
    assert "alice: mini-quiz.answers.json in submitted/ differs" in bad.stdout and "named pipe" in bad.stdout
    assert "Traceback" not in bad.stdout + bad.stderr
