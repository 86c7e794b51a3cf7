"""Is a written question a model like the others, kept away from students and from automatic scoring?"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from coursekit.bank.schema import BankFile, Written
from coursekit.grading.scoring.rules import score

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
WRITTEN = FIXTURES / "good-bank" / "written.yaml"


@pytest.fixture
def quiz() -> BankFile:
    """The good fixture's graded quiz with one written question, plus one auto-graded question."""
    data = yaml.safe_load(WRITTEN.read_text(encoding="utf-8"))
    every = yaml.safe_load((FIXTURES / "good-bank" / "every-type.yaml").read_text(encoding="utf-8"))
    data["questions"].insert(0, every["questions"][0])
    return BankFile.model_validate(data)


def test_written_lists_the_hand_graded_questions(quiz):
    """Do written() and auto_graded() split a quiz into what a grader scores and what is computed, in order?"""
    assert [q.id for q in quiz.written()] == ["fx-written"]
    assert [q.id for q in quiz.auto_graded()] == ["fx-single"]
    assert [(q.id, q.points) for q in quiz.written()] == [("fx-written", 3.0)]


def test_written_is_never_scored_automatically(quiz):
    """Does any answer to a written question, or none, score 0 with the verdict 'manual' and its full points?"""
    q = quiz.written()[0]
    for value in (None, "A long and excellent answer.", "", 3, ["x"]):
        result = score(q, value)
        assert (result.points, result.max_points, result.verdict) == (0.0, 3.0, "manual")


def test_public_view_leaves_out_rubric_and_full_answer(quiz):
    """Does the student's view of a written question hold its prompt and points, and nothing for graders?"""
    q = quiz.written()[0]
    assert q.public() == {"id": "fx-written", "type": "written", "prompt": q.prompt, "points": 3.0}
    text = json.dumps(q.public())
    assert q.full_answer not in text and all(c.criterion not in text for c in q.rubric)
    assert q.key() is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rubric": []}, "at least 1 item"),
        ({"full_answer": ""}, "at least 1 character"),
        ({"points": 4}, "the rubric's criteria add up to 3 points but the question is worth 4"),
        ({"rubric": [{"points": 3, "criterion": "x", "weight": 1}]}, "Extra inputs are not permitted"),
    ],
)
def test_rubric_rules(changes, message):
    """Must a written question have a rubric whose points add up, and a full answer?"""
    raw = {**yaml.safe_load(WRITTEN.read_text(encoding="utf-8"))["questions"][0], **changes}
    with pytest.raises(ValidationError, match=message):
        Written.model_validate(raw)
