"""``coursekit rubrics``: the grader's sheet for a quiz's written questions, kept away from anything students get.

The sheet (self-contained HTML, or Markdown) holds each written question's prompt, its rubric and
what a full answer contains. It is written to ``assignments/rubrics/`` by default (gitignored), and
never inside the folders nbgrader hands out or collects (source/, release/, submitted/, autograded/,
feedback/), nor in the public book.
"""

from __future__ import annotations

import html
import os
import tempfile
from pathlib import Path

from ..bank.schema import BankFile
from ..course import Course, find_course
from ..errors import CourseError
from .generate import selected_quizzes

FORMATS = ("html", "md")
_STUDENT_FOLDERS = ("source", "release", "submitted", "autograded", "feedback", "exchange")
_CSS = """body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#111}
.warn{background:#fff4d6;border-left:4px solid #c80;padding:.5rem 1rem}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.4rem;text-align:left;vertical-align:top}
td.pts{width:5rem;text-align:right}blockquote{margin:0;padding:.5rem 1rem;background:#f3f3f3}"""


def write_rubrics(*, names: list[str] | None = None, out: Path | None = None, fmt: str = "html") -> list[Path]:
    """Write one grader's sheet per quiz that has written questions; return the files written."""
    if fmt not in FORMATS:
        raise CourseError(f"--format {fmt!r} is not known; use one of: {', '.join(FORMATS)}")
    course = find_course()
    folder = (out or course.assignments / "rubrics").resolve()
    _refuse_public(course, folder)
    quizzes = [q for q in selected_quizzes(course, names) if q.written() or names]
    empty = [q.assignment for q in quizzes if not q.written()]
    if empty:
        raise CourseError(f"quiz '{empty[0]}' has no written questions, so it has no rubric to print")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for quiz in quizzes:
        path = folder / f"{quiz.assignment}.{fmt}"
        _write_atomic(path, rubric_html(quiz) if fmt == "html" else rubric_markdown(quiz))
        print(f"wrote {path} (for graders only: do not share it with students)")
        written.append(path)
    return written


def _refuse_public(course: Course, folder: Path) -> None:
    """A rubric must never land where nbgrader hands files to students or where the public book is built."""
    public = [course.assignments.resolve() / name for name in _STUDENT_FOLDERS] + [course.book.resolve()]
    for place in public:
        if folder == place or place in folder.parents:
            raise CourseError(
                f"{folder}: this folder is inside {place}, which students can see; "
                "write the rubrics elsewhere (default: assignments/rubrics/)"
            )


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def _numbered(quiz: BankFile) -> list[tuple[int, object]]:
    """Each written question with its number in the notebook (the bank's order)."""
    return [(n, q) for n, q in enumerate(quiz.questions, start=1) if q.type == "written"]


def rubric_markdown(quiz: BankFile) -> str:
    """The grader's sheet as Markdown."""
    lines = [f"# Grader's sheet: {quiz.title} (`{quiz.assignment}`)", "", f"> {_WARNING}", ""]
    for number, q in _numbered(quiz):
        lines += [f"## Question {number}: `{q.id}` ({q.points:g} points)", "", q.prompt.strip(), ""]
        lines += ["| points | the answer ... |", "| ---: | --- |"]
        lines += [f"| {c.points:g} | {_cell(c.criterion)} |" for c in q.rubric]
        lines += ["", "**A full answer contains:** " + " ".join(q.full_answer.split()), ""]
        lines += [f"**In the reading:** {q.source.section}: \u201c{q.source.quote}\u201d", ""]
    return "\n".join(lines)


def _cell(text: str) -> str:
    """Text that stays inside one Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


_WARNING = (
    "For graders only: do not share with students. Score each written answer in formgrader "
    "(Manual Grading, then the assignment and the submission), in the answer cell named by the question id."
)


def rubric_html(quiz: BankFile) -> str:
    """The grader's sheet as one self-contained HTML page (no scripts, no external files)."""
    e = html.escape
    body = [f"<h1>Grader's sheet: {e(quiz.title)} (<code>{e(quiz.assignment)}</code>)</h1>"]
    body.append(f'<p class="warn">{e(_WARNING)}</p>')
    for number, q in _numbered(quiz):
        rows = "".join(f'<tr><td class="pts">{c.points:g}</td><td>{e(c.criterion)}</td></tr>' for c in q.rubric)
        body += [
            f"<h2>Question {number}: <code>{e(q.id)}</code> ({q.points:g} points)</h2>",
            f"<blockquote>{e(q.prompt.strip())}</blockquote>",
            f"<table><tr><th>points</th><th>the answer ...</th></tr>{rows}</table>",
            f"<p><strong>A full answer contains:</strong> {e(q.full_answer)}</p>",
            f"<p><strong>In the reading:</strong> {e(q.source.section)}: \u201c{e(q.source.quote)}\u201d</p>",
        ]
    head = f'<meta charset="utf-8"><title>Rubric: {e(quiz.assignment)}</title><style>{_CSS}</style>'
    return f'<!doctype html>\n<html lang="en"><head>{head}</head><body>\n' + "\n".join(body) + "\n</body></html>\n"
