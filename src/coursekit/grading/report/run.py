"""`coursekit report`: read an assignment's grades and answers, analyse them, print the table, write HTML and CSV."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...course import find_course
from ...errors import CourseError
from ..gradebook_rows import configured_db_url
from ..private_files import write_private
from ..roster import in_section, load_roster
from .analysis import Report, analyse
from .data import read_cohort
from .text import render_csv, render_text


@dataclass
class Written:
    report: Report
    text: str
    html: Path | None
    csv: Path | None


def report_assignments(
    *,
    assignments: list[str],
    section: str | None = None,
    roster: Path | None = None,
    students: list[str] | None = None,
    names: bool = False,
    out: Path | None = None,
    html: bool = True,
) -> list[Written]:
    """Item analysis of each assignment, for the whole class or a subset; writes ``<out>/<assignment>.html``
    and ``.csv`` (default out: assignments/reports/)."""
    course = find_course()
    root = course.assignments
    db_url = configured_db_url(root)
    only, label = _subset(root, section, roster, students)
    folder = Path(out) if out else root / "reports"
    done = []
    for assignment in assignments:
        report = analyse(read_cohort(course, root, db_url, assignment, only), label)
        done.append(_write(report, folder, _stem(assignment, section), names=names, html=html))
    return done


def _subset(root: Path, section: str | None, roster: Path | None, students: list[str] | None):
    """(student ids to keep or None, a label for the report)."""
    if section is None:
        return (set(students), f"{len(students)} chosen students") if students else (None, "")
    path = Path(roster) if roster else root / "roster.csv"
    if not path.is_file():
        raise CourseError(
            f"{path}: no roster, so sections are unknown; write a CSV with 'id' and 'section' columns "
            "(see `coursekit report --help`) or pass --roster FILE"
        )
    chosen = in_section(load_roster(path), section, path)
    if students:
        chosen &= set(students)
    return chosen, f"section {section}"


def _stem(assignment: str, section: str | None) -> str:
    if not section:
        return assignment
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in section)
    return f"{assignment}-section-{safe}"


def _write(report: Report, folder: Path, stem: str, *, names: bool, html: bool) -> Written:
    csv_path = write_private(folder / f"{stem}.csv", render_csv(report))
    html_path = None
    if html:
        from .page import render_html

        html_path = write_private(folder / f"{stem}.html", render_html(report, names=names))
    return Written(report, render_text(report), html_path, csv_path)
