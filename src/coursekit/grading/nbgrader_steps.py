"""nbgrader glue: the steps and hooks that make plain ``nbgrader autograde`` grade quizzes without a kernel.

The course's ``nbgrader_config.py`` plugs these into nbgrader's configurable lists (nbgrader's
``converters/autograde.py``: ``sanitize_preprocessors``, ``autograde_preprocessors``, and the
converters' ``pre_convert_hook`` / ``post_convert_hook``):

* ``intake.gate.IntakeFirst`` (the converter's exporter class): decides each submission (intake/admit.py) right
  after nbgrader lists the submissions and before it reads anything inside one;
* ``before_autograde`` (hook): intake's second look, and the released notebook in place of a quiz notebook
  nbgrader could not even read;
* ``QuizSubmission`` (first sanitize step): records the answers file in the ledger and rebuilds a
  quiz notebook from its source (``quiz_notebook.py``);
* ``QuizScores`` (first autograde step, in place of a kernel): scores the recorded answers with the
  key, in this process, and writes feedback and points into the grade cells;
* then ``sandbox.SandboxedExecute`` runs the notebooks that are not quizzes (code exercises) in a sandbox;
* ``after_feedback`` (hook): keeps only the feedback HTML in ``feedback/``.

``coursekit grade`` runs the same steps (``batch.py`` for all-quiz assignments), so both give the same grades.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from nbformat import NotebookNode
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor

from . import sources
from .handin_problems import problems_of
from .intake import ledger
from .intake.admit import Admission
from .intake.budget import Budget, budget_of
from .intake.gate import decide, take_decision
from .intake.notebook_answers import HandedNotebook, question_ids
from .quiz_notebook import META, fill, quiz_of, rebuild, submission_notes
from .scoring.key import grade_answers, unknown_ids


class QuizGradingError(RuntimeError):
    """A quiz notebook cannot be graded; nbgrader fails this one submission and goes on with the others."""


def coursedir_of(pp) -> CourseDirectory:
    """The course directory of the converter running ``pp``, else one built from the same config."""
    node = pp
    while node is not None:
        if isinstance(getattr(node, "coursedir", None), CourseDirectory):
            return node.coursedir
        node = getattr(node, "parent", None)
    return CourseDirectory(config=pp.config)


@dataclass(frozen=True)
class _Here:
    """The notebook a step is working on, and (from the trusted source notebook) whether it is a quiz."""

    coursedir: CourseDirectory
    assignment: str
    student: str
    notebook: str
    source: NotebookNode | None
    quiz: str | None


def _here(pp, resources: dict) -> _Here:
    ids = resources["nbgrader"]
    coursedir = coursedir_of(pp)
    source = sources.source_notebook(coursedir, ids["assignment"], ids["notebook"])
    quiz = quiz_of(source) if source is not None else None
    return _Here(coursedir, ids["assignment"], ids["student"], ids["notebook"], source, quiz)


class QuizSubmission(NbGraderPreprocessor):
    """Sanitize, first step: record the answers as handed in, and rebuild a quiz notebook from its source."""

    def preprocess(self, nb: NotebookNode, resources: dict):
        here = _here(self, resources)
        if here.quiz is None:
            return nb, resources  # an ordinary notebook: nbgrader's own steps handle it
        cd = here.coursedir
        folder = Path(cd.format_path(cd.submitted_directory, here.student, here.assignment))
        version = sources.quiz_key(cd, here.quiz).version
        rebuilt, ignored = rebuild(here.source, nb)
        handed = HandedNotebook(f"{here.notebook}.ipynb", question_ids(here.source), ignored)
        entry = ledger.take(Path(cd.root), folder, here.assignment, here.student, here.quiz, handed, version)
        for problem in problems_of(entry):  # nbgrader's log names every broken hand-in (handin_problems.py)
            self.log.warning("%s, %s.ipynb: %s", here.student, here.notebook, problem.text)
        rebuilt.metadata[META] = {**rebuilt.metadata.get(META, {}), **_stamp(entry), "ignored_cells": ignored}
        return rebuilt, resources


def _stamp(entry: ledger.Entry) -> dict:
    """Which ledger entry a rebuilt notebook was made with (checked when it is scored)."""
    return {"answers_sha256": entry.sha256, "recorded_at": entry.recorded_at}


class QuizScores(NbGraderPreprocessor):
    """Autograde, first step: score a quiz notebook from its ledger entry; no kernel, no student code."""

    def preprocess(self, nb: NotebookNode, resources: dict):
        here = _here(self, resources)
        if here.quiz is None:
            return nb, resources
        entry = ledger.entry(Path(here.coursedir.root), here.assignment, here.student, here.quiz)
        stamp = nb.metadata.get(META, {})
        if entry is None or _stamp(entry).items() - stamp.items():
            raise QuizGradingError(
                f"{here.student}/{here.assignment}: the ledger entry of {here.notebook}.ipynb is missing or changed "
                "since this submission was sanitized; autograde it again (with --force)."
            )
        key = sources.quiz_key(here.coursedir, here.quiz)
        if entry.bank_version != key.version:  # the bank changed since sanitize: record the version that scores it
            ledger.restamp(Path(here.coursedir.root), here.assignment, here.student, {here.quiz: key.version})
        score_into(nb, key, entry, stamp.get("ignored_cells", 0))
        resources.setdefault("coursekit", {})["scored"] = True
        return nb, resources


def score_into(nb: NotebookNode, key: sources.Key, entry: ledger.Entry, ignored: int) -> dict:
    """Score ``entry``'s answers with ``key`` and write the feedback into ``nb``; return the scores."""
    handed = entry.handed_in()
    scores = grade_answers(key.questions, handed)
    notes = submission_notes(handed, ignored, unknown_ids(key.questions, handed))
    fill(nb, key.questions, scores, handed, show_key=key.show_key, notes=notes, book=key.book)
    return scores


