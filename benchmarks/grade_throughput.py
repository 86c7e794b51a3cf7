"""Grading throughput on the real course quizzes: stock nbgrader, nbgrader with the course config, coursekit grade.

In a temporary copy of the course, for each N: release the quiz, write N mixed submissions (right,
partly right, wrong, unanswered, invalid values, corrupt file, no file, late, and a few attackers: an
added cell, a symlinked answers file, a 5,000-digit number), then in the same run time

* stock serial `nbgrader autograde` (nbgrader's default steps: a kernel runs every notebook),
* plain `nbgrader autograde` with the course's nbgrader_config.py (no kernel for quizzes),
* `coursekit grade` (the batch path: one process, one gradebook session),

print submissions per second, the speed-up over stock, peak memory, whether the last two give identical
gradebooks and autograded notebooks, where coursekit's time goes per submission, and the audit's rate.

With ``--hostile``, the same class is graded again with the submissions of issue 17 added (4,000 empty folders,
links behind 20,010 folders, a 10 MB timestamp.txt, a notebook of 400,000 added cells), and the seconds they add
to each command are printed: what one hostile submission costs the class (intake refuses them before nbgrader
lists or reads them).

    .venv/bin/python benchmarks/grade_throughput.py --n 200 1000
    .venv/bin/python benchmarks/grade_throughput.py --n 50 --hostile --stock-max 0

With ``--against DIR`` (another checkout, e.g. ``git worktree add /tmp/main main``), `coursekit grade` of this
checkout and of DIR (its ``src/`` and its course config) grade copies of the same class in turns, ``--rounds``
times each, and the ratio of their best rates is printed: today's throughput and this change's, in one session.

    .venv/bin/python benchmarks/grade_throughput.py --n 1000 --against /tmp/main --rounds 3 --only-coursekit
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


def _env(course: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "COURSEKIT_COURSE"}
    return {**env, "COURSEKIT_COURSE": str(course), "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}", **extra}


def make_course(tmp: Path, assignment: str) -> Path:
    """A copy of the course's assignments/ (bank, sources, config) with ``assignment`` released."""
    course = tmp / "course"
    shutil.copytree(REPO / "assignments", course / "assignments", ignore=SKIP)
    (course / "book").mkdir()
    shutil.copy(REPO / "book" / "reading.md", course / "book" / "reading.md")
    for step in (["generate", assignment], ["release", assignment, "--force"]):
        subprocess.run([str(BIN / "coursekit"), *step], cwd=course, env=_env(course), check=True, capture_output=True)
    return course


STOCK_CONFIG = """c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "korea-japan"
"""


def stock_copy(base: Path, dest: Path) -> Path:
    """A copy of the course whose nbgrader config has none of coursekit's steps (nbgrader as shipped)."""
    shutil.copytree(base, dest, symlinks=True)
    (dest / "assignments" / "nbgrader_config.py").write_text(STOCK_CONFIG)
    return dest


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
    from coursekit.grading.scoring.key import load_quiz
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
        _attack(folder, assignment, i)


def _attack(folder: Path, assignment: str, i: int) -> None:
    """One submission in 50 of each kind tries something (see tests/grading/test_adversarial.py for all)."""
    answers = folder / f"{assignment}.answers.json"
    if i % 50 == 7:  # an added cell that would read the bank
        nb = json.loads((folder / f"{assignment}.ipynb").read_text())
        nb["cells"].append({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                            "source": "print(open('../../../bank/treaty-years.yaml').read())"})  # fmt: skip
        (folder / f"{assignment}.ipynb").write_text(json.dumps(nb))
    elif i % 50 == 17 and i > 50:  # the answers file is a symlink to someone else's
        answers.unlink(missing_ok=True)
        os.symlink(folder.parent.parent / "student0001" / assignment / answers.name, answers)
    elif i % 50 == 27:
        answers.write_text('{"schema": 1, "answers": {"x": ' + "9" * 5000 + "}}")


