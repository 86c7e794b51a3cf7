"""A class of simulated students through nbgrader's real generate_assignment, autograde, feedback and export.

One module-scoped run (release, nine submissions, one autograde) serves every assertion.
Expected scores are written out by hand from the scoring rules in assignments/bank/README.md.
"""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import nbformat
import pytest
from grading_helpers import BIN, clean_env, copy_course, nbgrader
from nbclient import NotebookClient

QUIZ = "treaty-years"
POINTS = {
    "ty-invasion-year": 1,
    "ty-treaties-year": 1,
    "ty-amended-year": 1,
    "ty-system-name": 1,
    "ty-forged-in": 1,
    "ty-other-treaty-allies": 2,
    "ty-partner-years": 2,
    "ty-milestone-order": 2,
    "ty-japan-trade-step": 1,
}
ORDER = ["invasion", "sf-treaties", "korea-treaty", "defense-committee", "korus-fta", "vision-statement"]
CORRECT = {
    "ty-invasion-year": 1950,
    "ty-treaties-year": 1951,
    "ty-amended-year": 1960,
    "ty-system-name": "the san francisco system!",
    "ty-forged-in": "korean-war",
    "ty-other-treaty-allies": ["thailand", "australia-nz", "philippines"],
    "ty-partner-years": {"korea-alliance": "y1953", "taiwan-alliance": "y1955", "dicc": "y1993", "korus": "y2007"},
    "ty-milestone-order": ORDER,
    "ty-japan-trade-step": 2019,
}
WRONG = {
    "ty-invasion-year": 1949,
    "ty-treaties-year": 1952,
    "ty-amended-year": 1961,
    "ty-system-name": "Tokyo Pact",
    "ty-forged-in": "vietnam-war",
    "ty-other-treaty-allies": ["india", "vietnam"],
    "ty-partner-years": {"korea-alliance": "y1955", "taiwan-alliance": "y1953", "dicc": "y2007", "korus": "y1993"},
    "ty-milestone-order": ORDER[::-1],
    "ty-japan-trade-step": 2018,
}
PARTIAL = {
    "ty-system-name": "San Francisco",
    "ty-other-treaty-allies": ["australia-nz", "philippines", "india"],
    "ty-partner-years": {"korea-alliance": "y1953", "taiwan-alliance": "y1953", "dicc": "y1993", "korus": "y2007"},
    "ty-milestone-order": [ORDER[1], ORDER[0], *ORDER[2:]],
}
ODD = {  # wrong value types, one good answer and an id the quiz does not have
    "ty-invasion-year": "1950",
    "ty-forged-in": ["korean-war"],
    "ty-amended-year": 1960,
    "ty-other-treaty-allies": "thailand",
    "ty-partner-years": ["y1953"],
    "ty-milestone-order": ["invasion"],
    "ty-japan-trade-step": True,
    "no-such-question": 5,
}
ZERO = dict.fromkeys(POINTS, 0.0)
EXPECTED = {
    "alice": {q: float(p) for q, p in POINTS.items()},  # all correct
    "bob": ZERO,  # all wrong
    "carol": ZERO,  # no answers file
    "dave": {**ZERO, "ty-system-name": 1.0, "ty-other-treaty-allies": 0.6667, "ty-partner-years": 1.5,
             "ty-milestone-order": 1.7333},  # (2-1)/3 of 2; 3/4 of 2; Kendall tau 13/15 of 2
    "erin": ZERO,  # corrupt answers file
    "frank": {**ZERO, "ty-amended-year": 1.0},  # only the well-typed answer counts
    "grace": {**ZERO, "ty-system-name": 1.0, "ty-other-treaty-allies": 0.6667, "ty-partner-years": 1.5,
              "ty-milestone-order": 1.7333},  # dave's answers; her edits to locked cells are undone
    "kim": {q: float(p) for q, p in POINTS.items()},  # answered through the widgets in a kernel
    "mallory": {q: float(p) for q, p in POINTS.items()},  # all wrong, but patched the grader: audit must catch it
    "oscar": {q: float(p) for q, p in POINTS.items()},  # all wrong, but shipped a fake coursekit package: same
}  # fmt: skip
CHEATERS = ("mallory", "oscar")
FAKE_PACKAGE = f"""class Quiz:
    def __init__(self, name):
        self.points = {POINTS!r}

    def ask(self, qid):
        return None

    def grade(self, qid):
        return float(self.points[qid])
"""
MONKEYPATCH = 'import coursekit.notebook.quiz as q\nq.Quiz.grade = lambda self, qid: float(self._public[qid]["points"])'


def _write_answers(folder: Path, values: dict) -> None:
    (folder / f"{QUIZ}.answers.json").write_text(json.dumps({"schema": 1, "answers": values}))


def _edit_notebook(path: Path, edit) -> None:
    nb = json.loads(path.read_text())
    edit(nb["cells"])
    path.write_text(json.dumps(nb, indent=1))


