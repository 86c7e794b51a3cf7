"""A small coursekit course (the mini quiz, one question of each type), built with the real commands.

The grading tests hand in to it as students would, attackers included, then grade it with nbgrader's
and coursekit's real commands. Its key is fixed in tests/fixtures/grading-course/mini-quiz.yaml, so
these tests do not move when the course's own quizzes are rewritten.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
QUIZ = "mini-quiz"
POINTS = {"mq-single": 1, "mq-multiple": 2, "mq-numeric": 1, "mq-text": 1, "mq-ordering": 2, "mq-matching": 2}
KEY = {
    "mq-single": "a",
    "mq-multiple": ["ai", "g5"],
    "mq-numeric": 1960,
    "mq-text": "the San Francisco System",
    "mq-ordering": ["invasion", "sanfrancisco", "amended"],
    "mq-matching": {"china": "one", "pogo": "three"},
}
WRONG = {
    "mq-single": "b",
    "mq-multiple": ["nukes"],
    "mq-numeric": 1961,
    "mq-text": "Tokyo Pact",
    "mq-ordering": ["amended", "sanfrancisco", "invasion"],
    "mq-matching": {"china": "two", "pogo": "one"},
}
FULL = {q: float(p) for q, p in POINTS.items()}
ZERO = dict.fromkeys(POINTS, 0.0)


def env(**extra: str) -> dict:
    """This environment with the venv first on PATH and no grading state leaking in."""
    out = {k: v for k, v in os.environ.items() if k not in ("NBGRADER_EXECUTION", "COURSEKIT_COURSE")}
    out["PATH"] = f"{BIN}{os.pathsep}{out.get('PATH', '')}"
    return {**out, **extra}


def run(cmd: list[str], cwd: Path, timeout: float = 600, **extra: str) -> subprocess.CompletedProcess:
    """A real command (coursekit, nbgrader) in ``cwd``; the caller checks its result."""
    return subprocess.run(cmd, cwd=cwd, env=env(**extra), capture_output=True, text=True, timeout=timeout)


def must(done: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert done.returncode == 0, (
        f"{done.args} failed ({done.returncode}):\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    )
    return done


def build(dest: Path) -> Path:
    """A course at ``dest`` with the mini quiz generated and released by nbgrader; returns ``dest``."""
    (dest / "assignments" / "bank").mkdir(parents=True)
    (dest / "book").mkdir()
    shutil.copy(REPO / "tests" / "fixtures" / "grading-course" / f"{QUIZ}.yaml", dest / "assignments" / "bank")
    for name in ("nbgrader_config.py", "coursekit.toml"):
        shutil.copy(REPO / "assignments" / name, dest / "assignments")
    shutil.copy(REPO / "book" / "reading.md", dest / "book")
    must(run([str(BIN / "coursekit"), "generate", QUIZ], dest))
    must(run([str(BIN / "nbgrader"), "generate_assignment", QUIZ, "--force"], dest / "assignments"))
    return dest


def generated(dest: Path, monkeypatch) -> Path:
    """A course at ``dest`` with the mini quiz generated into source/ by coursekit alone (no nbgrader run: fast);
    the working directory is then ``dest``, and no grading state leaks in from the environment."""
    from coursekit.release.generate import generate_assignments

    (dest / "assignments" / "bank").mkdir(parents=True)
    shutil.copy(REPO / "tests" / "fixtures" / "grading-course" / f"{QUIZ}.yaml", dest / "assignments" / "bank")
    shutil.copy(REPO / "assignments" / "nbgrader_config.py", dest / "assignments")
    monkeypatch.chdir(dest)
    for name in ("COURSEKIT_COURSE", "NBGRADER_EXECUTION"):
        monkeypatch.delenv(name, raising=False)
    generate_assignments(names=[QUIZ])
    return dest


def release(root: Path) -> Path:
    return root / "assignments" / "release" / QUIZ


def hand_in(root: Path, student: str, answers: dict | None = None, *, raw: bytes | None = None) -> Path:
    """submitted/<student>/mini-quiz/ holding the released files and an answers file (``raw`` bytes if given)."""
    folder = root / "assignments" / "submitted" / student / QUIZ
    shutil.copytree(release(root), folder)
    target = folder / f"{QUIZ}.answers.json"
    if raw is not None:
        target.write_bytes(raw)
    elif answers is not None:
        target.write_text(json.dumps({"schema": 1, "answers": answers}))
    return folder


def edit_notebook(folder: Path, edit) -> None:
    path = folder / f"{QUIZ}.ipynb"
    nb = json.loads(path.read_text())
    edit(nb)
    path.write_text(json.dumps(nb, indent=1))


def code_cell(source: str, **nbgrader) -> dict:
    meta = {"nbgrader": {"schema_version": 3, **nbgrader}} if nbgrader else {}
    return {"cell_type": "code", "execution_count": None, "metadata": meta, "outputs": [], "source": source}


def gradebook(db: Path) -> dict:
    """Every row of the gradebook that grading writes, keyed by names (ids are random per gradebook)."""
    from nbgrader.api import Gradebook

    out: dict = {}
    with Gradebook(f"sqlite:///{db}") as gb:
        for a in gb.assignments:
            for s in a.submissions:
                out[(a.name, s.student.id)] = (str(s.timestamp), s.extension)
                for nb in s.notebooks:
                    out[(a.name, s.student.id, nb.name)] = (nb.late_submission_penalty, nb.flagged)
                    for g in nb.grades:
                        out[(s.student.id, nb.name, g.name)] = (
                            g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade
                        )  # fmt: skip
                    for c in nb.comments:
                        out[(s.student.id, nb.name, c.name, "comment")] = (c.auto_comment, c.manual_comment)
    return out


def scores(db: Path) -> dict[str, dict[str, float]]:
    """student -> question -> autograded score."""
    out: dict = {}
    for key, value in gradebook(db).items():
        if len(key) == 3 and isinstance(value, tuple) and len(value) == 4:
            out.setdefault(key[0], {})[key[2]] = value[0]
    return out


def autograded(root: Path) -> dict[str, dict]:
    """Every autograded notebook, without the one field that differs between runs (the ledger's time)."""
    out = {}
    for path in sorted((root / "assignments" / "autograded").glob(f"*/{QUIZ}/*.ipynb")):
        nb = json.loads(path.read_text())
        nb["metadata"].get("coursekit", {}).pop("recorded_at", None)
        out[str(path.relative_to(root))] = nb
    return out


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
