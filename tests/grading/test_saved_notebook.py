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
    answers file, show the recorded lines and each question's saved answer, and never call a saved one missing?"""
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
    note = f"Run all cells to see your latest answers and to change them; they are safe in {QUIZ}.answers.json."
    count = len(POINTS)
    assert text.count(note) == count, "once at each question"
    assert f"they are safe in {QUIZ}.answers.json" in text.split("Question 1 ·")[0], "and at the top"
    assert "Question 1: recorded: June 1950" in text and "Question 3: recorded: 1960 (year)" in text
    copies = {n: text.split(f"Question {n} ·")[1].split(note)[0] for n in range(1, count + 1)}  # each saved copy
    assert "Your answer when this notebook was saved: June 1950" in copies[1]
    assert "Your answer when this notebook was saved: 1960" in copies[3]
    answered = [copies[1], copies[3]]
    assert not [c for c in answered if "Not answered yet" in c], "a saved answer is never shown as missing"
    assert all("Not answered yet" in copies[n] for n in (2, 4, 5, 6)), "and a missing one is said to be missing"