def answer_in_kernel(release: Path, work: Path, values: dict) -> tuple[dict, str]:
    """Run the release notebook in a real kernel, set each widget's value from Python; return the saved answers."""
    shutil.copytree(release, work)
    nb = nbformat.read(work / f"{QUIZ}.ipynb", as_version=4)
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "from coursekit.notebook.widget import QuizWidget\n"
            f"wanted = {values!r}\n"
            "shown = [w for w in Out.values() if isinstance(w, QuizWidget)]\n"
            "for w in shown:\n    w.value = wanted[w.question['id']]\n"
            "print(len(shown), sorted({w.status for w in shown}))"
        )
    )
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(work)}}).execute()
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    return json.loads((work / f"{QUIZ}.answers.json").read_text()), printed


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A course copy after release, nine submissions, autograde, generate_feedback and export."""
    with pytest.MonkeyPatch.context() as mp:
        for name, value in clean_env().items():
            mp.setenv(name, value)
        mp.delenv("NBGRADER_EXECUTION", raising=False)
        mp.delenv("COURSEKIT_COURSE", raising=False)
        root = copy_course(tmp_path_factory.mktemp("class") / "course")
        nbgrader(root, "generate_assignment", QUIZ, "--force")
        release = root / "assignments" / "release" / QUIZ
        kernel_answers, kernel_printed = answer_in_kernel(release, root / "kim-work", CORRECT)
        for student in EXPECTED:
            folder = root / "assignments" / "submitted" / student / QUIZ
            shutil.copytree(release, folder)
        sub = root / "assignments" / "submitted"
        _write_answers(sub / "alice" / QUIZ, CORRECT)
        _write_answers(sub / "bob" / QUIZ, WRONG)
        _write_answers(sub / "dave" / QUIZ, PARTIAL)
        (sub / "erin" / QUIZ / f"{QUIZ}.answers.json").write_text('{"schema": 1, "answers": {"ty-invasion-ye')
        _write_answers(sub / "frank" / QUIZ, ODD)
        _write_answers(sub / "grace" / QUIZ, PARTIAL)
        _edit_notebook(sub / "grace" / QUIZ / f"{QUIZ}.ipynb", _tamper)
        shutil.copy(root / "kim-work" / f"{QUIZ}.answers.json", sub / "kim" / QUIZ)
        _write_answers(sub / "mallory" / QUIZ, WRONG)
        _edit_notebook(sub / "mallory" / QUIZ / f"{QUIZ}.ipynb", _monkeypatch_grader)
        _write_answers(sub / "oscar" / QUIZ, WRONG)
        (sub / "oscar" / QUIZ / "coursekit").mkdir()
        (sub / "oscar" / QUIZ / "coursekit" / "notebook").mkdir()
        (sub / "oscar" / QUIZ / "coursekit" / "__init__.py").write_text("")
        (sub / "oscar" / QUIZ / "coursekit" / "notebook" / "__init__.py").write_text("")
        (sub / "oscar" / QUIZ / "coursekit" / "notebook" / "quiz.py").write_text(FAKE_PACKAGE)

        started = time.perf_counter()
        autograde = nbgrader(root, "autograde", QUIZ, "--force")
        seconds = time.perf_counter() - started
        nbgrader(root, "generate_feedback", QUIZ, "--force")
        nbgrader(root, "export", f"--to={root / 'grades.csv'}")
        audit = subprocess.run(
            [str(BIN / "coursekit"), "audit", QUIZ], cwd=root, env=clean_env(), capture_output=True, text=True
        )
        yield {
            "root": root,
            "kernel": (kernel_answers, kernel_printed),
            "seconds_per_submission": seconds / len(EXPECTED),
            "autograde_log": autograde.stdout + autograde.stderr,
            "audit": audit,
        }


def _tamper(cells: list) -> None:
    for cell in cells:
        if cell["id"] == "g-ty-other-treaty-allies":
            cell["source"] = "2.0  # full marks, please"
        if cell["id"] == "setup":
            cell["source"] += "\nquiz.grade = lambda qid: 1.0"


def _monkeypatch_grader(cells: list) -> None:
    at = next(i for i, c in enumerate(cells) if c["id"] == "setup") + 1
    cells.insert(at, {"cell_type": "code", "id": "mallory", "metadata": {}, "execution_count": None,
                      "outputs": [], "source": MONKEYPATCH})  # fmt: skip


def gradebook_scores(root: Path) -> dict[str, dict[str, float]]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'assignments' / 'gradebook.db'}") as gb:
        return {
            student: {g.name: g.auto_score for g in gb.find_submission_notebook(QUIZ, QUIZ, student).grades}
            for student in EXPECTED
        }


pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]


def test_every_question_gets_the_exact_expected_score(graded):
    """Does nbgrader's gradebook hold exactly the expected score for every student and question?"""
    got = gradebook_scores(graded["root"])
    for student, expected in EXPECTED.items():
        assert got[student] == pytest.approx(expected, abs=1e-4), student
    print(f"\nautograde: {graded['seconds_per_submission']:.2f} s per submission")


