"""Where intake runs: before nbgrader reads anything inside a submission, under plain nbgrader and ``coursekit grade``.

nbgrader 0.9.6 (``converters/base.py``, ``BaseConverter.start`` and ``convert_notebooks``; the same in
jupyter/nbgrader v0.9.5, commit 8563de4f) handles each submission in this order:
``init_notebooks`` globs ``submitted/*/<assignment>/*.ipynb`` (only the top of each folder), then per submission
``init_destination`` (which, without ``--force`` and with an earlier autograded copy, reads the student's
``timestamp.txt`` unbounded), then ``pre_convert_hook``, then ``init_assignment`` (lists the whole tree,
quadratically, and copies it following links). A pre-convert hook is therefore too late, and nbgrader swallows
its exceptions, so it cannot refuse anything. The one configurable point between the listing and the first
submission is the exporter: ``start()`` builds ``exporter_class`` right after ``init_notebooks``. So the course
config sets ``c.Autograde.exporter_class`` to ``IntakeFirst``, nbgrader's own ``NotebookExporter`` that first
decides every listed submission and takes the refused ones out of the converter's list. ``coursekit grade``
decides the class itself (``admit_class``) before it grades anyone. The pre-convert hook
(``nbgrader_steps.before_autograde``) takes that decision, or makes it where a course config lacks the line.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from nbconvert.exporters import NotebookExporter

from .admit import Admission, admit
from .budget import Budget, Intake

_decided: dict[str, Admission] = {}  # submission folder -> its decision, until the pre-convert hook takes it


def decide(*, root: Path, folder: Path, assignment: str, student: str, budget: Budget) -> Admission:
    """``admit`` one submission folder, and keep the decision for the pre-convert hook of the same process."""
    admission = admit(root=root, folder=folder, assignment=assignment, student=student, budget=budget)
    _decided[os.path.abspath(folder)] = admission
    return admission


def take_decision(folder: Path) -> Admission | None:
    """The decision made on ``folder`` since the hook last took one (so each is used once), if any."""
    return _decided.pop(os.path.abspath(folder), None)


class IntakeFirst(NotebookExporter):
    """nbgrader's NotebookExporter that, built by an ``Autograde`` converter, first decides what it listed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        converter = self.parent
        if isinstance(getattr(converter, "assignments", None), dict) and getattr(converter, "coursedir", None):
            admit_listed(converter)


def admit_listed(converter) -> list[Admission]:
    """Decide every submission folder ``converter.init_notebooks`` listed; drop the refused ones from its list."""
    coursedir = converter.coursedir
    budget = Intake(parent=converter).budget()
    pattern = re.compile(converter._format_source("(?P<assignment_id>.*)", "(?P<student_id>.*)", escape=True))
    decided = []
    for folder in sorted(converter.assignments):
        ids = pattern.match(folder)  # as BaseConverter.convert_notebooks matches it
        if ids is None:
            continue  # nbgrader fails such a folder itself, before reading it
        admission = decide(root=Path(coursedir.root), folder=Path(folder), budget=budget,
                           assignment=ids["assignment_id"], student=ids["student_id"])  # fmt: skip
        if admission.refused:
            converter.log.error("%s/%s: %s", ids["student_id"], ids["assignment_id"], admission.line())
            del converter.assignments[folder]
        decided.append(admission)
    return decided


def admit_class(*, coursedir, assignment: str, students: list[str], config=None) -> dict[str, str]:
    """Decide each student's submission of ``assignment``; return student -> the line saying why it was refused."""
    budget = Intake(config=config).budget() if config is not None else Budget()
    refused = {}
    for student in students:
        folder = Path(coursedir.format_path(coursedir.submitted_directory, student, assignment))
        admission = decide(root=Path(coursedir.root), folder=folder, assignment=assignment, student=student,
                           budget=budget)  # fmt: skip
        if admission.refused:
            refused[student] = admission.line()
    return refused
