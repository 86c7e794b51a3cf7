"""Throughput of `coursekit grade` (Dask) against serial `nbgrader autograde`, on the real course quizzes.

In a temporary copy of the course: release the quiz with coursekit, write N submissions with
mixed answers (right, partly right, wrong, unanswered, invalid, corrupt file, no file, late),
then in the same run time serial `nbgrader autograde` on one copy and `coursekit grade` on
another, check that every per-cell score, comment and late penalty is identical, and time the
kernel-free `coursekit audit` on the graded copy.

    .venv/bin/python benchmarks/grade_throughput.py --n 200 --workers 2
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SKIP = shutil.ignore_patterns("release", "submitted", "autograded", "feedback", "gradebook.db", ".coursekit-*")


def _env(course: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "COURSEKIT_COURSE"}
    return {**env, "COURSEKIT_COURSE": str(course), "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}"}


def make_course(tmp: Path, assignment: str) -> Path:
    """A copy of the course's assignments/ (bank, sources, config) with ``assignment`` released."""
    course = tmp / "course"
    shutil.copytree(REPO / "assignments", course / "assignments", ignore=SKIP)
    (course / "book").mkdir()
    shutil.copy(REPO / "book" / "reading.md", course / "book" / "reading.md")
    for step in (["generate", assignment], ["release", assignment, "--force"]):
        subprocess.run([str(BIN / "coursekit"), *step], cwd=course, env=_env(course), check=True, capture_output=True)
    return course


def _wrong(q, rng: random.Random):
    """A plausible but wrong (or partly right) answer of the question's type."""
    key = q.key()
    if q.type == "single":
        return next(o.id for o in q.options if o.id != key)
    if q.type == "multiple":
        return key[:1] if len(key) > 1 else [o.id for o in q.options if o.id not in key][:1]
    if q.type == "numeric":
        return key + rng.choice([-7, 3, 11])
    if q.type == "text":
        return "not sure"
    if q.type == "ordering":
        return list(reversed(key))
    if q.type == "matching":
        lefts, rights = list(key), list(key.values())
        return dict(zip(lefts, rights[1:] + rights[:1], strict=True))
    return None


def answers_for(questions, rng: random.Random) -> dict:
    """Mixed answers: mostly right, some wrong or partial, some missing, a few of the wrong type."""
    values = {}
    for q in questions:
        roll = rng.random()
        if roll < 0.55:
            key = q.key()
            values[q.id] = key[0] if q.type == "text" else key
        elif roll < 0.8:
            values[q.id] = _wrong(q, rng)
        elif roll < 0.95:
            continue
        else:
            values[q.id] = {"not": "an answer"}
    return values


def make_submissions(course: Path, assignment: str, n: int, seed: int = 7) -> None:
    sys.path.insert(0, str(REPO / "src"))
    from coursekit.course import Course
    from coursekit.grading.key import load_quiz
    from coursekit.notebook.answers import answers_path, write_answer

    quiz = load_quiz(Course(course), assignment)
    rng = random.Random(seed)
    release = course / "assignments" / "release" / assignment
    for i in range(n):
        folder = course / "assignments" / "submitted" / f"student{i:04d}" / assignment
        shutil.copytree(release, folder)
        path = answers_path(folder, assignment)
        if i % 25 == 3:
            path.write_text('{"schema": 1, "answers": {"broken"')  # corrupt file
        elif i % 25 != 11:  # one in 25 never answered at all: no file
            for qid, value in answers_for(quiz.auto_graded(), rng).items():  # the written answer is graded by hand
                write_answer(path, qid, value)
        late = i % 10 == 5
        (folder / "timestamp.txt").write_text("2099-01-01 00:00:00 UTC" if late else "2026-01-15 10:00:00 UTC")