def test_export_totals(graded):
    """Does `nbgrader export` report each student's total as the sum of the expected question scores?"""
    with open(graded["root"] / "grades.csv", newline="") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    for student, expected in EXPECTED.items():
        assert float(rows[student]["score"]) == pytest.approx(sum(expected.values()), abs=1e-3), student
        assert float(rows[student]["max_score"]) == 12.0


def test_no_stderr_or_errors_in_grade_cells(graded):
    """Do grade cells of honest submissions produce no stderr and no error, only stdout and a number?"""
    for student in ("alice", "bob", "carol", "dave", "erin", "frank"):
        nb = json.loads((graded["root"] / "assignments/autograded" / student / QUIZ / f"{QUIZ}.ipynb").read_text())
        for cell in nb["cells"]:
            if cell["metadata"].get("nbgrader", {}).get("grade"):
                kinds = [(o["output_type"], o.get("name")) for o in cell["outputs"]]
                # stdout may arrive in several chunks; what matters: no stderr, no error, one number last
                assert set(kinds[:-1]) == {("stream", "stdout")}, (student, cell["id"], kinds)
                assert kinds[-1] == ("execute_result", None), (student, cell["id"], kinds)


def _feedback(graded, student) -> str:
    page = graded["root"] / "assignments/feedback" / student / QUIZ / f"{QUIZ}.html"
    return html.unescape(page.read_text())


def _keys_of(question_ids) -> list[str]:
    from coursekit.course import find_course
    from coursekit.grading.key import load_quiz

    quiz = load_quiz(find_course(Path(__file__)), QUIZ)
    out = []
    for q in quiz.questions:
        if q.id in question_ids:
            out.append(q.explanation)
            out += [a for a in getattr(q, "accept", [])] + ([str(q.key())] if q.type == "numeric" else [])
    return out


def test_feedback_shows_verdict_and_hint_but_no_key(graded):
    """Does the feedback of an all-wrong student give verdicts and hints and none of the key?"""
    text = _feedback(graded, "bob")
    assert text.count("Incorrect: 0 of") == 9 and text.count("Hint: ") == 9
    assert "Your answer: Tokyo Pact" not in text and 'Your answer: "Tokyo Pact"' in text
    for secret in _keys_of(POINTS):
        assert not re.search(rf"(?<!\w){re.escape(secret)}(?!\w)", text, re.IGNORECASE), secret


def test_feedback_of_a_partial_submission_reveals_only_what_was_earned(graded):
    """Does partial-credit feedback show explanations only for fully right answers, never keys of missed ones?"""
    text = _feedback(graded, "dave")
    assert "Partly correct: 0.6667 of 2 point(s)." in text and "Not answered: 0 of 1 point(s)." in text
    assert 'The brief calls it the "San Francisco System".' in text  # earned: ty-system-name was right
    missed = [q for q, s in EXPECTED["dave"].items() if s < POINTS[q]]
    for secret in _keys_of(missed):
        assert not re.search(rf"(?<!\w){re.escape(secret)}(?!\w)", text, re.IGNORECASE), secret


def test_bad_files_are_explained_in_feedback(graded):
    """Do a missing and a corrupt answers file get a line saying why everything scored 0?"""
    assert "no answers file was submitted" in _feedback(graded, "carol")
    assert "could not be read (JSONDecodeError) and was ignored" in _feedback(graded, "erin")
    assert "unknown question ids were ignored: no-such-question" in _feedback(graded, "frank")


def test_answering_in_the_kernel_saves_every_widget_value(graded):
    """Does setting each widget's value in a real kernel record every answer in the answers file?"""
    saved, printed = graded["kernel"]
    assert saved == {"schema": 1, "answers": CORRECT}
    assert printed.strip() == "9 ['Answer recorded']"


def test_audit_flags_the_cheaters_and_only_them(graded):
    """Does `coursekit audit` exit 1 and list every inflated question of the two cheaters, and no one else?"""
    audit = graded["audit"]
    assert audit.returncode == 1, audit.stdout + audit.stderr
    lines = [line for line in audit.stdout.splitlines() if line.startswith("  ")]
    assert sorted(line.split()[0] for line in lines) == sorted(CHEATERS * len(POINTS))
    assert "  mallory  ty-other-treaty-allies: gradebook 2, re-graded 0" in audit.stdout
    assert "  oscar  ty-invasion-year: gradebook 1, re-graded 0" in audit.stdout
    assert f"{len(EXPECTED)} submission(s) re-graded" in audit.stdout


def test_validate_lists_exactly_the_unanswered_questions(graded, tmp_path):
    """Does `nbgrader validate` on a half-answered quiz fail exactly the unanswered grade cells?"""
    folder = tmp_path / QUIZ
    shutil.copytree(graded["root"] / "assignments/release" / QUIZ, folder)
    _write_answers(folder, PARTIAL)
    done = subprocess.run(
        [str(BIN / "nbgrader"), "validate", str(folder / f"{QUIZ}.ipynb")],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = done.stdout + done.stderr
    assert "VALIDATION FAILED ON 5 CELL(S)" in out, out[-2000:]
    for qid in POINTS:
        failed = f'quiz.grade("{qid}")' in out
        assert failed == (qid not in PARTIAL), qid
