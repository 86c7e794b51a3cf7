"""`coursekit grade`: nbgrader autograde for a whole class, in parallel on Dask.

Each submission goes through nbgrader's own Autograde converter in this process, one
thread per submission in flight; only the kernel side of the autograde pass (Execute and
the output filters) runs on a Dask worker, in a fresh kernel (see ``split.py``).
Every gradebook read and write happens in this process under one lock, so SQLite never
sees two writers and a PostgreSQL ``db_url`` works the same way.

Re-running is safe. Like ``nbgrader autograde``, a submission already autograded is
skipped unless it was resubmitted later; ``force=True`` (``--force``) regrades everything
(manual scores are kept, as nbgrader keeps them). A journal of submissions in flight
(``<course>/.coursekit-grading/<assignment>/``) makes a run that was killed half-way
regrade what it left unfinished, so no grade is lost; the gradebook is only ever updated
through nbgrader's update-or-create calls, so none is duplicated.
"""

from __future__ import annotations

import logging
import os
import pickle
import threading
import time
import uuid
import warnings
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from ...course import find_course
from ...errors import CourseError


@dataclass
class GradeReport:
    assignment: str
    graded: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # student -> why, in one line
    skipped: list[str] = field(default_factory=list)  # already autograded (nbgrader's rule)
    stopped: dict[str, str] = field(default_factory=dict)  # graded, but a sandbox limit stopped it: student -> why
    seconds: float = 0.0
    workers: int = 0
    timings: dict = field(default_factory=dict)  # milliseconds per submission, by part (kernel-free grading)
    scores: str = ""  # the class's score summary (score_summary.py), printed last

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        n = len(self.graded) + len(self.failed)
        rate = f" ({n / self.seconds:.2f} submissions/s)" if self.seconds and n else ""
        lines = [
            f"{self.assignment}: {len(self.graded)} graded, {len(self.failed)} failed, "
            f"{len(self.skipped)} skipped, in {self.seconds:.1f} s on {self.workers} worker(s){rate}."
        ]
        if self.skipped:
            lines.append(
                "Skipped: already autograded (and not resubmitted since) or excluded by nbgrader's config; "
                "--force regrades them."
            )
        for student, why in sorted(self.stopped.items()):
            lines.append(f"  stopped: {student}: {why} (what did not finish scores 0)")
        for student, why in sorted(self.failed.items()):
            lines.append(f"  failed: {student}: {why}")
        if self.failed:
            lines.append(
                "A failed submission has no autograded notebook (nbgrader fails it the same way); "
                f"fix it or grade it by hand, then run `coursekit grade {self.assignment}` again."
            )
        if self.scores:
            lines.append(self.scores)
        return "\n".join(lines)


def grade_assignment(
    *,
    assignment: str,
    workers: int | None = None,
    scheduler: str | None = None,
    students: list[str] | None = None,
    progress: bool = True,
    force: bool = False,
) -> GradeReport:
    """Autograde every submission of ``assignment`` (or only ``students``) in parallel; see the module doc."""
    from ..progress import Progress
    from ..submissions import Journal, submissions
    from .cluster import dask_client, worker_threads
    from .kernels import release as release_kernels
    from .split import warm_worker

    with nbgrader_at_course() as (root, app):
        todo = submissions(app.coursedir, assignment, students)
        with Journal(root, assignment) as journal:
            journal.recover(app.coursedir)
            with dask_client(scheduler=scheduler, workers=workers) as client:
                _check_workers(
                    client.run(warm_worker, None if scheduler else str(journal.dir / "workers.log"), str(root))
                )
                grader = _ClassGrader(app, client, assignment, force=force, journal=journal)
                bar = Progress(len(todo), enabled=progress)
                try:
                    return grader.run(todo, bar, inflight=2 * worker_threads(client))
                finally:
                    _release(client, release_kernels)


def _release(client, release_kernels) -> None:
    """No kernel left waiting in the workers (they may be a shared cluster); never masks the real error."""
    with suppress(Exception):
        client.run(release_kernels)


def _check_workers(found: dict) -> None:
    """Every worker must see the course; a worker that cannot sandbox kernels gets its one-line warning."""
    blind = sorted(address for address, (sees, _) in found.items() if not sees)
    if blind:
        raise CourseError(
            f"Dask worker(s) {', '.join(blind)} cannot see the course folder: grading needs the course on a "
            "file system shared by this machine and every worker, at the same path."
        )
    for warning in sorted({w for _, w in found.values() if w}):
        logging.getLogger("coursekit.grade").warning(warning)


def nbgrader_app():
    """nbgrader's AutogradeApp, initialised as `nbgrader autograde` is from the course directory (cwd)."""
    from nbgrader.apps import AutogradeApp

    app = AutogradeApp()
    app.initialize([])  # reads nbgrader_config.py (user, cwd and course root) exactly as the CLI does
    return app


