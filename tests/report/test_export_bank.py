"""Exports parsed back: every question, option, key and point value of every bank question is there."""

from __future__ import annotations

import pytest
from lms_readers import moodle_questions, plain, qti_items

from coursekit.bank.load import load_bank
from coursekit.bank.text import normalize_text
from coursekit.grading.export.bank import Source, bank_sources
from coursekit.grading.export.moodle import moodle_xml
from coursekit.grading.export.qti import canvas_package


def _sources(repo) -> list[Source]:
    """The course's whole bank (graded and practice) and the grading fixture quiz with its distractor."""
    fixture = load_bank([repo / "tests" / "fixtures" / "grading-course" / "mini-quiz.yaml"])
    mini = next(iter(fixture.files.values()))
    return [*bank_sources(repo / "assignments" / "bank"), Source("mini-quiz", mini.title, False, list(mini.questions))]


@pytest.fixture(scope="module")
def sources(repo):
    return _sources(repo)


def _check_canvas(q, item: dict) -> None:
    assert item["points"] == q.points and item["prompt"] == plain(q.prompt)
    assert item["feedback"] == plain(q.explanation)
    if q.type in ("single", "multiple"):
        assert item["choices"] == [plain(o.text) for o in q.options]
        keys = [q.answer] if q.type == "single" else q.answers
        assert sorted(item["key"]) == sorted(plain(o.text) for o in q.options if o.id in keys)
    elif q.type == "numeric":
        assert item["range"][0] <= q.answer <= item["range"][1]
        assert item["range"][1] - item["range"][0] == pytest.approx(2 * q.tolerance, abs=2e-4)
    elif q.type == "text":
        assert set(q.forms()) <= set(item["key"]) and {normalize_text(a) for a in q.forms()} <= set(item["key"])
    elif q.type == "matching":
        right = {r.id: plain(r.text) for r in q.right}
        assert item["pairs"] == {plain(o.text): right[q.answer[o.id]] for o in q.left}
        assert sorted(item["choices"]) == sorted(right.values())  # distractors included
    elif q.type == "ordering":
        assert item["pairs"] == {plain(o.text): f"position {i}" for i, o in enumerate(q.items, start=1)}


def test_canvas_export_has_every_question(sources):
    """Does each QTI package parse with lxml and hold every question with its options, key and points?"""
    kinds = {"single": "multiple_choice_question", "multiple": "multiple_answers_question"}
    kinds |= {"numeric": "numerical_question", "text": "short_answer_question", "matching": "matching_question"}
    kinds |= {"ordering": "matching_question", "written": "essay_question"}
    for source in sources:
        package, _ = canvas_package(source.title, "description", source.questions)
        items = qti_items(package)
        assert list(items) == [q.id for q in source.questions], source.name
        for q in source.questions:
            assert items[q.id]["type"] == kinds[q.type], q.id
            _check_canvas(q, items[q.id])


def _check_moodle(q, record: dict) -> None:
    assert record["points"] == q.points and record["prompt"] == plain(q.prompt)
    assert record["feedback"] == plain(q.explanation)
    if q.type in ("single", "multiple"):
        assert record["choices"] == [plain(o.text) for o in q.options]
        keys = {q.answer} if q.type == "single" else set(q.answers)
        share = 100 / len(keys)
        expected = {
            plain(o.text): (share if o.id in keys else (0 if q.type == "single" else -share)) for o in q.options
        }
        assert record["fractions"] == pytest.approx(expected, abs=1e-4)
        assert record["single"] == ("true" if q.type == "single" else "false")
    elif q.type == "numeric":
        assert float(record["choices"][0]) == q.answer and record["tolerance"] == [q.tolerance]
    elif q.type == "text":
        assert set(q.forms()) <= set(record["choices"]) and set(record["fractions"].values()) == {100.0}
    elif q.type == "matching":
        right = {r.id: plain(r.text) for r in q.right}
        assert record["pairs"] == {plain(o.text): right[q.answer[o.id]] for o in q.left}
        assert set(record["choices"]) == set(right.values())  # Moodle lists a right item once per left item
    elif q.type == "ordering":
        assert record["order"] == [plain(o.text) for o in q.items]


def test_moodle_export_has_every_question(sources):
    """Does each Moodle XML file parse with lxml and hold every question with its options, key and points?"""
    kinds = {"single": "multichoice", "multiple": "multichoice", "numeric": "numerical", "text": "shortanswer"}
    kinds |= {"matching": "matching", "ordering": "ordering", "written": "essay"}
    for source in sources:
        xml, _ = moodle_xml(source.questions, f"coursekit/{source.name}")
        records = moodle_questions(xml)
        assert list(records) == [q.id for q in source.questions], source.name
        for q in source.questions:
            assert records[q.id]["type"] == kinds[q.type], q.id
            _check_moodle(q, records[q.id])


def test_notes_name_each_question_a_target_cannot_represent(sources):
    """Is there exactly one note per ordering question on each target, saying what was done?"""
    for source in sources:
        orderings = [q.id for q in source.questions if q.type == "ordering"]
        _, canvas = canvas_package(source.title, "", source.questions)
        _, moodle = moodle_xml(source.questions, "c")
        for notes in (canvas, moodle):
            about = [n for n in notes if n.split(":")[0] in orderings]
            assert [n.split(":")[0] for n in about] == orderings
        assert all("matching of position numbers" in n for n in canvas if n.split(":")[0] in orderings)


def test_ordering_and_matching_do_not_reveal_the_key_by_order(sources):
    """Are ordering items and matching right columns shown in the students' shuffled order, never the key's?"""
    for source in sources:
        package, _ = canvas_package(source.title, "", source.questions)
        items = qti_items(package)
        for q in source.questions:
            if q.type == "ordering":
                assert list(items[q.id]["pairs"]) != [plain(o.text) for o in q.items]
