"""Scoring into notebooks, in-process: a submission is rebuilt from the source, and nbgrader reads our points."""

from __future__ import annotations

import copy

import nbformat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader.utils import determine_grade

from coursekit.grading.intake.answers_file import HandedIn
from coursekit.grading.quiz_notebook import MAX_WRITTEN, fill, quiz_of, rebuild, submission_notes
from coursekit.grading.scoring.rules import score


def _meta(grade_id: str, **extra) -> dict:
    return {"nbgrader": {"grade_id": grade_id, "locked": True, "schema_version": 3, "solution": False,
                         "grade": False, "task": False, **extra}}  # fmt: skip


@pytest.fixture
def source():
    nb = new_notebook(cells=[
        new_markdown_cell("# Quiz", metadata=_meta("intro")),
        new_code_cell('quiz.ask("q1")', metadata=_meta("ask-q1")),
        new_code_cell('quiz.grade("q1")', metadata=_meta("q1", grade=True, points=2.0)),
        new_markdown_cell("Write here.", metadata=_meta("w1", grade=True, solution=True, locked=False, points=3.0)),
    ])  # fmt: skip
    nb.metadata["coursekit"] = {"quiz": "mini"}
    return nb


def test_only_the_source_says_a_notebook_is_a_quiz(source):
    """Is a notebook a quiz only when its (trusted) source metadata names one?"""
    assert quiz_of(source) == "mini"
    assert quiz_of(new_notebook()) is None
    assert quiz_of(nbformat.from_dict({"metadata": {"coursekit": {"quiz": 5}}})) is None


def test_added_and_duplicated_cells_are_dropped_and_counted(source):
    """Are cells a student added (or duplicated) left out of the graded notebook and counted?"""
    student = copy.deepcopy(source)
    student.cells.append(new_code_cell("import os; os.system('rm -rf /')"))
    student.cells.append(copy.deepcopy(source.cells[2]))  # the same grade id twice
    student.cells[2].source = "2.0"  # an edited locked grade cell
    student.cells[2].metadata.nbgrader["points"] = 99
    nb, ignored = rebuild(source, student)
    assert ignored == 2
    assert [c.source for c in nb.cells] == [c.source for c in source.cells]
    assert nb.cells[2].metadata.nbgrader["points"] == 2.0


WHITESPACE = st.text(alphabet=" \t\n\r\u00a0\u2003", max_size=6)
SOURCE = st.one_of(st.text(max_size=30), st.lists(st.text(max_size=10), max_size=3))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)  # copied, never changed
@given(blank=st.lists(st.tuples(st.sampled_from(["code", "markdown", "raw"]), WHITESPACE), max_size=4),
       added=st.lists(SOURCE, max_size=4), where=st.integers(0, 4))  # fmt: skip
def test_empty_added_cells_are_not_counted_and_others_are(source, blank, added, where):
    """Are blank cells a student adds (JupyterLab's Shift+Enter in the last cell) left out of the count, every
    other added cell (a blank one carrying outputs too) counted, and the graded notebook the same either way?"""
    student = copy.deepcopy(source)
    for kind, text in blank:
        cell = {"code": new_code_cell, "markdown": new_markdown_cell, "raw": nbformat.v4.new_raw_cell}[kind](text)
        student.cells.insert(min(where, len(student.cells)), cell)
    for text in added:
        student.cells.insert(min(where, len(student.cells)), new_code_cell(text))
    forged = new_code_cell(" ", outputs=[nbformat.v4.new_output("display_data", {"text/plain": "answers"})])
    student.cells.append(forged)  # blank, but with outputs (forged saved answers): worth a note
    nb, ignored = rebuild(source, student)
    words = ["".join(t) if isinstance(t, list) else t for t in added]
    assert ignored == sum(1 for t in words if t.strip()) + 1
    assert [c.source for c in nb.cells] == [c.source for c in source.cells]


def test_added_cells_get_a_neutral_note_and_problems_a_warning():
    """Is the note about added cells worded as information, in a neutral box, while a missing answers file keeps the
    warning box?"""
    from coursekit.grading.feedback.bundle import notes_html

    only_cells = submission_notes(HandedIn(values={"q1": 1}), 2, [])
    assert only_cells == ["The 2 cells you added to the notebook are not graded: grading reads your recorded answers "
                          "and the notebook as released."]  # fmt: skip
    assert 'class="ck-fb-notes ck-fb-info"' in notes_html(only_cells)
    mixed = submission_notes(HandedIn(present=False), 1, [])
    assert 'class="ck-fb-notes"' in notes_html(mixed) and "ignored" not in " ".join(mixed)


def test_written_responses_are_kept_and_bounded(source):
    """Is the student's written response kept (made inert HTML, cut past the limit) and nothing else of theirs?"""
    student = copy.deepcopy(source)
    student.cells[3].source = "My answer."
    assert rebuild(source, student)[0].cells[3].source == '<div class="ck-written"><p>My answer.</p></div>'
    student.cells[3].source = "x" * (MAX_WRITTEN + 10)
    kept = rebuild(source, student)[0].cells[3].source
    assert "x" * MAX_WRITTEN in kept and "x" * (MAX_WRITTEN + 1) not in kept
    assert "only the first" in kept and len(kept) < MAX_WRITTEN + 200
    student.cells[3].cell_type = "code"  # a response turned into code is not taken
    assert rebuild(source, nbformat.from_dict({"cells": [dict(student.cells[3])]}))[0].cells[3].source == "Write here."


def test_nbgrader_reads_exactly_our_points(source):
    """Does nbgrader's own determine_grade read the points we write, for right, partial and spoiled answers?"""
    from coursekit.bank.schema import MultipleSelect

    q = MultipleSelect.model_validate({
        "id": "q1", "type": "multiple", "prompt": "Pick", "points": 2, "explanation": "Because.", "chapter": "history",
        "answers": ["a", "b"],
        "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}, {"id": "c", "text": "C"}],
        "source": {"section": "History of the Alliances", "quote": "were forged in war"},
    })  # fmt: skip
    for value, expected in ((["a", "b"], 2.0), (["a"], 1.0), (["c"], 0.0)):
        nb, _ = rebuild(source, None)
        fill(nb, [q], {"q1": score(q, value)}, HandedIn(values={"q1": value}), show_key=False, notes=["A note."])
        cell = nb.cells[2]
        assert determine_grade(cell) == (expected, 2.0)
        assert "A note." in cell.outputs[0]["data"]["text/plain"]
        nbformat.validate(nb)


def test_notes_say_what_happened_to_the_submission():
    """Do the submission notes name a missing file, an unreadable one, unknown ids and ignored cells?"""
    notes = submission_notes(HandedIn(present=False, problem="x"), 0, [])
    assert notes == ["No answers file was handed in, so every question scores 0."]
    notes = submission_notes(HandedIn(problem="answers file is not UTF-8 text"), 1, ["zz"])
    assert notes[0] == "Your answers could not be read: answers file is not UTF-8 text. Every question scores 0."
    assert "zz" in notes[1] and notes[2].startswith("The cell you added to the notebook is not graded")
