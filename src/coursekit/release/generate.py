"""``coursekit generate``: write each graded quiz's nbgrader source notebook from the bank.

``assignments/source/<name>/`` gets ``<name>.ipynb`` and ``<name>.questions.json`` (the public view:
no key, no rubric), plus a copy of every file in ``assignments/materials/<name>/`` if that folder
exists: the hand-written parts of an assignment (data files and their sources, an nbgrader code
exercise). The notebook holds locked cells (intro, setup, and per question an ask cell and a grade
cell), except for a written question: a locked prompt cell, then an unlocked Markdown answer cell
that nbgrader grades by hand (``solution`` and ``grade`` both true). Output is byte-for-byte
deterministic, so ``--check`` can detect any drift from the bank and the materials.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..bank.load import load_bank
from ..bank.reading import load_reading
from ..bank.schema import BankFile
from ..course import Course, find_course
from ..errors import CourseError

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


#: What nbgrader puts in an answer cell (ClearSolutions.text_stub); an unchanged stub scores 0.
ANSWER_STUB = "YOUR ANSWER HERE"


def _nbgrader(grade_id: str, *, points: float | None = None, answer: bool = False) -> dict:
    """nbgrader's cell metadata: locked, a grade cell if it has ``points``, a hand-graded answer if ``answer``."""
    meta = {"grade": points is not None, "grade_id": grade_id, "locked": not answer, "schema_version": 3}
    meta.update({"solution": answer, "task": False})
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _intro(quiz: BankFile) -> str:
    # Menu and button names are JupyterLab 4's and Notebook 7's own (and nbgrader's extension for them).
    name = quiz.assignment
    total = sum(q.points for q in quiz.questions)
    written = quiz.written()
    count = f"**{len(quiz.questions)} questions** worth **{total:g} points** in all"
    if written:
        hand = sum(q.points for q in written)
        count += f": {len(quiz.auto_graded())} answered in widgets, and {_n(len(written), 'written answer')} "
        count += f"({hand:g} points) that your instructor grades by hand"
    steps = "" if not written else _WRITTEN_STEP
    locked = "The other cells are locked:" if written else "The cells are locked:"
    return f"""# {quiz.title}

This graded quiz has {count}.

**Opened without running?** Each question shows your answer as it was when the notebook was last saved. Run all cells
to see your latest answers (they are safe in `{name}.answers.json`) and to change them.

**How to answer**

1. Run all cells (*Run → Run All Cells*). Each question appears as a widget headed with its number and points.
2. Answer with the mouse or the keyboard (Tab moves between controls; arrow keys, Space and Enter work as usual).
3. Every change is saved at once to `{name}.answers.json`, next to this notebook, and survives closing the notebook
   and restarting the kernel (*Kernel → Restart Kernel and Run All Cells…*). *Clear answer* removes an answer.
4. The line under each question says what is recorded, or that the question is not answered yet, and follows your
   answer as it changes. It never shows the correct answer: you get feedback after grading.
5. Save the notebook as usual (*File → Save Notebook*, or Ctrl+S, Cmd+S on a Mac, also inside a question).
{steps}
**Submitting**: press *Validate* in the notebook's toolbar to list any question not answered yet. Then submit: in
JupyterLab open *Nbgrader → Assignment List*, in Notebook 7 the *Assignments* tab of the file browser, and press
*Submit* next to this quiz (or run `nbgrader submit {name}`). Keep `{name}.answers.json` in the folder: it holds
your answers. {locked} nbgrader restores them when grading, so editing them changes nothing.
"""


_WRITTEN_STEP = """6. A written question has no widget: double-click the cell that says *YOUR ANSWER HERE* under it,
   replace that text with your answer, and save the notebook. That cell is the only one you can edit.
"""


def _n(count: int, noun: str) -> str:
    return f"{'one' if count == 1 else count} {noun}{'' if count == 1 else 's'}"


def _written_prompt(number: int, q) -> str:
    return f"""### Question {number}: written answer ({q.points:g} points)

{q.prompt.strip()}

Write your answer in the cell below, in place of *YOUR ANSWER HERE*. It is graded by hand after the deadline.
"""


#: A code cell that only calls the quiz: JupyterLab and Notebook 7 show its input collapsed (the student sees the
#: question, not `quiz.ask("...")`); nbgrader's checksums do not cover this metadata.
QUIZ_CALL = {"jupyter": {"source_hidden": True}}


