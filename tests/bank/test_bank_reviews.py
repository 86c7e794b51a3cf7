"""Does `coursekit check` hold the bank's bloom labels to the latest blind review, and no further than it read?"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from coursekit.bank.check import check_course
from coursekit.bank.load import load_bank
from coursekit.bank.reviews import blind_shares, label_problems, latest_pass, load_review, record_pass
from coursekit.errors import BankError

QUIZ = Path(__file__).resolve().parents[1] / "fixtures" / "bad-bank" / "lint-key-spread.yaml"


@pytest.fixture
def quiz():
    """A graded fixture quiz of five single-choice questions, all labelled apply."""
    return load_bank([QUIZ]).assignment("fx-lint-spread")


def write_review(folder: Path, levels: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    items = [{"id": qid, "level": level, "flaws": []} for qid, level in levels.items()]
    path = folder / "review-fx-lint-spread.yaml"
    path.write_text(yaml.safe_dump({"quiz": "fx-lint-spread", "items": items}), encoding="utf-8")
    return path


def test_disagreeing_label_is_an_error_naming_both(quiz, tmp_path):
    """Is a label the latest review reads differently an error at the question, naming the review and its level?"""
    write_review(tmp_path / "pass-1", {q.id: "apply" for q in quiz.questions})
    write_review(tmp_path / "pass-2", {**{q.id: "apply" for q in quiz.questions}, "spread-war": "remember"})
    errors, warnings = label_problems([quiz], tmp_path, {"spread-war": (QUIZ, 6)})
    assert [str(e) for e in errors] == [
        f"{QUIZ}:6: question 'spread-war': `bloom: apply` but the latest blind review "
        f"({tmp_path}/pass-2/review-fx-lint-spread.yaml) reads it as 'remember'. Label it 'remember', or rewrite the "
        "question and have the next pass read it."
    ]
    assert warnings == []


def test_latest_pass_is_the_highest_number(tmp_path):
    """Is pass-10 later than pass-9 (numbers, not text), and are other folders ignored?"""
    for name in ("pass-9", "pass-10", "pass-x", "notes"):
        (tmp_path / name).mkdir()
    assert latest_pass(tmp_path) == tmp_path / "pass-10"
    assert latest_pass(tmp_path / "notes") is None


def test_unread_and_rewritten_questions_are_warnings(quiz, tmp_path):
    """Is a question the pass did not read, or read in another wording (its fingerprint changed), a warning rather
    than a disagreement, so a rewrite under the same id is never judged by the old text's review?"""
    folder = tmp_path / "pass-1"
    write_review(folder, {q.id: "remember" for q in quiz.questions[:4]})
    record_pass([quiz], folder, source="test")
    changed = quiz.model_copy(
        update={"questions": [quiz.questions[0].model_copy(update={"prompt": "New text?"}), *quiz.questions[1:]]}
    )
    errors, warnings = label_problems([changed], tmp_path, {})
    assert [e.text.split(":")[0] for e in errors] == [
        "question 'spread-treaties'",
        "question 'spread-committee'",
        "question 'spread-korus'",
    ]
    assert len(warnings) == 1
    assert "2 question(s) of 'fx-lint-spread' are not in this blind review yet (spread-war, spread-vision)" in str(
        warnings[0]
    )


def test_broken_review_file_is_one_clear_error(quiz, tmp_path):
    """Does a review file that is not YAML, or has no items, give one error naming the file, not a traceback?"""
    folder = tmp_path / "pass-1"
    folder.mkdir()
    (folder / "review-fx-lint-spread.yaml").write_text("items: [\n", encoding="utf-8")
    errors, _ = label_problems([quiz], tmp_path, {})
    assert [str(e) for e in errors] == [
        f"{folder}/review-fx-lint-spread.yaml: cannot read this review (ParserError). Restore it from the reviewer's "
        "copy."
    ]
    (folder / "review-fx-lint-spread.yaml").write_text("items: [{id: spread-war, level: brilliant}]", encoding="utf-8")
    assert "has no question `id` or no `level`" in str(load_review(folder / "review-fx-lint-spread.yaml"))


def test_blind_shares_count_only_what_was_read(quiz, tmp_path):
    """Are the shares by the blind reading computed from the reviewer's levels over all auto-graded points, with
    unread questions counting as not above recall and reported as unread?"""
    path = write_review(
        tmp_path / "pass-1",
        {
            "spread-war": "apply",
            "spread-treaties": "understand",
            "spread-committee": "remember",
            "spread-korus": "analyze",
        },
    )
    above, applied, seen = blind_shares(quiz, load_review(path))
    assert (above, applied, seen) == (3 / 5, 2 / 5, 4 / 5)


def test_course_check_fails_on_a_label_the_review_disputes(repo, tmp_path, monkeypatch):
    """Does `coursekit check` on a copy of the course fail when a kept question's label disagrees with the latest
    review (the way a student-visible share would be inflated), and name the review?"""
    course = tmp_path / "course"
    shutil.copytree(repo / "assignments" / "bank", course / "assignments" / "bank")
    shutil.copytree(repo / "book", course / "book", ignore=shutil.ignore_patterns("_build", "node_modules"))
    bank = course / "assignments" / "bank" / "treaty-years.yaml"
    text = bank.read_text(encoding="utf-8")
    start = text.index("  - id: ty-treaties-year")
    bank.write_text(text[:start] + text[start:].replace("bloom: remember", "bloom: apply", 1), encoding="utf-8")
    monkeypatch.chdir(course)
    with pytest.raises(BankError) as err:
        check_course()
    assert any(
        "question 'ty-treaties-year': `bloom: apply` but the latest blind review" in p and "reads it as 'remember'" in p
        for p in err.value.problems
    )
