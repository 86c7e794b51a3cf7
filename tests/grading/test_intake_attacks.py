"""Hostile submission trees through nbgrader's real `autograde` and `coursekit grade` (issue 17), named and generated.

One class of the mini quiz: honest students, and attackers who hand in the right answers plus a tree built to leak
(links to a canary file outside the course, to the bank, the gradebook, another student's private file,
/etc/passwd, /dev/zero; hard links) or to stall the class (thousands of folders, a 10 MB timestamp.txt, a notebook
of 400,000 cells). The class is graded by both commands, then `nbgrader generate_feedback`. Invariants: no canary
byte in anything graded or released; the honest students' gradebook rows, notebooks and pages are identical to
a run without the attackers; a submission over budget is refused whole, named with its reason in one line, kept
in quarantine, and absent from the gradebook.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

import hostile_trees as ht
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from quiz_course import BIN, FULL, KEY, QUIZ, WRONG, ZERO, autograded, build, gradebook, hand_in, must, run, scores

from coursekit.grading.intake.budget import Budget

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]

HONEST = {"alice": KEY, "bob": WRONG}
PRIVATE = b"ALICE-PRIVATE-4b1d"  # alice's own notes: in no one else's output
BANK = b"A small graded quiz with one question of each type"  # a line of the bank (the key's file)
SECRETS = (ht.CANARY, BANK, PRIVATE, b"SQLite format 3", b"root:x:0:0")
OLD_WALK_LIMIT = 20_000  # the old quarantine walk stopped after this many entries
REFUSED = {  # attacker -> what the one line must say
    "mal-behind": "more than 1,000 files and folders",
    "mal-wide": "more than 1,000 files and folders",
    "mal-stamp": "timestamp.txt is larger than 100 bytes",
    "mal-cells": "a notebook larger than 5 MB (c.Intake.max_notebook_bytes): 'mini-quiz.ipynb'",
    "mal-pipe": "timestamp.txt is a named pipe (FIFO)",
    "mal-linked": "the submission folder is a symbolic link",
}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """The mini-quiz course, released, with the canary outside it."""
    top = tmp_path_factory.mktemp("intake")
    (top / "canary.txt").write_bytes(ht.CANARY)
    return build(top / "course")


def _honest(root: Path) -> None:
    for student, answers in HONEST.items():
        hand_in(root, student, answers)
    (root / "assignments/submitted/alice" / QUIZ / "notes.txt").write_bytes(PRIVATE)


def _leaks(folder: Path, root: Path, canary: Path) -> None:
    """Links to every secret, a hard link to the canary, and a link to /dev/zero, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    a = root / "assignments"
    targets = {
        "canary": canary,
        "bank": a / "bank" / f"{QUIZ}.yaml",
        "gb": a / "gradebook.db",
        "notes": a / "submitted/alice" / QUIZ / "notes.txt",
        "passwd": "/etc/passwd",
        "zero": "/dev/zero",
    }
    for name, target in targets.items():
        os.symlink(target, folder / f"{name}.txt")
    os.symlink(os.path.relpath(targets["bank"], folder), folder / "bank-rel.txt")
    os.link(canary, folder / "hard.txt")


def _attackers(root: Path, canary: Path) -> None:
    deep = hand_in(root, "mal-deep", KEY)  # within budget: 900 folders, and the leaks nine folders deep
    for i in range(900):
        (deep / "wide" / f"e{i}").mkdir(parents=True)
    _leaks(deep.joinpath(*["d"] * 9), root, canary)
    behind = hand_in(root, "mal-behind", KEY)  # the old walk never reached the leaks
    for i in range(OLD_WALK_LIMIT + 10):
        (behind / f"e{i}").mkdir()
    _leaks(behind / "zz", root, canary)
    wide = hand_in(root, "mal-wide", KEY)  # nbgrader's listing is quadratic: 4,000 folders cost it 40 s
    for i in range(4000):
        (wide / f"e{i}").mkdir()
    (hand_in(root, "mal-stamp", KEY) / "timestamp.txt").write_bytes(b"2021-04-01 " + b"1" * 10_000_000)
    _cells(hand_in(root, "mal-cells", KEY) / f"{QUIZ}.ipynb", 60_000)  # 5.6 MB: the 400,000 cost nbgrader 43 s
    os.mkfifo(hand_in(root, "mal-pipe", KEY) / "timestamp.txt")
    (root / "assignments/submitted/mal-linked").mkdir()
    os.symlink(root / "assignments/submitted/alice" / QUIZ, root / "assignments/submitted/mal-linked" / QUIZ)