def before_autograde(*, assignment: str, student: str, notebooks: list[str], budget=None, **_) -> list[Admission]:
    """``Autograde.pre_convert_hook``: intake's decision, then unreadable quiz notebooks replaced by released ones.

    The course config's ``IntakeFirst`` (intake/gate.py), or ``coursekit grade``, decided each submission before
    nbgrader read anything in it; that decision is taken here. A course config without that line gets its decision
    here: a refused folder's notebooks leave ``notebooks``, the very list nbgrader passes and then grades, so
    nothing of it is graded.
    """
    decided = []
    for folder in sorted({Path(n).parent for n in notebooks}):
        place = _submission_place(folder)
        if place is None:
            continue
        root, who, which = place
        admission = take_decision(folder)
        if admission is None:  # no IntakeFirst in this course's config: decide now
            limits = budget or _configured_budget()
            admission = decide(root=root, folder=folder, assignment=which, student=who, budget=limits)
        decided.append(admission)
        if admission.refused:
            notebooks[:] = [n for n in notebooks if Path(n).parent != folder]
            _log().error("%s/%s: %s", who, which, admission.line())
            continue
        for path in notebooks:
            if Path(path).parent == folder:
                sources.repair_quiz_notebook(root, Path(path), which, who)
    return decided


def _configured_budget() -> Budget:
    """``c.Intake.*`` of the running nbgrader app (plain ``nbgrader autograde``), else the defaults."""
    from traitlets.config import Application

    return budget_of(Application.instance().config) if Application.initialized() else Budget()


def _log():
    from traitlets.config import Application

    return Application.instance().log if Application.initialized() else logging.getLogger("coursekit.intake")


def _submission_place(folder: Path) -> tuple[Path, str, str] | None:
    """(course dir, student, assignment) of ``submitted/<student>/<assignment>``; None for other layouts."""
    if len(folder.parts) < 4 or folder.parents[1].name != "submitted":
        return None
    return folder.parents[2], folder.parent.name, folder.name


# What `nbgrader release_feedback` reads beside the pages (the submission's time and its exchange secret). It copies
# only the pages to students; these two were the student's own submission's and stay in feedback/.
RELEASE_FEEDBACK_NEEDS = ("timestamp.txt", "submission_secret.txt")


def after_feedback(*, assignment: str, student: str, notebooks: list[str], **_) -> None:
    """``GenerateFeedback.post_convert_hook``: only the feedback pages leave for students, no other file.

    nbgrader's own ``timestamp.txt`` and ``submission_secret.txt`` stay: release_feedback names the page with them.
    """
    for folder in sorted({Path(n).parent for n in notebooks}):
        if len(folder.parts) < 4 or folder.parents[1].name != "autograded":
            continue
        target = folder.parents[2] / "feedback" / folder.parent.name / folder.name
        for path in sorted(target.glob("*")) if target.is_dir() else []:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif (path.suffix != ".html" and path.name not in RELEASE_FEEDBACK_NEEDS) or path.is_symlink():
                path.unlink()
