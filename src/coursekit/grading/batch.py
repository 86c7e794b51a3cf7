"""`coursekit grade` for an assignment made only of quiz notebooks: a whole class in one process, no kernel.

nbgrader's converter re-reads its config, opens the gradebook about ten times and validates every
cell's metadata against a JSON schema for each submission (about 0.17 s each here). For quiz
notebooks none of that depends on the student: the sanitized notebook is the same for everyone
apart from written responses. So this path computes it once, with nbgrader's own sanitize steps,
then per submission does only what differs (record the answers, score them, write the notebook)
with nbgrader's own functions and one gradebook session. ``batch_steps`` checks that the course's
config runs exactly the steps this mirrors; otherwise grading takes nbgrader's converter per student.
"""

from __future__ import annotations

import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbconvert.exporters import NotebookExporter
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters import Autograde
from nbgrader.preprocessors import AssignLatePenalties
from traitlets.utils.importstring import import_item

from . import sources
from .intake import ledger
from .intake.budget import Budget, budget_of
from .intake.copying import copy_regular, to_copy
from .intake.notebook_answers import HandedNotebook, question_ids
from .nbgrader_steps import META, before_autograde, score_into
from .quiz_notebook import quiz_of, rebuild

_STEPS = "coursekit.grading.nbgrader_steps"
_CHECK = {"nbgrader.preprocessors.checkcellmetadata.CheckCellMetadata",
          "coursekit.grading.metadata_check.CheckCellMetadataOnce"}  # fmt: skip
_SANITIZE = [  # each position: the class names that may stand there
    {f"{_STEPS}.QuizSubmission"},
    {"nbgrader.preprocessors.clearoutput.ClearOutput"},
    {"nbgrader.preprocessors.deduplicateids.DeduplicateIds"},
    {"nbgrader.preprocessors.overwritekernelspec.OverwriteKernelspec"},
    {"nbgrader.preprocessors.overwritecells.OverwriteCells"},
    _CHECK,
]
_NOTEBOOK_ONLY = {  # autograde steps that only touch the notebook: run as they are
    "nbgrader.preprocessors.ignorepattern.IgnorePattern",
    "nbconvert.preprocessors.clearmetadata.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.limitoutput.LimitOutput",
}
_GRADEBOOK = [  # mirrored below with one shared gradebook session; the check is skipped (see _grade_notebook)
    {"nbgrader.preprocessors.saveautogrades.SaveAutoGrades"},
    {"nbgrader.preprocessors.latesubmissions.AssignLatePenalties"},
    _CHECK,
]


def _name(item) -> str:
    cls = import_item(item) if isinstance(item, str) else item
    return f"{cls.__module__}.{cls.__qualname__}" if isinstance(cls, type) else repr(cls)


def _fits(names: list[str], pattern: list[set]) -> bool:
    return len(names) == len(pattern) and all(n in allowed for n, allowed in zip(names, pattern, strict=True))


def batch_steps(converter: Autograde) -> list[str] | None:
    """The notebook-only autograde steps, if the configured steps are the ones this path mirrors; else None."""
    sanitize = [_name(p) for p in converter.sanitize_preprocessors]
    steps = [_name(p) for p in converter.autograde_preprocessors]
    if not _fits(sanitize, _SANITIZE) or not steps or steps[0] != f"{_STEPS}.QuizScores":
        return None
    if not _fits(steps[-3:], _GRADEBOOK):
        return None
    middle = steps[2:-3]  # steps[1] runs kernels for other notebooks: never reached for quizzes
    return middle if set(middle) <= _NOTEBOOK_ONLY else None


class IntakeRefused(RuntimeError):
    """A submission intake refuses (it changed after the class was decided): it is not graded at all."""


@dataclass
class Timings:
    """Where the time goes, summed over submissions (seconds)."""

    reading: float = 0.0  # ledger record, the handed-in notebook
    scoring: float = 0.0  # parsing the answers, scoring, feedback into the notebook
    gradebook: float = 0.0  # nbgrader's gradebook: submission, grades, late penalty, commit
    writing: float = 0.0  # quiz notebooks checked, the copied files and the autograded notebook
    count: int = 0

    def add(self, part: str, since: float) -> float:
        now = time.perf_counter()
        setattr(self, part, getattr(self, part) + now - since)
        return now

    def per_submission(self) -> dict[str, float]:
        n = max(self.count, 1)
        return {part: 1000 * getattr(self, part) / n for part in ("reading", "scoring", "gradebook", "writing")}


