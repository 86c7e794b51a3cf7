"""Generating the quiz notebooks from the bank, releasing them with nbgrader, and the key-leak scan."""

from __future__ import annotations

import json

import pytest
from grading_helpers import GRADED, REPO

from coursekit.course import find_course
from coursekit.errors import CourseError
from coursekit.grading.scoring.key import load_quiz
from coursekit.release.generate import generate_assignments
from coursekit.release.nbgrader_release import find_leaks, release_assignments

KEY_FIELDS = {"answer", "answers", "accept", "explanation", "key", "tolerance", "hint"}


def test_committed_notebooks_match_the_bank(monkeypatch):
    """Do the notebooks in assignments/source/ match what the bank generates, byte for byte?"""
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("COURSEKIT_COURSE", raising=False)
    generate_assignments(names=list(GRADED), check=True)


def test_check_detects_drift(course):
    """After a bank edit, does `generate --check` fail naming the notebook, and does `generate` fix it?"""
    bank = course / "assignments" / "bank" / "pogo-problem.yaml"
    text = bank.read_text()
    assert "    points: 1\n    explanation: >-\n      The brief speaks of" in text
    bank.write_text(
        text.replace(
            "    points: 1\n    explanation: >-\n      The brief speaks of",
            "    points: 3\n    explanation: >-\n      The brief speaks of",
        )
    )
    with pytest.raises(CourseError, match=r"pogo-problem\.ipynb: differs from the bank; run `coursekit generate"):
        generate_assignments(names=None, check=True)
    generate_assignments(names=["pogo-problem"], check=False)
    generate_assignments(names=None, check=True)


def test_every_quiz_mixes_types_and_all_seven_appear(course):
    """Does each graded quiz have 6-12 questions of at least 4 types, one written answer, hints, and all seven types
    across the quizzes?"""
    seen = set()
    for name in GRADED:
        quiz = load_quiz(find_course(), name)
        types = {q.type for q in quiz.questions}
        assert 6 <= len(quiz.questions) <= 12 and len(types) >= 4, name
        assert len(quiz.written()) == 1, name
        assert all(q.hint for q in quiz.questions), name
        seen |= types
    assert seen == {"single", "multiple", "numeric", "text", "ordering", "matching", "written"}


def test_notebook_cells_are_locked_grade_cells_with_the_bank_points(course):
    """Is every auto-graded question a locked ask cell plus a locked grade cell, and the written one an unlocked
    answer cell, each worth the bank's points?"""
    quiz = load_quiz(find_course(), "way-forward")
    nb = json.loads((course / "assignments/source/way-forward/way-forward.ipynb").read_text())
    meta = [c["metadata"]["nbgrader"] for c in nb["cells"]]
    answers = [m for m in meta if m["solution"]]
    assert [(m["grade_id"], m["locked"], m["grade"]) for m in answers] == [("wf-written", False, True)]
    assert all(m["locked"] for m in meta if not m["solution"])
    grades = {m["grade_id"]: m["points"] for m in meta if m["grade"]}
    assert grades == {q.id: q.points for q in quiz.questions}
    sources = ["".join(c["source"]) for c in nb["cells"]]
    assert 'quiz = Quiz("way-forward")' in sources[1]
    first = quiz.questions[0].id
    assert sources[2:4] == [f'quiz.ask("{first}")', f'quiz.grade("{first}")']
    # a student sees the question, not the call: cells that only call the quiz show their input collapsed
    hidden = [c["metadata"].get("jupyter", {}).get("source_hidden", False) for c in nb["cells"]]
    assert hidden == [c["cell_type"] == "code" for c in nb["cells"]]


@pytest.mark.parametrize("name", GRADED)
def test_questions_file_holds_no_key(course, name):
    """Does the public questions file (released to students) hold no key field and no hidden key value?"""
    data = json.loads((course / "assignments/source" / name / f"{name}.questions.json").read_text())

    def fields(x):
        if isinstance(x, dict):
            return set(x) | {f for v in x.values() for f in fields(v)}
        return {f for v in x for f in fields(v)} if isinstance(x, list) else set()

    assert not fields(data) & KEY_FIELDS
    assert find_leaks(course / "assignments/source" / name, load_quiz(find_course(), name)) == []