def _cells(path: Path, n: int) -> None:
    nb = json.loads(path.read_text())
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": "x"}
    nb["cells"] += [cell] * n
    path.write_text(json.dumps(nb))


def grade(root: Path, how: str):
    """Grade the class with ``how`` (nbgrader or coursekit), then generate feedback; return the grading run."""
    if how == "nbgrader":
        done = run([str(BIN / "nbgrader"), "autograde", QUIZ], root / "assignments", timeout=600)
    else:
        done = run([str(BIN / "coursekit"), "grade", QUIZ, "--quiet"], root, timeout=600)
    must(run([str(BIN / "nbgrader"), "generate_feedback", QUIZ], root / "assignments"))
    return done


def outputs(root: Path, student: str) -> dict[str, bytes]:
    """Everything graded or released for ``student``: autograded and feedback files, by path."""
    found = {}
    for part in ("autograded", "feedback"):
        for path in sorted((root / "assignments" / part / student).rglob("*")):
            assert path.is_dir() or (path.is_file() and not path.is_symlink()), path  # nothing but files
            if path.is_file():
                found[str(path.relative_to(root / "assignments"))] = path.read_bytes()
    return found


def honest_view(root: Path) -> tuple:
    """The honest students' gradebook rows, autograded notebooks and feedback pages."""
    rows = {k: v for k, v in gradebook(root / "assignments" / "gradebook.db").items() if _honest_key(k)}
    notebooks = {k: v for k, v in autograded(root).items() if Path(k).parts[2] in HONEST}
    pages = {k: v for s in HONEST for k, v in outputs(root, s).items() if k.startswith("feedback")}
    return rows, notebooks, pages


def _honest_key(key: tuple) -> bool:
    return any(part in HONEST for part in key)


@pytest.fixture(scope="module")
def without_attackers(base, tmp_path_factory):
    """The honest students alone: what no attacker may change. One command suffices: test_adversarial.py shows the
    two write identical gradebooks and notebooks, and the pages come from the same generate_feedback."""
    root = tmp_path_factory.mktemp("alone") / "course"
    shutil.copytree(base, root)
    _honest(root)
    must(grade(root, "coursekit"))
    return honest_view(root)


@pytest.fixture(scope="module", params=["nbgrader", "coursekit"])
def attacked(request, base, tmp_path_factory):
    """(course, grading run) of the class with the named attackers, graded by one command."""
    root = tmp_path_factory.mktemp(f"attacked-{request.param}") / "course"
    shutil.copytree(base, root)
    _honest(root)
    _attackers(root, base.parent / "canary.txt")
    return request.param, root, grade(root, request.param)


def test_no_secret_reaches_anything_graded_or_released(attacked):
    """Is every file graded or released for an attacker free of the canary, bank, gradebook, alice's notes, passwd?"""
    _, root, _ = attacked
    for student in ("mal-deep", *REFUSED, "bob"):
        for path, data in outputs(root, student).items():
            assert not [s for s in SECRETS if s in data], path
    ledger = root / "assignments/.coursekit/ledger"
    assert not [p for p in ledger.rglob("*.json") if ht.CANARY in p.read_bytes()]


def test_honest_students_are_graded_as_if_the_attackers_were_not_there(attacked, without_attackers):
    """Are the honest students' gradebook rows, autograded notebooks and feedback pages exactly those of a run
    without any attacker?"""
    _, root, _ = attacked
    assert honest_view(root) == without_attackers


def test_links_within_budget_are_moved_aside_and_the_rest_graded(attacked):
    """Is the submission with leaks nine folders deep beside 900 folders graded in full, its leaks moved aside?"""
    _, root, done = attacked
    assert scores(root / "assignments" / "gradebook.db")["mal-deep"] == FULL
    moved = json.loads((root / "assignments/.coursekit/quarantine" / QUIZ / "mal-deep/moved.json").read_text())
    deep = "/".join(["d"] * 9)
    assert moved[f"{deep}/zero.txt"] == {"kind": "a symbolic link", "target": "/dev/zero"}
    assert moved[f"{deep}/hard.txt"]["kind"].startswith("a hard link")
    assert len([k for k in moved if k.startswith(deep)]) == 8


