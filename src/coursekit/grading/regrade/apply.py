"""Applying a regrade: every ledgered submission graded again from its ledger entry, as `coursekit grade --force` would.

For each submission, the graded notebook is made again the way grading makes it (``batch.score_notebook``: the
released quiz with the student's written responses, stamped with the ledger entry, scored, the notebook-only
autograde steps), and its grades saved with nbgrader's own rule (``batch.save_grades``, after ``_add_score`` in
nbgrader/preprocessors/saveautogrades.py, jupyter/nbgrader@ee1e18d: the autograded score is replaced, a grader's
manual score is never touched, and a cell with one is marked as needing manual grading again). A submission whose
scores and feedback would come out the same is left alone (``same.py``); only notebooks whose content changes are
written (atomically). Nothing is read from ``submitted/``: the ledger is what was handed in, so a student cannot
change anything by editing files now.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..intake import ledger
from ..private_files import replace_file
from .plan import Plan
from .same import Feedback, feedback_unchanged

CHUNK = 100  # submissions per gradebook commit


@dataclass
class Applied:
    rewritten: list[tuple[str, str]] = field(default_factory=list)  # (student, notebook) whose notebook changed
    skipped: list[str] = field(default_factory=list)  # "student: why", left as they were
    stale_feedback: list[str] = field(default_factory=list)  # students whose feedback page predates the change


def apply_plan(plan: Plan, *, progress: bool = True) -> Applied:
    """Grade every submission of ``plan`` again from the ledger, through nbgrader's gradebook; see the module doc."""
    from nbgrader.api import Gradebook

    from ..batch import deferred_commits, open_batch
    from ..parallel.run import nbgrader_at_course
    from ..progress import Progress
    from ..submissions import Journal

    run = _Run(plan)
    with nbgrader_at_course() as (root, app):
        converter, steps = _converter(app, root, plan.assignment)
        gradebook = Gradebook(app.coursedir.db_url, app.coursedir.course_id)
        with Journal(Path(root), plan.assignment), gradebook as gb, deferred_commits(gb) as commit:
            run.batch = open_batch(converter, gb, plan.assignment, steps)
            bar = Progress(len(plan.students), enabled=progress)
            for i, student in enumerate(plan.students, start=1):
                for notebook, quiz in sorted(plan.quizzes.items()):
                    run.notebook(student, notebook, quiz)
                if i % CHUNK == 0:
                    commit()
                bar.update(i, 0, 0)
            commit()
            bar.close(len(plan.students), 0, 0)
    for student, versions in plan.restamp.items():
        ledger.restamp(root, plan.assignment, student, versions)
    run.applied.stale_feedback = stale_feedback(Path(root), plan.assignment, plan.quizzes)
    return run.applied


def _converter(app, root, assignment: str):
    from ...errors import CourseError
    from ..grade import quiz_converter

    app.coursedir.assignment_id = assignment
    found = quiz_converter(app, force=True)
    if found is None:
        raise CourseError(
            f"{root / 'nbgrader_config.py'}: its autograde steps are not the ones coursekit mirrors, so a regrade "
            f"could not give nbgrader's result; run `coursekit grade {assignment} --force` instead."
        )
    return found


class _Run:
    """One regrade in progress: the plan, nbgrader's batch state, what was done, the class's shared feedback."""

    def __init__(self, plan: Plan):
        self.plan, self.applied, self.batch = plan, Applied(), None
        self.changed = plan.changed_notebooks  # student -> notebooks with a score that changes
        self.feedback: dict[str, Feedback] = {}  # quiz -> what grading writes now, shared by the class

    def notebook(self, student: str, notebook: str, quiz: str) -> None:
        """Grade one notebook again if that changes anything; else leave it (and its grades) as they are."""
        from ..batch import save_grades

        plan, batch = self.plan, self.batch
        path = Path(batch.converter._format_dest(plan.assignment, student)) / f"{notebook}.ipynb"
        entry = plan.entries.get((student, quiz))
        if entry is None or not path.is_file():
            return self._skip(student, notebook, "has no ledger record" if entry is None else "has no graded notebook")
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        if not _made_from(data, entry):
            return self._skip(student, notebook, "was graded from another ledger record")
        if quiz not in self.feedback:  # the key is looked up once per run: the bank does not change meanwhile
            self.feedback[quiz] = Feedback(_key(batch, quiz))
        feedback, key = self.feedback[quiz], self.feedback[quiz].key
        if notebook not in self.changed.get(student, ()) and feedback_unchanged(
            data, feedback, plan.handed[(student, quiz)], plan.scores[(student, quiz)]
        ):
            return None  # same scores, same feedback: grading again would write the same notebook
        nb = _graded_again(batch, student, notebook, data, key, entry)
        save_grades(batch, student, notebook, nb)
        if _write_if_changed(path, nb, text):
            self.applied.rewritten.append((student, notebook))
        return None

    def _skip(self, student: str, notebook: str, why: str) -> None:
        again = f"`coursekit grade {self.plan.assignment} --student {student} --force`"
        self.applied.skipped.append(f"{student}: {notebook}.ipynb {why}; grade it with {again}")


def _key(batch, quiz: str):
    from .. import sources

    return sources.quiz_key(batch.coursedir, quiz)


def _made_from(data: dict, entry: ledger.Entry) -> bool:
    """Was this graded notebook made from this ledger entry (else only a full grading run can say what it should be)?"""
    from ..quiz_notebook import META

    stamp = data.get("metadata", {}).get(META, {})
    return stamp.get("answers_sha256") == entry.sha256 and stamp.get("recorded_at") == entry.recorded_at


def _graded_again(batch, student: str, notebook: str, data: dict, key, entry: ledger.Entry):
    """The graded notebook made again from the ledger entry and the bank now. It is the graded notebook scored again:
    everything else in it (the released cells, the student's written responses, the stamp) is what grading made,
    and the notebook-only autograde steps give the same result when run twice."""
    from nbformat import from_dict
    from nbformat.v4.rwbase import rejoin_lines, strip_transient

    from ..batch import score_notebook
    from ..quiz_notebook import META

    nb = strip_transient(rejoin_lines(from_dict(data)))  # as nbformat reads a notebook file
    ignored = nb.metadata.get(META, {}).get("ignored_cells", 0)
    nb.metadata[META] = dict(batch.bases[notebook].metadata.get(META, {}))  # what scoring adds is added again
    return score_notebook(batch, student, notebook, nb, key, entry, ignored)


def _write_if_changed(path: Path, nb, before: str) -> bool:
    """Write ``nb`` as grading writes it (``batch._write``), through a temp file and a rename; False if unchanged."""
    import nbformat

    text = nbformat.v4.writes_json(nb)
    text = text if text.endswith("\n") else text + "\n"
    if text == before:
        return False
    replace_file(path, text)
    return True


def stale_feedback(root: Path, assignment: str, quizzes: dict[str, str]) -> list[str]:
    """Students whose feedback page is older than their graded notebook (made before the notebook last changed)."""
    stale = set()
    for page in (root / "feedback").glob(f"*/{assignment}/*.html"):
        graded = root / "autograded" / page.parent.parent.name / assignment / f"{page.stem}.ipynb"
        if page.stem in quizzes and graded.is_file() and graded.stat().st_mtime_ns > page.stat().st_mtime_ns:
            stale.add(page.parent.parent.name)
    return sorted(stale)
