"""A small nbgrader course built from scratch in a temp folder, for the parallel-grading tests.

It mirrors what a coursekit quiz does at grading time (read the answers file with
coursekit.notebook.answers, then grade cells that print feedback and end with a number) without
depending on the real bank, so these tests run before and after the real quizzes change.
Submissions come in kinds that exercise every path nbgrader has: right, partly right,
wrong, blank, corrupt answers file, late, a cell that outlives the timeout, and a kernel
that dies (``os._exit``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell, new_notebook

from nbgrader_cells import nbgrader_cell as _cell

ASSIGNMENT = "quiz"
BIN = Path(sys.executable).parent
DUE = "2026-03-01 12:00:00 UTC"

CONFIG = """\
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "synthetic"
c.Execute.timeout = {timeout}
c.LateSubmissionPlugin.penalty_method = "zero"
"""


def source_notebook() -> nbformat.NotebookNode:
    """The instructor's notebook: a load cell, one answer cell, three grade cells."""
    cells = [
        new_markdown_cell("# Synthetic quiz\nAnswer in the cell below."),
        _cell(
            "from coursekit.notebook.answers import read_answers\n"
            f"found = read_answers('{ASSIGNMENT}.answers.json')\n"
            "print(found.problem or f'{len(found.values)} answer(s) read')",
            "load",
        ),
        _cell("### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION", "answer", solution=True, locked=False),
        _cell("assert answer == 42, 'not the answer'\nprint('correct')", "test_answer", points=2, grade=True),
        _cell(
            "value = found.values.get('q1')\n"
            "print('q1:', 'correct' if value == 'b' else 'partly' if value == 'c' else 'incorrect')\n"
            "1.0 if value == 'b' else 0.5 if value == 'c' else 0.0",
            "test_q1",
            points=1,
            grade=True,
        ),
        _cell("len(found.values.get('q2', ''))", "test_q2", points=3, grade=True),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


# kind -> (code in the answer cell, answers file content or None)
KINDS = {
    "right": ("answer = 42", {"schema": 1, "answers": {"q1": "b", "q2": "abc"}}),
    "partly": ("answer = 41", {"schema": 1, "answers": {"q1": "c", "q2": "a"}}),
    "wrong": ("answer = 'x'", {"schema": 1, "answers": {"q1": "a"}}),
    "blank": (None, None),
    "corrupt": ("answer = 42", "{not json"),
    "error": ("answer = 1 / 0", {"schema": 1, "answers": {"q1": "b"}}),
    "late": ("answer = 42", {"schema": 1, "answers": {"q1": "b", "q2": "ab"}}),
    "timeout": ("import time\ntime.sleep(600)\nanswer = 42", {"schema": 1, "answers": {"q1": "b"}}),
    "crash": ("import os\nos._exit(1)", {"schema": 1, "answers": {"q1": "b"}}),
    "slow": ("import time\ntime.sleep(3)\nanswer = 42", {"schema": 1, "answers": {"q1": "c", "q2": "ab"}}),
}


def _env() -> dict:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def nbgrader(course: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run one of nbgrader's real commands inside the course directory."""
    return subprocess.run(
        [str(BIN / "nbgrader"), *args], cwd=course, env=_env(), capture_output=True, text=True, check=check
    )


def make_course(repo: Path, *, timeout: int = 30) -> Path:
    """A course repo whose ``assignments/`` is an nbgrader course with the quiz released; returns assignments/.

    Set up with nbgrader's Python API (the same code as its commands, without paying nbgrader's
    import time twice); the assignment "empty" is in the gradebook but has no submissions.
    """
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import parse_utc
    from traitlets.config import Config

    root = repo / "assignments"
    (root / "bank").mkdir(parents=True, exist_ok=True)
    (root / "nbgrader_config.py").write_text(CONFIG.format(timeout=timeout))
    src = root / "source" / ASSIGNMENT
    src.mkdir(parents=True)
    nbformat.write(source_notebook(), src / f"{ASSIGNMENT}.ipynb")
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "synthetic") as gb:
        gb.add_assignment(ASSIGNMENT, duedate=parse_utc(DUE))
        gb.add_assignment("empty")
    config = Config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.course_id = "synthetic"
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    result = api.generate_assignment(ASSIGNMENT, force=True)
    assert result["success"], result.get("error") or result.get("log")
    return root


def submit(course: Path, student: str, kind: str) -> None:
    """Write one student's submission of the given kind (see KINDS)."""
    code, answers = KINDS[kind]
    nb = nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    for cell in nb.cells:
        if code is not None and cell.metadata.get("nbgrader", {}).get("grade_id") == "answer":
            cell.source = code
    folder = course / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{ASSIGNMENT}.ipynb")
    if answers is not None:
        text = answers if isinstance(answers, str) else json.dumps(answers)
        (folder / f"{ASSIGNMENT}.answers.json").write_text(text)
    stamp = "2026-03-02 12:00:00 UTC" if kind == "late" else "2026-02-28 09:00:00 UTC"
    (folder / "timestamp.txt").write_text(stamp)


def clone(course: Path, dest_repo: Path) -> Path:
    """A copy of the course repo holding ``course`` (an assignments/ folder); returns the copy's assignments/."""
    shutil.copytree(course.parent, dest_repo)
    return dest_repo / "assignments"


def gradebook_rows(root: Path, assignment: str = ASSIGNMENT) -> dict:
    """Everything autograde records per student: timestamp, per-cell scores, comments, late penalty."""
    from nbgrader.api import Gradebook

    rows = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "synthetic") as gb:
        for sub in gb.assignment_submissions(assignment):
            cells = {}
            for nb in sub.notebooks:
                for g in nb.grades:
                    cells[g.name] = (g.auto_score, g.manual_score, g.needs_manual_grade)
                for c in nb.comments:
                    cells["comment:" + c.name] = c.auto_comment
                cells["late_penalty"] = nb.late_submission_penalty
            rows[sub.student.id] = (str(sub.timestamp), cells)
    return rows


def autograded_cells(root: Path, assignment: str = ASSIGNMENT) -> dict:
    """Each autograded notebook's cells as a reader sees them: execution timestamps dropped, and
    consecutive stdout chunks joined (how the kernel chunks a stream varies between two serial runs too)."""
    found = {}
    for path in sorted((root / "autograded").glob(f"*/{assignment}/*.ipynb")):
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            cell.get("metadata", {}).pop("execution", None)
            if "outputs" in cell:
                cell["outputs"] = _coalesced(cell["outputs"])
        found[path.parent.parent.name] = nb["cells"]
    return found


def _coalesced(outputs: list) -> list:
    merged = []
    for out in outputs:
        if out.get("output_type") != "stream":
            merged.append(out)
            continue
        text = "".join(out["text"])
        if merged and merged[-1].get("output_type") == "stream" and merged[-1]["name"] == out["name"]:
            merged[-1]["text"] += text
        else:
            merged.append({**out, "text": text})
    return merged
