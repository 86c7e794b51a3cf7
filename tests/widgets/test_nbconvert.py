"""A real executed notebook exported to HTML by nbconvert shows the quiz, not `QuizWidget(...)`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter

pytestmark = pytest.mark.slow

SETUP = """import json
from pydantic import TypeAdapter
from coursekit.bank.schema import Question
from coursekit.notebook.widget import QuizWidget
q = TypeAdapter(Question).validate_python(json.loads({question!r}))
"""


def quiz_notebook(q):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(SETUP.format(question=q.model_dump_json())),
        nbformat.v4.new_code_cell('QuizWidget.graded(q.public(), value={"kr": "seoul", "jp": "osaka"})'),
        nbformat.v4.new_code_cell("w = QuizWidget.practice(q)\nw.value = {'us': 'dc'}\nw"),
    ]
    return nb


def test_saved_notebook_exports_prompt_and_answer(questions, tmp_path):
    """Does `jupyter nbconvert --to html` of an executed, saved notebook show each quiz's prompt, the practice answer
    and no graded answer (it may be stale), and no key?"""
    q = questions["matching"]
    nb = quiz_notebook(q)
    # JupyterLab saves notebooks without widget state unless asked to; GitHub and nbgrader see the same.
    NotebookClient(nb, timeout=60, kernel_name="python3", store_widget_state=False).execute()
    outputs = [o for cell in nb.cells[1:] for o in cell.outputs]
    assert all("application/vnd.jupyter.widget-view+json" in o["data"] for o in outputs), "the live widget is kept"
    nbformat.write(nb, tmp_path / "quiz.ipynb")
    env = {**os.environ, "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "quiz.ipynb"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    body = (tmp_path / "quiz.html").read_text()
    views = [part.split("</div></div>")[0] for part in body.split('class="coursekit-quiz-static"')[1:]]
    assert len(views) == 2 and all("Match each country with its capital." in v for v in views)
    assert "Quiz question" in body and "Self-check" in body
    # A graded question's saved view shows no answer: one that may have changed since would mislead.
    assert "South Korea → Seoul" not in views[0] and "Your answer" not in views[0]
    assert "United States → Washington" in body  # the practice answer set from Python
    assert "QuizWidget(" not in body
    # (the first cell's source holds the test question; the quiz views themselves hold no key)
    assert not any(q.explanation in v or "Seoul is" in v for v in views)


def test_export_with_widget_state_embeds_the_live_quiz(questions):
    """With widget state saved (nbconvert --execute's default), does the HTML carry the quiz and its answer?

    nbconvert then prefers the live widget, which its page loads from a CDN: the static view is not used.
    """
    q = questions["matching"]
    nb = quiz_notebook(q)
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    body, _ = HTMLExporter().from_notebook_node(nb)
    state = json.loads(body.split('<script type="application/vnd.jupyter.widget-state+json">')[1].split("</script>")[0])
    quizzes = [
        m["state"] for m in state["state"].values() if m["state"].get("_anywidget_id", "").endswith("QuizWidget")
    ]
    assert [m["mode"] for m in quizzes] == ["graded", "practice"]
    assert quizzes[0]["value"] == {"kr": "seoul", "jp": "osaka"} and "key" not in quizzes[0]["question"]
    assert "export default" in quizzes[0]["_esm"]  # the front end travels with the page
