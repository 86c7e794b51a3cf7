"""``coursekit rubrics``: the grader's sheet for a quiz's written questions, kept away from anything students get.

The sheet (self-contained HTML, or Markdown) holds each written question's prompt, its rubric (each
criterion with the words of the prompt that ask for it and its scored levels), the rule for wrong
statements, three anchor answers with their scores, and what a full answer contains. It is written
to ``assignments/rubrics/`` by default (gitignored), and
never inside the folders nbgrader hands out or collects (source/, release/, submitted/, autograded/,
feedback/), nor in the public book.
"""

from __future__ import annotations

import html
import os
import tempfile
from pathlib import Path

from ..bank.essays import load_essays
from ..bank.schema import BankFile
from ..course import Course, find_course
from ..errors import CourseError
from .generate import selected_quizzes

FORMATS = ("html", "md")
_STUDENT_FOLDERS = ("source", "release", "submitted", "autograded", "feedback", "exchange")
_CSS = """body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#111}
.warn{background:#fff4d6;border-left:4px solid #c80;padding:.5rem 1rem}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.4rem;text-align:left;vertical-align:top}
td.pts{width:5rem;text-align:right}tr.crit td{background:#eef;font-weight:600}
blockquote{margin:0;padding:.5rem 1rem;background:#f3f3f3}"""


def write_rubrics(*, names: list[str] | None = None, out: Path | None = None, fmt: str = "html") -> list[Path]:
    """Write one grader's sheet per quiz that has written questions, and per essay; return the files written.

    ``names`` may mix quiz names and essay ids; without names, every quiz with a written question and every essay.
    """
    if fmt not in FORMATS:
        raise CourseError(f"--format {fmt!r} is not known; use one of: {', '.join(FORMATS)}")
    course = find_course()
    folder = (out or course.assignments / "rubrics").resolve()
    _refuse_public(course, folder)
    sheets = [*_quiz_sheets(course, names, fmt), *_essay_sheets(course, names, fmt)]
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in sheets:
        path = folder / f"{name}.{fmt}"
        _write_atomic(path, text)
        print(f"wrote {path} (for graders only: do not share it with students)")
        written.append(path)
    return written


def _quiz_sheets(course: Course, names: list[str] | None, fmt: str) -> list[tuple[str, str]]:
    essays = {e.id for e in _essays(course)}
    wanted = [n for n in names if n not in essays] if names else None
    if names and not wanted:
        return []
    quizzes = [q for q in selected_quizzes(course, wanted) if q.written() or names]
    empty = [q.assignment for q in quizzes if not q.written()]
    if empty:
        raise CourseError(f"quiz '{empty[0]}' has no written questions, so it has no rubric to print")
    return [(q.assignment, rubric_html(q) if fmt == "html" else rubric_markdown(q)) for q in quizzes]


def _essay_sheets(course: Course, names: list[str] | None, fmt: str) -> list[tuple[str, str]]:
    chosen = [e for e in _essays(course) if not names or e.id in names]
    return [(e.id, essay_html(e) if fmt == "html" else essay_markdown(e)) for e in chosen]


def _essays(course: Course) -> list:
    essays, problems = load_essays(course.bank_dir)
    if problems:
        raise CourseError("\n".join(str(p) for p in problems) + "\nRun `coursekit check` and fix the essay first.")
    return essays


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
        lines += _question_markdown(f"Question {number}: `{q.id}`", q)
    return "\n".join(lines)


def essay_markdown(essay) -> str:
    """An essay's grader's sheet as Markdown."""
    lines = [f"# Grader's sheet: {essay.title} (`{essay.id}`)", "", f"> {_ESSAY_WARNING}", ""]
    return "\n".join(lines + _question_markdown(f"Essay `{essay.id}`", essay))


def _question_markdown(heading: str, q) -> list[str]:
    lines = [f"## {heading} ({q.points:g} points)", "", q.prompt.strip(), ""]
    lines += ["| points | the answer ... |", "| ---: | --- |"]
    for c in q.rubric:
        lines.append(f"| **{c.points:g}** | **{_cell(_heading(c))}** |")
        lines += [f"| {lv.points:g} | {_cell(lv.descriptor)} |" for lv in _levels(c)]
    return lines + [""] + _markdown_extras(q)


