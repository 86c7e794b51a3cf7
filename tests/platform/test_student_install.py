"""A student's environment: the wheel `make dist` builds, installed WITHOUT extras into a fresh virtual
environment, runs a released quiz notebook in a kernel of its own and saves the answers."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from platform_helpers import REPO, answer_in_kernel, answer_sets, copy_course, graded_quizzes

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]

# Big packages a student's kernel does not need; the lean install must not bring them.
INSTRUCTOR_ONLY = ("pydantic", "nbgrader", "jupyter_book", "dask", "distributed", "jupyterlab", "notebook", "yaml",
                   "rapidfuzz", "ruamel")  # fmt: skip


def run(*cmd, **kw) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=600, **kw)
    assert done.returncode == 0, f"{cmd} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return done


@pytest.fixture(scope="module")
def student_env(tmp_path_factory):
    """A fresh venv holding only `pip install coursekit-<version>.whl`, and a Jupyter kernel spec for it."""
    tmp = tmp_path_factory.mktemp("student")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-qq"]
    # what `make dist` runs, on a copy of the sources: a build/ folder left in the repository stays out of it
    source = tmp / "source"
    shutil.copytree(REPO / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, source)
    run(*pip, "wheel", "--no-deps", "--wheel-dir", tmp / "dist", source)
    wheel = next((tmp / "dist").glob("coursekit-*.whl"))
    run(sys.executable, "-m", "venv", tmp / "venv")
    python = tmp / "venv" / "bin" / "python"
    run(python, "-m", "pip", "--disable-pip-version-check", "-qq", "install", wheel)
    spec = tmp / "jupyter" / "kernels" / "coursekit-student"
    spec.mkdir(parents=True)
    argv = [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "student", "language": "python"}))
    return {"python": python, "bin": python.parent, "jupyter_path": tmp / "jupyter", "wheel": wheel}


def test_the_wheel_installs_no_instructor_tools(student_env):
    """Does `pip install coursekit` (no extras) leave out pydantic, nbgrader, Jupyter Book, Dask and JupyterLab,
    while the quiz helper and its widget import?"""
    probe = (
        "import importlib.util, json; import coursekit.notebook.quiz, coursekit.notebook.widget; "
        f"print(json.dumps([m for m in {list(INSTRUCTOR_ONLY)!r} if importlib.util.find_spec(m)]))"
    )
    present = json.loads(run(student_env["python"], "-c", probe).stdout)
    assert present == []


def test_commands_needing_the_extra_say_so_in_one_line(student_env, tmp_path):
    """Does `coursekit check` in the lean install say in one line to install coursekit[course], with no traceback?"""
    done = subprocess.run(
        [str(student_env["bin"] / "coursekit"), "check"], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert done.returncode == 1
    assert done.stdout == "" and "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert "pip install 'coursekit[course]'" in done.stderr


def test_a_released_quiz_runs_and_saves_answers(student_env, tmp_path, monkeypatch):
    """Released with nbgrader, does a quiz run in the student venv's own kernel, take every answer set from
    Python through its widgets, and write the answers file?"""
    quiz, questions = next(iter(graded_quizzes().items()))
    course = copy_course(tmp_path / "course")
    run(Path(sys.executable).parent / "coursekit", "release", quiz, cwd=course)
    folder = course / "assignments" / "release" / quiz
    values = answer_sets(questions)["right"]
    monkeypatch.setenv("JUPYTER_PATH", str(student_env["jupyter_path"]))  # where the student kernel's spec is
    printed = answer_in_kernel(folder / f"{quiz}.ipynb", values, kernel_name="coursekit-student")
    assert printed.split()[0] == str(student_env["python"]), printed  # the kernel ran in the student venv
    widgets = [q for q in questions if q.type != "written"]  # a written response is a cell, not a widget
    assert f" {len(widgets)} ['Answer recorded']" in printed, printed
    written = list(folder.glob("*.answers.json"))
    assert len(written) == 1, sorted(p.name for p in folder.iterdir())
    assert json.loads(written[0].read_text())["answers"] == values
