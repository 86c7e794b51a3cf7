"""`coursekit grade`: autograde a class, choosing the fastest path that gives nbgrader's own results.

An assignment made only of coursekit quiz notebooks needs no kernel: it is graded in this process by
``batch.py``, with the same steps as plain ``nbgrader autograde`` under the course's config. Any other
assignment (code exercises that need a kernel) goes to ``parallel.py``: nbgrader's converter per
student, kernels on Dask workers (sandboxed when the course config asks for it).
"""

from __future__ import annotations

import glob
import logging
import os
import shutil
import time
from pathlib import Path

from .handin_problems import handin_summary
from .parallel import run as parallel
from .parallel.run import GradeReport, nbgrader_at_course
from .score_summary import score_summary


def grade_assignment(
    *,
    assignment: str,
    workers: int | None = None,
    scheduler: str | None = None,
    students: list[str] | None = None,
    progress: bool = True,
    force: bool = False,
) -> GradeReport:
    """Autograde every submission of ``assignment`` (or only ``students``); see the module doc."""
    with nbgrader_at_course() as (_, app):
        app.coursedir.assignment_id = assignment
        refused, left = _intake(app, assignment, students)
        if not left:
            report = GradeReport(assignment)
        elif (plan := _batch_plan(app, assignment, force)) is None:
            options = {"workers": workers, "scheduler": scheduler, "students": left, "progress": progress}
            report = parallel.grade_assignment(assignment=assignment, force=force, **options)
        else:
            report = _run_batch(app, assignment, plan, left, progress=progress)
        report.failed.update(refused)
        summaries = (score_summary(app.coursedir.db_url, assignment), handin_summary(app.coursedir.root, assignment))
        report.scores = "\n".join(part for part in summaries if part)
        return report


def _intake(app, assignment: str, students: list[str] | None) -> tuple[dict[str, str], list[str]]:
    """(student -> why refused, the students left to grade): intake decides the whole class before anyone is graded,
    so a refused submission is never half processed, and nbgrader never reads inside one (intake/gate.py)."""
    from .intake.gate import admit_class
    from .submissions import submissions

    todo = submissions(app.coursedir, assignment, students)
    refused = admit_class(coursedir=app.coursedir, assignment=assignment, students=todo, config=app.config)
    return refused, [s for s in todo if s not in refused]


def _batch_plan(app, assignment: str, force: bool):
    """(converter, notebook-only steps) when every notebook of ``assignment`` is a quiz; else None."""
    from .sources import only_quizzes

    plan = quiz_converter(app, force=force)
    return plan if plan is not None and only_quizzes(app.coursedir, assignment) else None


def quiz_converter(app, *, force: bool):
    """nbgrader's Autograde converter and its notebook-only steps, if the course's config runs the steps that
    ``batch.py`` mirrors; else None (then only nbgrader's converter may grade)."""
    from nbconvert.exporters import NotebookExporter
    from nbgrader.converters import Autograde

    from .batch import batch_steps

    converter = Autograde(coursedir=app.coursedir, parent=app, **({"force": True} if force else {}))
    converter.log = _quiet_log()  # its per-submission INFO lines would break the progress line
    converter.exporter = NotebookExporter(parent=converter, config=converter.config)
    steps = batch_steps(converter)
    return None if steps is None else (converter, steps)


def _quiet_log():
    log = logging.getLogger("coursekit.grade.batch")
    log.propagate, log.level = False, logging.ERROR
    return log


def _run_batch(app, assignment: str, plan, students: list[str] | None, *, progress: bool) -> GradeReport:
    from nbgrader.api import Gradebook

    from .batch import deferred_commits, open_batch
    from .progress import Progress
    from .submissions import Journal, submissions

    converter, steps = plan
    todo = submissions(app.coursedir, assignment, students)
    report = GradeReport(assignment, workers=1)
    start = time.monotonic()
    with Journal(Path(app.coursedir.root), assignment) as journal:
        journal.recover(app.coursedir)
        with Gradebook(app.coursedir.db_url, app.coursedir.course_id) as gb:
            if converter.create_student:
                _create_students(gb, todo)
            with deferred_commits(gb) as commit:
                batch = open_batch(converter, gb, assignment, steps)
                run = _Chunks(batch, journal, report, commit)
                bar = Progress(len(todo), enabled=progress)
                for student in todo:
                    run.grade(student)
                    bar.update(len(report.graded), len(report.failed), len(report.skipped))
                run.commit()
                bar.close(len(report.graded), len(report.failed), len(report.skipped))
    report.seconds = time.monotonic() - start
    report.timings = batch.timings.per_submission()
    return report


def _create_students(gb, students: list[str]) -> None:
    """Add the missing students now, each committed at once. Inside a chunk, a new student's row would stay
    uncommitted for a while, and another grader (say `nbgrader autograde` of another quiz on a shared PostgreSQL
    gradebook) adding the same student meanwhile would fail on the duplicate."""
    from nbgrader.api import InvalidEntry, MissingEntry

    for student in students:
        try:
            gb.find_student(student)
        except MissingEntry:
            try:
                gb.add_student(student)
            except InvalidEntry:  # another grader added it between our look and our insert
                gb.db.rollback()
                gb.find_student(student)


class _Chunks:
    """Submissions graded and committed CHUNK at a time. Each stays in the journal until its chunk is
    committed, so a killed run redoes it. A failure rolls its chunk back and regrades the others one by one."""

    CHUNK = 50

    def __init__(self, batch, journal, report: GradeReport, commit):
        self.batch, self.journal, self.report, self.commit_now = batch, journal, report, commit
        self.pending: list[str] = []

    def grade(self, student: str) -> None:
        converter = self.batch.converter
        folder = converter._format_source(self.batch.assignment, student)
        converter.notebooks = sorted(glob.glob(os.path.join(folder, converter.coursedir.notebook_id + ".ipynb")))
        if not converter.notebooks or not converter.init_destination(self.batch.assignment, student):
            self.report.skipped.append(student)
            return
        self.journal.begin(student)
        if self._try(student):
            self.pending.append(student)
            if len(self.pending) >= self.CHUNK:
                self.commit()
            return
        redo, self.pending = self.pending, []
        for other in redo:  # rolled back with the failure: grade them again, alone
            self.report.graded.remove(other)
            self._drop(other)
            converter.notebooks = sorted(
                glob.glob(
                    os.path.join(
                        converter._format_source(self.batch.assignment, other),
                        converter.coursedir.notebook_id + ".ipynb",
                    )
                )
            )
            if self._try(other):
                self.pending.append(other)
                self.commit()

    def _try(self, student: str) -> bool:
        from .batch import grade_submission

        try:
            grade_submission(self.batch, student, self.batch.converter.notebooks)
        except Exception as e:  # one submission's failure never stops the class (nbgrader's own rule)
            self.batch.gb.db.rollback()
            self._drop(student)
            self.journal.end(student)
            self.report.failed[student] = f"{type(e).__name__}: {e}".splitlines()[0][:300]
            return False
        self.report.graded.append(student)
        return True

    def _drop(self, student: str) -> None:
        folder = self.batch.converter._format_dest(self.batch.assignment, student)
        if os.path.isdir(folder):
            shutil.rmtree(folder, ignore_errors=True)

    def commit(self) -> None:
        self.commit_now()
        for student in self.pending:
            self.journal.end(student)
        self.pending = []
