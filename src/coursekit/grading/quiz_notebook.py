"""Scoring into notebooks: a quiz notebook to grade is rebuilt from the instructor's source, then filled in.

A coursekit quiz notebook is made of generated cells only, so grading needs no kernel: the graded
notebook is the source notebook with the student's written responses copied in (the only cells a
student writes; made inert HTML that keeps their formatting, see intake/student_text.py) and, under
each grade cell, the feedback and the points computed in the grader's own process. Whatever else the
student did to the ``.ipynb`` (added cells, edited locked cells, changed points, duplicated grade ids)
is never run and never counts; the feedback says how many cells were ignored. Which notebooks are
quizzes is read from the trusted source notebook, never the student's.
"""

from __future__ import annotations

import copy

from nbformat import NotebookNode, from_dict

from .feedback.bundle import Info, notes_html, output_metadata, question_outputs, title_of
from .intake.answers_file import HandedIn
from .intake.student_text import inert_html

META = "coursekit"  # notebook metadata key set by `coursekit generate`: {"coursekit": {"quiz": "<name>"}}
MAX_WRITTEN = 20_000  # characters of a written response kept (a longer one is cut, and says so)


def quiz_of(source: NotebookNode) -> str | None:
    """The quiz a source notebook was generated for, or None for an ordinary notebook."""
    meta = source.get("metadata", {}).get(META, {})
    quiz = meta.get("quiz") if isinstance(meta, dict) else None
    return quiz if isinstance(quiz, str) and quiz else None


def _grade_id(cell) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    gid = meta.get("grade_id") if isinstance(meta, dict) else None
    return gid if isinstance(gid, str) else None


def _is_solution(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return isinstance(meta, dict) and meta.get("solution") is True


def rebuild(source: NotebookNode, submitted: NotebookNode | None) -> tuple[NotebookNode, int]:
    """The source notebook with the student's written responses; and how many student cells were ignored."""
    nb = copy.deepcopy(source)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    cells = list(submitted.get("cells", [])) if submitted is not None else []
    answers = _first_by_grade_id(cells)
    for cell in nb.cells:
        mine = answers.get(_grade_id(cell) or "")
        if _is_solution(cell) and mine is not None and mine.get("cell_type") == cell.cell_type:
            cell.source = _written(mine.get("source", ""), released=cell.source)
    known = {_grade_id(c) for c in nb.cells} - {None}
    used = {gid for gid in answers if gid in known}
    return nb, len([c for c in cells if not _empty(c)]) - len(used)


def _empty(cell) -> bool:
    """An added cell with nothing in it (JupyterLab adds one on Shift+Enter in the last cell): not worth a note.
    A blank cell that carries outputs or attachments is not empty: they may be forged saved answers."""
    if not isinstance(cell, dict) or _grade_id(cell) is not None or cell.get("outputs") or cell.get("attachments"):
        return False
    source = cell.get("source", "")
    text = "".join(s for s in source if isinstance(s, str)) if isinstance(source, list) else source
    return isinstance(text, str) and not text.strip()


def _first_by_grade_id(cells: list) -> dict:
    found: dict = {}
    for cell in cells:
        gid = _grade_id(cell) if isinstance(cell, dict) else None
        if gid is not None and gid not in found:
            found[gid] = cell
    return found


def _written(source, *, released: str) -> str:
    """A student's written answer as the graders and the student will read it: inert HTML (see student_text).

    An answer left as released stays exactly so: nbgrader scores an unchanged answer cell 0 by its checksum.
    """
    text = "".join(source) if isinstance(source, list) else source if isinstance(source, str) else ""
    if text == released:
        return released
    text = "".join(c for c in text if not "\ud800" <= c <= "\udfff")
    if not text.strip():
        return ""
    if len(text) > MAX_WRITTEN:
        text = text[:MAX_WRITTEN] + f"\n\n[cut here: only the first {MAX_WRITTEN} characters are kept]"
    return inert_html(text)


def fill(
    nb: NotebookNode, questions: list, scores: dict, handed: HandedIn, *, show_key: bool, notes: list[str], book=None
):
    """Write each auto-graded question's feedback and points under its grade cell (nothing runs)."""
    numbers = {q.id: i for i, q in enumerate(questions, start=1)}
    by_id = {q.id: q for q in questions}
    first = True
    for cell in nb.cells:
        qid = _grade_id(cell)
        if cell.cell_type != "code" or qid not in scores:
            continue
        value, cell_notes = handed.values.get(qid), notes if first else []
        cell.outputs = cell_outputs(numbers[qid], by_id[qid], value, scores[qid], show_key, cell_notes, book)
        first = False
    titles = written_titles(questions)
    if titles:
        nb.metadata.setdefault(META, {})["written_titles"] = titles
    return nb


def cell_outputs(number: int, q, value, result, show_key: bool, notes: list[str], book=None) -> list:
    """The outputs under one question's grade cell: the submission's notes (on the first one), the feedback, the
    points nbgrader reads."""
    outputs = [_notes(notes)] if notes else []
    bundle = question_outputs(number, q, value, result, show_key, book)
    return [*outputs, _display(bundle, output_metadata(number, q, result)), _points(result.points)]


def written_titles(questions: list) -> dict[str, str]:
    """The titles of written questions, for the feedback page: their answer cells are markdown, with no outputs."""
    return {q.id: title_of(q) for q in questions if q.type == "written" and title_of(q)}


def _display(data: dict, metadata: dict | None = None) -> NotebookNode:
    # Built directly: nbformat's new_output validates each output against the schema (1 ms each).
    return from_dict({"output_type": "display_data", "data": data, "metadata": metadata or {}})


def _notes(notes: list[str]) -> NotebookNode:
    bundle = {"text/plain": "\n".join(notes), "text/html": notes_html(notes)}
    return _display(bundle, {"coursekit": {"part": "notes"}})


def _points(points: float) -> NotebookNode:
    # nbgrader reads a grade cell's first execute_result as its partial credit (nbgrader/utils.py determine_grade).
    data = {"text/plain": f"{points:g}"}
    return from_dict({"output_type": "execute_result", "data": data, "metadata": {}, "execution_count": None})


def submission_notes(handed: HandedIn, ignored: int, unknown: list[str]) -> list[str]:
    """What the student should know about the submission as a whole, each in one line."""
    notes = []
    if not handed.present:
        notes.append("No answers file was handed in, so every question scores 0.")
    elif handed.problem:
        notes.append(f"Your answers could not be read: {handed.problem}. Every question scores 0.")
    if unknown:
        notes.append(f"Answers for question ids this quiz does not have were ignored: {', '.join(unknown[:5])}.")
    if ignored:  # nothing went wrong: a student may add cells for notes; they are just not part of the grade
        cells = (
            "The cell you added to the notebook is"
            if ignored == 1
            else f"The {ignored} cells you added to the notebook are"
        )
        notes.append(Info(f"{cells} not graded: grading reads your recorded answers and the notebook as released."))
    return notes
