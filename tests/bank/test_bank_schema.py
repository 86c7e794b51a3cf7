"""Does the schema accept the documented bank format and reject what would break grading?"""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from coursekit.bank.parse import parse_file
from coursekit.bank.schema import BankFile, json_schema


def test_keys_have_the_shape_answers_have(make):
    """Is each type's key in the same shape as a student's answer value?"""
    assert make("single").key() == "a"
    assert make("multiple").key() == ["ai", "g5"]
    assert make("numeric").key() == 1960 and isinstance(make("numeric").key(), int)
    assert make("numeric", answer=2.5).key() == 2.5
    assert make("text").key() == ["San Francisco System", "the San Francisco System"]
    assert make("ordering").key() == ["invasion", "sanfrancisco", "amended"]
    assert make("matching").key() == {"china": "one", "pogo": "three"}


@pytest.mark.parametrize(
    ("qtype", "changes", "message"),
    [
        ("single", {"answer": "z"}, "answer 'z' is not among the options (a, b, c)"),
        ("single", {"options": [{"id": "a", "text": "A"}, {"id": "a", "text": "B"}]}, "'a' is used more than once"),
        ("multiple", {"answers": []}, "at least 1 item"),
        ("numeric", {"points": 0}, "greater than 0"),
        ("numeric", {"points": 101}, "less than or equal to 100"),
        ("text", {"accept": [""]}, "at least 1 character"),
        ("ordering", {"items": [{"id": "only", "text": "One"}]}, "at least 2 items"),
        ("matching", {"answer": {"china": "one"}}, "`answer` does not say what 'pogo' matches"),
        ("single", {"chapter": "history", "source": {"section": "History", "quote": "were forged in war"}}, "section"),
        ("single", {"source": {"section": "Summary", "quote": "short"}}, "at least 8 characters"),
    ],
)
def test_rules_that_protect_grading(make, qtype, changes, message):
    """Is each rule that keeps a question gradable enforced with a message naming the fix?"""
    with pytest.raises(ValidationError, match=re.escape(message)):
        make(qtype, **changes)


def test_file_kind_and_assignment_go_together(good_raw):
    """Must a graded file name its assignment, and must a practice file not?"""
    question = good_raw["numeric"]
    with pytest.raises(ValidationError, match="must name its nbgrader `assignment`"):
        BankFile.model_validate({"kind": "graded", "title": "t", "questions": [question]})
    with pytest.raises(ValidationError, match="a practice file has no `assignment`"):
        BankFile.model_validate({"kind": "practice", "assignment": "x", "title": "t", "questions": [question]})
    graded = BankFile.model_validate({"kind": "graded", "assignment": "x", "title": "t", "questions": [question]})
    assert graded.questions[0].id == "fx-numeric"


def test_models_are_frozen(make):
    """Can a loaded question not be changed by accident (e.g. by a grader's code)?"""
    q = make("single")
    with pytest.raises(ValidationError):
        q.answer = "b"


def test_json_schema_names_every_type():
    """Does the editor schema know every question type and forbid unknown top-level fields?"""
    schema = json_schema()
    assert schema["additionalProperties"] is False
    types = {d["properties"]["type"]["const"] for d in schema["$defs"].values() if "type" in d.get("properties", {})}
    assert types == {"single", "multiple", "numeric", "text", "ordering", "matching", "written"}


def test_unreadable_file_is_a_problem_not_a_crash(tmp_path):
    """Is a path that cannot be read as a file (here a folder) reported, not raised?"""
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    parsed, problems = parse_file(folder)
    assert parsed is None
    assert [str(p) for p in problems] == [
        f"{folder}: cannot read the file (Is a directory). Check the path and its permissions."
    ]
