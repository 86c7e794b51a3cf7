"""`coursekit grade` against serial `nbgrader autograde` on the same submissions, on real Dask clusters."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import synthetic_course as sc

from coursekit.errors import CourseError
from coursekit.grading.parallel.run import grade_assignment

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]

# 16 submissions: every outcome nbgrader has, including a cell past the timeout and a kernel that dies.
MIX = [
    *["right"] * 3,
    *["partly"] * 2,
    *["wrong"] * 2,
    "blank",
    "corrupt",
    "error",
    *["late"] * 2,
    "timeout",
    "crash",
    *["slow"] * 2,
]
STUDENTS = {f"s{i:02d}-{kind}": kind for i, kind in enumerate(MIX)}
CRASHED = {s for s, kind in STUDENTS.items() if kind == "crash"}


def first(kind: str) -> str:
    """The first student whose submission is of this kind."""
    return next(s for s, k in STUDENTS.items() if k == kind)


TIMEOUT = 5  # seconds, for both runs (nbgrader's default is 30)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """The course with every submission in, nothing graded yet (assignments/ folder)."""
    root = sc.make_course(tmp_path_factory.mktemp("base") / "repo", timeout=TIMEOUT)
    for student, kind in STUDENTS.items():
        sc.submit(root, student, kind)
    return root


@pytest.fixture(scope="module")
def serial(base, tmp_path_factory) -> Path:
    """The same course after nbgrader's own `nbgrader autograde quiz`, one submission at a time."""
    root = sc.clone(base, tmp_path_factory.mktemp("serial") / "repo")
    done = sc.nbgrader(root, "autograde", sc.ASSIGNMENT, check=False)
    assert done.returncode == 1, done.stderr[-2000:]  # the crashed kernel is an error for nbgrader too
    return root


def _grade_copy(base: Path, dest: Path, monkeypatch, **options):
    root = sc.clone(base, dest)
    monkeypatch.setenv("COURSEKIT_COURSE", str(root.parent))
    return root, grade_assignment(assignment=sc.ASSIGNMENT, progress=False, **options)


@pytest.fixture(scope="module")
def parallel(base, tmp_path_factory):
    """The same course after `coursekit grade quiz` on a 2-worker LocalCluster: (assignments/, report)."""
    with pytest.MonkeyPatch.context() as mp:
        return _grade_copy(base, tmp_path_factory.mktemp("parallel") / "repo", mp, workers=2)


def test_gradebooks_are_identical(serial, parallel):
    """Does the parallel run record exactly nbgrader's scores, comments, timestamps and late penalties?"""
    root, _ = parallel
    expected = sc.gradebook_rows(serial)
    assert set(expected) == set(STUDENTS)
    assert sc.gradebook_rows(root) == expected
    scores = expected[first("right")][1]
    assert scores["test_answer"][0] == 2 and scores["test_q1"][0] == 1  # the fixture grades as meant
    assert expected[first("late")][1]["late_penalty"] > 0
    assert expected[first("timeout")][1]["test_answer"][0] == 0


def test_autograded_notebooks_are_identical(serial, parallel):
    """Does a student's autograded notebook (and so their feedback) read the same as nbgrader's?"""
    root, _ = parallel
    expected = sc.autograded_cells(serial)
    assert sc.autograded_cells(root) == expected
    assert set(expected) == set(STUDENTS) - CRASHED  # nbgrader removes a failed submission's output
    assert "CellTimeoutError" in str(expected[first("timeout")])


def test_crashed_kernel_is_reported_not_skipped(parallel):
    """Is a submission whose kernel dies reported as failed, with the reason, and the rest graded?"""
    _, report = parallel
    assert not report.ok
    assert set(report.failed) == CRASHED
    assert "DeadKernelError" in report.failed[first("crash")]
    assert set(report.graded) == set(STUDENTS) - CRASHED
    assert "1 failed" in report.summary() and first("crash") in report.summary()