class _ClassGrader:
    """Runs one nbgrader Autograde per student in threads; a lock keeps gradebook work one at a time."""

    def __init__(self, app, client, assignment: str, *, force: bool, journal):
        self.app, self.client, self.assignment, self.force, self.journal = app, client, assignment, force, journal
        self.turn = threading.Lock()
        self.token = uuid.uuid4().hex
        self.prestart = os.environ.get("COURSEKIT_GRADE_PRESTART", "1") != "0"  # 0: nbclient starts every kernel
        self.futures: set = set()
        self.stopping = False
        self.stopped: dict[str, str] = {}  # student -> why a sandbox limit stopped their notebook

    def run(self, todo: list[str], bar, *, inflight: int) -> GradeReport:
        report = GradeReport(self.assignment, workers=len(self.client.nthreads()))
        start = time.monotonic()
        with ThreadPoolExecutor(max_workers=inflight, thread_name_prefix="grade") as pool:
            pending = {pool.submit(self.grade_one, s) for s in todo}
            try:
                while pending:
                    finished, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                    for f in finished:
                        _record(report, *f.result())
                    bar.update(len(report.graded), len(report.failed), len(report.skipped))
            except KeyboardInterrupt:
                self.stop()
                raise
        bar.close(len(report.graded), len(report.failed), len(report.skipped))
        report.stopped = {s: why for s, why in self.stopped.items() if s in report.graded}
        report.seconds = time.monotonic() - start
        return report

    def stop(self) -> None:
        """On Ctrl-C: start nothing new; cancelled work fails inside nbgrader, which removes its output."""
        self.stopping = True
        self.client.cancel(list(self.futures))

    def grade_one(self, student: str) -> tuple[str, str, str]:
        from nbgrader.converters.base import NbGraderException

        from .split import SplitAutograde

        log, errors = _student_log(student)
        with self.turn:
            if self.stopping:
                return student, "failed", "interrupted before it started"
            self.journal.begin(student)
            extra = {"force": True} if self.force else {}  # else nbgrader's config decides, as in the CLI
            converter = SplitAutograde(
                coursedir=self._coursedir(student),
                parent=self.app,
                log=log,
                remote_factory=self._remote(student),
                **extra,
            )
            try:
                converter.start()
                outcome = student, ("skipped" if converter.processed is False else "graded"), ""
            except NbGraderException:  # nbgrader handled it (and removed the submission's output)
                outcome = student, "failed", _why(errors)
            except Exception as e:  # nbgrader raised outside its own per-submission handler
                outcome = student, "failed", f"{type(e).__name__}: {e}"
            # Only a finished submission leaves the journal: after Ctrl-C or a cancelled task (BaseException)
            # its marker stays, and the next run drops its partial output and grades it again.
            self.journal.end(student)
        return outcome

    def _coursedir(self, student: str):
        from nbgrader.coursedir import CourseDirectory

        coursedir = CourseDirectory(parent=self.app)  # same config as the app's own coursedir
        coursedir.assignment_id, coursedir.student_id = self.assignment, student
        return coursedir

    def _remote(self, student: str):
        from .split import RemoteKernelSide, kernel_side_spec

        def factory(classes, exporter):
            key = f"autograde-{self.assignment}-{student}-{uuid.uuid4().hex[:8]}"
            course = self.app.coursedir.root
            spec = kernel_side_spec(classes, exporter, token=self.token, course=course, prestart=self.prestart)
            return RemoteKernelSide(self._submit, self.turn, spec, key, on_result=noted)

        def noted(resources) -> None:
            why = (resources or {}).get("coursekit", {}).get("stopped")
            if why:
                self.stopped[student] = why

        return factory

    def _submit(self, fn, nb, resources, spec, *, key):
        # Pickled by hand: Dask would otherwise walk the notebook (a dict) looking for futures.
        payload = pickle.dumps((nb, resources))
        future = self.client.submit(_remote_call, fn, payload, spec, key=key, pure=False)
        self.futures.add(future)
        return _Unpickling(future)


def _remote_call(fn, payload: bytes, spec) -> bytes:
    nb, resources = pickle.loads(payload)
    return pickle.dumps(fn(nb, resources, spec))


class _Unpickling:
    def __init__(self, future):
        self.future = future

    def result(self):
        return pickle.loads(self.future.result())


def _record(report: GradeReport, student: str, outcome: str, why: str) -> None:
    if outcome == "graded":
        report.graded.append(student)
    elif outcome == "skipped":
        report.skipped.append(student)
    else:
        report.failed[student] = why


def _student_log(student: str):
    """A private logger per submission, so its nbgrader log is kept (for the report) and not interleaved."""
    log = logging.getLogger(f"coursekit.grade.{student}")
    log.handlers.clear()
    log.propagate = False
    log.setLevel(logging.INFO)
    errors: list[str] = []
    handler = logging.Handler(logging.ERROR)
    handler.emit = lambda record: errors.append(record.getMessage())
    log.addHandler(handler)
    return log, errors


def _why(errors: list[str]) -> str:
    """The last line of nbgrader's logged traceback (the exception), else its first error message."""
    for message in errors:
        if "Traceback (most recent call last)" in message:
            lines = [ln for ln in message.strip().splitlines() if ln.strip()]
            return lines[-1].strip()
    return errors[0] if errors else "nbgrader reported an error"


def _hush_nbgrader_warnings() -> None:
    # SQLAlchemy's autoflush warnings from nbgrader's api.py would break the progress line.
    warnings.filterwarnings("ignore", module="nbgrader")
    warnings.filterwarnings("ignore", message=".*not in session.*")


@contextmanager
def nbgrader_at_course():
    """(the course directory, nbgrader's app) as `nbgrader autograde` has them when run from that folder."""
    root = find_course().assignments
    with _inside(root), warnings.catch_warnings():
        _hush_nbgrader_warnings()
        yield root, nbgrader_app()


@contextmanager
def _inside(folder: Path):
    """Work from the course directory, as `nbgrader autograde` is run, and come back afterwards."""
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)
