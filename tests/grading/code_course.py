"""A synthetic nbgrader course with one code exercise (it needs a kernel), built in a temp folder.

The instructor's notebook asks for two functions and checks them in three grade cells (2 + 1 + 1
points). Submissions come in honest kinds and in attacks (code_attacks.py): each attack is the
right answer plus code, in the second answer cell, that tries to escape the grading kernel or
exhaust its limits. The course holds secrets where an escaping kernel would find them: a bank
file, the gradebook, other students' submissions, and a TCP listener on the grader's loopback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell, new_notebook

from nbgrader_cells import nbgrader_cell as _cell

ASSIGNMENT = "exercise"
BIN = Path(sys.executable).parent
SECRET = "KEY-3f9c-never-in-feedback"  # the bank's key: no kernel may read it

LIMITS = {
    "wall_seconds": 10,
    "memory_mb": 1024,
    "output_bytes": 200_000,
    "max_processes": 32,
    "max_open_files": 256,
    "disk_mb": 64,
    "max_files": 2_000,
}
CONFIG = """\
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "code"
c.Execute.timeout = 30
{autograde}
{limits}
"""

ADD = "def add(a, b):\n    ### BEGIN SOLUTION\n    return a + b\n    ### END SOLUTION"
SQUARE = "def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION"
RIGHT_ADD, RIGHT_SQUARE = "def add(a, b):\n    return a + b", "def square(x):\n    return x * x"
POINTS = {"test_add": 2, "test_square": 1, "test_both": 1}


def source_notebook() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell("# Two small functions\nWrite `add` and `square`."),
        _cell(ADD, "add", solution=True, locked=False),
        _cell("assert add(1, 2) == 3\nassert add(-1, 1) == 0\nprint('add: correct')", "test_add", points=2, grade=True),
        _cell(SQUARE, "square", solution=True, locked=False),
        _cell("assert square(3) == 9\nprint('square: correct')", "test_square", points=1, grade=True),
        _cell("assert square(add(1, 1)) == 4\nprint('both: correct')", "test_both", points=1, grade=True),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def config(*, sandboxed: bool = True, **limits) -> str:
    autograde = (
        "from coursekit.grading.sandbox.execute import autograde_preprocessors\n"
        "c.Autograde.autograde_preprocessors = autograde_preprocessors()"
    )
    lines = [f"c.SandboxedExecute.{k} = {v!r}" for k, v in {**LIMITS, **limits}.items()]
    return CONFIG.format(autograde=autograde if sandboxed else "", limits="\n".join(lines))


def make_course(repo: Path, *, sandboxed: bool = True) -> Path:
    """A course repo whose ``assignments/`` holds the released exercise and the secrets; returns assignments/."""
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    root = repo / "assignments"
    (root / "bank").mkdir(parents=True)
    (root / "bank" / "key.yaml").write_text(f"answer: {SECRET}\n")
    (root / "nbgrader_config.py").write_text(config(sandboxed=sandboxed))
    src = root / "source" / ASSIGNMENT
    src.mkdir(parents=True)
    nbformat.write(source_notebook(), src / f"{ASSIGNMENT}.ipynb")
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "code") as gb:
        gb.add_assignment(ASSIGNMENT)
    cfg = Config()
    cfg.CourseDirectory.root, cfg.CourseDirectory.course_id = str(root), "code"
    result = NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg).generate_assignment(ASSIGNMENT, force=True)
    assert result["success"], result.get("error") or result.get("log")
    return root


def submit(course: Path, student: str, *, add: str = RIGHT_ADD, square: str = RIGHT_SQUARE) -> None:
    """One student's notebook with these answers, and a private file of theirs no one else may read."""
    nb = nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    answers = {"add": add, "square": square}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    folder = course / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{ASSIGNMENT}.ipynb")
    (folder / "notes.txt").write_text(private(student) + "\n")
    (folder / "timestamp.txt").write_text("2026-02-28 09:00:00 UTC")


def private(student: str) -> str:
    """What only ``student``'s own kernel may read (their notes file)."""
    return f"private-notes-of-{student}"


def env(**extra: str) -> dict:
    environ = {k: v for k, v in os.environ.items() if k not in ("NBGRADER_EXECUTION", "COURSEKIT_COURSE")}
    environ["PATH"] = f"{BIN}{os.pathsep}{environ.get('PATH', '')}"
    return {**environ, **extra}


def nbgrader(course: Path, *args: str, environ: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "nbgrader"), *args], cwd=course, env=environ or env(), capture_output=True, text=True, timeout=600
    )


def scores(course: Path) -> dict[str, dict[str, float]]:
    """student -> grade cell -> (auto score, manual score)."""
    from nbgrader.api import Gradebook

    found = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "code") as gb:
        for sub in gb.assignment_submissions(ASSIGNMENT):
            found[sub.student.id] = {g.name: (g.auto_score, g.manual_score) for nb in sub.notebooks for g in nb.grades}
    return found


def autograded(course: Path, student: str) -> dict[str, list]:
    """grade_id (or cell index) -> outputs of the student's autograded notebook."""
    nb = json.loads((course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    ids = [c["metadata"].get("nbgrader", {}).get("grade_id", str(i)) for i, c in enumerate(nb["cells"])]
    return {grade_id: c.get("outputs", []) for grade_id, c in zip(ids, nb["cells"], strict=True)}


def outputs_of(course: Path, student: str) -> str:
    """All a student and their grader read afterwards: the autograded notebook and the feedback page."""
    paths = [course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"]
    paths += list((course / "feedback" / student).rglob("*.html"))
    return "\n".join(p.read_text(errors="replace") for p in paths if p.exists())
