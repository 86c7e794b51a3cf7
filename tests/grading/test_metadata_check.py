"""The course's CheckCellMetadataOnce against nbgrader's own CheckCellMetadata: same verdict on every notebook."""

from __future__ import annotations

import copy

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader.nbgraderformat import ValidationError
from nbgrader.preprocessors import CheckCellMetadata

from coursekit.grading.metadata_check import CheckCellMetadataOnce


def _meta(**extra) -> dict:
    base = {"grade": False, "solution": False, "locked": True, "task": False, "grade_id": "c", "schema_version": 3}
    return {"nbgrader": {**base, **extra}}


GOOD = new_notebook(cells=[
    new_markdown_cell("intro", metadata=_meta(grade_id="intro")),
    new_code_cell("quiz.grade('q')", metadata=_meta(grade_id="q", grade=True, points=2.0)),
    new_markdown_cell("answer", metadata=_meta(grade_id="w", grade=True, solution=True, locked=False, points=3.0)),
])  # fmt: skip
BROKEN = {
    "points missing": lambda nb: nb.cells[1].metadata.nbgrader.pop("points"),
    "points of the wrong type": lambda nb: nb.cells[1].metadata.nbgrader.update(points="lots"),
    "an unknown field": lambda nb: nb.cells[1].metadata.nbgrader.update(surprise=1),
    "an old schema": lambda nb: nb.cells[1].metadata.nbgrader.update(schema_version=1),
    "a schema from the future": lambda nb: nb.cells[1].metadata.nbgrader.update(schema_version=9),
    "a duplicated grade id": lambda nb: nb.cells.append(copy.deepcopy(nb.cells[1])),
    "a markdown grade cell that is not a solution": lambda nb: nb.cells[2].metadata.nbgrader.update(solution=False),
    "an empty grade id": lambda nb: nb.cells[0].metadata.nbgrader.update(grade_id=""),
}


def _verdict(cls, nb) -> str:
    try:
        cls().preprocess(copy.deepcopy(nb), {})
    except Exception as e:  # the exception type is the verdict
        return type(e).__name__
    return "ok"


def test_a_good_notebook_passes_both():
    """Does a well-formed quiz notebook pass both checks?"""
    assert _verdict(CheckCellMetadata, GOOD) == _verdict(CheckCellMetadataOnce, GOOD) == "ok"


@pytest.mark.parametrize("what", BROKEN)
def test_a_broken_notebook_fails_both_the_same_way(what):
    """Does every kind of broken metadata fail the cached check exactly as nbgrader's own?"""
    nb = copy.deepcopy(GOOD)
    BROKEN[what](nb)
    ours, theirs = _verdict(CheckCellMetadataOnce, nb), _verdict(CheckCellMetadata, nb)
    assert ours == theirs != "ok", what


def test_errors_keep_nbgraders_types():
    """Is a schema violation still nbgrader's ValidationError (which its converter handles)?"""
    nb = copy.deepcopy(GOOD)
    BROKEN["points of the wrong type"](nb)
    with pytest.raises(ValidationError):
        CheckCellMetadataOnce().preprocess(nb, {})
