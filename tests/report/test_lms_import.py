"""Every exported question type, read back by the importers' own deciding rules (canvas_import.py, moodle_import.py).

The question: once Canvas or Moodle has imported the file, does it grade as the bank says?
"""

from __future__ import annotations

import itertools

import pytest
from canvas_import import canvas_items, canvas_matching
from hypothesis import given, settings
from hypothesis import strategies as st
from lms_readers import plain
from lxml import etree
from moodle_import import (
    items_shown,
    multichoice,
    multichoice_fraction,
    ordering_fraction,
    ordering_options,
    questions,
    valid_fraction,
)
from test_export_bank import _sources

from coursekit.grading.export.moodle import moodle_xml
from coursekit.grading.export.qti import canvas_package
from coursekit.grading.scoring.rules import score


@pytest.fixture(scope="module")
def sources(repo):
    return _sources(repo)


def _canvas_key(q):
    """What Canvas must keep for ``q`` so that it grades as coursekit does."""
    if q.type == "matching":
        right = {r.id: plain(r.text) for r in q.right}
        return "matching_question", {plain(o.text): right[q.answer[o.id]] for o in q.left}
    if q.type == "ordering":
        return "matching_question", {plain(o.text): f"position {i}" for i, o in enumerate(q.items, start=1)}
    if q.type in ("single", "multiple"):
        keys = {q.answer} if q.type == "single" else set(q.answers)
        kind = "multiple_choice_question" if q.type == "single" else "multiple_answers_question"
        return kind, ([plain(o.text) for o in q.options], {plain(o.text) for o in q.options if o.id in keys})
    if q.type == "numeric":
        margin = q.tolerance if q.tolerance > 0 or float(q.answer).is_integer() else 0.0001
        return "numerical_question", [(q.answer - margin, q.answer + margin)]
    if q.type == "text":
        return "short_answer_question", set(q.accept)
    return "essay_question", []


def _plain_key(kind, key):
    if kind == "matching_question":
        return {plain(k): plain(v) if v else v for k, v in key.items()}
    if kind.startswith("multiple_"):
        return [plain(t) for t in key[0]], {plain(t) for t in key[1]}
    return key


def test_canvas_imports_every_key(sources):
    """Does Canvas's importer, as ported, keep every question's key: each matching and ordering pair, the
    single and multiple-answer keys, the numeric range, every accepted short answer, and essays as essays?"""
    checked = set()
    for source in sources:
        package, _ = canvas_package(source.title, "description", source.questions)
        imported = canvas_items(package)
        for q in source.questions:
            kind, key = imported[q.id]
            want_kind, want = _canvas_key(q)
            assert kind == want_kind, (source.name, q.id)
            got = _plain_key(kind, key)
            if q.type == "text":
                assert want <= set(got), (source.name, q.id)
            elif q.type == "numeric":
                assert [pytest.approx(r) for r in got] == want, (source.name, q.id)
            else:
                assert got == want, (source.name, q.id)
            checked.add(q.type)
    assert checked == {"single", "multiple", "numeric", "text", "matching", "ordering", "written"}


def _item(left_ids, right_ids, pairs) -> etree._Element:
    """A Canvas matching item with the given identifiers (left i pairs with right pairs[i])."""
    ns = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
    lids = "".join(
        f'<response_lid ident="response_{lid}"><material><mattext>L{i}</mattext></material><render_choice>'
        + "".join(
            f'<response_label ident="{rid}"><material><mattext>R{j}</mattext></material></response_label>'
            for j, rid in enumerate(right_ids)
        )
        + "</render_choice></response_lid>"
        for i, lid in enumerate(left_ids)
    )
    conditions = "".join(
        f'<respcondition><conditionvar><varequal respident="response_{lid}">{right_ids[j]}</varequal>'
        '</conditionvar><setvar varname="SCORE" action="Add">50.00</setvar></respcondition>'
        for lid, j in zip(left_ids, pairs, strict=True)
    )
    return etree.fromstring(
        f'<item xmlns="{ns}"><presentation>{lids}</presentation><resprocessing>{conditions}</resprocessing></item>'
    )