class PeakRSS:
    """Peak resident memory of a process and all its descendants, sampled every 0.2 s."""

    def __init__(self, pid: int):
        self.root, self.peak, self._stop = psutil.Process(pid), 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.wait(0.2):
            total = 0
            try:
                for p in [self.root, *self.root.children(recursive=True)]:
                    total += p.memory_info().rss
            except psutil.Error:
                continue
            self.peak = max(self.peak, total)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def timed(cmd: list[str], course: Path) -> tuple[float, int, int, str]:
    """(seconds, peak RSS bytes, exit code, stdout) of a command run in the course's assignments/ folder."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=course / "assignments", env=_env(course), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    rss = PeakRSS(proc.pid)
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    if proc.returncode:
        sys.stderr.write(err.decode(errors="replace")[-3000:])
    return seconds, rss.stop(), proc.returncode, out.decode(errors="replace")


def gradebook(course: Path, assignment: str) -> dict:
    """Everything autograde decides, per student: cell scores, comments, late penalty, timestamp."""
    from nbgrader.api import Gradebook

    rows = {}
    with Gradebook(f"sqlite:///{course / 'assignments' / 'gradebook.db'}", "korea-japan") as gb:
        for sub in gb.assignment_submissions(assignment):
            cells = {}
            for nb in sub.notebooks:
                for g in nb.grades:
                    cells[g.name] = (g.auto_score, g.manual_score, g.needs_manual_grade)
                for c in nb.comments:
                    cells["comment:" + c.name] = c.auto_comment
                cells["late_penalty:" + nb.name] = nb.late_submission_penalty
            rows[sub.student.id] = (str(sub.timestamp), cells)
    return rows


def autograded_notebooks(course: Path, assignment: str) -> dict:
    """The autograded notebooks' cells as a reader sees them.

    Two things vary from run to run even between two serial runs, so they are normalised:
    nbclient's execution timestamps, and how the kernel happened to chunk a cell's stdout into
    stream messages (the text is the same).
    """
    found = {}
    for path in sorted((course / "assignments" / "autograded").glob(f"*/{assignment}/*.ipynb")):
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            cell.get("metadata", {}).pop("execution", None)
            if "outputs" in cell:
                cell["outputs"] = _coalesced(cell["outputs"])
        found[path.parent.parent.name] = nb["cells"]
    return found


def _coalesced(outputs: list) -> list:
    merged = []
    for out in outputs:
        text = "".join(out["text"]) if out.get("output_type") == "stream" else None
        if (
            text is not None
            and merged
            and merged[-1].get("output_type") == "stream"
            and merged[-1]["name"] == out["name"]
        ):
            merged[-1]["text"] += text
        else:
            merged.append({**out, "text": text} if text is not None else out)
    return merged


def audit_rate(course: Path, assignment: str, repeats: int = 5) -> tuple[float, int]:
    os.environ["COURSEKIT_COURSE"] = str(course)
    from coursekit.grading.audit import audit_assignment

    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        report = audit_assignment(assignment=assignment)
        best = min(best, time.perf_counter() - start)
    return report.submissions / best, len(report.mismatches)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=200, help="number of submissions (default 200)")
    p.add_argument("--workers", type=int, default=None, help="Dask workers for coursekit grade (default: cores)")
    p.add_argument("--assignment", default="treaty-years", help="which real quiz (default treaty-years)")
    p.add_argument("--keep", action="store_true", help="keep the temporary course and print where it is")
    args = p.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="grade-bench-"))
    try:
        print(f"building {args.n} submissions of '{args.assignment}' in {tmp} ...", flush=True)
        base = make_course(tmp / "base", args.assignment)
        make_submissions(base, args.assignment, args.n)
        serial = shutil.copytree(base, tmp / "serial")
        dask = shutil.copytree(base, tmp / "dask")

        s_time, s_rss, s_rc, _ = timed([str(BIN / "nbgrader"), "autograde", args.assignment], serial)
        print(
            f"serial nbgrader autograde: {s_time:.1f} s, {args.n / s_time:.2f} submissions/s, "
            f"peak RSS {s_rss / 2**20:.0f} MiB (exit {s_rc})",
            flush=True,
        )
        cmd = [str(BIN / "coursekit"), "grade", args.assignment, "--quiet"]
        if args.workers:
            cmd += ["--workers", str(args.workers)]
        d_time, d_rss, d_rc, d_out = timed(cmd, dask)
        if d_rc:
            print(d_out)
        print(
            f"coursekit grade (Dask):    {d_time:.1f} s, {args.n / d_time:.2f} submissions/s, "
            f"peak RSS {d_rss / 2**20:.0f} MiB (exit {d_rc})",
            flush=True,
        )
        print(f"speed-up: {s_time / d_time:.2f}x on {os.cpu_count()} cores")

        same_book = gradebook(serial, args.assignment) == gradebook(dask, args.assignment)
        same_nbs = autograded_notebooks(serial, args.assignment) == autograded_notebooks(dask, args.assignment)
        print(f"per-cell scores, comments and late penalties identical: {same_book}")
        print(f"autograded notebooks identical (execution timestamps aside): {same_nbs}")
        rate, mismatches = audit_rate(dask, args.assignment)
        print(f"coursekit audit: {rate:,.0f} submissions/s ({mismatches} mismatching score(s))")
        return 0 if same_book and same_nbs else 1
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