def _cell(kind: str, cell_id: str, source: str, meta: dict) -> dict:
    cell = {"cell_type": kind, "id": cell_id, "metadata": meta, "source": source.splitlines(keepends=True)}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def build_notebook(quiz: BankFile) -> str:
    """The source notebook of a graded quiz, as nbformat 4.5 JSON text (written as nbformat itself would)."""
    setup = f'from coursekit.notebook.quiz import Quiz\n\nquiz = Quiz("{quiz.assignment}")'
    cells = [
        _cell("markdown", "intro", _intro(quiz), _nbgrader("intro")),
        _cell("code", "setup", setup, {**_nbgrader("setup"), **QUIZ_CALL}),
    ]
    for number, q in enumerate(quiz.questions, start=1):
        cells += _written_cells(number, q) if q.type == "written" else _widget_cells(q)
    # "coursekit.quiz" tells the grader (which reads it from source/, never from a submission) to score this
    # notebook from its answers file, without a kernel.
    metadata = {"coursekit": {"quiz": quiz.assignment}, "kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    nb = {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}
    # nbformat's own writer uses these settings; importing nbformat would cost seconds.
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def _widget_cells(q) -> list[dict]:
    return [
        _cell("code", f"a-{q.id}", f'quiz.ask("{q.id}")', {**_nbgrader(f"ask-{q.id}"), **QUIZ_CALL}),
        _cell("code", f"g-{q.id}", f'quiz.grade("{q.id}")', {**_nbgrader(q.id, points=float(q.points)), **QUIZ_CALL}),
    ]


def _written_cells(number: int, q) -> list[dict]:
    """A locked prompt, then the answer cell nbgrader grades by hand (its grade_id is the question id)."""
    answer = _nbgrader(q.id, points=float(q.points), answer=True)
    return [
        _cell("markdown", f"p-{q.id}", _written_prompt(number, q), _nbgrader(f"prompt-{q.id}")),
        _cell("markdown", f"w-{q.id}", ANSWER_STUB, answer),
    ]


def build_questions(quiz: BankFile) -> str:
    """The public questions file: what the notebook's widgets show. Holds no key."""
    data = {
        "schema": 1,
        "quiz": quiz.assignment,
        "title": quiz.title,
        "questions": [q.public() for q in quiz.questions],
    }
    return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def outputs(course: Course, quiz: BankFile) -> dict[Path, str]:
    folder = course.assignments / "source" / quiz.assignment
    generated = {
        folder / f"{quiz.assignment}.ipynb": build_notebook(quiz),
        folder / f"{quiz.assignment}.questions.json": build_questions(quiz),
    }
    return {**materials(course, quiz.assignment, folder, taken=set(generated)), **generated}


def materials(course: Course, name: str, folder: Path, *, taken: set[Path]) -> dict[Path, str]:
    """``assignments/materials/<name>/``'s files, to be copied as they are into ``folder`` (source/<name>/).

    They are the assignment's one hand-written place: nbgrader copies every non-notebook file of source/ to
    students, and strips the solutions from a notebook, so a file that nbgrader would release unchanged must not
    hold an answer (``coursekit release`` scans the release for the quiz's key).
    """
    base = course.assignments / "materials" / name
    files = (
        sorted(p for p in base.rglob("*") if p.is_file() and not _hidden(p.relative_to(base))) if base.is_dir() else []
    )
    found = {}
    for path in files:
        target = folder / path.relative_to(base)
        if target in taken or path.name.endswith(".answers.json"):
            what = "is written from the bank" if target in taken else "is an answers file, which students must not get"
            raise CourseError(f"{path}: {target.name} {what}; rename or remove it from {base}.")
        try:
            found[target] = path.read_bytes().decode("utf-8")  # as it is: line ends included
        except UnicodeDecodeError:
            raise CourseError(
                f"{path}: not UTF-8 text; save it as UTF-8 (materials are data, notes and notebooks)."
            ) from None
    return found


def _hidden(relative: Path) -> bool:
    # Editors and Jupyter leave these beside the files (.ipynb_checkpoints, .DS_Store): never copy them to students.
    return any(part.startswith(".") or part == "__pycache__" for part in relative.parts)


def selected_quizzes(course: Course, names: list[str] | None) -> list[BankFile]:
    reading = load_reading(course.reading) if course.reading.is_file() else None
    bank = load_bank([course.bank_dir], reading=reading)
    return [bank.assignment(n) for n in (names or sorted(bank.assignments()))]


def generate_assignments(*, names: list[str] | None = None, check: bool = False) -> list[Path]:
    """Write (or with ``check``, compare) every selected quiz's source files; return their paths."""
    course = find_course()
    written = []
    for quiz in selected_quizzes(course, names):
        for path, text in outputs(course, quiz).items():
            # Bytes, not text mode: universal newlines would read a copied file's "\r" as "\n" and see drift.
            current = path.read_bytes().decode("utf-8", errors="replace") if path.is_file() else None
            if check:
                if current != text:
                    what = "is missing" if current is None else "differs from the bank"
                    raise CourseError(f"{path}: {what}; run `coursekit generate {quiz.assignment}` and commit it.")
                continue
            if current != text:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_name(f".{path.name}.tmp")
                tmp.write_bytes(text.encode("utf-8"))
                tmp.replace(path)  # atomic: a half-written notebook is never left behind
                print(f"wrote {path.relative_to(course.root)}")
            written.append(path)
    if check:
        print(f"ok: the quiz notebooks in {course.assignments / 'source'} match the bank.")
    return written