def test_the_ported_rule_reproduces_the_reported_loss():
    """Is the port faithful: with text2qti-style identifiers (digits in the prefix) does every left item
    pair with the same first choice, as issue 20 found in Canvas, while numeric ones keep every pair?"""
    prefix = "text2qti_question_ab12"
    broken = canvas_matching(_item([f"{prefix}_l1", f"{prefix}_l2"], [f"{prefix}_r1", f"{prefix}_r2"], [1, 0]))
    assert broken == {"L0": "R0", "L1": "R0"}
    fixed = canvas_matching(_item(["1001", "1002"], ["2001", "2002"], [1, 0]))
    assert fixed == {"L0": "R1", "L1": "R0"}


def _moodle(sources):
    for source in sources:
        xml, _ = moodle_xml(source.questions, f"coursekit/{source.name}")
        found = questions(xml)
        for q in source.questions:
            yield q, found[q.id]


@pytest.fixture(scope="module")
def moodle_nodes(sources) -> dict[str, list]:
    """question type -> [(bank question, its imported <question>)], every file exported once."""
    out: dict[str, list] = {}
    for q, node in _moodle(sources):
        out.setdefault(q.type, []).append((q, node))
    return out


def test_moodle_ordering_shows_every_item_in_the_key_order(moodle_nodes):
    """Does Moodle's ordering import keep every item in every attempt, the key's order, and the grading
    rule the export note names (relative to all previous and next items)?"""
    assert moodle_nodes["ordering"]
    for q, node in moodle_nodes["ordering"]:
        options = ordering_options(node)
        assert items_shown(options) == len(q.items), q.id
        assert [plain(t) for t in options["items"]] == [plain(o.text) for o in q.items]
        assert options["gradingtype"] == 4


def test_moodle_tools_numeric_codes_would_show_a_random_subset():
    """Would the settings moodle-tools 1.1.0 writes (selecttype 2, selectcount -1, gradingtype 4) make
    Moodle show a random subset and grade by the next item only (the reported fault)?"""
    node = etree.fromstring(
        "<question type='ordering'><selecttype>2</selecttype><selectcount>-1</selectcount>"
        "<gradingtype>4</gradingtype>"
        + "".join(f"<answer fraction='{i}'><text>item {i}</text></answer>" for i in range(1, 6))
        + "</question>"
    )
    options = ordering_options(node)
    assert items_shown(options) == 2 and options["selecttype"] == 1 and options["gradingtype"] == 1


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_moodle_ordering_credit_is_the_share_of_pairs_in_order(moodle_nodes, data):
    """For any order a student hands in, is Moodle's credit the share of item pairs in the right order,
    and never less than coursekit's (Kendall's tau floored at 0), as the export note says?"""
    q, node = moodle_nodes["ordering"][data.draw(st.integers(0, len(moodle_nodes["ordering"]) - 1))]
    options = ordering_options(node)
    order = data.draw(st.permutations(list(range(len(q.items)))))
    response = [options["items"][i] for i in order]
    pairs = list(itertools.combinations(range(len(order)), 2))
    in_order = sum(order.index(a) < order.index(b) for a, b in pairs) / len(pairs)
    moodle = ordering_fraction(options, response)
    assert moodle == pytest.approx(in_order)
    ours = score(q, [q.items[i].id for i in order]).points / q.points
    assert moodle >= ours - 1e-9


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_moodle_multiple_answer_credit_equals_coursekit(moodle_nodes, data):
    """For any set of choices, does Moodle's multichoice (single = false) give the same share of the
    points as coursekit's rule, and are all its fractions grades Moodle accepts?"""
    q, node = moodle_nodes["multiple"][data.draw(st.integers(0, len(moodle_nodes["multiple"]) - 1))]
    single, answers = multichoice(node)
    assert not single and all(valid_fraction(f) for f in answers.values())
    chosen = data.draw(st.sets(st.sampled_from([o.id for o in q.options])))
    texts = {" ".join(plain(o.text).split()) for o in q.options if o.id in chosen}
    moodle = multichoice_fraction({" ".join(plain(t).split()): f for t, f in answers.items()}, texts)
    # coursekit rounds points to 4 decimals, Moodle keeps fractions to 7
    assert moodle == pytest.approx(score(q, sorted(chosen)).points / q.points, abs=1e-4)
