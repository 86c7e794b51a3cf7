"""`coursekit generate` for the capstone: the hand-written materials are copied into source/ exactly, and checked.

assignments/materials/since-the-brief/ is the one place the exercise and the data are written; source/ holds a
copy that nbgrader releases. A copy that drifts would release stale data, and a file that shadows the generated quiz
or is an answers file would release the wrong thing: both must be refused with one clear line.
"""

from __future__ import annotations

import shutil

import pytest
from grading_helpers import REPO
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from coursekit.errors import CourseError
from coursekit.release.generate import generate_assignments

QUIZ = "since-the-brief"


@pytest.fixture
def capstone(tmp_path, monkeypatch):
    """A course holding only the capstone's bank file, its materials and the reading; the cwd is inside it."""
    (tmp_path / "assignments" / "bank").mkdir(parents=True)
    (tmp_path / "book").mkdir()
    shutil.copy(REPO / "assignments" / "bank" / f"{QUIZ}.yaml", tmp_path / "assignments" / "bank")
    shutil.copytree(REPO / "assignments" / "materials", tmp_path / "assignments" / "materials")
    shutil.copy(REPO / "book" / "reading.md", tmp_path / "book")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COURSEKIT_COURSE", raising=False)
    return tmp_path


def test_committed_capstone_matches_the_bank_and_the_materials(monkeypatch):
    """Are the capstone's files in assignments/source/ what the bank and the materials generate, byte for byte?"""
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("COURSEKIT_COURSE", raising=False)
    generate_assignments(names=[QUIZ], check=True)
    names = sorted(p.name for p in (REPO / "assignments" / "source" / QUIZ).iterdir())
    assert names == sorted(
        ["DATA-README.md", "poll.csv", "since-the-brief-data.ipynb", "since-the-brief.ipynb",
         "since-the-brief.questions.json", "sources.csv", "trade.csv"]
    )  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=200))
@example(text="\r")  # found by Hypothesis: text-mode reading turned it into "\n" and --check saw drift
@example(text="a,b\r\n1,2\r\n")
def test_any_text_is_copied_exactly_and_any_change_is_caught(capstone, text):
    """Is any UTF-8 text (line ends, BOMs and all) copied byte for byte, and does --check then catch an edit?"""
    materials = capstone / "assignments" / "materials" / QUIZ
    (materials / "notes.txt").write_bytes(text.encode("utf-8"))
    generate_assignments(names=[QUIZ])
    copy = capstone / "assignments" / "source" / QUIZ / "notes.txt"
    assert copy.read_bytes() == text.encode("utf-8")
    generate_assignments(names=[QUIZ], check=True)
    copy.write_bytes(copy.read_bytes() + b"x")
    with pytest.raises(CourseError, match=r"notes\.txt: differs from the bank"):
        generate_assignments(names=[QUIZ], check=True)


@pytest.mark.parametrize("name", ["since-the-brief.ipynb", "since-the-brief.questions.json", "x.answers.json"])
def test_a_file_that_would_shadow_the_quiz_or_release_answers_is_refused(capstone, name):
    """Does a materials file named like the generated quiz, or an answers file, stop generate with the file's path?"""
    bad = capstone / "assignments" / "materials" / QUIZ / name
    bad.write_text("{}")
    with pytest.raises(CourseError, match=rf"{bad}: .*rename or remove it"):
        generate_assignments(names=[QUIZ])
    assert not (capstone / "assignments" / "source" / QUIZ / "trade.csv").exists()  # nothing half-written


def test_editor_leftovers_are_not_copied_to_students(capstone):
    """Are Jupyter's checkpoints and hidden files left out of source/ (and so of the release)?"""
    materials = capstone / "assignments" / "materials" / QUIZ
    (materials / ".ipynb_checkpoints").mkdir()
    (materials / ".ipynb_checkpoints" / "since-the-brief-data-checkpoint.ipynb").write_text("{}")
    (materials / ".DS_Store").write_bytes(b"\0")
    generate_assignments(names=[QUIZ])
    copied = {p.name for p in (capstone / "assignments" / "source" / QUIZ).rglob("*")}
    assert "trade.csv" in copied and not {".ipynb_checkpoints", ".DS_Store"} & copied


def test_binary_materials_get_one_clear_error(capstone):
    """Does a file that is not UTF-8 text stop generate with its path and what to do, instead of a traceback?"""
    bad = capstone / "assignments" / "materials" / QUIZ / "chart.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(CourseError, match=rf"{bad}: not UTF-8 text; save it as UTF-8"):
        generate_assignments(names=[QUIZ])
