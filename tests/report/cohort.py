"""A simulated class for the report tests: answers drawn from an item-response model with known parameters.

Each question j of ``sim-quiz`` has a difficulty b_j and a discrimination a_j; a student of ability
theta picks the key with probability 1 / (1 + exp(-a_j (theta - b_j))) (the two-parameter logistic
model), else one of the three distractors at random. The broken question is the other way round:
the stronger the student, the likelier they pick distractor 'b' instead of the key.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "grading"))
import quiz_course as qc  # noqa: E402

QUIZ = "sim-quiz"
QUESTIONS = [f"sim-{j:02d}" for j in range(1, 11)]
BROKEN = "sim-10"
DIFFICULTY = dict(zip(QUESTIONS[:-1], np.linspace(-2.0, 2.0, 9), strict=True))
DISCRIMINATION = dict(zip(QUESTIONS[:-1], [1.0, 1.6, 1.2, 2.0, 1.4, 1.8, 1.1, 1.5, 1.3], strict=True))


def build(dest: Path) -> Path:
    """A course at ``dest`` with sim-quiz generated and released by nbgrader's real commands."""
    (dest / "assignments" / "bank").mkdir(parents=True)
    (dest / "book").mkdir()
    shutil.copy(qc.REPO / "tests" / "fixtures" / "grading-course" / f"{QUIZ}.yaml", dest / "assignments" / "bank")
    for name in ("nbgrader_config.py", "coursekit.toml"):
        shutil.copy(qc.REPO / "assignments" / name, dest / "assignments")
    shutil.copy(qc.REPO / "book" / "reading.md", dest / "book")
    qc.must(qc.run([str(qc.BIN / "coursekit"), "generate", QUIZ], dest))
    qc.must(qc.run([str(qc.BIN / "nbgrader"), "generate_assignment", QUIZ, "--force"], dest / "assignments"))
    return dest


def answers(theta: float, rng: np.random.Generator) -> dict[str, str]:
    """One student's answers under the model (a few questions left blank at random)."""
    out = {}
    for qid in QUESTIONS:
        if rng.random() < 0.02:
            continue
        if qid == BROKEN:
            out[qid] = "b" if rng.random() < 1 / (1 + np.exp(-1.5 * theta)) else str(rng.choice(["a", "c", "d"]))
            continue
        p = 1 / (1 + np.exp(-DISCRIMINATION[qid] * (theta - DIFFICULTY[qid])))
        out[qid] = "a" if rng.random() < p else str(rng.choice(["b", "c", "d"]))
    return out


def hand_in_class(root: Path, n: int, seed: int = 12) -> None:
    """``n`` students' submissions under submitted/, as nbgrader collect leaves them."""
    rng = np.random.default_rng(seed)
    release = root / "assignments" / "release" / QUIZ
    for i, theta in enumerate(rng.normal(0, 1, n)):
        folder = root / "assignments" / "submitted" / f"sim{i:04d}" / QUIZ
        shutil.copytree(release, folder)
        (folder / f"{QUIZ}.answers.json").write_text(qc.json.dumps({"schema": 1, "answers": answers(theta, rng)}))


def spearman(x: list[float], y: list[float]) -> float:
    """Spearman's rank correlation (no ties in the data it is used on)."""
    rx, ry = np.argsort(np.argsort(x)), np.argsort(np.argsort(y))
    return float(np.corrcoef(rx, ry)[0, 1])
