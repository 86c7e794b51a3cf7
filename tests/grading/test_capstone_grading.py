"""The capstone released and graded: its quiz from the answers file, its code part in the sandbox, by both paths.

Plain `nbgrader autograde` and `coursekit grade` must write the same gradebook; the code part must be scored by its
test cells as the instructor wrote them, on the instructor's data, whatever the student edited, added or handed in.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from capstone_course import (
    BANK,
    CODE_POINTS,
    DATA_NB,
    FULL,
    KEY,
    QUIZ,
    RIGHT_CODE,
    WRONG,
    WRONG_CODE,
    ZERO,
    attack,
    build,
    hand_in,
    release,
)
from quiz_course import BIN, gradebook, run, scores

from coursekit.release.nbgrader_release import find_leaks

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]
MATERIALS = ("trade.csv", "poll.csv", "sources.csv", "DATA-README.md")


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    return build(tmp_path_factory.mktemp("capstone") / "course")


def test_the_release_holds_the_data_and_the_exercise_without_solutions_or_key(released):
    """Does the release give students both notebooks and the data as written, the exercise without its solutions,
    and no key, explanation, rubric criterion, level descriptor, anchor answer or wrong-statement rule in any file?"""
    folder = release(released)
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted([f"{QUIZ}.ipynb", f"{QUIZ}.questions.json", DATA_NB, *MATERIALS])
    for name in MATERIALS:
        assert (folder / name).read_bytes() == (released / "assignments/materials" / QUIZ / name).read_bytes()
    exercise = (folder / DATA_NB).read_text()
    assert "BEGIN SOLUTION" not in exercise and "zip(*points)" not in exercise and "Step 2: correct" in exercise
    answers = [c for c in json.loads(exercise)["cells"] if c["metadata"]["nbgrader"]["solution"]]
    assert len(answers) == 3 and all("raise NotImplementedError()" in "".join(c["source"]) for c in answers)
    assert find_leaks(folder, BANK) == []
    shown = _plain(folder)
    essay = BANK.written()[0]
    assert _plain_text(essay.prompt)[:60] in shown  # the students' text is read as they see it
    grader_only = [c.criterion for c in essay.rubric] + [lv.descriptor for c in essay.rubric for lv in c.levels]
    grader_only += [a.answer for a in essay.anchors] + [essay.wrong_statements, essay.full_answer]
    said = [t for t in grader_only if _plain_text(t)[:40] in _plain_text(essay.prompt)]
    assert len(said) <= 1  # a criterion may repeat the words of the prompt that ask for it; nothing else may
    assert [t[:60] for t in grader_only if t not in said and _plain_text(t)[:40] in shown] == []


def _plain_text(text: str) -> str:
    return " ".join(text.split()).casefold()


def _plain(folder: Path) -> str:
    """Every text a student can read in the release (each JSON string decoded, notebook lines joined), normalised."""
    texts = []
    for path in folder.iterdir():
        raw = path.read_text(encoding="utf-8")
        try:
            texts += list(_strings(json.loads(raw)))
        except ValueError:
            texts.append(raw)
    return _plain_text(" ".join(texts))


def _strings(data):
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list) and all(isinstance(s, str) for s in data):
        yield "".join(data)  # a notebook cell's source: its lines, each ending in a newline
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)


@pytest.fixture(scope="module")
def graded(released, tmp_path_factory):
    out = {}
    for how in ("nbgrader", "coursekit"):
        root = tmp_path_factory.mktemp(how) / "course"
        shutil.copytree(released, root)
        course = root / "assignments"
        hand_in(root, "alice", KEY, RIGHT_CODE)
        hand_in(root, "bob", WRONG, WRONG_CODE)
        zero_share = {**RIGHT_CODE, "export_share": "def export_share(rows, *, reporter, partner, year):\n    return 0"}
        hand_in(root, "mallory", WRONG, zero_share, extra=attack(course), edit_tests=True)
        answers = course / "submitted/mallory" / QUIZ / f"{QUIZ}.answers.json"
        bank = course / "bank" / f"{QUIZ}.yaml"
        before = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (answers, bank)]
        cmd = [str(BIN / "nbgrader"), "autograde", QUIZ] if how == "nbgrader" else [
            str(BIN / "coursekit"), "grade", QUIZ, "--workers", "2", "--quiet"]  # fmt: skip
        done = run(cmd, course if how == "nbgrader" else root, timeout=900)
        after = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (answers, bank)]
        out[how] = {"root": root, "done": done, "unchanged": before == after}
    return out


@pytest.mark.parametrize("how", ["nbgrader", "coursekit"])
def test_right_wrong_and_hostile_students_get_what_their_work_earns(graded, how):
    """Does a right student get every auto-graded point, a wrong one only what her code earns, and an attacker
    nothing from her forged answers or her rewritten test, with the essay waiting for a grader?"""
    g = graded[how]
    assert g["done"].returncode == 0, g["done"].stdout[-3000:] + g["done"].stderr[-3000:]
    got = scores(g["root"] / "assignments" / "gradebook.db")
    essay = BANK.written()[0].id
    assert got["alice"] == {**FULL, **CODE_POINTS, essay: 0.0}
    assert got["bob"] == {**ZERO, "test_load_rows": 1.0, "test_export_share": 0.0, "test_plot": 0.0, essay: 0.0}
    assert got["mallory"] == {**ZERO, "test_load_rows": 1.0, "test_export_share": 0.0, "test_plot": 1.0, essay: 0.0}


def test_both_commands_write_the_same_gradebook(graded):
    """Do plain nbgrader and coursekit grade agree on every grade row of the capstone?"""
    a, b = (graded[h]["root"] / "assignments" / "gradebook.db" for h in ("nbgrader", "coursekit"))
    assert gradebook(a) == gradebook(b)


@pytest.mark.parametrize("how", ["nbgrader", "coursekit"])
def test_the_attackers_code_reaches_neither_the_bank_nor_her_answers_nor_the_disk(graded, how):
    """Did the added cell fail to read the bank or write outside its throwaway folder, leave the handed-in
    answers and the bank as they were, and print no key into what she and her grader read?"""
    g = graded[how]
    root = g["root"]
    assert g["unchanged"]
    assert not (root / "assignments" / "pwned.txt").exists() and not (root / "pwned.txt").exists()
    nb = json.loads((root / "assignments/autograded/mallory" / QUIZ / DATA_NB).read_text())
    text = json.dumps(nb)
    assert "FileNotFoundError" in text and "kind: graded" not in text
    secrets = [q.explanation for q in BANK.questions] + [BANK.written()[0].full_answer]
    assert not [s[:40] for s in secrets if s[:40] in text]
    graded_cells = [c for c in nb["cells"] if "nbgrader" in c["metadata"]]
    restored = {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"]) for c in graded_cells}
    assert "assert export_share(rows" in restored["test_export_share"]
    assert not Path("/tmp/capstone-pwned.txt").exists()  # written inside the sandbox's own /tmp, if anywhere
