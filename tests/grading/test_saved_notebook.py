"""A quiz notebook saved after a run, then opened without running (nbconvert shows what GitHub, nbviewer and
VS Code without a kernel show): it must never look as if an answer were lost."""

from __future__ import annotations

import html
import json
import re
import shutil

import nbformat
import pytest
from grading_helpers import nbgrader
from nbclient import NotebookClient
from nbconvert import HTMLExporter

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]

QUIZ = "treaty-years"


def test_saved_notebook_says_where_the_answers_are(course):
    """Run the released quiz with two answers saved, save it without widget state (JupyterLab's default), and
    view it without running: does it say at the top and at every question that the answers are safe in the
    answers file, show the recorded lines, and never say 'Not answered yet' in a question's own view?"""
    nbgrader(course, "generate_assignment", QUIZ, "--force")
    folder = course / "student" / QUIZ
    shutil.copytree(course / "assignments" / "release" / QUIZ, folder)
    answers = {"ty-invasion-year": 1950, "ty-forged-in": "korean-war"}
    (folder / f"{QUIZ}.answers.json").write_text(json.dumps({"schema": 1, "answers": answers}))
    nb = nbformat.read(folder / f"{QUIZ}.ipynb", as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=False,
                   resources={"metadata": {"path": str(folder)}}).execute()  # fmt: skip
    body, _ = HTMLExporter().from_notebook_node(nb)
    inline = re.sub(r"</?(code|strong|em|span)\b[^>]*>", "", body)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline)).split())
    note = f"Run all cells to see your saved answers (they are safe in {QUIZ}.answers.json)"
    assert text.count(note) == 1 + 9, "at the top, and once at each of the nine questions"
    for n in range(1, 10):
        assert f"Question {n}: {note}" in text
    assert "Question 1: recorded: 1950 (year)" in text and "Question 5: recorded: The Korean War" in text
    views = body.split('class="coursekit-quiz-static"')[1:]
    assert len(views) == 9 and not [v for v in views if "Not answered yet" in v.split("</div></div>")[0]]
