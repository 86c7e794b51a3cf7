"""An assignment with a quiz notebook and a code exercise, with the course's own nbgrader_config.py.

The quiz is scored from its answers file without a kernel; the exercise runs in a sandboxed kernel.
Plain `nbgrader autograde` and `coursekit grade` (which sends such an assignment to its Dask workers)
must agree, and code in the exercise must reach neither the bank nor the quiz's answers.
"""

from __future__ import annotations

import hashlib
import shutil

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell
from quiz_course import BIN, FULL, KEY, QUIZ, WRONG, ZERO, build, gradebook, hand_in, must, run, scores

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]

STEAL = (
    "import json, pathlib\n"
    "print(open('../../../bank/mini-quiz.yaml').read())\n"
    f"pathlib.Path('mini-quiz.answers.json').write_text(json.dumps({{'schema': 1, 'answers': {KEY!r}}}))\n"
)


def _meta(grade_id: str, **extra) -> dict:
    meta = {"grade": False, "solution": False, "locked": False, "task": False, "schema_version": 3}
    return {"nbgrader": {**meta, "grade_id": grade_id, **extra}}


def _exercise(root) -> None:
    """A one-point code exercise beside the quiz in source/, then nbgrader's release of both."""
    nb = nbformat.v4.new_notebook(cells=[
        new_markdown_cell("Write `double(x)`.", metadata=_meta("task-intro", locked=True)),
        new_code_cell("def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
                      metadata=_meta("answer", solution=True)),
        new_code_cell("assert double(3) == 6", metadata=_meta("test_double", grade=True, locked=True, points=1)),
    ])  # fmt: skip
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / "assignments" / "source" / QUIZ / "exercise.ipynb")
    must(run([str(BIN / "nbgrader"), "generate_assignment", QUIZ, "--force"], root / "assignments"))


def _answer_exercise(folder, code: str, extra: str = "") -> None:
    path = folder / "exercise.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].source = code
    if extra:
        nb.cells.insert(2, new_code_cell(extra))
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = build(tmp_path_factory.mktemp("mixed") / "course")
    _exercise(base)
    out = {}
    for how in ("nbgrader", "coursekit"):
        root = tmp_path_factory.mktemp(how) / "course"
        shutil.copytree(base, root)
        _answer_exercise(hand_in(root, "alice", KEY), "def double(x):\n    return 2 * x")
        _answer_exercise(hand_in(root, "bob", WRONG), "def double(x):\n    return x")
        _answer_exercise(hand_in(root, "mallory", WRONG), "def double(x):\n    return 2 * x", STEAL)
        answers = root / "assignments/submitted/mallory" / QUIZ / f"{QUIZ}.answers.json"
        before = hashlib.sha256(answers.read_bytes()).hexdigest()
        cmd = [str(BIN / "nbgrader"), "autograde", QUIZ] if how == "nbgrader" else [
            str(BIN / "coursekit"), "grade", QUIZ, "--workers", "2", "--quiet"]  # fmt: skip
        done = run(cmd, root / "assignments" if how == "nbgrader" else root, timeout=600)
        out[how] = (root, done, before, hashlib.sha256(answers.read_bytes()).hexdigest())
    return out


@pytest.mark.parametrize("how", ["nbgrader", "coursekit"])
def test_quiz_and_exercise_are_each_scored_their_own_way(graded, how):
    """Does each student get the quiz's points from their answers file and the exercise's from their code?"""
    root, done, *_ = graded[how]
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    got = scores(root / "assignments" / "gradebook.db")
    assert got["alice"] == {**FULL, "test_double": 1.0}
    assert got["bob"] == {**ZERO, "test_double": 0.0}
    assert got["mallory"] == {**ZERO, "test_double": 1.0}  # her code could not copy the key into her answers


def test_both_commands_agree(graded):
    """Do plain nbgrader and coursekit grade write the same gradebook for the mixed assignment?"""
    a, b = graded["nbgrader"][0], graded["coursekit"][0]
    assert gradebook(a / "assignments" / "gradebook.db") == gradebook(b / "assignments" / "gradebook.db")


@pytest.mark.parametrize("how", ["nbgrader", "coursekit"])
def test_exercise_code_reaches_neither_the_bank_nor_the_answers(graded, how):
    """Did the added cell fail to read the bank, and is the handed-in answers file untouched?"""
    root, _, before, after = graded[how]
    assert before == after
    graded_nb = (root / "assignments/autograded/mallory" / QUIZ / "exercise.ipynb").read_text()
    assert "kind: graded" not in graded_nb and "FileNotFoundError" in graded_nb
