"""Does the `coursekit check` command, run as a user runs it, exit 0 on a good bank and 1 with messages otherwise?"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run_check(*args: str, cwd: Path = REPO, env: dict | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "coursekit", "check", *args]
    environ = {k: v for k, v in os.environ.items() if k != "COURSEKIT_COURSE"} | (env or {})
    return subprocess.run(command, cwd=cwd, env=environ, capture_output=True, text=True, timeout=120)


def assert_no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.skipif(not list((REPO / "assignments/bank").rglob("*.yaml")), reason="the course bank has no files yet")
def test_course_bank_passes():
    """Does the course's own bank (and the book's self-check references) pass `coursekit check`?"""
    result = run_check()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: ")
    assert_no_traceback(result)


def test_bad_bank_reports_every_problem_and_exits_1():
    """Does the bad-bank folder exit 1 with one `error:` line per problem and a count, no traceback?"""
    result = run_check("tests/fixtures/bad-bank")
    assert result.returncode == 1
    assert_no_traceback(result)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: tests/fixtures/bad-bank/")]
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: tests/fixtures/bad-bank/")]
    assert len(errors) >= 30 and len(warnings) == 1
    assert result.stderr.splitlines()[-1] == f"coursekit: {len(errors)} problem(s) found (and 1 warning(s))."
    assert result.stdout == ""


def test_warnings_alone_pass_and_go_to_stderr():
    """Does a bank with only item-writing warnings exit 0, with `warning:` lines on stderr and the summary on stdout?"""
    result = run_check("tests/fixtures/bad-bank/lint-practice-warning.yaml")
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("warning: tests/fixtures/bad-bank/lint-practice-warning.yaml:9: question ")
    assert result.stdout.startswith("ok: 1 question in 1 file;")
    assert_no_traceback(result)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["no/such/bank"],
            "error: no/such/bank: no such file or folder. Give a bank file or folder, e.g. assignments/bank",
        ),
        (
            ["tests/fixtures/course-quiz-refs/book"],
            "error: tests/fixtures/course-quiz-refs/book: no .yaml files found, so the bank is empty.",
        ),
        (
            ["tests/fixtures/good-bank", "--reading", "nope.md"],
            "coursekit: nope.md: reading not found, so quotes cannot be checked. Pass --reading PATH.",
        ),
        (
            ["tests/fixtures/good-bank", "--schema", "no/dir/s.json"],
            "coursekit: no/dir/s.json: folder no/dir does not exist.",
        ),
    ],
)
def test_bad_paths_give_one_line(args, message):
    """Do a missing path, a folder without YAML, a missing reading and an unwritable schema path exit 1 cleanly?"""
    result = run_check(*args)
    assert result.returncode == 1
    assert result.stderr.startswith(message)
    assert_no_traceback(result)


def test_outside_a_course(tmp_path):
    """Does `coursekit check` outside any course say how to find one?"""
    result = run_check(cwd=tmp_path)
    assert result.returncode == 1
    assert "not inside a coursekit course" in result.stderr and "COURSEKIT_COURSE" in result.stderr
    assert_no_traceback(result)


def test_schema_option_writes_json_schema(tmp_path):
    """Does `--schema FILE` write a JSON Schema an editor can use, next to an ok summary?"""
    out = tmp_path / "bank.schema.json"
    result = run_check("tests/fixtures/good-bank", "--schema", str(out))
    assert result.returncode == 0, result.stderr
    assert '"$schema": "https://json-schema.org/draft/2020-12/schema"' in out.read_text(encoding="utf-8")