def add_hostile(course: Path, assignment: str) -> list[str]:
    """The hostile submissions of issue 17, beside the class; returns their student ids."""
    release = course / "assignments" / "release" / assignment
    made = {}
    for name in ("zz-folders", "zz-behind", "zz-stamp", "zz-cells"):
        made[name] = course / "assignments" / "submitted" / name / assignment
        shutil.copytree(release, made[name])
    for i in range(4000):  # nbgrader's listing is quadratic in a folder's entries
        (made["zz-folders"] / f"e{i}").mkdir()
    for i in range(20_010):  # past the old quarantine walk's 20,000 entries, then links
        (made["zz-behind"] / f"e{i}").mkdir()
    (made["zz-behind"] / "zz").mkdir()
    os.symlink(course / "assignments" / "bank" / f"{assignment}.yaml", made["zz-behind"] / "zz" / "bank.txt")
    (made["zz-stamp"] / "timestamp.txt").write_text("2026-01-15 " + "1" * 10_000_000)
    notebook = made["zz-cells"] / f"{assignment}.ipynb"
    nb = json.loads(notebook.read_text())
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": "x"}
    nb["cells"] += [cell] * 400_000
    notebook.write_text(json.dumps(nb))
    return list(made)


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


def timed(cmd: list[str], course: Path, **extra: str) -> tuple[float, int, int, str]:
    """(seconds, peak RSS bytes, exit code, stdout) of a command run in the course's assignments/ folder."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=course / "assignments", env=_env(course, **extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE
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
    """The autograded notebooks, without the one field that differs between runs (the ledger's time)."""
    found = {}
    for path in sorted((course / "assignments" / "autograded").glob(f"*/{assignment}/*.ipynb")):
        nb = json.loads(path.read_text())
        nb["metadata"].get("coursekit", {}).pop("recorded_at", None)
        found[path.parent.parent.name] = nb
    return found


def audit_rate(course: Path, assignment: str, repeats: int = 5) -> tuple[float, int]:
    os.environ["COURSEKIT_COURSE"] = str(course)
    from coursekit.grading.audit import audit_assignment

    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        report = audit_assignment(assignment=assignment)
        best = min(best, time.perf_counter() - start)
    return report.submissions / best, len(report.mismatches)


def bench(base: Path, tmp: Path, n: int, assignment: str, run_stock: bool, tag: str = "", only=False) -> dict:
    """Grade the same N submissions three ways (or only with coursekit grade); return the measurements."""
    out = {}
    ways = {
        "stock nbgrader (kernels)": (stock_copy, [str(BIN / "nbgrader"), "autograde", assignment]),
        "nbgrader + course config": (_copy, [str(BIN / "nbgrader"), "autograde", assignment]),
        "coursekit grade": (_copy, [str(BIN / "coursekit"), "grade", assignment, "--quiet", "--timings"]),
    }
    for name, (copy, cmd) in ways.items():
        if (name.startswith("stock") and not run_stock) or (only and not name.startswith("coursekit")):
            continue
        course = copy(base, tmp / f"{n}{tag}-{name.split()[0]}-{len(out)}")
        seconds, rss, code, stdout = timed(cmd, course)
        out[name] = {"course": course, "seconds": seconds, "rss": rss, "code": code, "stdout": stdout}
        print(f"  {name:<26} {seconds:8.1f} s {n / seconds:9.2f}/s  peak RSS {rss / 2**20:5.0f} MiB  (exit {code})",
              flush=True)  # fmt: skip
    return out


def _copy(base: Path, dest: Path) -> Path:
    return shutil.copytree(base, dest, symlinks=True)


def hostile_cost(honest: dict, hostile: dict, names: list[str]) -> None:
    """The seconds the hostile submissions add to each command, measured in this run."""
    for way in [w for w in ("nbgrader + course config", "coursekit grade") if w in hostile]:
        extra = hostile[way]["seconds"] - honest[way]["seconds"]
        print(f"  {len(names)} hostile submissions add {extra:+.1f} s to {way} "
              f"({hostile[way]['seconds'] / honest[way]['seconds']:.2f}x the class alone)")  # fmt: skip


def against(base: Path, tmp: Path, n: int, assignment: str, other: Path, rounds: int) -> None:
    """`coursekit grade` of this checkout and of ``other``, in turns on copies of one class; the ratio of best rates."""
    cmd = [str(BIN / "coursekit"), "grade", assignment, "--quiet"]
    best = {"this checkout": [float("inf")] * 2, str(other): [float("inf")] * 2}  # wall, CPU seconds
    for r in range(rounds):
        for who, kept in best.items():
            course = _copy(base, tmp / f"{n}-against-{r}-{len(who)}")
            extra = {}
            if who != "this checkout":  # the other checkout's code and its own course config
                shutil.copy(other / "assignments" / "nbgrader_config.py", course / "assignments" / "nbgrader_config.py")
                extra = {"PYTHONPATH": str(other / "src")}
            cpu = _children_cpu()
            seconds, _, code, _ = timed(cmd, course, **extra)
            cpu = _children_cpu() - cpu
            kept[:] = min(kept[0], seconds), min(kept[1], cpu)
            print(f"  round {r + 1}: {who:<28} {seconds:7.1f} s {n / seconds:7.2f}/s, CPU {cpu:6.1f} s (exit {code})")
            shutil.rmtree(course, ignore_errors=True)
    (ours, our_cpu), (theirs, their_cpu) = best.values()
    print(
        f"  best of {rounds}: this checkout {n / ours:.2f}/s, {other} {n / theirs:.2f}/s: this checkout keeps "
        f"{100 * theirs / ours:.0f} % of its throughput ({100 * their_cpu / our_cpu:.0f} % counted in CPU time)"
    )


def _children_cpu() -> float:
    """User and system CPU seconds of the finished child processes so far (less shaken by a busy machine)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def report(results: dict, n: int, assignment: str) -> bool:
    if "nbgrader + course config" not in results:
        return True
    plain, ours = results["nbgrader + course config"], results["coursekit grade"]
    stock = results.get("stock nbgrader (kernels)")
    if stock:
        print(f"  speed-up over stock: course config {stock['seconds'] / plain['seconds']:.1f}x, "
              f"coursekit grade {stock['seconds'] / ours['seconds']:.1f}x")  # fmt: skip
    same_book = gradebook(plain["course"], assignment) == gradebook(ours["course"], assignment)
    same_nbs = autograded_notebooks(plain["course"], assignment) == autograded_notebooks(ours["course"], assignment)
    print(f"  nbgrader + course config vs coursekit grade: gradebooks identical {same_book}, "
          f"autograded notebooks identical {same_nbs}")  # fmt: skip
    timing = [line for line in ours["stdout"].splitlines() if line.startswith("Time per submission")]
    print(f"  coursekit grade: {timing[0] if timing else '(no timings printed)'}")
    rate, mismatches = audit_rate(ours["course"], assignment)
    print(f"  coursekit audit: {rate:,.0f} submissions/s ({mismatches} mismatching score(s))")
    return same_book and same_nbs


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, nargs="+", default=[200, 1000], help="class sizes (default: 200 1000)")
    p.add_argument("--assignment", default="treaty-years", help="which real quiz (default treaty-years)")
    p.add_argument("--stock-max", type=int, default=None, help="time stock nbgrader only up to this N (it is slow)")
    p.add_argument("--keep", action="store_true", help="keep the temporary courses and print where they are")
    p.add_argument("--hostile", action="store_true", help="grade the class again with issue 17's hostile submissions")
    p.add_argument("--only-coursekit", action="store_true", help="time only coursekit grade (not nbgrader's paths)")
    p.add_argument("--against", type=Path, metavar="DIR", help="another checkout to compare coursekit grade with")
    p.add_argument("--rounds", type=int, default=3, help="turns each with --against; the best counts (default 3)")
    args = p.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="grade-bench-"))
    ok = True
    try:
        for n in args.n:
            print(f"N = {n} submissions of '{args.assignment}' ({os.cpu_count()} cores):", flush=True)
            base = make_course(tmp / f"base-{n}", args.assignment)
            make_submissions(base, args.assignment, n)
            stock = args.stock_max is None or n <= args.stock_max
            results = bench(base, tmp, n, args.assignment, stock, only=args.only_coursekit)
            ok = report(results, n, args.assignment) and ok
            if args.against:
                against(base, tmp, n, args.assignment, args.against.resolve(), args.rounds)
            if args.hostile:
                print(f"N = {n} and the hostile submissions:", flush=True)
                names = add_hostile(base, args.assignment)
                attacked = bench(base, tmp, n, args.assignment, False, tag="-hostile", only=args.only_coursekit)
                ok = report(attacked, n, args.assignment) and ok
                hostile_cost(results, attacked, names)
        return 0 if ok else 1
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
