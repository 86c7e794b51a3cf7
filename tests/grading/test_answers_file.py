"""Strict parsing of a handed-in answers file: bad values spoil only their question, and nothing ever raises."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursekit.grading.intake.answers_file import MAX_DEPTH, parse_answers, too_deep
from coursekit.notebook.answers import MAX_BYTES


def _file(answers: str) -> bytes:
    return ('{"schema": 1, "answers": {' + answers + "}}").encode()


def test_a_good_file_gives_every_answer():
    """Does a well-formed file give each value, nothing spoiled and no problem?"""
    got = parse_answers(_file('"a": "x", "b": [1, 2], "c": {"l": "r"}, "d": 1960, "e": 2.5'))
    assert got.values == {"a": "x", "b": [1, 2], "c": {"l": "r"}, "d": 1960, "e": 2.5}
    assert not got.spoiled and not got.problem and got.present


@pytest.mark.parametrize(
    ("literal", "why"),
    [
        ("9" * 5000, "a number with 5000 digits"),
        ("-" + "9" * 40, "a number with 40 digits"),
        ("NaN", "NaN is not a number a quiz can take"),
        ("Infinity", "Infinity is not a number a quiz can take"),
        ("-Infinity", "-Infinity is not a number a quiz can take"),
        ("1e999", "the number 1e999 is too large"),
        ('"\\ud800"', "the text contains an invalid character (a lone surrogate)"),
        ('{"l": "r", "l": "s"}', "a key is given twice"),
        ('["ok", {"k": NaN}]', "NaN is not a number a quiz can take"),
    ],
)
def test_a_spoiled_value_spoils_only_its_question(literal, why):
    """Does each value JSON allows but a quiz cannot mean give its question one reason, and leave the others?"""
    got = parse_answers(_file(f'"bad": {literal}, "good": "a"'))
    assert got.spoiled == {"bad": why} and got.values == {"good": "a"} and not got.problem


def test_a_question_given_twice_is_spoiled():
    """Is an answer given twice for one question ignored with a reason (which one counts is not guessed)?"""
    got = parse_answers(_file('"q": "a", "q": "b"'))
    assert got.spoiled == {"q": "this question's answer is given twice"} and got.values == {}


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (None, "no answers file was handed in"),
        (b"\xff\xfe", "answers file is not UTF-8 text"),
        (b'{"schema": 1, "answers": {', "answers file is not valid JSON (line 1, column 27)"),
        (b"[1, 2]", "answers file is not a JSON object"),
        (b'{"schema": true, "answers": {}}', "answers file is not a coursekit answers file (its schema must be 1)"),
        (b'{"schema": 1.0, "answers": {}}', "answers file is not a coursekit answers file (its schema must be 1)"),
        (b'{"schema": 2, "answers": {}}', "answers file is not a coursekit answers file (its schema must be 1)"),
        (b'{"schema": 1, "answers": []}', "answers file has no 'answers' object"),
        (b'{"schema": 1, "schema": 1, "answers": {}}', "answers file gives 'schema' twice"),
        (b'{"schema": 1, "answers": ' + b"[" * 99 + b"]" * 99 + b"}", f"answers file nests lists or objects more than {MAX_DEPTH} deep"),  # noqa: E501
        (b" " * (MAX_BYTES + 1), f"answers file is larger than {MAX_BYTES // 1024} kB"),
    ],
)  # fmt: skip
def test_a_bad_file_gives_no_answers_and_one_reason(raw, problem):
    """Does a file that cannot be an answers file give no answers and a reason a student can read?"""
    got = parse_answers(raw)
    assert got.problem == problem and got.values == {} and got.spoiled == {}


def test_depth_is_counted_outside_strings_only():
    """Are brackets inside strings (and escaped quotes) ignored when the depth is measured?"""
    assert not too_deep(json.dumps({"a": "[" * 100 + '\\"' + "{" * 100}), 3)
    assert too_deep("[[[[", 3)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(lambda s: _file(s)))
def test_any_bytes_never_raise(raw):
    """Whatever bytes are handed in, does parsing return (never raise) with values and spoiled apart?"""
    got = parse_answers(raw)
    assert not (set(got.values) & set(got.spoiled))