def test_rerun_skips_graded_and_force_regrades(serial, parallel, monkeypatch):
    """Is re-running safe: graded work skipped, --force regrades to the same gradebook, nothing duplicated?"""
    root, _ = parallel
    monkeypatch.setenv("COURSEKIT_COURSE", str(root.parent))
    again = subprocess.run(
        [str(Path(sys.executable).parent / "coursekit"), "grade", sc.ASSIGNMENT, "--workers", "1"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert again.returncode == 1  # the crashing submission is tried again and fails again
    assert f"{len(STUDENTS) - 1} skipped" in again.stdout, again.stdout
    assert "grading [" in again.stderr  # the progress line, plain when not on a terminal
    picked = [first("right"), first("late"), first("wrong")]
    report = grade_assignment(assignment=sc.ASSIGNMENT, workers=1, students=picked, progress=False, force=True)
    assert sorted(report.graded) == sorted(picked)
    assert sc.gradebook_rows(root) == sc.gradebook_rows(serial)


def test_killed_worker_is_recovered(base, serial, tmp_path, monkeypatch):
    """When a worker process is killed mid-notebook, is its submission re-run and graded like nbgrader's?"""
    from dask.distributed import Client, LocalCluster

    picked = [s for s, k in STUDENTS.items() if k in ("slow", "late", "partly")]
    root = sc.clone(base, tmp_path / "repo")
    monkeypatch.setenv("COURSEKIT_COURSE", str(root.parent))
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        killed = []
        killer = threading.Thread(target=_kill_a_busy_worker, args=(client, killed), daemon=True)
        killer.start()
        report = grade_assignment(
            assignment=sc.ASSIGNMENT, scheduler=cluster.scheduler_address, students=picked, progress=False
        )
        killer.join()
    assert killed, "no worker was busy long enough to be killed"
    assert report.ok and sorted(report.graded) == sorted(picked), report.summary()
    expected = {s: row for s, row in sc.gradebook_rows(serial).items() if s in picked}
    assert sc.gradebook_rows(root) == expected


def _kill_a_busy_worker(client, killed: list) -> None:
    """SIGKILL the worker process that runs a slow submission's kernel, once."""
    pids = client.run(os.getpid)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for address, keys in client.processing().items():
            if any("slow" in str(k) for k in keys):
                time.sleep(1.5)  # well inside the notebook's 3 s sleep
                os.kill(pids[address], signal.SIGKILL)
                killed.append(address)
                return
        time.sleep(0.1)


def test_errors_for_people(base, tmp_path, monkeypatch):
    """Do a wrong name, a quiz without submissions and a dead scheduler each give one clear message, fast?"""
    root = sc.clone(base, tmp_path / "repo")
    monkeypatch.setenv("COURSEKIT_COURSE", str(root.parent))
    with pytest.raises(CourseError, match=r"unknown assignment 'nope'.*assignments: empty, quiz"):
        grade_assignment(assignment="nope", progress=False)
    with pytest.raises(CourseError, match=r"unknown assignment 'quzi'.*did you mean 'quiz'\?"):
        grade_assignment(assignment="quzi", progress=False)
    with pytest.raises(CourseError, match=r"no submissions of 'empty'"):
        grade_assignment(assignment="empty", progress=False)
    with pytest.raises(CourseError, match=r"no submission of 'quiz' from ghost"):
        grade_assignment(assignment=sc.ASSIGNMENT, students=["ghost"], progress=False)
    with pytest.raises(CourseError, match=r"--workers must be at least 1"):
        grade_assignment(assignment=sc.ASSIGNMENT, workers=0, progress=False)
    start = time.monotonic()
    with pytest.raises(CourseError, match=r"cannot reach the Dask scheduler at tcp://127.0.0.1:9 within 5 s"):
        grade_assignment(assignment=sc.ASSIGNMENT, scheduler="tcp://127.0.0.1:9", progress=False)
    assert time.monotonic() - start < 15
    assert not (root / "autograded").exists()  # nothing was touched
    (root / "gradebook.db").unlink()
    with pytest.raises(CourseError, match=r"gradebook.db: no gradebook yet"):
        grade_assignment(assignment=sc.ASSIGNMENT, progress=False)
    assert not (root / "gradebook.db").exists()  # and none was created
    shutil.rmtree(root.parent)


def test_interrupted_run_is_finished_next_time(serial, parallel, monkeypatch):
    """If a run was killed mid-submission, does the next run redo that submission instead of skipping it?"""
    root, _ = parallel
    monkeypatch.setenv("COURSEKIT_COURSE", str(root.parent))
    student = first("partly")
    notebook = root / "autograded" / student / sc.ASSIGNMENT / f"{sc.ASSIGNMENT}.ipynb"
    notebook.chmod(0o644)
    notebook.write_text("{half-written")  # what a killed run may leave behind
    (root / ".coursekit-grading" / sc.ASSIGNMENT / student).touch()  # its in-flight marker
    report = grade_assignment(assignment=sc.ASSIGNMENT, workers=1, students=[student], progress=False)
    assert report.graded == [student]
    assert sc.autograded_cells(root)[student] == sc.autograded_cells(serial)[student]
    assert sc.gradebook_rows(root) == sc.gradebook_rows(serial)
    assert not (root / ".coursekit-grading" / sc.ASSIGNMENT / student).exists()
