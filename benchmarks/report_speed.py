"""Speed of `coursekit report`: N students x 4 quizzes (goal: 1,000 x 4 in under 2 s).

In a temporary course: four copies of the simulated quiz of the report tests (10 single-choice
questions, answers from an item-response model), N submissions each, graded with the real
`coursekit grade`. Then, in the same run, time the report of all four quizzes:

* in this process (reading the gradebook and the ledger, statistics, terminal table, CSV),
  without and with the HTML page and its plots;
* as a user runs it: the `coursekit report` command, Python start-up included.

    .venv/bin/python benchmarks/report_speed.py --n 1000
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "report"))
import cohort  # noqa: E402

QUIZZES = [f"quiz-{k}" for k in range(1, 5)]
GOAL = 2.0


def build(root: Path, n: int) -> None:
    """Four quizzes, each with its own question ids, released and graded for ``n`` students."""
    source = (REPO / "tests" / "fixtures" / "grading-course" / "sim-quiz.yaml").read_text()
    (root / "assignments" / "bank").mkdir(parents=True)
    (root / "book").mkdir()
    for k, quiz in enumerate(QUIZZES, start=1):
        text = source.replace("assignment: sim-quiz", f"assignment: {quiz}").replace("id: sim-", f"id: q{k}-")
        (root / "assignments" / "bank" / f"{quiz}.yaml").write_text(text)
    for name in ("nbgrader_config.py", "coursekit.toml"):
        (root / "assignments" / name).write_text((REPO / "assignments" / name).read_text())
    (root / "book" / "reading.md").write_text((REPO / "book" / "reading.md").read_text())
    run(root, "coursekit", "generate")
    for k, quiz in enumerate(QUIZZES, start=1):
        run(root / "assignments", "nbgrader", "generate_assignment", quiz, "--force")
        hand_in(root, quiz, k, n)
        started = time.perf_counter()
        run(root / "assignments", "coursekit", "grade", quiz, "--quiet")
        print(f"  graded {quiz}: {n} submissions in {time.perf_counter() - started:.1f} s", flush=True)


def hand_in(root: Path, quiz: str, k: int, n: int) -> None:
    import shutil

    import numpy as np

    rng = np.random.default_rng(k)
    release = root / "assignments" / "release" / quiz
    for i, theta in enumerate(rng.normal(0, 1, n)):
        folder = root / "assignments" / "submitted" / f"st{i:05d}" / quiz
        shutil.copytree(release, folder)
        answers = {qid.replace("sim-", f"q{k}-"): v for qid, v in cohort.answers(theta, rng).items()}
        (folder / f"{quiz}.answers.json").write_text(cohort.qc.json.dumps({"schema": 1, "answers": answers}))


def run(cwd: Path, tool: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("COURSEKIT_COURSE", None)
    command = [str(Path(sys.executable).parent / tool), *args]
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{tool} {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return done


def timed(label: str, action) -> float:
    started = time.perf_counter()
    action()
    seconds = time.perf_counter() - started
    print(f"  {label:<52} {seconds:6.2f} s   ({seconds / GOAL:.2f} x the {GOAL:g} s goal)")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="students per quiz (default 1000)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="coursekit-report-bench-") as tmp:
        root = Path(tmp) / "course"
        print(f"setting up {len(QUIZZES)} quizzes x {args.n} students (graded with coursekit grade)...")
        build(root, args.n)
        os.chdir(root / "assignments")
        from coursekit.grading.report.run import report_assignments

        print(f"report of {len(QUIZZES)} quizzes x {args.n} students:")
        out = Path(tmp) / "out"
        timed("in process: gradebook + ledger + statistics + CSV", lambda: report_assignments(
            assignments=QUIZZES, out=out, html=False))  # fmt: skip
        timed("in process: the same + HTML with plots", lambda: report_assignments(assignments=QUIZZES, out=out))
        timed("`coursekit report` command, no HTML", lambda: run(root / "assignments", "coursekit", "report", *QUIZZES,
                                                                 "--no-html", "--out", str(out)))  # fmt: skip
        timed("`coursekit report` command, with HTML", lambda: run(root / "assignments", "coursekit", "report",
                                                                   *QUIZZES, "--out", str(out)))  # fmt: skip


if __name__ == "__main__":
    main()
