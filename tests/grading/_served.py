"""A released quiz served to a student by a real Jupyter front end (JupyterLab or Notebook 7) on 127.0.0.1."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from grading_helpers import BIN, REPO, clean_env, copy_course

from coursekit.bank.load import load_bank

TOKEN = "coursekit-test-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The quiz the browser tests answer, read from the bank so that the tests follow its content.
QUIZ = "treaty-years"
BANK = load_bank([REPO / "assignments" / "bank" / f"{QUIZ}.yaml"]).assignment(QUIZ)
AUTO = BANK.auto_graded()
LAST = len(AUTO)  # the number of the last widget question (the written answer comes after it)


def the(qtype: str, n: int = 0):
    """The quiz's ``n``-th question of type ``qtype``."""
    return [q for q in BANK.questions if q.type == qtype][n]


def words(q, count: int = 6) -> str:
    """The first words of a question's prompt: enough to find its widget on the page."""
    return " ".join(q.prompt.split()[:count])


def option(q, oid: str) -> str:
    """The text of a choice question's option ``oid``."""
    return next(o.text for o in q.options if o.id == oid)


# The key order of the ordering question, as item texts.
ORDER = [item.text for item in the("ordering").items]


def released_quiz(dest: Path, quiz: str) -> tuple[Path, Path]:
    """A course copy under ``dest`` with ``quiz`` released into a student's folder; returns (course, student)."""
    root = copy_course(dest)
    done = subprocess.run(  # the instructor's command: nbgrader's release, then coursekit's checks and metadata
        [str(BIN / "coursekit"), "release", quiz, "--force"], cwd=root, env=clean_env(), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    student = root / "student"
    shutil.copytree(root / "assignments" / "release" / quiz, student / quiz)
    return root, student


@contextlib.contextmanager
def jupyter(app: str, root_dir: Path, state_dir: Path):
    """Run ``jupyter <app>`` (lab or notebook) on a free port with token auth; yield its base URL, then stop it."""
    port = free_port()
    env = clean_env(  # settings and workspaces of this run only: no user state leaks in or out
        JUPYTER_RUNTIME_DIR=str(state_dir / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(state_dir / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(state_dir / "workspaces"),
    )
    cmd = [str(BIN / "jupyter"), app, "--no-browser", "--ip=127.0.0.1", f"--port={port}"]
    cmd += ["--ServerApp.port_retries=0", f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root_dir}"]
    log_path = state_dir / f"{app}.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_for(f"{base}/api/status?token={TOKEN}", server, log_path)
            yield base
        finally:
            server.terminate()  # SIGTERM: Jupyter Server shuts its kernels down and exits
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
                pytest.fail(f"jupyter {app} did not stop within 20 s of SIGTERM")


def _wait_for(url: str, server: subprocess.Popen, log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"Jupyter exited:\n{log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.25)
    pytest.fail(f"Jupyter did not start within {seconds} s:\n{log.read_text()[-2000:]}")


def question(page, words: str):
    """The quiz widget whose prompt contains ``words``."""
    return page.locator(".ck-quiz", has_text=words)


def recorded(widget) -> None:
    """Wait until the widget says the kernel saved the answer."""
    widget.locator(".ck-feedback", has_text="Answer recorded").wait_for(timeout=60000)


def wait_for_saved(path: Path, must_contain: str, seconds: float = 60):
    """The notebook at ``path`` once the front end's save has landed: it parses and holds ``must_contain``.

    A save is asynchronous (Ctrl+S returns at once), and a read can meet a half-written file.
    """
    import nbformat

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            text = path.read_text(encoding="utf-8")
            if must_contain in text:
                return nbformat.reads(text, as_version=4)
        except (OSError, ValueError):
            pass  # being written: try again
        time.sleep(0.25)
    raise AssertionError(f"{path.name} was not saved with {must_contain!r} within {seconds} s of Ctrl+S")


# The line under each question (notebook/lines.py) is read from the DOM's text: Notebook 7 and JupyterLab skip
# painting cells far off screen, and Playwright's text filters see only painted text. Each Run All stamps its lines
# with a run id, so a test can tell a new run's lines from those still on screen from the last one.
_LINES = """old => [...document.querySelectorAll('.ck-line')].filter(e => e.dataset.run !== old)
    .map(e => e.textContent.trim())"""


def lines(page, *, not_from: str = "") -> dict[int, str]:
    """Question number -> the words of the line under it ("Question 3: recorded: 1960 (year)"), except lines
    from the run ``not_from``."""
    found = {}
    for text in page.evaluate(_LINES, not_from):
        words = text.lstrip("●◐○⚠ ")
        if words.startswith("Question "):
            found[int(words.split()[1].rstrip(":"))] = words
    return found


def current_run(page) -> str:
    """The run id of the lines on the page now."""
    return page.evaluate("() => document.querySelector('.ck-line')?.dataset.run ?? ''")


def wait_for_line(page, text: str, timeout: float = 120000, *, not_from: str = "") -> None:
    """Wait until some question's line (not from the run ``not_from``) contains ``text``."""
    page.wait_for_function(
        f"([t, old]) => ({_LINES})(old).some(s => s.includes(t))", arg=[text, not_from], timeout=timeout
    )


def wait_for_answer(folder: Path, qid: str, value, seconds: float = 120) -> None:
    """Wait until the kernel has written ``value`` for ``qid`` to the answers file (each change is a kernel round trip,
    so a widget that already says "Answer recorded" may still be saving the student's latest change)."""
    import json

    path = folder / f"{QUIZ}.answers.json"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if json.loads(path.read_text()).get("answers", {}).get(qid) == value:
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"{qid} was not saved as {value!r} within {seconds} s")
