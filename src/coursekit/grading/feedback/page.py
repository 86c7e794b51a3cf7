"""The feedback page's content: ``FeedbackPage``, a step of plain ``nbgrader generate_feedback``.

The course's ``nbgrader_config.py`` adds it to ``GenerateFeedback.preprocessors`` after nbgrader's own
``GetGrades``. For a coursekit quiz it gathers what the course's template (``templates/feedback``) lays
out: the quiz's title, the total, the notes about the submission and one section per graded question,
each with the final score from the gradebook. A grader's change to a score (formgrader, or the
Gradebook API) is shown as such beside the automatic check, so the page never says two things about
one score. Other notebooks get the total only; the template shows their cells as nbconvert would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

from ...notebook.markup import markdown
from ..intake.student_text import as_shown
from ..quiz_notebook import quiz_of
from .answer_view import num

ANSWER_STUB = "YOUR ANSWER HERE"  # nbgrader's text in an answer cell the student never filled in


@dataclass(frozen=True)
class Grade:
    """One grade cell's row of the gradebook."""

    auto: float | None
    manual: float | None
    extra: float | None
    max_score: float
    needs_manual: bool

    @property
    def final(self) -> float:
        base = self.manual if self.manual is not None else (self.auto or 0.0)
        return base + (self.extra or 0.0)

    @property
    def adjusted(self) -> bool:
        return self.manual is not None and (self.auto is None or abs(self.manual - self.auto) > 1e-9)


class FeedbackPage(NbGraderPreprocessor):
    """GenerateFeedback step after GetGrades: puts ``resources["coursekit_page"]`` together for the template."""

    def preprocess(self, nb: NotebookNode, resources: dict):
        info = resources["nbgrader"]
        grades = read_grades(info["db_url"], info["assignment"], info["student"], info["notebook"], _grade_ids(nb))
        resources["coursekit_page"] = build_page(nb, info, grades)
        return nb, resources


def _grade_ids(nb: NotebookNode) -> list[str]:
    return [m["grade_id"] for c in nb.cells if (m := c.metadata.get("nbgrader", {})).get("grade") and "grade_id" in m]


def read_grades(db_url: str, assignment: str, student: str, notebook: str, grade_ids: list[str]) -> dict:
    """grade id -> Grade, from nbgrader's gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    out = {}
    with Gradebook(db_url) as gb:
        for gid in grade_ids:
            try:
                g = gb.find_grade(gid, notebook, assignment, student)
            except MissingEntry:  # a cell the gradebook does not know scores nothing: leave it out of the page
                continue
            out[gid] = Grade(g.auto_score, g.manual_score, g.extra_credit, g.max_score, bool(g.needs_manual_grade))
    return out


def build_page(nb: NotebookNode, info: dict, grades: dict[str, Grade]) -> dict:
    """What the template shows: title, total and (for a quiz) the notes and one section per graded question."""
    late = float(info.get("late_penalty") or 0)
    page = {
        "quiz": quiz_of(nb) is not None,
        "title": _title(nb) or str(info.get("notebook", "")),
        "total": num(info.get("score") or 0),
        "max": num(info.get("max_score") or 0),
        "late": num(late) if late else "",
        "notes": [],
        "sections": [],
    }
    prompts = {_gid(c): c for c in nb.cells if c.cell_type == "markdown"}
    written_titles = _written_titles(nb)
    for cell in nb.cells:
        gid = _gid(cell)
        if cell.metadata.get("nbgrader", {}).get("grade") and gid in grades:
            section = _section(cell, len(page["sections"]) + 1, grades[gid])
            if cell.cell_type == "markdown":  # a written answer: its locked prompt cell comes first
                section["html"] = _prompt(prompts.get(f"prompt-{gid}")) + section["html"]
                section["title"] = str(written_titles.get(gid, ""))
            page["sections"].append(section)
            cell.metadata["coursekit_feedback"] = {k: v for k, v in section.items() if k != "html"}  # other notebooks
        page["notes"] += [o.data.get("text/html", "") for o in _outputs(cell, "notes")]
    page["pending"] = sum(s["pending"] for s in page["sections"])
    return page


def _written_titles(nb: NotebookNode) -> dict:
    """grade id -> title of the written questions, as the scoring step left them (nothing if absent or malformed)."""
    meta = nb.metadata.get("coursekit")
    titles = meta.get("written_titles") if isinstance(meta, dict) else None
    return titles if isinstance(titles, dict) else {}


def _gid(cell) -> str:
    return str(cell.metadata.get("nbgrader", {}).get("grade_id", ""))


def _title(nb: NotebookNode) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            first = cell.source.lstrip().splitlines()[0] if cell.source.strip() else ""
            return first[2:].strip() if first.startswith("# ") else ""
    return ""


def _outputs(cell, part: str) -> list:
    outputs = cell.get("outputs", []) if cell.cell_type == "code" else []
    return [o for o in outputs if o.get("metadata", {}).get("coursekit", {}).get("part") == part]


def _section(cell, position: int, grade: Grade) -> dict:
    found = _outputs(cell, "question")
    meta = found[0].metadata["coursekit"] if found else {}
    number = meta.get("number") or position
    by_hand = cell.cell_type == "markdown"  # a written answer: no automatic check, only the grader's score
    section = {
        "anchor": f"question-{number}",
        "number": number,
        "title": meta.get("title", ""),
        "score": num(grade.final),
        "max": num(grade.max_score),
        "adjusted": grade.adjusted and not by_hand,
        "by_hand": by_hand and grade.manual is not None,
        "auto": num(grade.auto or 0),
        "extra": num(grade.extra) if grade.extra else "",
        "pending": grade.needs_manual and grade.manual is None,
        "html": found[0].data.get("text/html", "") if found else _written(cell),
        "comment": str(cell.metadata.get("nbgrader", {}).get("comment") or ""),
    }
    return section


def _written(cell) -> str:
    """A written answer (graded by hand), with the student's formatting and nothing that could run or load."""
    if cell.cell_type != "markdown":
        return ""
    text = cell.source.strip()
    answer = as_shown(text) if text and text != ANSWER_STUB else "<em>(no answer)</em>"
    label = '<p class="ck-fb-label">Your answer</p>'
    return f'<div class="ck-fb-answer">{label}<div class="ck-fb-written">{answer}</div></div>'


def _prompt(cell) -> str:
    """A written question's prompt, from its locked cell, without the cell's own heading, and without the
    notebook's instruction on where to type the answer (the paragraph that names the answer cell's stub)."""
    if cell is None:
        return ""
    lines = cell.source.strip().splitlines()
    body = "\n".join(lines[1:] if lines and lines[0].startswith("#") else lines)
    prompt = "\n\n".join(p for p in re.split(r"\n\s*\n", body) if ANSWER_STUB not in p)
    return f'<div class="ck-fb-prompt">{markdown(prompt)}</div>'
