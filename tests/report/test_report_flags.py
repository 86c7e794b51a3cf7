"""The item report flags only what is wrong, says it consistently, and never fails on a degenerate class."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from coursekit.bank.schema import Question
from coursekit.grading.report import stats
from coursekit.grading.report.analysis import ItemReport, analyse, discrimination, flags_of
from coursekit.grading.report.data import Cohort, Item
from coursekit.grading.report.options import OTHER, option_counts
from coursekit.grading.report.page import render_html
from coursekit.grading.report.text import choice_line, render_csv, render_text


def _q(**fields):
    base = {"prompt": "Which?", "explanation": "Because.", "chapter": "history", "points": 1}
    base["source"] = {"section": "Summary", "quote": "a quote of the reading"}
    return TypeAdapter(Question).validate_python({**base, **fields})


SINGLE = _q(
    id="hard",
    type="single",
    options=[{"id": k, "text": f"Option {k.upper()}"} for k in "abcd"],
    answer="a",
)
TEXT = _q(id="name", type="text", accept=["San Francisco System"])


def _hard_but_right(n: int = 100) -> Cohort:
    """A hard question with a right key: the key is chosen mostly by strong students; distractor 'b' is
    chosen by 10 of the top group (the key by 8), but by every student of the bottom group."""
    rng = np.random.default_rng(5)
    rest = np.sort(np.round(np.clip(rng.normal(5, 2, n), 0, 9)))[::-1]
    picks = ["a" if i < 8 or 30 <= i < 36 else "b" if 8 <= i < 18 or i >= 60 else "cd"[i % 2] for i in range(n)]
    item = np.array([1.0 if p == "a" else 0.0 for p in picks])
    scores = np.column_stack([item, rest])
    items = [Item("hard", "nb", 1.0, "single", "Which?", SINGLE), Item("rest", "nb", 9.0, "code")]
    return Cohort("quiz", [f"s{i:03d}" for i in range(n)], items, scores, {"hard": picks})


def test_a_hard_question_with_a_right_key_is_not_said_to_prefer_a_distractor():
    """Is a hard question whose key draws the strong students (r > 0.2) left without the top-group flag,
    although the top group chose distractor 'b' more often than the key by raw count (10 vs 8)?"""
    report = analyse(_hard_but_right())
    hard = report.items[0]
    counts = {c.id: c.upper for c in hard.options.slots[0].choices}
    assert counts["b"] > counts["a"] and discrimination(hard)[1] > 0.2
    assert not any("top group" in f for f in hard.flags), hard.flags


def test_top_group_flag_names_shares_when_a_distractor_draws_the_strong():
    """When the strong students choose 'b' and the weak ones the key, is the flag there, with the shares?"""
    cohort = _hard_but_right()
    cohort.answers["hard"] = ["b" if i < 40 else "a" for i in range(100)]
    cohort.scores[:, 0] = [0.0 if i < 40 else 1.0 for i in range(100)]
    flags = analyse(cohort).items[0].flags
    (prefers,) = [f for f in flags if "top group" in f]
    wrong, key, lower = (int(x) for x in re.findall(r"\((\d+)%", prefers))
    assert "'Option B'" in prefers and "the key 'Option A'" in prefers and wrong > key and wrong > lower


def _report_item(item_total: float, upper_lower: float = 0.5) -> ItemReport:
    item = Item("x", "nb", 1.0, "numeric")
    return ItemReport(item, 50, 0.5, item_total, upper_lower, 0.5, 0, 0, None)


@pytest.mark.parametrize(
    ("r", "flagged"), [(0.1996, False), (0.2049, False), (0.1949, True), (-0.004, True), (-0.006, True)]
)
def test_flag_wording_agrees_with_the_rounding_shown(r, flagged):
    """Is a question flagged exactly when its r, rounded to the 2 decimals shown, is below 0.20 (so never
    '+0.20 < 0.2'), and is the negative flag only for a value that shows as negative?"""
    found = flags_of(_report_item(r))
    assert bool(found) == flagged
    for flag in found:
        shown = float(flag.split("r item-rest ")[1].split(",")[0].split(")")[0])
        assert shown < 0.2 and (shown < 0) == ("negative" in flag) and "-0.00" not in flag


def test_fallback_statistic_is_named():
    """When r cannot be computed, does the flag say it used the upper-lower index instead?"""
    (flag,) = flags_of(_report_item(math.nan, upper_lower=0.1))
    assert "upper-lower index (r item-rest could not be computed) +0.10" in flag


def test_every_common_answer_is_listed_with_shares_of_all_students():
    """Are all answers given by 2 or more students listed (not a top 5), with shares of all students, and the
    single answers counted together as 'other answers', the same in terminal, CSV and HTML?"""
    values = [f"answer {k}" for k in range(7) for _ in range(2)] + ["San Francisco System"] * 15 + ["lone"] + [None]
    n = len(values)
    options = option_counts(TEXT, values)
    labels = [c.text for c in options.slots[0].choices]
    assert labels[0] == "san francisco system" and len(labels) == 1 + 7 + 1 and labels[-1] == OTHER
    report = ItemReport(Item("name", "nb", 1.0, "text", "", TEXT), n, 0.5, 0.3, 0.3, 0.5, 1, 0, options)
    line = choice_line(report)[0]
    assert f"san francisco system* {15 / n:.0%}" in line and f"{OTHER} {1 / n:.0%}" in line


def _cohort(scores: np.ndarray) -> Cohort:
    n, k = scores.shape
    items = [Item(f"q{j}", "nb", 1.0, "code") for j in range(k)]
    return Cohort("quiz", [f"s{i}" for i in range(n)], items, scores)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 12), st.integers(1, 4), st.data())
def test_degenerate_classes_never_fail(n, k, data):
    """One student, everyone equal, nothing computable: do the terminal, CSV and HTML all come out, with
    what could not be computed said in words?"""
    values = data.draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=n * k, max_size=n * k))
    report = analyse(_cohort(np.array(values).reshape(n, k)))
    text, csv_text = render_text(report), render_csv(report)
    assert report.assignment in text and csv_text.startswith("scope,")
    assert "<html" in render_html(report)
    if n >= 2 and k >= 2 and math.isnan(report.alpha):
        assert any("could not be computed" in w for w in report.warnings)


def test_everyone_equal_says_what_could_not_be_computed():
    """With every student on the same total, does the report say r and alpha could not be computed?"""
    report = analyse(_cohort(np.ones((20, 3))))
    said = " ".join(report.warnings)
    assert "r item-rest could not be computed for any question" in said and "alpha) could not be computed" in said


def test_groups_ignore_floating_point_noise():
    """Do two students whose totals differ only by rounding noise (0.1 + 0.2 vs 0.3) keep the matrix order?"""
    total = np.array([0.3, 0.1 + 0.2, 0.3])
    assert list(stats.ranked(total)) == [0, 1, 2]
