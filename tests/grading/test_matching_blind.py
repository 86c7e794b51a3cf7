"""Does the real `coursekit grade` give the blind answers the credit a grader would, on every graded text question?

The blind set (tests/fixtures/blind/text-answers.yaml) was written by someone who saw only the brief and the students'
view of the quizzes, never the bank's intent or the matcher. Each answer is handed in by its own student, as a real
answers file, to the course's own quizzes; the goals of issue 18 are checked on the gradebook nbgrader keeps:
at least 90 % of the right answers get full credit, no wrong answer gets any, and no right answer to another text
question gets any. Debatable answers do not count toward the goals.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from grading_helpers import BIN, GRADED, clean_env, copy_course
from quiz_course import must, scores

from coursekit.bank.load import load_bank
from coursekit.grading.scoring.rules import score

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]

REPO = Path(__file__).resolve().parents[2]
BLIND = yaml.safe_load((REPO / "tests" / "fixtures" / "blind" / "text-answers.yaml").read_text(encoding="utf-8"))
RIGHT_SHARE = 0.9


def _graded_text_questions() -> dict[str, str]:
    """question id -> its quiz, for every text question of the course's graded quizzes."""
    bank = load_bank([REPO / "assignments" / "bank" / f"{quiz}.yaml" for quiz in GRADED])
    return {q.id: bank.files[bank.origin[q.id]].assignment for q in bank.questions.values() if q.type == "text"}


TEXT = _graded_text_questions()


def _class(qid: str) -> dict[str, tuple[str, str]]:
    """student -> (kind, answer) for one question: its right, wrong, debatable answers, and the others' right ones."""
    kinds = [("right", a) for a in BLIND[qid]["right"]] + [("wrong", a) for a in BLIND[qid]["wrong"]]
    kinds += [("debatable", d["answer"]) for d in BLIND[qid]["debatable"]]
    kinds += [("other", a) for other in BLIND if other != qid for a in BLIND[other]["right"]]
    return {f"{kind[0]}{i:03d}": (kind, answer) for i, (kind, answer) in enumerate(kinds)}


def test_every_graded_text_question_has_a_blind_set():
    """Does every text question of a graded quiz have blind answers (a new one needs its own, written blind)?"""
    missing = sorted(set(TEXT) - set(BLIND))
    assert not missing, f"write a blind set for {missing} in tests/fixtures/blind/text-answers.yaml (see its header)"
    assert all(BLIND[q]["right"] and BLIND[q]["wrong"] for q in TEXT)


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Path:
    """The course's four quizzes released with nbgrader, each handed in by one student per blind answer, graded."""
    root = copy_course(tmp_path_factory.mktemp("blind") / "course")
    assignments = root / "assignments"
    must(subprocess.run([str(BIN / "coursekit"), "release", "--force"], cwd=root, env=clean_env(),
                        capture_output=True, text=True, timeout=900))  # fmt: skip
    for qid, quiz in TEXT.items():
        for student, (_, answer) in _class(qid).items():
            folder = assignments / "submitted" / student / quiz
            shutil.copytree(assignments / "release" / quiz, folder)
            payload = {"schema": 1, "answers": {qid: answer}}
            (folder / f"{quiz}.answers.json").write_text(json.dumps(payload), encoding="utf-8")
        must(subprocess.run([str(BIN / "coursekit"), "grade", quiz, "--quiet"], cwd=assignments, env=clean_env(),
                            capture_output=True, text=True, timeout=900))  # fmt: skip
    return root


def _results(graded: Path) -> dict[str, dict[str, list[float]]]:
    """question -> kind of answer -> the points nbgrader's gradebook holds for each."""
    got = scores(graded / "assignments" / "gradebook.db")
    out: dict = {}
    for qid in TEXT:
        for student, (kind, _) in _class(qid).items():
            out.setdefault(qid, {}).setdefault(kind, []).append(got[student][qid])
    return out


def test_the_blind_set_meets_the_goals_through_coursekit_grade(graded):
    """Through nbgrader's gradebook: do at least 90 % of the right answers get full credit, no wrong answer and no
    other question's right answer any credit, on every graded text question and overall?"""
    results = _results(graded)
    right = [p == 1.0 for q in results.values() for p in q["right"]]
    assert sum(right) / len(right) >= RIGHT_SHARE, f"{sum(right)} of {len(right)} right answers got full credit"
    for qid, kinds in results.items():
        assert sum(p == 1.0 for p in kinds["right"]) / len(kinds["right"]) >= RIGHT_SHARE, qid
        assert [a for (k, a), p in zip(_answers(qid, "wrong"), kinds["wrong"], strict=True) if p > 0] == [], qid
        assert [a for (k, a), p in zip(_answers(qid, "other"), kinds["other"], strict=True) if p > 0] == [], qid


def _answers(qid: str, kind: str) -> list[tuple[str, str]]:
    return [v for v in _class(qid).values() if v[0] == kind]


def test_grading_gives_what_the_rules_give(graded):
    """Does every blind answer, debatable ones included, get in the gradebook exactly what the scoring rules give it
    (so the numbers reported from the rules are the graded ones)?"""
    bank = load_bank([REPO / "assignments" / "bank"])
    results = _results(graded)
    for qid in TEXT:
        for kind in ("right", "wrong", "debatable", "other"):
            expected = [score(bank.question(qid), a).points for _, a in _answers(qid, kind)]
            assert results[qid][kind] == expected, (qid, kind)
