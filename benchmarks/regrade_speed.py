"""Regrading a class after one changed question: `coursekit regrade` against a full `coursekit grade --force`.

In a temporary copy of the course: release the quiz, write N mixed submissions (grade_throughput.py's, attackers
included), where one student in five answers the quiz's text question with a form the bank rejects; grade the class;
then accept that form (as `coursekit answers --accept` does) and, in the same run, time

* `coursekit regrade` (the whole command, as a grader runs it: start-up, re-scoring, gradebook, notebooks), and
* `coursekit grade --force` on an identical copy (a full grading run from the same hand-ins),

print both times and their ratio, how many scores changed, and whether the two give identical gradebooks,
autograded notebooks (apart from the time the ledger was taken) and ledger versions.

    .venv/bin/python benchmarks/regrade_speed.py --n 1000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from grade_throughput import BIN, REPO, _env, autograded_notebooks, gradebook, make_course, make_submissions  # noqa: E402

REJECTED = "the bilateral alliance network"  # a form the text question rejects until the grader accepts it


def prepare(tmp: Path, assignment: str, n: int) -> tuple[Path, str]:
    """A graded course of N submissions, a fifth of them giving REJECTED to its text question; (course, question)."""
    sys.path.insert(0, str(REPO / "src"))
    from coursekit.course import Course
    from coursekit.grading.scoring.key import load_quiz
    from coursekit.notebook.answers import answers_path, write_answer

    course = make_course(tmp / "graded", assignment)
    make_submissions(course, assignment, n)
    question = next(q.id for q in load_quiz(Course(course), assignment).questions if q.type == "text")
    rng = random.Random(11)
    for folder in sorted((course / "assignments" / "submitted").glob(f"*/{assignment}")):
        path = answers_path(folder, assignment)
        if rng.random() < 0.2 and path.is_file() and not path.is_symlink() and _readable(path):
            write_answer(path, question, REJECTED)
    _run(["grade", assignment, "--quiet"], course)
    return course, question


def _readable(path: Path) -> bool:
    """An answers file the kernel could merge one more answer into (not the corrupt or 5,000-digit attackers')."""
    try:
        return isinstance(json.loads(path.read_text()).get("answers"), dict)
    except ValueError:  # includes a number too long to convert
        return False


def _run(args: list[str], course: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command and its children) of one coursekit command."""
    start, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run([str(BIN / "coursekit"), *args], cwd=course, env=_env(course), capture_output=True,
                          text=True)  # fmt: skip
    seconds, cpu = time.perf_counter() - start, _children_cpu() - cpu
    if done.returncode:
        sys.exit(f"coursekit {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return seconds, cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ledger_versions(course: Path, assignment: str) -> dict:
    folder = course / "assignments" / ".coursekit" / "ledger" / assignment
    found = {}
    for path in sorted(folder.glob("*.json")):
        quizzes = json.loads(path.read_text())["quizzes"]
        found[path.stem] = {quiz: entry.get("bank_version") for quiz, entry in quizzes.items()}
    return found


def bench(tmp: Path, assignment: str, n: int) -> bool:
    course, question = prepare(tmp, assignment, n)
    full = shutil.copytree(course, tmp / "full", symlinks=True)
    os.environ["COURSEKIT_COURSE"] = str(course)
    from coursekit.grading.review.bank_edit import add_form

    for root in (course, full):
        add_form(root / "assignments" / "bank" / f"{assignment}.yaml", question, "accept", REJECTED)
    before = gradebook(course, assignment)
    regrade = _run(["regrade", assignment, "--quiet"], course)
    grade = _run(["grade", assignment, "--force", "--quiet"], full)
    after = gradebook(course, assignment)
    changed = sum(1 for s in after if after[s][1][question] != before[s][1][question])
    same_book = after == gradebook(full, assignment)
    same_nbs = autograded_notebooks(course, assignment) == autograded_notebooks(full, assignment)
    same_ledger = ledger_versions(course, assignment) == ledger_versions(full, assignment)
    load = os.getloadavg()[0]
    print(
        f"  {n} submissions, one question changed ({changed} scores change), {os.cpu_count()} cores, load {load:.1f}:"
    )
    print(
        f"    coursekit regrade          {regrade[0]:6.1f} s wall {regrade[1]:6.1f} s CPU   (goal: under 10 s at 1,000)"
    )
    print(f"    coursekit grade --force    {grade[0]:6.1f} s wall {grade[1]:6.1f} s CPU")
    print(f"    regrade is {grade[0] / regrade[0]:.1f}x faster (wall), {grade[1] / regrade[1]:.1f}x (CPU)")
    print(f"    identical to the full run: gradebook {same_book}, autograded notebooks {same_nbs}, "
          f"ledger versions {same_ledger}")  # fmt: skip
    return same_book and same_nbs and same_ledger


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, nargs="+", default=[1000], help="class sizes (default: 1000)")
    p.add_argument("--assignment", default="treaty-years", help="which real quiz (default treaty-years)")
    p.add_argument("--keep", action="store_true", help="keep the temporary courses and print where they are")
    args = p.parse_args(argv)
    ok = True
    for n in args.n:
        tmp = Path(tempfile.mkdtemp(prefix="regrade-bench-"))
        try:
            ok = bench(tmp, args.assignment, n) and ok
        finally:
            if args.keep:
                print(f"  kept {tmp}")
            else:
                shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