def _markdown_extras(q) -> list[str]:
    lines = [f"**Wrong statements:** {' '.join(q.wrong_statements.split())}", ""] if q.wrong_statements else []
    for a in q.anchors:
        lines += [f"**Anchor, {a.level} ({_scores(q, a)}):** {' '.join(a.answer.split())}", ""]
    lines += ["**A full answer contains:** " + " ".join(q.full_answer.split()), ""]
    source = getattr(q, "source", None)
    return lines + ([f"**In the reading:** {source.section}: \u201c{source.quote}\u201d", ""] if source else [])


def _heading(c) -> str:
    """A criterion as the sheet names it: what it grades, what in the prompt asks for it, whether it is reasoning."""
    text = " ".join(c.criterion.split())
    if c.asks:
        text += f" (the prompt: \u201c{c.asks}\u201d)"
    return text + (" [grades the reasoning]" if c.reasoning else "")


def _levels(c) -> list:
    """The criterion's levels from the top down (none for an old-style criterion, which has only its points)."""
    return sorted(c.levels, key=lambda lv: -lv.points)


def _scores(q, anchor) -> str:
    per = ", ".join(f"{cid} {score:g}" for cid, score in anchor.scores.items())
    return f"{anchor.total():g} of {q.points:g}: {per}"


def _cell(text: str) -> str:
    """Text that stays inside one Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


_ESSAY_WARNING = (
    "For graders only: do not share with students before grading. Read the whole essay once before scoring; score each "
    "criterion at one of its levels, then apply the rule for wrong statements."
)
_WARNING = (
    "For graders only: do not share with students. Score each written answer in formgrader "
    "(Manual Grading, then the assignment and the submission), in the answer cell named by the question id."
)


def rubric_html(quiz: BankFile) -> str:
    """The grader's sheet as one self-contained HTML page (no scripts, no external files)."""
    body = []
    for number, q in _numbered(quiz):
        body += _question_html(f"Question {number}: <code>{html.escape(q.id)}</code>", q)
    return _page(quiz.title, quiz.assignment, _WARNING, body)


def essay_html(essay) -> str:
    """An essay's grader's sheet as one self-contained HTML page."""
    body = _question_html(f"Essay <code>{html.escape(essay.id)}</code>", essay)
    return _page(essay.title, essay.id, _ESSAY_WARNING, body)


def _page(title: str, name: str, warning: str, body: list[str]) -> str:
    e = html.escape
    top = [f"<h1>Grader's sheet: {e(title)} (<code>{e(name)}</code>)</h1>", f'<p class="warn">{e(warning)}</p>']
    head = f'<meta charset="utf-8"><title>Rubric: {e(name)}</title><style>{_CSS}</style>'
    return (
        f'<!doctype html>\n<html lang="en"><head>{head}</head><body>\n' + "\n".join(top + body) + "\n</body></html>\n"
    )


def _question_html(heading: str, q) -> list[str]:
    e = html.escape
    return [
        f"<h2>{heading} ({q.points:g} points)</h2>",
        f"<blockquote>{e(q.prompt.strip())}</blockquote>",
        f"<table><tr><th>points</th><th>the answer ...</th></tr>{''.join(map(_html_rows, q.rubric))}</table>",
        *_html_extras(q),
    ]


def _html_rows(c) -> str:
    e = html.escape
    rows = f'<tr class="crit"><td class="pts">{c.points:g}</td><td>{e(_heading(c))}</td></tr>'
    cells = [f'<tr><td class="pts">{lv.points:g}</td><td>{e(lv.descriptor)}</td></tr>' for lv in _levels(c)]
    return rows + "".join(cells)


def _html_extras(q) -> list[str]:
    e = html.escape
    found = [f"<p><strong>Wrong statements:</strong> {e(q.wrong_statements)}</p>"] if q.wrong_statements else []
    for a in q.anchors:
        found.append(f"<p><strong>Anchor, {e(a.level)} ({e(_scores(q, a))}):</strong> {e(a.answer)}</p>")
    found.append(f"<p><strong>A full answer contains:</strong> {e(q.full_answer)}</p>")
    source = getattr(q, "source", None)
    if source:
        found.append(f"<p><strong>In the reading:</strong> {e(source.section)}: \u201c{e(source.quote)}\u201d</p>")
    return found