@dataclass
class Batch:
    """One assignment's grading state shared by all its submissions."""

    converter: Autograde
    gb: Gradebook
    assignment: str
    bases: dict = field(default_factory=dict)  # notebook name -> sanitized quiz notebook (student-independent)
    cell_names: dict = field(default_factory=dict)  # notebook name -> {grade or solution cell id: its name}
    quizzes: dict = field(default_factory=dict)  # notebook name -> quiz name
    steps: list = field(default_factory=list)  # notebook-only autograde preprocessor instances
    late: AssignLatePenalties | None = None
    timings: Timings = field(default_factory=Timings)
    budget: Budget = field(default_factory=Budget)  # the course's c.Intake.* limits

    @property
    def coursedir(self):
        return self.converter.coursedir


def open_batch(converter: Autograde, gb: Gradebook, assignment: str, steps: list[str]) -> Batch:
    """Prepare grading ``assignment``: every notebook's sanitized base, and the steps' instances."""
    exporter = NotebookExporter(parent=converter, config=converter.config)
    batch = Batch(converter, gb, assignment, budget=budget_of(converter.config))
    batch.steps = [import_item(s)(parent=exporter) for s in steps]
    batch.late = AssignLatePenalties(parent=exporter)
    batch.late.init_plugin()
    for nb in gb.find_assignment(assignment).notebooks:
        cells = [*nb.grade_cells, *nb.solution_cells, *nb.task_cells]
        batch.cell_names[nb.name] = {c.id: c.name for c in cells}
        source = sources.source_notebook(batch.coursedir, assignment, nb.name)
        batch.quizzes[nb.name] = quiz_of(source) if source is not None else None
        if batch.quizzes[nb.name]:
            batch.bases[nb.name] = _sanitized_base(converter, exporter, assignment, nb.name, source)
    return batch


def _sanitized_base(converter, exporter, assignment: str, notebook: str, source):
    """nbgrader's own sanitize steps (all but QuizSubmission) run once on the rebuilt quiz notebook."""
    nb, _ = rebuild(source, None)
    resources = _resources(converter, assignment, "(base)", notebook)
    for item in converter.sanitize_preprocessors[1:]:
        pp = import_item(item)(parent=exporter) if isinstance(item, str) else item(parent=exporter)
        nb, resources = pp(nb, resources)
    return nbformat.reads(nbformat.writes(nb, version=4), as_version=4)  # written, then read, as nbgrader does


def _resources(converter, assignment: str, student: str, notebook: str) -> dict:
    ids = {"student": student, "assignment": assignment, "notebook": notebook, "db_url": converter.coursedir.db_url}
    return {"nbgrader": ids, "unique_key": notebook, "metadata": {}}


@contextmanager
def deferred_commits(gb: Gradebook):
    """nbgrader's Gradebook API commits after every call (three times per submission, ~4 ms each on SQLite).
    Inside this block those commits only flush, and the caller commits a chunk of submissions at once."""
    gb.db.commit = gb.db.registry().flush  # an instance attribute shadows scoped_session.commit
    try:
        yield gb.db.registry().commit
    finally:
        del gb.db.commit


def grade_submission(batch: Batch, student: str, notebooks: list[str]) -> None:
    """Autograde one student's submission as nbgrader's Autograde would; the caller commits (or rolls back)."""
    conv, coursedir, assignment = batch.converter, batch.coursedir, batch.assignment
    src = conv._format_source(assignment, student)
    dest = conv._format_dest(assignment, student)
    t = time.perf_counter()
    decided = before_autograde(assignment=assignment, student=student, notebooks=notebooks, budget=batch.budget)
    for admission in decided:
        if admission.refused:  # grade.py decided it admitted before the run: it changed since
            raise IntakeRefused(admission.line())
    _copy_files(src, dest, decided[0].files if decided else (), coursedir.ignore + ["*.ipynb"])
    t = batch.timings.add("writing", t)
    submission = _submission(batch, student, src)
    t = batch.timings.add("gradebook", t)
    _copy_source_files(batch, dest)
    known = {nb.name for nb in submission.notebooks}
    for path in notebooks:
        name = Path(path).stem
        if name in known:
            t = _grade_notebook(batch, student, Path(path), name, dest, t)
    _zero_missing(batch, submission, notebooks)
    conv.set_permissions(assignment, student)
    batch.gb.db.flush()
    batch.timings.add("gradebook", t)
    batch.timings.count += 1


def _submission(batch: Batch, student: str, src: str):
    gb, conv = batch.gb, batch.converter
    try:
        gb.find_student(student)
    except MissingEntry:  # Autograde.init_assignment creates a missing student (if create_student is on)
        if not conv.create_student:
            raise
        gb.add_student(student)
    timestamp = batch.coursedir.get_existing_timestamp(src)
    if timestamp:
        return gb.update_or_create_submission(batch.assignment, student, timestamp=timestamp)
    return gb.update_or_create_submission(batch.assignment, student)


