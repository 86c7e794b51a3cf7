"""An nbgrader code cell with its metadata, for test courses written by hand (shared by tests/grading and
tests/parallel; pytest puts this folder on sys.path because tests/conftest.py lives here)."""

from __future__ import annotations

from nbformat.v4 import new_code_cell


def nbgrader_cell(source: str, grade_id: str, *, points: float = 0, solution=False, grade=False, locked=True):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if grade:
        meta["points"] = points
    return new_code_cell(source, metadata={"nbgrader": meta})
