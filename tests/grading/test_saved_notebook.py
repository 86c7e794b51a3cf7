"""A quiz notebook saved after a run, then opened without running (nbconvert shows what GitHub, nbviewer and
VS Code without a kernel show): it must never look as if an answer were lost."""

from __future__ import annotations

import html
import json
import re
import shutil

import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter
from quiz_course import POINTS, QUIZ, build, release

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]


def test_saved_notebook_says_where_the_answers_are(tmp_path):
    """Run the released quiz with two answers saved, save it without widget state (JupyterLab's default), and
    view it without running: does it say at the top and at every question that the answers are safe in the
    answers file, show the recorded lines, and never say 'Not answered yet' in a question's own view?"""
    course = build(tmp_path / "course")
    folder = course / "student" / QUIZ
    shutil.copytree(release(course), folder)
    answers = {"mq-single": "a", "mq-numeric": 1960}
    (folder / f"{QUIZ}.answers.json").write_text(json.dumps({"schema": 1, "answers": answers}))
    nb = nbformat.read(folder / f"{QUIZ}.ipynb", as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=False,
                   resources={"metadata": {"path": str(folder)}}).execute()  # fmt: skip
    body, _ = HTMLExporter().from_notebook_node(nb)
    inline = re.sub(r"</?(code|strong|em|span)\b[^>]*>", "", body)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline)).split())
    note = f"Run all cells to see your saved answers (they are safe in {QUIZ}.answers.json)"
    count = len(POINTS)
    assert text.count(note) == 1 + count, "at the top, and once at each question"
    for n in range(1, count + 1):
        assert f"Question {n}: {note}" in text
    assert "Question 1: recorded: June 1950" in text and "Question 3: recorded: 1960 (year)" in text
    views = body.split('class="coursekit-quiz-static"')[1:]
    assert len(views) == count and not [v for v in views if "Not answered yet" in v.split("</div></div>")[0]]
