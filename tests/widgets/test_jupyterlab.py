"""The quiz widget inside a real JupyterLab 4 with a real kernel (anywidget's front end, not the harness)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

NOTEBOOK = """import json
from pydantic import TypeAdapter
from coursekit.bank.schema import Question
from coursekit.notebook.widget import QuizWidget
q = TypeAdapter(Question).validate_python(json.loads({question!r}))
g = QuizWidget.graded(q.public())
g.observe(lambda change: setattr(g, "status", f"kernel got {{change.new!r}}"), "value")
g"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab(tmp_path, questions):
    """A JupyterLab server on 127.0.0.1 serving a notebook with a graded and a practice quiz."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    code = NOTEBOOK.format(question=questions["single"].model_dump_json())
    nb.cells = [nbformat.v4.new_code_cell(code), nbformat.v4.new_code_cell("QuizWidget.practice(q)")]
    nbformat.write(nb, tmp_path / "quiz.ipynb")
    port, token = _free_port(), "coursekit-test"
    bin_dir = os.path.dirname(sys.executable)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    args = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}"]
    args += [f"--IdentityProvider.token={token}", "--LabApp.expose_app_in_browser=True", "--LabApp.news_url="]
    server = subprocess.Popen(args, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=1)
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()[-2000:]
                time.sleep(0.25)
        yield f"{url}/lab/tree/quiz.ipynb?token={token}"
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_quiz_in_jupyterlab(browser, lab, repo):
    """In JupyterLab, does a click reach the kernel, the kernel's status and value reach the page, and axe pass?"""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    try:
        page.goto(lab)
        page.wait_for_function("window.jupyterapp && document.querySelector('.jp-Notebook')", timeout=60_000)
        page.wait_for_function("jupyterapp.shell.currentWidget?.sessionContext?.session?.kernel", timeout=60_000)
        page.evaluate("jupyterapp.commands.execute('notebook:run-all-cells')")
        graded = page.locator(".ck-quiz.ck-graded")
        practice = page.locator(".ck-quiz.ck-practice")
        practice.wait_for(timeout=60_000)

        graded.get_by_label("Option B").click()  # front end -> kernel -> status back to the front end
        page.wait_for_function(
            "document.querySelector('.ck-graded .ck-feedback').textContent.includes(\"kernel got 'b'\")"
        )
        page.evaluate(  # the kernel sets the value: the page must show it as if clicked
            "jupyterapp.shell.currentWidget.sessionContext.session.kernel.requestExecute({code: \"g.value = 'c'\"})"
        )
        page.wait_for_function("document.querySelector('.ck-graded input[value=c]').checked")
        assert "kernel got 'c'" in graded.locator(".ck-feedback").inner_text()

        practice.get_by_label("Option B").click()
        assert "Correct." in practice.locator(".ck-feedback").inner_text()
        page.add_script_tag(path=str(repo / "node_modules" / "axe-core" / "axe.min.js"))
        violations = page.evaluate("async () => (await axe.run('.ck-quiz')).violations.map(v => v.id)")
        assert violations == []
    finally:
        page.close()
