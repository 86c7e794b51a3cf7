"""The feedback page's heading of a written question: its title comes from the graded notebook's metadata, and
metadata that is missing or malformed leaves the heading without a title instead of failing the page."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell, new_notebook

from coursekit.grading.feedback.page import Grade, build_page


def _notebook(coursekit_meta) -> nbformat.NotebookNode:
    prompt = new_markdown_cell("### Question 1\nExplain.", metadata={"nbgrader": {"grade_id": "prompt-w"}})
    answer = new_markdown_cell("My answer.", metadata={"nbgrader": {"grade": True, "solution": True, "grade_id": "w"}})
    return new_notebook(cells=[prompt, answer], metadata={"coursekit": coursekit_meta})


def _section(coursekit_meta) -> dict:
    info = {"score": 3, "max_score": 4, "notebook": "quiz"}
    page = build_page(_notebook(coursekit_meta), info, {"w": Grade(None, 3.0, None, 4.0, False)})
    return page["sections"][0]


def test_written_question_takes_its_title_from_the_metadata():
    section = _section({"quiz": "quiz", "written_titles": {"w": "The Pogo problem"}})
    assert (section["number"], section["title"], section["score"]) == (1, "The Pogo problem", "3")
    assert "My answer." in section["html"] and "Explain." in section["html"]


@pytest.mark.parametrize("meta", [{"quiz": "quiz"}, {"quiz": "quiz", "written_titles": ["w"]}, "not a mapping"])
def test_missing_or_malformed_titles_leave_the_heading_plain(meta):
    assert _section(meta)["title"] == ""
