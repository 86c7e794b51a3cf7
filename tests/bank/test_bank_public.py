"""Does a student's view of a question (`public()`) never carry its key, for the fixtures and the course's bank?"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest

from coursekit.bank.load import load_bank
from coursekit.bank.schema import Matching, Ordering
from coursekit.errors import BankError

REPO = Path(__file__).resolve().parents[2]
SECRET_FIELDS = {
    "answer",
    "answers",
    "accept",
    "core",
    "optional",
    "refuse",
    "match",
    "key",
    "explanation",
    "hint",
    "tolerance",
}
SECRET_FIELDS |= {"rubric", "full_answer"}


def _questions() -> list:
    banks = [REPO / "tests/fixtures/good-bank"]
    if list((REPO / "assignments/bank").rglob("*.yaml")):
        banks.append(REPO / "assignments/bank")
    found = []
    for folder in banks:
        with contextlib.suppress(BankError):  # test_bank_cli reports a broken course bank; here: what loads
            found += load_bank([folder]).questions.values()
    return found


QUESTIONS = _questions()


def _id(q) -> str:
    return q.id


@pytest.mark.parametrize("q", QUESTIONS, ids=_id)
def test_public_view_has_no_key_fields(q):
    """Does the student view lack every field that holds or explains the key?"""
    view = q.public()
    nested = [k for v in view.values() if isinstance(v, list) for item in v if isinstance(item, dict) for k in item]
    assert SECRET_FIELDS.isdisjoint([*view, *nested])
    assert {"id", "type", "prompt", "points"} <= set(view)


@pytest.mark.parametrize("q", [q for q in QUESTIONS if q.type in ("single", "multiple")], ids=_id)
def test_choice_key_appears_only_as_an_option_id(q):
    """Does a right option's id appear in the student view only where every option's id does?"""
    view = q.public()
    rest = json.dumps({k: v for k, v in view.items() if k != "options"})
    keys = [q.key()] if q.type == "single" else q.key()
    for key in keys:
        assert f'"{key}"' not in rest
        assert [o["id"] for o in view["options"]].count(key) == 1


@pytest.mark.parametrize("q", [q for q in QUESTIONS if isinstance(q, Ordering)], ids=_id)
def test_ordering_view_is_not_in_key_order(q):
    """Is an ordering question shown in an order other than the key, the same way every time?"""
    shown = [item["id"] for item in q.public()["items"]]
    assert shown != q.key()
    assert sorted(shown) == sorted(q.key())
    assert shown == [item["id"] for item in q.public()["items"]]


@pytest.mark.parametrize("q", [q for q in QUESTIONS if isinstance(q, Matching)], ids=_id)
def test_matching_right_column_does_not_line_up_with_the_key(q):
    """Is the right column shown in an order that does not pair up row by row with the left column?"""
    view = q.public()
    aligned = list(dict.fromkeys(q.key()[left["id"]] for left in view["left"]))
    shown = [r["id"] for r in view["right"]]
    assert shown[: len(aligned)] != aligned
    assert sorted(shown) == sorted(r.id for r in q.right)


def test_two_item_ordering_is_never_shown_in_key_order(make):
    """Is even a two-item ordering (a coin flip for a hash shuffle) shown reversed, whatever its id?"""
    items = [{"id": "first", "text": "First"}, {"id": "second", "text": "Second"}]
    for n in range(40):
        q = make("ordering", id=f"two-items-{n}", items=items)
        assert [i["id"] for i in q.public()["items"]] == ["second", "first"]


@pytest.mark.parametrize("qtype", ["single", "multiple", "numeric", "text", "ordering", "matching"])
def test_practice_view_adds_key_and_explanation(make, qtype):
    """Does the self-check view carry the key and explanation on top of the public view?"""
    q = make(qtype)
    # the browser's check needs them: a number's tolerance, a text question's whole intent
    extra = {"numeric": {"tolerance": getattr(q, "tolerance", 0)}, "text": {"match": getattr(q, "matching", dict)()}}
    extra = extra.get(qtype, {})
    assert q.practice() == {**q.public(), "key": q.key(), "explanation": q.explanation, **extra}