def test_a_submission_over_budget_is_refused_whole_in_one_line(attacked):
    """Is each submission over budget refused whole: one line naming it and why, moved intact to quarantine, not
    graded at all (no gradebook row, no autograded folder)?"""
    how, root, done = attacked
    said = done.stdout if how == "coursekit" else done.stderr
    assert "Traceback" not in said
    graded = scores(root / "assignments" / "gradebook.db")
    for student, why in REFUSED.items():
        named = f"{student}/{QUIZ}" if how == "nbgrader" else student  # nbgrader's log line names the folder
        assert len([ln for ln in said.splitlines() if f"{named}: refused at intake: {why}" in ln]) == 1, said[-3000:]
        assert student not in graded and not (root / "assignments/autograded" / student).exists()
        assert not os.path.lexists(root / "assignments/submitted" / student / QUIZ)
    (kept,) = (root / "assignments/.coursekit/quarantine" / QUIZ / "mal-behind" / "refused").iterdir()
    handed = len(list((root / "assignments/release" / QUIZ).iterdir())) + 1  # the released files and the answers
    assert len(list(kept.iterdir())) == OLD_WALK_LIMIT + 10 + handed + 1  # all of it, the folder with the leaks too
    assert done.returncode == (1 if how == "coursekit" else 0)  # coursekit grade counts a refused one as failed


def test_audit_lists_the_refused_submissions(attacked):
    """Does `coursekit audit` list each refused submission with its reason, and still check the graded ones?"""
    _, root, _ = attacked
    done = run([str(BIN / "coursekit"), "audit", QUIZ], root, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    section = done.stdout.split("Refused at intake, not graded:")[1]
    for student, why in REFUSED.items():
        assert f"  {student}: " in section and why in section


def test_a_resubmission_is_decided_before_nbgrader_reads_its_timestamp(base, tmp_path):
    """When alice resubmits with a FIFO as timestamp.txt, does a second plain `nbgrader autograde` (no --force: it
    reads timestamp.txt before any hook) refuse it and finish, keeping her first grade, instead of blocking forever?"""
    root = tmp_path / "course"
    shutil.copytree(base, root)
    hand_in(root, "alice", KEY)
    must(run([str(BIN / "nbgrader"), "autograde", QUIZ], root / "assignments", timeout=300))
    shutil.rmtree(root / "assignments/submitted/alice")
    os.mkfifo(hand_in(root, "alice", WRONG) / "timestamp.txt")
    again = run([str(BIN / "nbgrader"), "autograde", QUIZ], root / "assignments", timeout=120)  # a hang fails here
    assert "alice/mini-quiz: refused at intake: timestamp.txt is a named pipe (FIFO)" in again.stderr
    assert scores(root / "assignments" / "gradebook.db")["alice"] == FULL


SMALL = Budget(max_entries=40, max_depth=4, max_total_bytes=60_000, max_file_bytes=30_000, max_notebook_bytes=30_000,
               max_name_length=40)  # fmt: skip


def _small_config(root: Path) -> None:
    lines = [f"c.Intake.{name} = {value}" for name, value in asdict(SMALL).items()]
    with open(root / "assignments" / "nbgrader_config.py", "a") as f:
        f.write("\n" + "\n".join(lines) + "\n")


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(spec=ht.trees, answers=st.sampled_from([KEY, WRONG]), how=st.sampled_from(["nbgrader", "coursekit"]))
def test_generated_attacks_change_nothing_but_the_attackers_own_grade(base, without_attackers, spec, answers, how):
    """For generated hostile trees, under a small budget set in the course config, does each command make the
    model's decision, grade an admitted attacker by its answers, leak no canary, and leave the honest students
    exactly as without the attacker?"""
    top = Path(tempfile.mkdtemp(prefix="intake-attack-"))
    try:
        root = top / "course"
        shutil.copytree(base, root)
        _honest(root)
        _small_config(root)
        folder = hand_in(root, "mal", answers)
        tree = {k: v for k, v in ht.full_tree(spec).items() if not k.startswith(QUIZ)}
        made = ht.build(folder, tree, canary=base.parent / "canary.txt", other=folder.parent.parent / "alice")
        made += [ht.Made(p.name, "file", p.stat().st_size) for p in folder.glob(f"{QUIZ}*")]
        refused = ht.refused(made, SMALL, folder)
        grade(root, how)
        graded = scores(root / "assignments" / "gradebook.db")
        assert ("mal" not in graded) == refused
        assert refused or graded["mal"] == (FULL if answers is KEY else ZERO)
        assert honest_view(root) == without_attackers
        for student in ("mal", *HONEST):
            for path, data in outputs(root, student).items():
                assert ht.CANARY not in data and (student == "alice" or PRIVATE not in data), path
    finally:
        shutil.rmtree(top)
