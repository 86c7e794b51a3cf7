"""Helpers of the platform tests: a course copy, answers made from the bank, a quiz answered in a real kernel.

Answers are derived from each question's key (right) or from its options (wrong), never written out by id,
so these tests follow the bank when its questions change.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[2]
OUTPUTS = ("release", "submitted", "autograded", "feedback", "exchange", "gradebook.db", "grades.csv")


def copy_course(dest: Path) -> Path:
    """The course's assignments/ (without generated folders or gradebook) and its reading, under ``dest``."""
    ignore = shutil.ignore_patterns(*OUTPUTS, "*.answers.json", ".ipynb_checkpoints", "__pycache__")
    shutil.copytree(REPO / "assignments", dest / "assignments", ignore=ignore)
    (dest / "book").mkdir()
    shutil.copy(REPO / "book" / "reading.md", dest / "book")
    return dest


def graded_quizzes() -> dict[str, list]:
    """Each graded quiz of the course's bank and its questions (schema models), in bank order."""
    from coursekit.bank.load import bank_files, load_bank

    bank = load_bank(bank_files([REPO / "assignments" / "bank"]))
    return {f.assignment: list(f.questions) for f in bank.files.values() if f.kind == "graded"}


def right(q):
    """An answer that earns every point: the key (the first accepted text for short answers)."""
    return q.key()[0] if q.type == "text" else q.key()


def wrong(q):
    """A well-formed answer that earns nothing."""
    key = q.key()
    if q.type == "single":
        return next(o.id for o in q.options if o.id != key)
    if q.type == "multiple":
        return [o.id for o in q.options if o.id not in key] or []
    if q.type == "numeric":
        return key + 10 * (q.tolerance + 1) + 1
    if q.type == "text":
        return "certainly not the answer"
    if q.type == "ordering":
        return key[::-1]
    rights = [r.id for r in q.right]
    return {left: next(r for r in rights if r != key[left]) for left in key}


def answer_sets(questions) -> dict[str, dict]:
    """Named answer sets for a mixed class: all right, all wrong, alternating, and half answered."""
    questions = [q for q in questions if q.type != "written"]  # a written response is typed in its cell, not here
    return {
        "right": {q.id: right(q) for q in questions},
        "wrong": {q.id: wrong(q) for q in questions},
        "mixed": {q.id: (right(q) if i % 2 else wrong(q)) for i, q in enumerate(questions)},
        "half": {q.id: right(q) for q in questions[: len(questions) // 2]},
    }


def answer_in_kernel(notebook: Path, values: dict, kernel_name: str = "python3") -> str:
    """Run a released quiz notebook in a real kernel and set each widget's value from Python, as a
    student's clicks would; return what the last cell printed (the kernel's Python, the widgets' statuses)."""
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "import sys\n"
            "from coursekit.notebook.widget import QuizWidget\n"
            f"wanted = {json.dumps(values)!r}\n"
            "import json as _json; wanted = _json.loads(wanted)\n"
            "shown = [w for w in Out.values() if isinstance(w, QuizWidget)]\n"
            "for w in shown:\n    if w.question['id'] in wanted: w.value = wanted[w.question['id']]\n"
            "print(sys.executable, len(shown), sorted({w.status for w in shown}))"
        )
    )
    client = NotebookClient(
        nb, timeout=180, kernel_name=kernel_name, resources={"metadata": {"path": str(notebook.parent)}}
    )
    client.execute()
    return "".join(o.get("text", "") for o in nb.cells[-1].outputs)
