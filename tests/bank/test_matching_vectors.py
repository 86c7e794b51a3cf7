"""Does the Python matcher give every answer in the shared vectors the verdict, forms and reasons written there?

The same file runs against the browser's copy in tests/widgets/test_matching_browser.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coursekit.bank.matching import intent, match_text, words
from coursekit.bank.numbers import read_number

VECTORS = json.loads((Path(__file__).parents[1] / "fixtures" / "matching-vectors.json").read_text(encoding="utf-8"))


def _intent(name: str):
    return intent(**{k: tuple(v) for k, v in VECTORS["intents"][name].items()})


def _case_id(case: dict) -> str:
    return f"{case['intent']}:{case['answer'][:40]}"


@pytest.mark.parametrize("case", VECTORS["text"], ids=_case_id)
def test_text_vectors(case):
    """Is each answer matched (or not) as the vector says: kind, forms, slip, optional words, remark left out?"""
    found = match_text(_intent(case["intent"]), case["answer"])
    got = {"kind": found.kind, "forms": list(found.forms), "slip": list(found.slip)}
    got |= {"optional": list(found.optional), "aside": found.aside}
    assert got == {k: case[k] for k in got}


@pytest.mark.parametrize("case", VECTORS["describe"], ids=_case_id)
def test_describe_vectors(case):
    """Does the feedback's "Matched:" line say in words which form an answer matched, as the vector says?"""
    assert match_text(_intent(case["intent"]), case["answer"]).describe() == case["says"]


@pytest.mark.parametrize("case", VECTORS["words"], ids=lambda c: c["text"])
def test_word_vectors(case):
    """Are case, width, accents, acronyms, possessives, plurals and invisible characters folded as the vector says?"""
    assert words(case["text"]) == case["words"]


@pytest.mark.parametrize("case", VECTORS["numbers"], ids=lambda c: repr(c["text"])[:30])
def test_number_vectors(case):
    """Is each typed number read (or refused) as the vector says, with how it was read?"""
    reading = read_number(case["text"], case["unit"])
    assert (reading.value, list(reading.how)) == (case["value"], case["how"])


def test_vectors_cover_every_outcome():
    """Do the vectors exercise every kind of match and every way of reading a number, so both copies are held to
    all of them?"""
    kinds = {c["kind"] for c in VECTORS["text"]}
    hows = {h for c in VECTORS["numbers"] for h in c["how"]}
    assert kinds == {"core", "alias", "refused", ""}
    assert hows == {"a trailing period", "a thousands separator", "in words", "the unit"}
    assert any(c["slip"] for c in VECTORS["text"]) and any(c["aside"] for c in VECTORS["text"])
