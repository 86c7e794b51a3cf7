"""The capstone's code part is graded by its test cells: do they pass right code and fail the shortcuts a student
might try? The cells run here in-process, as written in the materials notebook, against the shipped trade.csv.

(The sandboxed round trip through nbgrader is tests/grading/test_capstone_grading.py; this file checks the rules.)
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import matplotlib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

matplotlib.use("Agg")  # no display in the test process
import matplotlib.pyplot as plt  # noqa: E402

MATERIALS = Path(__file__).resolve().parents[2] / "assignments" / "materials" / "since-the-brief"
CELLS = {
    c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"])
    for c in json.loads((MATERIALS / "since-the-brief-data.ipynb").read_text())["cells"]
}


def solution(grade_id: str) -> dict:
    """The instructor's function from the notebook (solution markers are plain comments in Python)."""
    namespace = {"csv": csv, "plt": plt}
    exec(CELLS[grade_id], namespace)  # noqa: S102 (the course's own notebook)
    return namespace


LOAD = solution("load_rows")["load_rows"]
SHARE = solution("export_share")["export_share"]
PLOT = solution("plot_export_shares")["plot_export_shares"]


def passes(test_id: str, **functions) -> bool:
    """Whether the test cell ``test_id`` passes with these functions, run in the data's folder as nbgrader does."""
    namespace = {"csv": csv, "plt": plt, "load_rows": LOAD, "export_share": SHARE, "plot_export_shares": PLOT}
    namespace.update(functions)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(MATERIALS)
        try:
            exec(CELLS[test_id], namespace)  # noqa: S102
        except AssertionError:
            return False
        finally:
            plt.close("all")
    return True


def test_the_instructors_solution_passes_every_test():
    """Does the solution in the materials notebook pass its own three test cells?"""
    assert all(passes(t) for t in ("test_load_rows", "test_export_share", "test_plot"))


@settings(max_examples=60, deadline=None)
@given(error=st.floats(min_value=0.01, max_value=0.5) | st.floats(min_value=-0.5, max_value=-0.01))
def test_a_share_off_by_one_percent_or_more_fails(error):
    """Does a share computed with a relative error of 1 % or more (a wrong total, a wrong row) fail step 2?"""

    def off(rows, *, reporter, partner, year):
        share = SHARE(rows, reporter=reporter, partner=partner, year=year)
        return None if share is None else share * (1 + error)

    assert not passes("test_export_share", export_share=off)


@settings(max_examples=30, deadline=None)
@given(digits=st.integers(min_value=0, max_value=2))
def test_rounding_the_share_fails_as_the_task_says(digits):
    """Does a share rounded to 0-2 decimals fail step 2 ("Do not round")?"""

    def rounded(rows, *, reporter, partner, year):
        share = SHARE(rows, reporter=reporter, partner=partner, year=year)
        return None if share is None else round(share, digits)

    assert not passes("test_export_share", export_share=rounded)


def test_shortcuts_fail_step_2():
    """Do the shortcuts fail: reading the stated share instead of computing, or 0 for a missing figure?"""

    def stated(rows, *, reporter, partner, year):
        found = [r["value"] for r in rows if (r["reporter"], r["partner"], r["year"], r["measure"]) == (
            reporter, partner, year, "export_share")]  # fmt: skip
        return found[0] if found else None

    def zero_when_missing(rows, *, reporter, partner, year):
        share = SHARE(rows, reporter=reporter, partner=partner, year=year)
        return 0.0 if share is None else share

    assert not passes("test_export_share", export_share=stated)
    assert not passes("test_export_share", export_share=zero_when_missing)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_loading_too_few_rows_or_text_values_fails_step_1(data):
    """Does a loader that drops any rows, or leaves a year or a value as text, fail step 1?"""
    with open(MATERIALS / "trade.csv", newline="", encoding="utf-8") as f:
        count = sum(1 for _ in csv.DictReader(f))
    drop = data.draw(st.sets(st.integers(min_value=0, max_value=count - 1), min_size=1))
    keep_text = data.draw(st.sampled_from(["", "year", "value"]))

    def loader(path):
        return [r for i, r in enumerate(LOAD(path)) if i not in drop]

    def texty(path):
        loaded = LOAD(path)
        for r in loaded:
            r[keep_text] = str(r[keep_text])
        return loaded

    assert not passes("test_load_rows", load_rows=loader)
    if keep_text:
        assert not passes("test_load_rows", load_rows=texty)


def test_a_chart_without_labels_units_or_all_years_fails_step_3():
    """Does step 3 fail a chart whose lines are unlabelled, whose y axis has no unit, or that leaves out a year?"""

    def variant(*, label=True, unit=True, skip_first=False):
        def plot(rows, *, reporter):
            fig = PLOT(rows, reporter=reporter)
            ax = fig.axes[0]
            if not label:
                for line in ax.get_lines():
                    line.set_label("_nolegend_")
            if not unit:
                ax.set_ylabel("share")
            if skip_first:
                line = ax.get_lines()[0]
                line.set_data(line.get_xdata()[1:], line.get_ydata()[1:])
            return fig

        return plot

    assert passes("test_plot", plot_export_shares=variant())
    for broken in (variant(label=False), variant(unit=False), variant(skip_first=True)):
        assert not passes("test_plot", plot_export_shares=broken)
