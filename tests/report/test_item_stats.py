"""Item statistics on a class of 5 students, checked against values worked out by hand (to 1e-9)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import TypeAdapter

from coursekit.bank.schema import Question
from coursekit.grading.report import stats as st
from coursekit.grading.report.analysis import analyse, flags_of
from coursekit.grading.report.data import Cohort, Item
from coursekit.grading.report.options import option_counts, top_group_prefers, unused_distractors
from coursekit.grading.report.text import render_text

# Three items worth 1, 1 and 2 points; students s1..s5 ranked by total 4, 3, 2, 1, 0.
SCORES = np.array(
    [
        [1, 1, 2],
        [1, 0, 2],
        [0, 1, 1],
        [1, 0, 0],
        [0, 0, 0],
    ],
    dtype=float,
)
POINTS = np.array([1.0, 1.0, 2.0])
TOTALS = SCORES.sum(axis=1)  # 4, 3, 2, 1, 0


def test_facility_by_hand():
    """Is facility the mean score over the points (A: 3 of 5, B: 2 of 5, C: 5 of 10 points)?"""
    got = [st.facility(SCORES[:, j], POINTS[j]) for j in range(3)]
    assert got == pytest.approx([0.6, 0.4, 0.5], abs=1e-9)


def test_corrected_item_total_by_hand():
    """Is item A correlated with the rest of the quiz (total minus A), worked out by hand?

    A = 1,1,0,1,0 (mean .6); rest = 3,2,2,0,0 (mean 1.4).
    Deviations: A .4,.4,-.6,.4,-.6; rest 1.6,.6,.6,-1.4,-1.4.
    Cross products sum to .64+.24-.36-.56+.84 = 0.8; squares: A 1.2, rest 7.2.
    """
    expected = 0.8 / math.sqrt(1.2 * 7.2)
    assert st.corrected_item_total(SCORES[:, 0], TOTALS) == pytest.approx(expected, abs=1e-9)
    # and the same number from numpy's own correlation, code we did not write
    assert expected == pytest.approx(np.corrcoef(SCORES[:, 0], TOTALS - SCORES[:, 0])[0, 1], abs=1e-9)


def test_upper_lower_by_hand():
    """With 5 students each 27 % group holds round(1.35) = 1 student: s1 (total 4) and s5 (total 0)."""
    upper, lower = st.groups(TOTALS)
    assert list(upper) == [0] and list(lower) == [4]
    got = [st.upper_lower(SCORES[:, j], TOTALS, POINTS[j]) for j in range(3)]
    assert got == pytest.approx([1.0, 1.0, 1.0], abs=1e-9)


def test_cronbach_alpha_by_hand():
    """alpha = 3/2 * (1 - (0.3 + 0.3 + 1.0) / 2.5) = 0.54 (item and total variances with n - 1)."""
    assert st.cronbach_alpha(SCORES) == pytest.approx(0.54, abs=1e-9)


def test_alpha_is_kr20_for_right_or_wrong_items():
    """On 0/1 items, does alpha equal KR-20 = k/(k-1) * (1 - sum(p q) / variance), here -0.4?"""
    two = SCORES[:, :2]
    p = two.mean(axis=0)
    kr20 = 2 * (1 - float((p * (1 - p)).sum()) / float(np.var(two.sum(axis=1))))
    assert kr20 == pytest.approx(-0.4, abs=1e-9)
    assert st.cronbach_alpha(two) == pytest.approx(kr20, abs=1e-9)
    assert st.is_dichotomous(two, POINTS[:2]) and not st.is_dichotomous(SCORES, POINTS)


def test_undefined_statistics_are_nan_not_errors():
    """Does a statistic that cannot be computed (no variance, too few students) come out as NaN?"""
    same = np.ones((5, 2))
    assert math.isnan(st.corrected_item_total(same[:, 0], same.sum(axis=1)))
    assert math.isnan(st.cronbach_alpha(same))
    assert math.isnan(st.upper_lower(np.array([1.0]), np.array([1.0]), 1.0))
    assert math.isnan(st.facility(np.array([]), 1.0))


def _q(**fields):
    base = {"prompt": "Which?", "explanation": "Because.", "chapter": "history", "points": 1}
    base["source"] = {"section": "Summary", "quote": "a quote of the reading"}
    return TypeAdapter(Question).validate_python({**base, **fields})


SINGLE = _q(
    id="t-single",
    type="single",
    options=[{"id": "a", "text": "Right"}, {"id": "b", "text": "Tempting"}, {"id": "c", "text": "Unused"}],
    answer="a",
)


def test_option_counts_and_distractor_flags():
    """Are choices counted for the class and both groups, and are an unused distractor and a distractor the
    top group prefers found?"""
    values = ["b", "b", "a", None, "a"]  # the strongest two chose b; s4 left it blank
    options = option_counts(SINGLE, values, upper=[0, 1], lower=[3, 4])
    counts = {c.id: (c.count, c.upper, c.lower, c.key) for c in options.slots[0].choices}
    assert counts == {"a": (2, 0, 1, True), "b": (2, 2, 0, False), "c": (0, 0, 0, False)}
    assert unused_distractors(options) == ["Unused"]
    assert top_group_prefers(options, 2) == []  # 2 of the top group: below the minimum count


def test_invalid_answers_are_counted_apart():
    """Is an answer that is not an option counted as invalid and kept out of the choices?"""
    options = option_counts(SINGLE, ["a", "zzz", 7, None])
    assert options.invalid == 2
    assert sum(c.count for c in options.slots[0].choices) == 1


def _cohort(n: int) -> Cohort:
    rng = np.random.default_rng(3)
    scores = rng.integers(0, 2, size=(n, 2)).astype(float)
    items = [Item("t-single", "nb", 1.0, "single", "Which?", SINGLE), Item("w", "nb", 1.0, "written")]
    answers = {"t-single": ["a" if s else "b" for s in scores[:, 0]]}
    return Cohort("quiz", [f"s{i}" for i in range(n)], items, scores, answers, {"w": 1})


def test_few_students_get_a_warning_and_no_flags():
    """With 5 students, does the report say so plainly and flag nothing (the unused distractor included)?"""
    report = analyse(_cohort(5))
    assert any("only 5 student(s)" in w and "too few" in w for w in report.warnings)
    assert report.flagged() == []
    assert flags_of(report.items[0])  # the same item is flagged once there are enough students


def test_ungraded_written_question_waits_for_a_grader():
    """Does a written question with answers still to grade show no statistics and no flag (not 'too hard'),
    say it is waiting for a grader in the terminal, and get its numbers once graded?"""
    cohort = _cohort(40)
    cohort.scores[:, 1] = 0.0  # nobody graded yet: every answer counts 0 so far
    cohort.ungraded = {"w": 40}
    report = analyse(cohort)
    written = report.items[1]
    assert written.waiting and written.flags == () and math.isnan(written.facility)
    assert any("not graded yet" in w for w in report.warnings)
    text = render_text(report)
    assert "waiting for a grader" in text and "w: too hard" not in text
    cohort.ungraded = {}
    graded = analyse(cohort).items[1]
    assert not graded.waiting and any("too hard" in f for f in graded.flags)