def _grade_notebook(batch: Batch, student: str, path: Path, name: str, dest: str, t: float) -> float:
    quiz = batch.quizzes.get(name)
    if not quiz:
        raise RuntimeError(f"{name}.ipynb is not a quiz notebook; it needs nbgrader's converter")
    root = Path(batch.coursedir.root)
    key = sources.quiz_key(batch.coursedir, quiz)
    handed_nb = nbformat.read(path, as_version=4)
    nb, ignored = rebuild(batch.bases[name], handed_nb)
    handed = HandedNotebook(path.name, question_ids(batch.bases[name]), ignored)
    entry = ledger.take(root, path.parent, batch.assignment, student, quiz, handed, key.version)
    t = batch.timings.add("reading", t)
    nb = score_notebook(batch, student, name, nb, key, entry, ignored)
    t = batch.timings.add("scoring", t)
    save_grades(batch, student, name, nb)
    t = batch.timings.add("gradebook", t)
    _write(Path(dest) / f"{name}.ipynb", nb)
    return batch.timings.add("writing", t)


def score_notebook(batch: Batch, student: str, name: str, nb, key, entry: ledger.Entry, ignored: int):
    """A rebuilt quiz notebook stamped with its ledger entry, scored with ``key`` and run through the notebook-only
    autograde steps: the graded notebook (``coursekit regrade`` makes it again the same way)."""
    nb.metadata[META] = {**nb.metadata.get(META, {}), "answers_sha256": entry.sha256,
                         "recorded_at": entry.recorded_at, "ignored_cells": ignored}  # fmt: skip
    score_into(nb, key, entry, ignored)
    resources = _resources(batch.converter, batch.assignment, student, name)
    for pp in batch.steps:
        nb, resources = pp(nb, resources)
    # The final CheckCellMetadata is not repeated: every cell's metadata is the base's, checked in open_batch;
    # a submission changes only outputs and the text of written responses.
    return nb


def save_grades(batch: Batch, student: str, notebook: str, nb) -> None:
    """nbgrader's SaveAutoGrades and AssignLatePenalties (preprocessors/*.py), on the shared session."""
    gb = batch.gb
    submitted = gb.find_submission_notebook(notebook, batch.assignment, student)
    names = batch.cell_names[notebook]  # by cell id: reading grade.name would load each cell from the database
    grades = {names[g.cell_id]: g for g in submitted.grades}
    comments = {names[c.cell_id]: c for c in submitted.comments}
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if utils.is_grade(cell):
            grade = grades[gid]
            grade.auto_score, _ = utils.determine_grade(cell)
            grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
        if utils.is_solution(cell) or utils.is_task(cell):
            same = cell.metadata.nbgrader.get("checksum", None) == utils.compute_checksum(cell)
            comments[gid].auto_comment = "No response." if same and not utils.is_task(cell) else None
    gb.db.flush()
    gb.db.refresh(submitted)  # its score is computed by the database from the grades just saved
    _late_penalty(batch, student, submitted)


def _late_penalty(batch: Batch, student: str, submitted) -> None:
    submitted.late_submission_penalty = None
    seconds = submitted.assignment.total_seconds_late
    if seconds > 0:
        penalty = batch.late.plugin_inst.late_submission_penalty(student, submitted.score, seconds)
        if penalty is not None:
            submitted.late_submission_penalty = batch.late._check_late_penalty(submitted, penalty)


def _zero_missing(batch: Batch, submission, notebooks: list[str]) -> None:
    """A notebook of the assignment that was not handed in scores 0 (Autograde.init_assignment)."""
    handed = {Path(p).stem for p in notebooks}
    for nb in submission.notebooks:
        if nb.name not in handed:
            for grade in nb.grades:
                grade.auto_score, grade.needs_manual_grade = 0, False


def _copy_files(src: str, dest: str, files: tuple[str, ...], ignore: list[str]) -> None:
    """BaseConverter.init_assignment: the submission's other files go beside the graded notebook. The files are
    intake's admitted ones, listed as nbgrader's find_all_files would (in linear time) and copied without following
    anything (intake/copying.py)."""
    for rel in to_copy(src, files, ignore):
        path = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        copy_regular(os.path.join(src, rel), path)


def _copy_source_files(batch: Batch, dest: str) -> None:
    """Autograde.init_assignment: the instructor's versions of non-notebook files overwrite the student's."""
    coursedir, assignment = batch.coursedir, batch.assignment
    source = coursedir.format_path(coursedir.source_directory, ".", assignment)
    excluded = {os.path.join(source, x) for x in batch.converter.exclude_overwriting.get(assignment, [])}
    for filename in sorted(set(utils.find_all_files(source, coursedir.ignore + ["*.ipynb"])) - excluded):
        path = os.path.join(dest, os.path.relpath(filename, source))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if os.path.exists(path):
            os.remove(path)
        shutil.copy(filename, path)


def _write(path: Path, nb) -> None:
    """As nbconvert's NotebookExporter and FilesWriter write it (nbformat.writes minus its validation pass)."""
    text = nbformat.v4.writes_json(nb)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