@pytest.mark.nbgrader
@pytest.mark.slow
def test_release_contains_no_key_and_refuses_answers_in_source(course, capsys):
    """Does `coursekit release` refuse an answers file in source/, then release every quiz with no key in any file?"""
    stray = course / "assignments/source/treaty-years/treaty-years.answers.json"
    stray.write_text('{"schema": 1, "answers": {"ty-treaties-year": 1951}}')
    with pytest.raises(CourseError, match="answers file in source/ would be released"):
        release_assignments(names=None, force=False)
    assert not (course / "assignments" / "release").exists()
    stray.unlink()

    folders = release_assignments(names=None, force=False)
    assert sorted(f.name for f in folders) == sorted(GRADED)
    for folder in folders:
        quiz = load_quiz(find_course(), folder.name)
        assert sorted(p.name for p in folder.iterdir()) == [f"{folder.name}.ipynb", f"{folder.name}.questions.json"]
        assert find_leaks(folder, quiz) == []
        text = (folder / f"{folder.name}.ipynb").read_text().casefold()
        for q in quiz.questions:
            assert q.explanation.casefold() not in text
            for accepted in q.forms() if q.type == "text" else []:
                assert f'"{accepted.casefold()}"' not in text
    assert "released way-forward" in capsys.readouterr().out
    # what this environment's kernel will report, so that JupyterLab does not mark the notebook changed on opening
    from ipykernel.ipkernel import IPythonKernel

    for folder in folders:
        released = json.loads((folder / f"{folder.name}.ipynb").read_text())
        assert released["metadata"]["language_info"] == IPythonKernel.language_info
        source = json.loads((course / "assignments/source" / folder.name / f"{folder.name}.ipynb").read_text())
        assert source["metadata"]["language_info"] == {"name": "python"}  # generate --check: any instructor's Python

    with pytest.raises(CourseError, match="already released; add --force"):
        release_assignments(names=["pogo-problem"], force=False)


def test_leak_scan_catches_a_key_in_any_released_file(course, tmp_path):
    """Would the release scan catch an accepted answer, a year key, or a key field in an extra file?"""
    quiz = load_quiz(find_course(), "treaty-years")
    folder = tmp_path / "release"
    folder.mkdir()
    (folder / "notes.md").write_text("Reminder: the system is the San Francisco System.")
    (folder / "cheat.json").write_text(json.dumps({"q": {"answer": "korean-war"}}))
    (folder / "years.txt").write_text("signed in 1951")
    criterion = quiz.written()[0].rubric[0].criterion
    (folder / "grading.md").write_text(f"Rubric: {criterion}")
    (folder / "sheet.json").write_text(json.dumps({"q": {"rubric": []}}))
    leaks = " | ".join(find_leaks(folder, quiz))
    assert "notes.md: 'San Francisco'" in leaks  # a core term of ty-architecture
    assert "cheat.json: key field 'answer'" in leaks
    assert "years.txt: '1951'" in leaks
    assert f"grading.md: '{criterion[:40]}'" in leaks
    assert "sheet.json: key field 'rubric'" in leaks


def _typed_keys(q) -> set[str]:
    """Key values a student would have to produce themselves (accepted texts, numbers of 3+ characters)."""
    found = set(q.forms() if q.type == "text" else []) | ({str(q.key())} if q.type == "numeric" else set())
    return {k for k in found if len(k) >= 3}


@pytest.mark.parametrize("name", GRADED)
def test_feedback_texts_give_away_no_other_answer(course, name):
    """Does no hint (ever shown) or explanation (shown when right) contain the typed key of another question?"""
    quiz = load_quiz(find_course(), name)
    for q in quiz.questions:
        for other in quiz.questions:
            for key in _typed_keys(other):
                assert not _mentions(q.hint, key), f"hint of {q.id} gives away {other.id}: {key}"
                assert other is q or not _mentions(q.explanation, key), f"explanation of {q.id} gives away {other.id}"


def _mentions(text: str, key: str) -> bool:
    import re

    return re.search(rf"(?<!\w){re.escape(key.casefold())}(?!\w)", text.casefold()) is not None
