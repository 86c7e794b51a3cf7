"""Does `check_course` check the whole course: the bank, the book's self-check references, the schema?"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from coursekit.bank.check import check_course, quiz_refs
from coursekit.bank.load import bank_files
from coursekit.bank.schema import json_schema
from coursekit.errors import BankError, CourseError

COURSE = "tests/fixtures/course-quiz-refs"


def test_quiz_refs_finds_every_use_with_its_line(repo):
    """Does the scan list each {quiz} use (backtick or colon fence) with its line, skipping literal code?"""
    page = Path(COURSE) / "book/01-history.md"
    refs = [(p.relative_to(repo), line, qid) for p, line, qid in quiz_refs(repo / COURSE / "book")]
    assert refs == [
        (page, 5, "fx-practice-year"),
        (page, 10, "fx-graded-year"),
        (page, 15, "fx-practise-year"),
        (page, 20, ""),
    ]


def test_quiz_refs_skips_build_outputs_and_nested_fences(tmp_path):
    """Are built pages ignored, and quizzes inside other directives (e.g. a tab set) found?"""
    (tmp_path / "_build").mkdir()
    (tmp_path / "_build/copy.md").write_text("```{quiz} from-build\n```\n", encoding="utf-8")
    (tmp_path / "page.md").write_text(
        "::::{tab-set}\n:::{tab-item} Try it\n```{quiz} in-a-tab\n```\n:::\n::::\n"
        "```python\nx = 1\n```\n~~~~\n```{quiz} in-tilde-code\n```\n~~~~\n```{quiz} after\n```\n",
        encoding="utf-8",
    )
    assert [(line, qid) for _, line, qid in quiz_refs(tmp_path)] == [(3, "in-a-tab"), (14, "after")]


def test_check_reports_graded_and_unknown_book_references(repo, monkeypatch):
    """Does check flag a graded question in the book (its key would be published) and an unknown id?"""
    monkeypatch.chdir(repo)
    monkeypatch.setenv("COURSEKIT_COURSE", COURSE)
    with pytest.raises(BankError) as err:
        check_course(reading=Path("book/reading.md"))
    assert err.value.problems == [
        f"{COURSE}/book/01-history.md:10: quiz 'fx-graded-year' is a graded question "
        f"({COURSE}/assignments/bank/graded.yaml:5); the book is public and its self-checks carry the key. "
        "Use a practice question here.",
        f"{COURSE}/book/01-history.md:15: quiz 'fx-practise-year' is not in the bank (did you mean "
        "'fx-practice-year'?). Fix the id, or add the question to a practice file in assignments/bank/practice/.",
        f"{COURSE}/book/01-history.md:20: a quiz block names no question. Write the question id after {{quiz}}.",
    ]


def test_check_without_a_book_folder_skips_the_scan(tmp_path, repo, monkeypatch):
    """Does a course with no book/ folder pass on its bank alone?"""
    (tmp_path / "assignments/bank").mkdir(parents=True)
    bank = repo / COURSE / "assignments/bank/practice.yaml"
    (tmp_path / "assignments/bank/practice.yaml").write_bytes(bank.read_bytes())
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COURSEKIT_COURSE", raising=False)
    report = check_course(reading=repo / "book/reading.md")
    assert report.summary == "ok: 1 question in 1 file; graded quizzes: none; practice questions: 1."


def test_named_files_are_checked_without_the_book(repo, monkeypatch):
    """Does checking one file leave out the book scan (whose ids live in other files)?"""
    monkeypatch.chdir(repo)
    report = check_course(paths=[Path("tests/fixtures/good-bank/every-type.yaml")])
    assert report.summary == "ok: 6 questions in 1 file; graded quizzes: none; practice questions: 6."
    assert report.warnings == []


def test_missing_reading_is_one_clear_error(repo, monkeypatch):
    """Does a --reading path that does not exist give one message saying what to pass?"""
    monkeypatch.chdir(repo)
    with pytest.raises(CourseError, match=r"^nope\.md: reading not found, so quotes cannot be checked"):
        check_course(paths=[Path("tests/fixtures/good-bank")], reading=Path("nope.md"))


def test_schema_is_written_and_matches_the_loader(tmp_path, repo, monkeypatch):
    """Is --schema written even for a broken bank, and does it accept good files and reject a bad field?"""
    monkeypatch.chdir(repo)
    out = tmp_path / "bank.schema.json"
    with pytest.raises(BankError):
        check_course(paths=[Path("tests/fixtures/bad-bank/key-not-option.yaml")], schema_out=out)
    schema = json.loads(out.read_text(encoding="utf-8"))
    assert schema == json_schema()
    good = yaml.safe_load((repo / "tests/fixtures/good-bank/every-type.yaml").read_text(encoding="utf-8"))
    jsonschema.validate(good, schema)
    good["questions"][0]["anwser"] = "a"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(good, schema)
    for bank_file in bank_files([repo / "assignments/bank"]):  # the bank's own files, not its reviews
        jsonschema.validate(yaml.safe_load(bank_file.read_text(encoding="utf-8")), schema)
