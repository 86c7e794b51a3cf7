"""Does each question type score answers by the rules in scoring.py's docstring and the bank README?"""

from __future__ import annotations

import pytest

from coursekit.bank.text import normalize_text
from coursekit.grading.scoring.rules import Score, score


def test_unanswered_is_its_own_verdict(make):
    """Does a missing answer score 0 as 'unanswered', whatever the type?"""
    for qtype in ("single", "multiple", "numeric", "text", "ordering", "matching"):
        assert score(make(qtype), None) == Score(0.0, make(qtype).points, "unanswered")


def test_single(make):
    """Does a single-choice question give full points for the key only, and flag a non-option?"""
    q = make("single")
    assert score(q, "a") == Score(1.0, 1.0, "correct")
    assert score(q, "b") == Score(0.0, 1.0, "incorrect")
    assert score(q, "z").verdict == "invalid"
    assert score(q, ["a"]).verdict == "invalid"


@pytest.mark.parametrize(
    ("picked", "points", "verdict"),
    [
        (["ai", "g5"], 2.0, "correct"),
        (["g5", "ai"], 2.0, "correct"),
        (["ai"], 1.0, "partial"),
        (["ai", "g5", "nukes"], 1.0, "partial"),
        (["ai", "nukes"], 0.0, "incorrect"),
        (["nukes"], 0.0, "incorrect"),
        ([], 0.0, "incorrect"),
        (["ai", "ai"], 1.0, "partial"),
    ],
)
def test_multiple(make, picked, points, verdict):
    """Is a multiple-select scored (right - wrong) / right options, floored at 0, on a 2-point question?"""
    assert score(make("multiple"), picked) == Score(points, 2.0, verdict)


def test_multiple_rejects_unknown_options(make):
    """Is a list naming an option the question does not have invalid rather than scored?"""
    assert score(make("multiple"), ["ai", "zz"]).verdict == "invalid"
    assert score(make("multiple"), "ai").verdict == "invalid"


def test_numeric_exact_and_tolerance(make):
    """Is a year scored exactly, and a tolerance honoured on both sides (inclusive)?"""
    year = make("numeric")
    assert score(year, 1960).verdict == "correct"
    assert score(year, 1960.0).verdict == "correct"
    assert score(year, 1961).verdict == "incorrect"
    near = make("numeric", answer=3.5, tolerance=0.5)
    assert [score(near, v).verdict for v in (3.0, 4.0, 2.99, 4.01)] == ["correct", "correct", "incorrect", "incorrect"]


@pytest.mark.parametrize("value", ["about 1960", True, float("nan"), float("inf"), 10**400, [1960], {"v": 1960}])
def test_numeric_invalid_values(make, value):
    """Are words, booleans, NaN, infinities and huge integers invalid (0 points), never an exception?"""
    result = score(make("numeric"), value)
    assert (result.points, result.verdict) == (0.0, "invalid")


def test_text_ignores_case_spacing_and_punctuation(make):
    """Does a short answer match an accepted one regardless of case, spacing and punctuation?"""
    q = make("text")
    for answer in (
        "San Francisco System",
        "  san  francisco\nsystem ",
        "The San-Francisco System!",
        "“San Francisco System”",
    ):
        assert score(q, answer).verdict == "correct", answer
    assert score(q, "San Francisco").verdict == "incorrect"
    assert score(q, 42).verdict == "invalid"


@pytest.mark.parametrize(
    ("order", "points", "verdict"),
    [
        (["invasion", "sanfrancisco", "amended"], 1.0, "correct"),
        (["sanfrancisco", "invasion", "amended"], 0.3333, "partial"),  # 2 of 3 pairs right: tau = 1/3
        (["amended", "sanfrancisco", "invasion"], 0.0, "incorrect"),  # reversed: tau = -1, floored
        (["sanfrancisco", "amended", "invasion"], 0.0, "incorrect"),  # 1 of 3 right: tau = -1/3, floored
    ],
)
def test_ordering_kendall_tau(make, order, points, verdict):
    """Is an ordering scored by Kendall's tau against the key, floored at 0?"""
    assert score(make("ordering"), order) == Score(points, 1.0, verdict)


def test_ordering_needs_every_item_once(make):
    """Is an ordering that drops or repeats an item invalid?"""
    q = make("ordering")
    assert score(q, ["invasion", "amended"]).verdict == "invalid"
    assert score(q, ["invasion", "invasion", "amended"]).verdict == "invalid"


def test_matching_share_of_pairs(make):
    """Is a matching scored by the share of left items given the right partner, missing ones counting 0?"""
    q = make("matching")
    assert score(q, {"china": "one", "pogo": "three"}) == Score(1.0, 1.0, "correct")
    assert score(q, {"china": "one", "pogo": "two"}) == Score(0.5, 1.0, "partial")
    assert score(q, {"china": "one"}) == Score(0.5, 1.0, "partial")
    assert score(q, {"china": "three", "pogo": "one"}) == Score(0.0, 1.0, "incorrect")
    assert score(q, {"korea": "one"}).verdict == "invalid"
    assert score(q, {"china": 1}).verdict == "invalid"
    assert score(q, [["china", "one"]]).verdict == "invalid"


def test_points_scale_the_fraction(make):
    """Does a 4-point question give 2 points for half the pairs?"""
    q = make("matching", points=4)
    assert score(q, {"china": "one"}) == Score(2.0, 4.0, "partial")


def test_invalid_answers_say_why(make):
    """Does an invalid answer carry a note a grader can show?"""
    assert score(make("single"), "z").note == "'z' is not an option of this question"
    assert score(make("ordering"), ["invasion"]).note == "expected every item exactly once"


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("San Francisco System", "san francisco system"),
        ("  SAN\tFrancisco\n\nSystem  ", "san francisco system"),
        ("“San Francisco System”", "san francisco system"),
        ("hub-and-spokes", "hub and spokes"),
        ("hub—and—spokes", "hub and spokes"),
        ("*San Francisco* _System_", "san francisco system"),  # Markdown emphasis typed into an answer
        ("“the *Pogo* problem”", "the pogo problem"),
        ("Japan’s", "japan s"),
        ("Japan's", "japan s"),
        ("Ｐｏｇｏ", "pogo"),  # full-width letters from an East Asian keyboard
        ("Straße", "strasse"),
        ("U.S.", "u s"),  # differs from "US": list both spellings under `accept`
        ("5G!", "5g"),
        ("", ""),
    ],
)
def test_normalize_text(text, normal):
    """Does short-answer normalisation fold case, width, quotes, dashes and spacing as documented?"""
    assert normalize_text(text) == normal
