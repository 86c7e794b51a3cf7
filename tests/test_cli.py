"""The `coursekit` command as a user meets it: the installed entry point, run as a process."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
COURSEKIT = str(Path(sys.executable).parent / "coursekit")


def coursekit(*args: str, cwd: Path, course: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "COURSEKIT_COURSE"}
    if course is not None:
        env["COURSEKIT_COURSE"] = course
    return subprocess.run([COURSEKIT, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A course with one quiz (mini-quiz), one practice set and one essay in its bank, nothing generated."""
    root = tmp_path_factory.mktemp("cli") / "course"
    bank = root / "assignments" / "bank"
    (bank / "practice").mkdir(parents=True)
    (bank / "essays").mkdir()
    shutil.copy(REPO / "tests" / "fixtures" / "grading-course" / "mini-quiz.yaml", bank)
    shutil.copy(REPO / "assignments" / "bank" / "practice" / "history.yaml", bank / "practice")
    (bank / "essays" / "final-essay.yaml").write_text("id: final-essay\n")
    return root


def commands(cwd: Path) -> list[str]:
    """The command names `coursekit --help` lists."""
    listed = coursekit("--help", cwd=cwd).stdout.split("positional arguments:")[1].split("options:")[0]
    return re.findall(r"^    (\w+)\s", listed, re.M)


def test_coursekit_alone_prints_its_help(tmp_path):
    """Does `coursekit` with no command print the help with every command, and no argparse error?"""
    done = coursekit(cwd=tmp_path)
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith("usage: coursekit") and {"grade", "report", "export"} <= set(commands(tmp_path))


def test_every_positional_argument_is_described(tmp_path):
    """Does every command's --help describe each of its positional arguments (no bare name in the list)?"""
    names = commands(tmp_path)
    assert len(names) >= 12
    bare = []
    for words in [[n] for n in names if n != "export"] + [["export", t] for t in ("canvas", "moodle", "grades")]:
        text = coursekit(*words, "--help", cwd=tmp_path).stdout
        if "positional arguments:" not in text:
            continue
        listed = text.split("positional arguments:")[1].split("options:")[0]
        # argparse puts a described argument's text on its line (or the next, indented further); bare ones stand alone
        entries = re.findall(r"^  (\S+)(.*)\n((?:      +\S.*\n)?)", listed, re.M)
        bare += [f"{' '.join(words)} {name}" for name, rest, more in entries if not rest.strip() and not more]
    assert bare == []


@pytest.mark.parametrize(
    "words",
    [
        ["generate", "mini-quizz"],
        ["release", "mini-quizz"],
        ["rubrics", "mini-quizz"],
        ["collect", "mini-quizz", "download.zip", "--from", "canvas"],
        ["grade", "mini-quizz"],
        ["audit", "mini-quizz"],
        ["answers", "mini-quizz"],
        ["regrade", "mini-quizz", "--dry-run"],
        ["report", "mini-quizz"],
        ["export", "grades", "mini-quizz", "--to", "canvas"],
        ["export", "canvas", "mini-quizz"],
    ],
)
def test_every_command_calls_a_wrong_name_unknown_and_suggests_the_close_one(course, words):
    """Does every command that takes an assignment say a misspelt one is unknown, list the course's assignments and
    suggest the close name, in one line on stderr, without telling the user to grade or release it first?"""
    done = coursekit(*words, cwd=course / "assignments")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("coursekit: unknown assignment 'mini-quizz'") and done.stderr.count("\n") == 1
    assert "Did you mean 'mini-quiz'?" in done.stderr and "first" not in done.stderr


def test_report_nope_says_unknown_and_names_what_there_is(course):
    """Does `coursekit report nope` say nope is unknown and name the course's assignments (not "grade it first")?"""
    done = coursekit("report", "nope", cwd=course)
    assert done.returncode == 1
    assert done.stderr == f"coursekit: unknown assignment 'nope'; the course at {course} has: mini-quiz.\n"


def test_practice_sets_and_essays_are_known_where_a_command_takes_them(course):
    """Are a practice set (export) and an essay id (rubrics) known names, and their misspellings suggested?"""
    done = coursekit("export", "moodle", "practice/histroy", cwd=course)
    assert "unknown assignment 'practice/histroy'" in done.stderr and "Did you mean 'practice/history'?" in done.stderr
    done = coursekit("rubrics", "final-esay", cwd=course)
    assert "Did you mean 'final-essay'?" in done.stderr


def test_a_wrong_coursekit_course_is_named_as_the_cause(course, tmp_path):
    """With COURSEKIT_COURSE pointing nowhere, or at a folder that is no course, does the error name the variable
    (even when the user stands inside a real course)?"""
    missing = str(tmp_path / "no-such-course")
    done = coursekit("report", "mini-quiz", cwd=course, course=missing)
    assert done.returncode == 1
    assert done.stderr.startswith(f"coursekit: COURSEKIT_COURSE={missing} does not exist.")
    done = coursekit("grade", "mini-quiz", cwd=course, course=str(tmp_path))
    assert done.stderr.startswith(f"coursekit: COURSEKIT_COURSE={tmp_path} is not inside a coursekit course")
    assert "Traceback" not in done.stderr
